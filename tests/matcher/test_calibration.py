"""Calibration: monotone, in (0, 1), recovers the signs of a known model, rejects bad input."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

from matcher.calibration import ExposureModel, ScoreCalibrator


def logged(seed: int, n: int = 6000) -> tuple[np.ndarray, ...]:
    """Recommendations whose hire chance rises with the score, falls with rank and lists."""
    rng = np.random.default_rng(seed)
    score, rank, lists = rng.random(n), rng.integers(1, 21, n), rng.integers(1, 16, n)
    logit = -1.5 + 2.5 * score - 0.6 * np.log(rank) - 0.4 * np.log(lists)
    return score, rank, lists, rng.random(n) < 1 / (1 + np.exp(-logit))


@pytest.mark.parametrize("seed", [0, 1, 2], ids=["seed0", "seed1", "seed2"])
def test_score_calibrator_is_monotone_probability(seed: int) -> None:
    score, _, _, hired = logged(seed)
    calibrator = ScoreCalibrator().fit(score * 100, hired)
    grid = np.linspace(-10, 110, 241)
    p = calibrator.predict_proba(np.maximum(grid, 0))
    assert (np.diff(p) >= 0).all()
    assert ((p > 0) & (p < 1)).all()
    # Calibrated: the mean prediction matches the hire rate (up to the clipping).
    assert calibrator.predict_proba(score * 100).mean() == pytest.approx(hired.mean(), abs=1e-4)


@pytest.mark.parametrize("seed", [0, 1, 2], ids=["seed0", "seed1", "seed2"])
def test_exposure_model_recovers_directions(seed: int) -> None:
    score, rank, lists, hired = logged(seed)
    model = ExposureModel().fit(score, rank, lists, hired)
    assert model.coef_[0] > 0 and model.coef_[1] < 0 and model.coef_[2] < 0
    s = np.full(20, 0.7)
    by_rank = model.predict_proba(s, np.arange(1, 21), np.ones(20))
    by_lists = model.predict_proba(s, np.ones(20), np.arange(1, 21))
    by_score = model.predict_proba(np.linspace(0, 1, 20), np.ones(20), np.ones(20))
    assert (np.diff(by_rank) < 0).all() and (np.diff(by_lists) < 0).all()
    assert (np.diff(by_score) > 0).all()
    for p in (by_rank, by_lists, by_score):
        assert ((p > 0) & (p < 1)).all()


def test_unfitted_and_bad_input() -> None:
    with pytest.raises(NotFittedError):
        ExposureModel().predict_proba(np.ones(2), np.ones(2), np.ones(2))
    score, rank, lists, hired = logged(0, 200)
    with pytest.raises(ValueError, match="both outcomes"):
        ScoreCalibrator().fit(score, np.zeros(200, dtype=bool))
    with pytest.raises(ValueError, match="0/1"):
        ScoreCalibrator().fit(score, np.full(200, 0.5))
    with pytest.raises(ValueError, match="rank must be"):
        ExposureModel().fit(score, rank - 1, lists, hired)
    with pytest.raises(ValueError, match="C must be"):
        ExposureModel(C=0).fit(score, rank, lists, hired)
    model = ExposureModel().fit(score, rank, lists, hired)
    with pytest.raises(ValueError, match="≥ 1"):
        model.predict_proba(np.ones(2), np.zeros(2), np.ones(2))
