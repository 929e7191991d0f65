"""Hire probabilities learned from logged outcomes, for allocation.

A matcher score (0–100) ranks candidates but is not a probability: ``score / 100``
overstates hires several-fold. Two calibrations fitted on recommendations whose
outcomes were logged in an *earlier* period:

- :class:`ScoreCalibrator`: isotonic regression of hired on the score alone, a
  monotone map score → P(hire);
- :class:`ExposureModel`: logistic regression of hired on the score, the position in
  the list and the number of lists the trainee was on (``log`` of both), so the
  probability also says how a hire depends on *where* and *how often* a trainee is
  shown. It is the model :func:`matcher.allocation_exposure.optimize_exposure`
  plans with: lower down a list, and on more lists at once, each recommendation
  converts less (position bias; limited attention, as in Su, Bayoumi & Joachims,
  "Optimizing Rankings for Recommendation in Matching Markets", WWW 2022).

Both follow scikit-learn conventions: the constructor only stores keyword arguments,
``fit`` validates and returns ``self``, learned state ends in ``_``.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted

__all__ = ["ExposureModel", "ScoreCalibrator"]

#: Probabilities are kept in [_FLOOR, 1 − _FLOOR]: a listed pair is never certain or
#: worthless, so products of (1 − p) stay informative.
_FLOOR = 1e-6


def _labels(hired: np.ndarray, size: int) -> np.ndarray:
    y = np.asarray(hired)
    if y.ndim != 1 or len(y) != size:
        raise ValueError(f"hired must be 1-D with {size} entries, got shape {y.shape}")
    if y.dtype.kind == "f":
        if not np.isin(y, (0.0, 1.0)).all():
            raise ValueError("hired must be 0/1 or booleans")
        y = y.astype(np.int64)
    elif y.dtype == bool or y.dtype.kind in "iu":
        if not np.isin(y, (0, 1)).all():
            raise ValueError("hired must be 0/1 or booleans")
    else:
        raise ValueError(f"hired must be 0/1 or booleans, got dtype {y.dtype}")
    if len(np.unique(y)) < 2:
        raise ValueError("hired needs both outcomes (some hires and some non-hires)")
    return y.astype(np.int64)


def _scores(score: np.ndarray) -> np.ndarray:
    s = np.asarray(score, dtype=float)
    if s.ndim != 1 or not np.isfinite(s).all() or (s < 0).any():
        raise ValueError("scores must be a 1-D array of finite numbers ≥ 0")
    return s


def _positive(value: np.ndarray, what: str, size: int) -> np.ndarray:
    a = np.asarray(value, dtype=float)
    if a.ndim != 1 or len(a) != size or not np.isfinite(a).all() or (a < 1).any():
        raise ValueError(f"{what} must be a 1-D array of {size} numbers ≥ 1")
    return a


class ScoreCalibrator(BaseEstimator):
    """Isotonic map from a score to the probability of a hire.

    Examples
    --------
    >>> import numpy as np
    >>> score = np.array([10, 20, 30, 40, 50, 60, 70, 80])
    >>> hired = np.array([0, 0, 0, 1, 0, 1, 1, 1])
    >>> cal = ScoreCalibrator().fit(score, hired)
    >>> p = cal.predict_proba(np.array([15, 75]))
    >>> bool(p[0] < p[1]), bool(((p > 0) & (p < 1)).all())
    (True, True)
    """

    def __init__(self) -> None:
        pass

    def fit(self, score: np.ndarray, hired: np.ndarray) -> ScoreCalibrator:
        """Fit on the scores of logged recommendations and whether each led to a hire."""
        s = _scores(score)
        y = _labels(hired, len(s))
        self.isotonic_ = IsotonicRegression(y_min=0.0, y_max=1.0, increasing=True,
                                            out_of_bounds="clip").fit(s, y)
        return self

    def predict_proba(self, score: np.ndarray) -> np.ndarray:
        """P(hire) for each score, non-decreasing in the score, within (0, 1)."""
        check_is_fitted(self, "isotonic_")
        p = self.isotonic_.predict(_scores(score))
        return np.clip(p, _FLOOR, 1 - _FLOOR)


class ExposureModel(BaseEstimator):
    """P(hire | score, position in the list, lists the trainee is on), by logistic regression.

    ``logit P = intercept + a · score + b · log(rank) + c · log(lists)``. The score is
    used as given (e.g. the matcher's score / 100); rank 1 is the top of a list.

    Parameters
    ----------
    C : float
        Inverse regularization strength of the logistic regression.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> n = 4000
    >>> score, rank, lists = rng.random(n), rng.integers(1, 21, n), rng.integers(1, 11, n)
    >>> logit = -2 + 2 * score - 0.5 * np.log(rank) - 0.5 * np.log(lists)
    >>> hired = rng.random(n) < 1 / (1 + np.exp(-logit))
    >>> model = ExposureModel().fit(score, rank, lists, hired)
    >>> p = model.predict_proba(np.array([0.8, 0.8]), np.array([1, 10]), np.array([1, 1]))
    >>> bool(p[0] > p[1])
    True
    """

    def __init__(self, C: float = 1.0) -> None:
        self.C = C

    @staticmethod
    def _design(score: np.ndarray, rank: np.ndarray, lists: np.ndarray) -> np.ndarray:
        s = _scores(score)
        return np.c_[s, np.log(_positive(rank, "rank", len(s))),
                     np.log(_positive(lists, "lists", len(s)))]

    def fit(self, score: np.ndarray, rank: np.ndarray, lists: np.ndarray,
            hired: np.ndarray) -> ExposureModel:
        """Fit on logged recommendations: score, rank, lists of the trainee, hired."""
        if not (np.isfinite(self.C) and self.C > 0):
            raise ValueError(f"C must be a positive number, got {self.C!r}")
        X = self._design(score, rank, lists)
        y = _labels(hired, len(X))
        model = LogisticRegression(C=self.C, max_iter=1000).fit(X, y)
        self.coef_ = model.coef_[0].copy()
        self.intercept_ = float(model.intercept_[0])
        return self

    def predict_proba(self, score: np.ndarray, rank: np.ndarray,
                      lists: np.ndarray) -> np.ndarray:
        """P(hire) of each (score, rank, lists), broadcast element-wise, within (0, 1)."""
        check_is_fitted(self, "coef_")
        s, r, n = np.broadcast_arrays(np.asarray(score, dtype=float),
                                      np.asarray(rank, dtype=float),
                                      np.asarray(lists, dtype=float))
        if (r < 1).any() or (n < 1).any() or not np.isfinite(s).all():
            raise ValueError("rank and lists must be ≥ 1 and scores finite")
        logit = (self.intercept_ + self.coef_[0] * s + self.coef_[1] * np.log(r)
                 + self.coef_[2] * np.log(n))
        return np.clip(1.0 / (1.0 + np.exp(-logit)), _FLOOR, 1 - _FLOOR)
