"""Learning from simulated outcomes, and choosing the scorer that serves."""

from __future__ import annotations

import pandas as pd
import pytest

from matcher.learning import (
    NotEnoughOutcomesError,
    choose_scorer,
    outcome_labels,
    train_scorer,
)
from matcher.matching import Matcher
from matcher.sample import generate_market
from matcher.scoring import LearnedScorer, WeightedScorer
from matcher.simulate import OutcomeSimulator


@pytest.fixture(scope="module")
def logged() -> tuple[Matcher, pd.DataFrame]:
    market = generate_market(1500, seed=11)
    matcher = Matcher.from_tables(market["trainees"], market["postings"],
                                  enterprises=market["enterprises"], courses=market["courses"])
    rows = [(r.posting_id, r.trainee_id, r.rank, 0)
            for pid in market["postings"]["posting_id"]
            for r in matcher.shortlist(pid, k=20)]
    recs = pd.DataFrame(rows, columns=["posting_id", "trainee_id", "rank", "day"])
    log = OutcomeSimulator(market, random_state=2).simulate(recs).log
    return matcher, log


def test_outcome_labels_weigh_interviews_less() -> None:
    log = pd.DataFrame({
        "event": ["recommended", "recommended", "recommended", "interviewed", "hired",
                  "interviewed", "recommended"],
        "posting_id": ["p", "p", "q", "p", "q", "q", "p"],
        "trainee_id": ["a", "b", "c", "b", "c", "c", "a"],
    })
    got = outcome_labels(log).set_index(["posting_id", "trainee_id"])
    assert len(got) == 3  # the repeated recommendation counts once
    assert got.loc[("p", "a")].tolist() == [0, 1.0]
    assert got.loc[("p", "b")].tolist() == [1, 0.3]
    assert got.loc[("q", "c")].tolist() == [1, 1.0]


def test_outcome_labels_need_the_log_columns() -> None:
    with pytest.raises(ValueError, match="needs columns"):
        outcome_labels(pd.DataFrame({"event": []}))


def test_train_scorer_holds_out_postings(logged: tuple[Matcher, pd.DataFrame]) -> None:
    matcher, log = logged
    scorer, metrics = train_scorer(matcher, log)
    assert isinstance(scorer, LearnedScorer)
    assert metrics["postings_train"] > 0 and metrics["postings_test"] > 0
    assert metrics["pairs_train"] + metrics["pairs_test"] == len(outcome_labels(log))
    assert 0.5 < metrics["auc"] <= 1  # it learned something that holds on other postings
    assert 0 <= metrics["auc_weighted"] <= 1 and 0 < metrics["brier"] < 0.25
    assert scorer.metrics_ == metrics


def test_too_few_outcomes_keep_the_weighted_scorer(logged: tuple[Matcher, pd.DataFrame]
                                                   ) -> None:
    matcher, log = logged
    with pytest.raises(NotEnoughOutcomesError, match="hires of recommended trainees logged"):
        train_scorer(matcher, log, min_hires=10**6)


def test_choose_scorer_explains_its_choice(logged: tuple[Matcher, pd.DataFrame]) -> None:
    matcher, log = logged
    assert isinstance(choose_scorer(None).scorer, WeightedScorer)
    scorer, metrics = train_scorer(matcher, log)
    choice = choose_scorer(scorer)
    if metrics["auc"] > metrics["auc_weighted"]:
        assert choice.scorer is scorer and "held-out AUC" in choice.reason_en
    else:
        assert isinstance(choice.scorer, WeightedScorer) and "does not beat" in choice.reason_en
    # the judged model's evaluation stays readable whichever scorer serves (GET /model)
    assert choice.candidate is scorer and choose_scorer(None).candidate is None
    scorer.metrics_ = {**metrics, "auc": 0.99, "auc_weighted": 0.6}
    assert choose_scorer(scorer).scorer is scorer
    scorer.metrics_ = {**metrics, "hires": 3}
    assert "fewer than" in choose_scorer(scorer).reason_en
