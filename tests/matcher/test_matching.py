"""The matching engine on a hand-made market: retrieval, filters, scores, reasons, updates."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from matcher.features import FEATURES
from matcher.matching import Filters, Matcher, UnknownIdError
from matcher.scoring import WeightedScorer
from tests.matcher.market import COURSES, ENTERPRISES, POSTINGS, TRAINEES


@pytest.fixture
def matcher() -> Matcher:
    return Matcher.from_tables(TRAINEES, POSTINGS, enterprises=ENTERPRISES, courses=COURSES)


def ids(recs: list) -> list[str]:
    return [r.trainee_id for r in recs]


def test_shortlist_ranks_the_best_fit_first(matcher: Matcher) -> None:
    recs = matcher.shortlist("P1", k=10)
    # T3 is placed, T4 not willing to work in 达川区, T2 below the 中级 minimum.
    assert ids(recs) == ["T1"]
    best = recs[0]
    assert best.rank == 1
    assert "持焊工四级/中级工证书，与岗位职业一致" in best.reasons
    assert "具备优先条件：氩弧焊" in best.reasons
    assert "本企业订单班学员" in best.reasons


def test_level_tolerance_lets_one_rank_short_through_with_a_gap(matcher: Matcher) -> None:
    recs = matcher.shortlist("P1", k=10, filters=Filters(level_tolerance=1))
    assert ids(recs) == ["T1", "T2"]
    assert "等级低于要求 1 级（要求中级工）" in recs[1].gaps
    assert recs[1].score < recs[0].score


def test_area_willingness_can_be_relaxed(matcher: Matcher) -> None:
    recs = matcher.shortlist("P1", k=10, filters=Filters(require_area=False))
    assert set(ids(recs)) == {"T1", "T4"}
    t4 = next(r for r in recs if r.trainee_id == "T4")
    assert "未将达川区列为意向地区" in t4.gaps
    assert any("公里" in reason for reason in t4.reasons)


def test_unconsented_trainees_are_never_shortlisted_by_default(matcher: Matcher) -> None:
    assert ids(matcher.shortlist("P2", k=10)) == []
    recs = matcher.shortlist("P2", k=10, filters=Filters(include_unconsented=True))
    assert ids(recs) == ["T5"]
    assert "具备证书：低压电工作业" in recs[0].reasons


def test_contributions_sum_to_the_score(matcher: Matcher) -> None:
    recs = matcher.shortlist("P1", k=10, filters=Filters(level_tolerance=7,
                                                           require_area=False))
    assert len(recs) == 3
    for r in recs:
        assert set(r.contributions) == set(FEATURES)
        assert sum(r.contributions.values()) == pytest.approx(r.score)
        assert 0 <= r.score <= 100
    assert [r.score for r in recs] == sorted((r.score for r in recs), reverse=True)


def test_suggest_finds_open_postings_for_a_trainee(matcher: Matcher) -> None:
    recs = matcher.suggest("T1", k=5)
    assert [r.posting_id for r in recs] == ["P1"]
    assert recs[0].trainee_id == "T1"


def test_suggest_shows_the_level_gap(matcher: Matcher) -> None:
    recs = matcher.suggest("T6", k=5, filters=Filters(level_tolerance=1))
    assert recs[0].posting_id == "P3"
    assert "等级低于要求 1 级（要求高级工）" in recs[0].gaps
    assert matcher.suggest("T6", k=5) == []


def test_removed_trainees_and_postings_disappear(matcher: Matcher) -> None:
    assert matcher.remove_trainees(["T1", "nobody"]) == 1
    assert "T1" not in ids(matcher.shortlist("P1", k=10, filters=Filters(level_tolerance=1)))
    with pytest.raises(UnknownIdError, match="no trainee with id 'T1'"):
        matcher.suggest("T1")
    matcher.remove_postings(["P1"])
    with pytest.raises(UnknownIdError, match="no posting with id 'P1'"):
        matcher.shortlist("P1")


def test_adding_a_trainee_needs_no_rebuild(matcher: Matcher) -> None:
    new = TRAINEES.iloc[[0]].assign(trainee_id="T9", certificates="焊工 三级/高级工",
                                    skills="会氩弧焊")
    matcher.add_trainees(new, COURSES)
    assert ids(matcher.shortlist("P1", k=10)) == ["T1", "T9"]
    assert matcher.suggest("T9", k=1)[0].posting_id == "P1"


def test_replacing_a_trainee_uses_the_new_row(matcher: Matcher) -> None:
    changed = TRAINEES.iloc[[0]].assign(status="placed")
    matcher.add_trainees(changed, COURSES)
    assert "T1" not in ids(matcher.shortlist("P1", k=10))
    assert len(matcher.trainees) == len(TRAINEES)


def test_replacing_a_posting_rereads_its_text(matcher: Matcher) -> None:
    changed = POSTINGS.iloc[[0]].assign(title="电工", requirements="持低压电工证")
    matcher.add_postings(changed, ENTERPRISES)
    recs = matcher.shortlist("P1", k=10, filters=Filters(include_unconsented=True))
    assert ids(recs) == ["T5"]


@pytest.mark.parametrize("k", [0, -1, 2.5, True], ids=["zero", "negative", "float", "bool"])
def test_k_must_be_a_positive_integer(matcher: Matcher, k: object) -> None:
    with pytest.raises(ValueError, match="k must be a positive integer"):
        matcher.shortlist("P1", k=k)  # type: ignore[arg-type]


def test_filters_validate_their_tolerance() -> None:
    with pytest.raises(ValueError, match="level_tolerance"):
        Filters(level_tolerance=9)


def test_area_filter_restricts_candidates(matcher: Matcher) -> None:
    filters = Filters(level_tolerance=7, require_area=False, areas=("万源市",))
    assert ids(matcher.shortlist("P1", k=10, filters=filters)) == ["T4"]


def test_min_score_drops_weak_results(matcher: Matcher) -> None:
    loose = Filters(level_tolerance=7, require_area=False)
    scores = [r.score for r in matcher.shortlist("P1", k=10, filters=loose)]
    cut = Filters(level_tolerance=7, require_area=False, min_score=float(np.median(scores)))
    assert len(matcher.shortlist("P1", k=10, filters=cut)) < len(scores)


def test_weights_change_the_order(matcher: Matcher) -> None:
    loose = Filters(level_tolerance=7, require_area=False)
    by_distance = matcher.with_scorer(WeightedScorer({"distance": 1}))
    first = by_distance.shortlist("P1", k=1, filters=loose)[0]
    assert first.trainee_id in {"T1", "T2"}  # 达川区 and 通川区 are next to the posting
    assert first.contributions["distance"] == pytest.approx(first.score)


def test_no_protected_attributes_reach_the_features() -> None:
    market = TRAINEES.assign(gender="女", age=30, ethnicity="汉", origin="四川")
    m = Matcher.from_tables(market, POSTINGS, enterprises=ENTERPRISES, courses=COURSES)
    plain = Matcher.from_tables(TRAINEES, POSTINGS, enterprises=ENTERPRISES, courses=COURSES)
    got = m.pair_features(["P1"] * 6, list(TRAINEES["trainee_id"])).values
    want = plain.pair_features(["P1"] * 6, list(TRAINEES["trainee_id"])).values
    assert np.array_equal(got, want)


def test_unknown_posting_text_gives_no_candidates_not_an_error() -> None:
    odd = POSTINGS.iloc[[0]].assign(posting_id="PX", title="???", requirements="")
    m = Matcher.from_tables(TRAINEES, pd.concat([POSTINGS, odd]), enterprises=ENTERPRISES,
                            courses=COURSES)
    assert m.shortlist("PX", k=5) == []
