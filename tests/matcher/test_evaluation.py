"""Ranking metrics against hand-computed cases and scikit-learn's implementations."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import ndcg_score, roc_auc_score

from matcher.evaluation import (
    average_precision,
    catalogue_coverage,
    mean_reciprocal_rank,
    ndcg_at_k,
    precision_at_k,
    recall_at_k,
    roc_auc,
)

RANKINGS = {"p1": ["a", "b", "c", "d"], "p2": ["x", "y"], "p3": ["m"]}
RELEVANCE = {"p1": {"b": 1, "d": 1}, "p2": {"x": 1}, "p3": {}}


@pytest.mark.parametrize(
    ("metric", "expected"),
    [
        (lambda: precision_at_k(RANKINGS, RELEVANCE, 2), (0.5 + 0.5) / 2),
        (lambda: recall_at_k(RANKINGS, RELEVANCE, 2), (0.5 + 1.0) / 2),
        (lambda: mean_reciprocal_rank(RANKINGS, RELEVANCE), (0.5 + 1.0) / 2),
        (lambda: average_precision(RANKINGS, RELEVANCE), ((1 / 2 + 2 / 4) / 2 + 1.0) / 2),
        (lambda: catalogue_coverage(RANKINGS, 10, k=1), 3 / 10),
        (lambda: catalogue_coverage(RANKINGS, 10), 7 / 10),
    ],
    ids=["precision", "recall", "mrr", "map", "coverage-k", "coverage-all"],
)
def test_hand_computed(metric, expected: float) -> None:
    assert metric() == pytest.approx(expected)


def test_queries_without_relevant_items_are_skipped() -> None:
    assert precision_at_k({"q": ["a"]}, {"q": {}}, 1) == 0.0
    assert ndcg_at_k({"q": ["a"]}, {}, 1) == 0.0


def test_ndcg_matches_scikit_learn() -> None:
    rng = np.random.default_rng(0)
    for _ in range(20):
        gains = rng.integers(0, 3, size=12).astype(float)
        if gains.sum() == 0:
            continue
        scores = rng.random(12)
        order = np.argsort(-scores)
        items = [str(i) for i in range(12)]
        ours = ndcg_at_k({"q": [items[i] for i in order]},
                         {"q": {items[i]: gains[i] for i in range(12)}}, k=5)
        assert ours == pytest.approx(ndcg_score([gains], [scores], k=5))


def test_auc_matches_scikit_learn_with_ties() -> None:
    rng = np.random.default_rng(1)
    scores = rng.integers(0, 5, size=200).astype(float)
    labels = (rng.random(200) < 0.3).astype(int)
    assert roc_auc(list(scores), list(labels)) == pytest.approx(roc_auc_score(labels, scores))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: precision_at_k(RANKINGS, RELEVANCE, 0), "k must be a positive integer"),
        (lambda: roc_auc([0.1, 0.2], [1, 1]), "both positive and negative"),
        (lambda: roc_auc([0.1], [1, 0]), "1 scores but 2 labels"),
        (lambda: catalogue_coverage(RANKINGS, 0), "catalogue_size must be positive"),
    ],
    ids=["k-zero", "one-class", "lengths", "empty-catalogue"],
)
def test_bad_arguments(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


def test_an_unranked_query_counts_as_a_miss() -> None:
    relevance = {"p1": {"a": 1}, "p2": {"b": 1}}
    assert recall_at_k({"p1": ["a"]}, relevance, k=1) == pytest.approx(0.5)
    assert mean_reciprocal_rank({"p1": ["a"]}, relevance) == pytest.approx(0.5)


def test_an_item_listed_twice_counts_once() -> None:
    assert ndcg_at_k({"q": ["a", "a"]}, {"q": {"a": 1}}, k=2) == pytest.approx(1.0)
    assert precision_at_k({"q": ["a", "a"]}, {"q": {"a": 1}}, k=2) == pytest.approx(0.5)
