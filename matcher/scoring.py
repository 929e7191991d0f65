"""Scorers: a transparent weighted score and a model learned from outcomes.

A scorer turns a :class:`~matcher.features.FeatureTable` into scores 0–100 and, for
every pair, per-term contributions that sum to the score — the parts a counselor
reads as reasons. :class:`WeightedScorer` is the documented cold-start default;
:class:`LearnedScorer` is a scikit-learn classifier (logistic regression, then Platt
calibration on held-out postings) trained on logged outcomes, whose score is the
calibrated probability of a hire × 100.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupShuffleSplit
from sklearn.utils.validation import check_is_fitted

from matcher.errors import MatcherError
from matcher.features import FEATURES, FeatureTable

__all__ = ["DEFAULT_WEIGHTS", "FEATURE_LABELS", "LearnedScorer", "Scored", "Scorer",
           "WeightedScorer"]

#: Points each feature can add to the cold-start score (they sum to 100). Occupation and
#: level carry most because the plan measures placements *matching the training*;
#: required skills and permits next (a missing permit is a legal bar for some jobs);
#: distance, willingness, wage, order-based training, recency and industry break ties.
DEFAULT_WEIGHTS: Mapping[str, float] = {
    "occupation": 30, "level": 15, "skills": 12, "permits": 10, "preferred": 5,
    "distance": 8, "area": 5, "wage": 5, "order": 4, "recency": 3, "industry": 3,
}
#: How each contribution is labelled for a person.
FEATURE_LABELS: Mapping[str, str] = {
    "occupation": "职业匹配", "level": "技能等级", "skills": "必备技能", "permits": "必备证书",
    "preferred": "优先条件", "distance": "距离", "area": "意向地区", "wage": "薪资",
    "order": "订单培养", "recency": "毕业时间", "industry": "产业方向", "baseline": "基准",
}
MODEL_VERSION = 1


@dataclass(frozen=True)
class Scored:
    """Scores (n,) and contributions (n, len(terms)); each row of parts sums to its score."""

    scores: np.ndarray
    contributions: np.ndarray
    terms: tuple[str, ...]


class Scorer(Protocol):
    """Anything that scores feature tables 0–100 with contributions that sum to the score.

    A scorer may also offer ``score_bound(high)``: the highest score any pair can reach
    whose features (in :data:`~matcher.features.FEATURES` order, each 0–1) are at most
    ``high`` (the last axis; one bound per row of a 2-D ``high``). The matcher then
    leaves out candidates that cannot reach the current ``k``-th best score; without
    it, it scores every candidate. Both give the same results.
    """

    @property
    def name(self) -> str: ...

    def score_pairs(self, features: FeatureTable) -> Scored: ...


@dataclass(frozen=True)
class WeightedScorer:
    """The transparent default: a weighted sum of the features, 0–100.

    Examples
    --------
    >>> scorer = WeightedScorer()
    >>> sum(scorer.weights.values())
    100.0
    """

    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    name: str = "weighted"

    def __post_init__(self) -> None:
        unknown = set(self.weights) - set(FEATURES)
        if unknown:
            raise ValueError(f"unknown features in weights: {sorted(unknown)}")
        if any(w < 0 for w in self.weights.values()) or sum(self.weights.values()) <= 0:
            raise ValueError("weights must be non-negative and not all zero")
        total = sum(self.weights.values())
        object.__setattr__(self, "weights", {f: 100 * self.weights.get(f, 0) / total
                                             for f in FEATURES})

    def score_pairs(self, features: FeatureTable) -> Scored:
        w = np.array([self.weights[f] for f in FEATURES], dtype=np.float64)
        parts = features.values.astype(np.float64) * w
        return Scored(parts.sum(axis=1), parts, FEATURES)

    def score_bound(self, high: np.ndarray) -> np.ndarray:
        """The highest score of a pair whose features are at most ``high`` (… × n_features).

        Examples
        --------
        >>> high = np.ones(len(FEATURES))
        >>> high[FEATURES.index("occupation")] = 0.6
        >>> round(float(WeightedScorer().score_bound(high)), 6)
        88.0
        """
        w = np.array([self.weights[f] for f in FEATURES], dtype=np.float64)
        return np.asarray(np.clip(np.asarray(high, dtype=np.float64), 0, 1) @ w)


class LearnedScorer(ClassifierMixin, BaseEstimator):
    """Logistic regression on the pair features, Platt-calibrated on held-out postings.

    Parameters
    ----------
    C : float
        Inverse regularization strength of the logistic regression.
    calibration_size : float
        Share of the training postings held out to calibrate the probabilities.
    random_state : int or None
        Seeds the split.

    Attributes
    ----------
    coef_, intercept_ : the calibrated model in feature space (``p = σ(x·coef_ + b)``)
    mean_ : feature means of the training pairs (the baseline of contributions)
    classes_ : ``[0, 1]``
    metrics_ : filled by :func:`matcher.learning.train_scorer` (AUC, log loss …)
    """

    name = "learned"

    def __init__(self, C: float = 1.0, calibration_size: float = 0.25,
                 random_state: int | None = None) -> None:
        self.C = C
        self.calibration_size = calibration_size
        self.random_state = random_state

    def fit(self, X: np.ndarray | FeatureTable, y: np.ndarray,
            sample_weight: np.ndarray | None = None, groups: np.ndarray | None = None
            ) -> LearnedScorer:
        """Fit on pair features ``X`` and outcomes ``y`` (1 hired/interviewed, 0 not).

        ``groups`` (the posting of each pair) keeps every posting's pairs on one side
        of the fit/calibration split.
        """
        X = _matrix(X)
        y = np.asarray(y, dtype=int)
        if X.shape[0] != len(y):
            raise ValueError(f"{X.shape[0]} rows of features but {len(y)} outcomes")
        if len(np.unique(y)) < 2:
            raise ValueError("outcomes need both positives and negatives to learn from")
        weight = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, float)
        groups = np.arange(len(y)) if groups is None else np.asarray(groups)
        fit_idx = cal_idx = np.arange(len(y))
        if len(np.unique(groups)) > 1:  # one posting's pairs cannot be split by posting
            split = GroupShuffleSplit(n_splits=1, test_size=self.calibration_size,
                                      random_state=self.random_state)
            fit_idx, cal_idx = next(split.split(X, y, groups))
        if len(np.unique(y[cal_idx])) < 2 or len(np.unique(y[fit_idx])) < 2:
            fit_idx = cal_idx = np.arange(len(y))  # too few outcomes to hold any out
        self.mean_ = X[fit_idx].mean(axis=0)
        scale = X[fit_idx].std(axis=0)
        scale[scale == 0] = 1.0
        model = LogisticRegression(C=self.C, max_iter=1000)
        model.fit((X[fit_idx] - self.mean_) / scale, y[fit_idx], sample_weight=weight[fit_idx])
        w = model.coef_[0] / scale
        b = float(model.intercept_[0] - (self.mean_ * w).sum())
        z = X[cal_idx] @ w + b
        platt = LogisticRegression(C=1e6, max_iter=1000)
        platt.fit(z.reshape(-1, 1), y[cal_idx], sample_weight=weight[cal_idx])
        a, c = float(platt.coef_[0, 0]), float(platt.intercept_[0])
        self.coef_ = (a * w).astype(np.float64)
        self.intercept_ = a * b + c
        self.classes_ = np.array([0, 1])
        self.n_features_in_ = X.shape[1]
        self.metrics_: dict[str, Any] = {}
        return self

    def decision_function(self, X: np.ndarray | FeatureTable) -> np.ndarray:
        check_is_fitted(self, "coef_")
        # Summed row by row, not by a BLAS matrix product, whose last digit depends on
        # which other rows are in X: a pair scores the same whoever it is scored with.
        return (_matrix(X) * self.coef_).sum(axis=1) + self.intercept_

    def predict_proba(self, X: np.ndarray | FeatureTable) -> np.ndarray:
        p = 1 / (1 + np.exp(-self.decision_function(X)))
        return np.column_stack([1 - p, p])

    def predict(self, X: np.ndarray | FeatureTable) -> np.ndarray:
        return (self.decision_function(X) > 0).astype(int)

    def score_pairs(self, features: FeatureTable) -> Scored:
        """Probability × 100, split into a baseline and per-feature parts."""
        X = _matrix(features)
        z = self.decision_function(X)
        z0 = float(self.mean_ @ self.coef_ + self.intercept_)
        p, p0 = 100 / (1 + np.exp(-z)), 100 / (1 + math.exp(-z0))
        logit_parts = (X - self.mean_) * self.coef_
        delta = z - z0
        share = np.divide(logit_parts, delta[:, None], out=np.zeros_like(logit_parts),
                          where=np.abs(delta[:, None]) > 1e-9)
        parts = share * (p - p0)[:, None]
        parts = np.column_stack([np.full(len(p), p0), parts])
        return Scored(p, parts, ("baseline", *FEATURES))

    def score_bound(self, high: np.ndarray) -> np.ndarray:
        """The highest score of a pair whose features are at most ``high`` (… × n_features).

        The probability rises with the logit, and each feature's part of the logit is
        largest at 0 or at its ceiling, whichever its coefficient favours.
        """
        check_is_fitted(self, "coef_")
        high = np.clip(np.asarray(high, dtype=np.float64), 0, 1)
        z = np.maximum(self.coef_ * high, 0).sum(axis=-1) + self.intercept_
        return np.asarray(100 / (1 + np.exp(-np.maximum(z, -700.0))))

    def to_dict(self) -> dict[str, Any]:
        check_is_fitted(self, "coef_")
        return {"model": "LearnedScorer", "version": MODEL_VERSION, "features": list(FEATURES),
                "params": self.get_params(), "coef": self.coef_.tolist(),
                "intercept": self.intercept_, "mean": self.mean_.tolist(),
                "metrics": self.metrics_}

    def save(self, path: str | Path) -> None:
        """Write the model as JSON (readable, no pickle) with its version and metrics."""
        Path(path).write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=1),
                              encoding="utf-8")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LearnedScorer:
        if data.get("model") != "LearnedScorer" or data.get("version") != MODEL_VERSION:
            raise MatcherError(f"not a LearnedScorer of version {MODEL_VERSION}")
        if list(data.get("features", [])) != list(FEATURES):
            raise MatcherError("the model was trained on other features than these")
        scorer = cls(**data.get("params", {}))
        scorer.coef_ = np.asarray(data["coef"], dtype=np.float64)
        scorer.intercept_ = float(data["intercept"])
        scorer.mean_ = np.asarray(data["mean"], dtype=np.float64)
        scorer.classes_ = np.array([0, 1])
        scorer.n_features_in_ = len(FEATURES)
        scorer.metrics_ = dict(data.get("metrics", {}))
        return scorer

    @classmethod
    def load(cls, path: str | Path) -> LearnedScorer:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise MatcherError(f"cannot read a model from {path}: {exc}") from exc
        return cls.from_dict(data)


def _matrix(X: np.ndarray | FeatureTable) -> np.ndarray:
    values = X.values if isinstance(X, FeatureTable) else np.asarray(X)
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 2 or values.shape[1] != len(FEATURES):
        raise ValueError(f"features must be n × {len(FEATURES)} ({', '.join(FEATURES)})")
    return values
