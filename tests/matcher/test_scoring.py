"""Scorers: the weighted default and the learned model, their contributions and I/O."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from matcher.errors import MatcherError
from matcher.features import FEATURES, FeatureTable
from matcher.scoring import DEFAULT_WEIGHTS, LearnedScorer, WeightedScorer


def table(values: np.ndarray) -> FeatureTable:
    n = len(values)
    return FeatureTable(np.zeros(n, int), np.arange(n), values.astype(np.float32),
                        np.zeros(n, np.float32), np.zeros(n, np.float32), np.zeros(n, int))


def synthetic(n: int = 3000, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Outcomes that truly depend on occupation and level, plus noise."""
    rng = np.random.default_rng(seed)
    X = rng.random((n, len(FEATURES)))
    logit = -3 + 4 * X[:, 0] + 2 * X[:, 1]
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    groups = rng.integers(0, 200, n)
    return X, y, groups


def test_default_weights_are_documented_and_sum_to_100() -> None:
    assert set(DEFAULT_WEIGHTS) == set(FEATURES)
    assert sum(DEFAULT_WEIGHTS.values()) == 100


def test_weighted_score_is_the_sum_of_its_parts() -> None:
    values = np.random.default_rng(1).random((50, len(FEATURES)))
    scored = WeightedScorer().score_pairs(table(values))
    assert np.allclose(scored.contributions.sum(axis=1), scored.scores)
    assert scored.scores.max() <= 100 and scored.scores.min() >= 0
    perfect = WeightedScorer().score_pairs(table(np.ones((1, len(FEATURES)))))
    assert perfect.scores[0] == pytest.approx(100)


@pytest.mark.parametrize(
    ("weights", "message"),
    [({"gender": 1}, "unknown features"), ({"occupation": -1}, "non-negative"),
     ({"occupation": 0}, "not all zero")],
    ids=["unknown", "negative", "zero"],
)
def test_weights_are_checked(weights: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        WeightedScorer(weights)


def test_learned_scorer_learns_what_matters_and_is_calibrated() -> None:
    X, y, groups = synthetic()
    scorer = LearnedScorer(random_state=0).fit(X, y, groups=groups)
    coef = dict(zip(FEATURES, scorer.coef_, strict=True))
    assert coef["occupation"] > 2 and coef["level"] > 1
    assert abs(coef["wage"]) < 1
    X_test, y_test, _ = synthetic(seed=1)
    p = scorer.predict_proba(X_test)[:, 1]
    for low, high in [(0.0, 0.2), (0.2, 0.5), (0.5, 1.0)]:
        band = (p >= low) & (p < high)
        assert low - 0.07 <= y_test[band].mean() <= high + 0.07


def test_learned_contributions_sum_to_the_score() -> None:
    X, y, groups = synthetic()
    scorer = LearnedScorer(random_state=0).fit(X, y, groups=groups)
    scored = scorer.score_pairs(table(X[:100]))
    assert scored.terms[0] == "baseline"
    assert np.allclose(scored.contributions.sum(axis=1), scored.scores)
    assert np.allclose(scored.scores, 100 * scorer.predict_proba(X[:100])[:, 1])


def test_learned_scorer_round_trips_through_json(tmp_path: Path) -> None:
    X, y, groups = synthetic()
    scorer = LearnedScorer(C=0.5, random_state=0).fit(X, y, groups=groups)
    scorer.metrics_ = {"auc": 0.7}
    path = tmp_path / "model.json"
    scorer.save(path)
    loaded = LearnedScorer.load(path)
    assert np.allclose(loaded.predict_proba(X), scorer.predict_proba(X))
    assert loaded.metrics_ == {"auc": 0.7} and loaded.C == 0.5


@pytest.mark.parametrize(
    ("content", "message"),
    [("not json", "cannot read a model"), ('{"model": "Other"}', "not a LearnedScorer"),
     ('{"model": "LearnedScorer", "version": 1, "features": ["a"]}', "other features")],
    ids=["garbage", "other-model", "other-features"],
)
def test_loading_a_bad_model_says_why(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "model.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(MatcherError, match=message):
        LearnedScorer.load(path)


@pytest.mark.parametrize(
    ("X", "y", "message"),
    [(np.zeros((4, len(FEATURES))), np.zeros(4), "both positives and negatives"),
     (np.zeros((4, 3)), np.array([0, 1, 0, 1]), "features must be"),
     (np.zeros((4, len(FEATURES))), np.array([0, 1]), "4 rows of features but 2")],
    ids=["one-class", "wrong-width", "lengths"],
)
def test_fit_rejects_bad_training_data(X: np.ndarray, y: np.ndarray, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        LearnedScorer().fit(X, y)


def test_unfitted_scorer_says_so() -> None:
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        LearnedScorer().predict_proba(np.zeros((1, len(FEATURES))))
