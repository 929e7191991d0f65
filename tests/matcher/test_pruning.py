"""Pruned shortlists (occupation blocks, score ceilings) equal scoring every candidate."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from matcher.features import FEATURES, FeatureTable
from matcher.matching import Filters, Matcher, Recommendation
from matcher.sample import generate_market
from matcher.scoring import LearnedScorer, Scored, Scorer, WeightedScorer

LEARNED = {"occupation": 3.0, "level": 1.5, "skills": 1.0, "permits": 0.8, "preferred": 0.3,
           "distance": -0.4, "area": 0.6, "wage": 0.5, "order": 0.9, "recency": 0.2,
           "industry": -0.3}
FILTERS = [Filters(), Filters(level_tolerance=2), Filters(require_area=False),
           Filters(include_unconsented=True, min_score=40),
           Filters(areas=("通川区", "达川区"), level_tolerance=1),
           Filters(min_score=99.5)]
FILTER_IDS = ["default", "tolerance", "any-area", "unconsented-min-score", "areas",
              "min-score-high"]


class Unbounded:
    """The same scorer without ``score_bound``: the matcher scores every candidate."""

    def __init__(self, scorer: Scorer) -> None:
        self.scorer = scorer

    @property
    def name(self) -> str:
        return self.scorer.name

    def score_pairs(self, features: FeatureTable) -> Scored:
        return self.scorer.score_pairs(features)


def learned(coefficients: dict[str, float]) -> LearnedScorer:
    return LearnedScorer.from_dict({
        "model": "LearnedScorer", "version": 1, "features": list(FEATURES), "params": {},
        "coef": [coefficients[f] for f in FEATURES], "intercept": -4.0,
        "mean": [0.5] * len(FEATURES), "metrics": {}})


@pytest.fixture(scope="module")
def market() -> dict[str, pd.DataFrame]:
    return generate_market(3000, seed=41)


@pytest.fixture(scope="module")
def matcher(market: dict[str, pd.DataFrame]) -> Matcher:
    return Matcher.from_tables(market["trainees"], market["postings"],
                               enterprises=market["enterprises"], courses=market["courses"])


def same_as_scoring_everyone(m: Matcher, scorer: Scorer, postings: list[str], k: int,
                             filters: Filters) -> list[list[Recommendation]]:
    pruned = m.with_scorer(scorer)
    everyone = m.with_scorer(Unbounded(scorer))
    got = [pruned.shortlist(p, k=k, filters=filters) for p in postings]
    want = [everyone.shortlist(p, k=k, filters=filters) for p in postings]
    assert got == want
    return got


@pytest.mark.parametrize("filters", FILTERS, ids=FILTER_IDS)
@pytest.mark.parametrize("scorer", [WeightedScorer(), learned(LEARNED),
                                    learned({**LEARNED, "occupation": -1.0})],
                         ids=["weighted", "learned", "learned-against-occupation"])
def test_pruned_shortlists_equal_scoring_everyone(matcher: Matcher, scorer: Scorer,
                                                  filters: Filters) -> None:
    postings = [str(p) for p in matcher.postings.ids[matcher.postings.active]]
    results = same_as_scoring_everyone(matcher, scorer, postings, 10, filters)
    if filters == Filters():
        assert sum(map(len, results)) > 5 * len(postings)


@pytest.mark.parametrize("k", [1, 3, 50])
def test_pruning_holds_for_any_k(matcher: Matcher, k: int) -> None:
    postings = [str(p) for p in matcher.postings.ids[:60]]
    results = same_as_scoring_everyone(matcher, WeightedScorer(), postings, k, Filters())
    assert all(len(r) <= k for r in results) and any(len(r) == k for r in results)


def test_ties_go_to_the_earlier_row(matcher: Matcher) -> None:
    tied = 0
    for p in matcher.postings.ids[:80]:
        recs = matcher.shortlist(str(p), k=5)
        rows = [matcher.trainees.row_of[r.trainee_id] for r in recs]
        for i in range(1, len(recs)):
            assert recs[i - 1].score >= recs[i].score
            if recs[i - 1].score == recs[i].score:
                tied += 1
                assert rows[i - 1] < rows[i]
    assert tied > 0  # the market has ties to break


def test_updates_join_the_blocks_without_a_rebuild(market: dict[str, pd.DataFrame]) -> None:
    trainees = market["trainees"]
    m = Matcher.from_tables(trainees.iloc[:2000], market["postings"],
                            enterprises=market["enterprises"], courses=market["courses"])
    m.add_trainees(trainees.iloc[2000:], market["courses"])
    changed = trainees.iloc[:300].assign(status="seeking", consent=True)
    m.add_trainees(changed, market["courses"])  # replaced: their old rows leave
    removed = list(trainees["trainee_id"].iloc[300:600])
    m.remove_trainees(removed)
    postings = [str(p) for p in m.postings.ids[m.postings.active]]
    results = same_as_scoring_everyone(m, WeightedScorer(), postings, 10, Filters())
    shown = {r.trainee_id for recs in results for r in recs}
    assert not shown & set(removed)
    assert shown & set(changed["trainee_id"])
    whole = Matcher.from_tables(pd.concat([trainees.iloc[600:], changed]), market["postings"],
                                enterprises=market["enterprises"], courses=market["courses"])
    assert [[(r.trainee_id, r.score) for r in recs] for recs in results] == \
        [[(r.trainee_id, r.score) for r in whole.shortlist(p, k=10)] for p in postings]


@pytest.mark.parametrize("scorer", [WeightedScorer(), learned(LEARNED)],
                         ids=["weighted", "learned"])
def test_score_bound_is_never_below_a_score(scorer: WeightedScorer | LearnedScorer) -> None:
    rng = np.random.default_rng(3)
    high = rng.random((500, len(FEATURES)))
    high[:100] = 1.0
    values = (high * rng.random(high.shape)).astype(np.float32)
    n = len(values)
    table = FeatureTable(np.zeros(n, int), np.arange(n), values, np.zeros(n, np.float32),
                         np.zeros(n, np.float32), np.zeros(n, int))
    bound = scorer.score_bound(high)
    assert bound.shape == (n,)
    assert (scorer.score_pairs(table).scores <= bound + 1e-9).all()
    assert np.allclose(bound[:100], scorer.score_bound(np.ones(len(FEATURES))))


@pytest.mark.parametrize("filters", FILTERS, ids=FILTER_IDS)
@pytest.mark.parametrize("k", [1, 10])
def test_ceilings_keep_the_best_holders_of_the_occupations(matcher: Matcher, filters: Filters,
                                                           k: int) -> None:
    # Each stage alone (trainees holding the posting's occupation; then those holding
    # any occupation retrieved with it), whether or not the shortlist then needs the
    # others: every posting exercises them.
    scorer = WeightedScorer()
    m = matcher.with_scorer(scorer)
    compared = stages = 0
    for p in np.flatnonzero(m.postings.active).tolist():
        occupation = int(m.postings.occupation[p])
        if occupation < 0:
            continue
        for held, _ in list(m._tiers(occupation)):
            holders = m.trainees.by_occupation.rows(held.tolist())
            # others = -inf: the stage ranks its holders whatever anyone else could score
            got = m._rank_holders(p, occupation, held, k, filters, scorer.score_bound,
                                  -np.inf)
            assert got is not None
            want = m._rank_trainees(p, holders, k, filters)
            assert got.features.trainee[got.order].tolist() == \
                want.features.trainee[want.order].tolist()
            assert got.scored.scores[got.order].tolist() == \
                want.scored.scores[want.order].tolist()
            compared += len(want.order)
            stages += len(held) > 1
    assert compared > 0 and stages > 0
