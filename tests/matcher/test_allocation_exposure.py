"""Exposure-aware lists: never worse than the start under the model, within the lengths,
only candidate pairs, optimal on small cases (brute force), deterministic, bad input."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import sparse

from matcher.allocation import allocate_shortlists
from matcher.allocation_exposure import expected_placed, optimize_exposure


def probability(s: np.ndarray, r: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Falls with the rank and the number of lists, like a fitted exposure model."""
    return 0.9 * np.asarray(s) / (np.asarray(r) ** 0.5 * np.asarray(n) ** 0.5)


def random_scores(shape: tuple[int, int], density: float, seed: int) -> sparse.csr_array:
    rng = np.random.default_rng(seed)
    mask = rng.random(shape) < density
    return sparse.csr_array(np.where(mask, rng.uniform(0.05, 1.0, shape), 0.0))


def value(scores: sparse.csr_array, lists: list[np.ndarray]) -> float:
    posting = np.repeat(np.arange(len(lists)), [len(r) for r in lists])
    trainee = np.concatenate(lists).astype(np.int64)
    rank = np.concatenate([np.arange(1, len(r) + 1) for r in lists])
    return expected_placed(np.asarray(scores[posting, trainee]).ravel(), posting, trainee,
                           rank, probability)


@pytest.mark.parametrize(("shape", "length", "seed"),
                         [((30, 80), 5, 0), ((60, 150), 10, 1), ((40, 40), 3, 2)],
                         ids=["short-lists", "long-lists", "square"])
def test_lists_are_feasible_and_never_worse_than_start(shape: tuple[int, int], length: int,
                                                       seed: int) -> None:
    scores = random_scores(shape, 0.2, seed)
    start = allocate_shortlists(scores, length, objective="placements")
    plan = optimize_exposure(scores, length, probability=probability, start=start)
    lists = plan.lists()
    assert all(len(r) <= length and len(set(r.tolist())) == len(r) for r in lists)
    assert (np.asarray(scores[plan.posting, plan.trainee]).ravel() > 0).all()
    np.testing.assert_allclose(plan.score, np.asarray(scores[plan.posting, plan.trainee]).ravel())
    assert plan.objective == pytest.approx(value(scores, lists))
    assert plan.objective >= value(scores, start.lists()) - 1e-9
    default = optimize_exposure(scores, length, probability=probability)
    assert default.objective >= value(scores, _topk(scores, length)) - 1e-9


def _topk(scores: sparse.csr_array, k: int) -> list[np.ndarray]:
    out = []
    for i in range(scores.shape[0]):
        lo, hi = scores.indptr[i], scores.indptr[i + 1]
        cols, vals = scores.indices[lo:hi], scores.data[lo:hi]
        out.append(cols[np.lexsort((cols, -vals))][:k])
    return out


@pytest.mark.parametrize("seed", range(6), ids=[f"seed{s}" for s in range(6)])
def test_one_posting_is_optimal_against_brute_force(seed: int) -> None:
    # With a single posting, one block step is the whole problem: it must be optimal.
    rng = np.random.default_rng(seed)
    scores = sparse.csr_array(rng.uniform(0.05, 1.0, (1, 5)))
    plan = optimize_exposure(scores, 3, probability=probability)
    best = max(value(scores, [np.array(c)]) for m in range(4)
               for c in itertools.permutations(range(5), m))
    assert plan.objective == pytest.approx(best)


def test_a_star_is_not_put_on_every_list() -> None:
    # Column 0 is everyone's best; with a strong load penalty she ends on fewer lists.
    scores = sparse.csr_array(np.c_[np.full(6, 0.9), np.eye(6) * 0.5])
    def crowded(s: np.ndarray, r: np.ndarray, n: np.ndarray) -> np.ndarray:
        return np.asarray(s) / (np.asarray(r) * np.asarray(n))
    plan = optimize_exposure(scores, 2, probability=crowded)
    assert np.bincount(plan.trainee, minlength=7)[0] < 6
    assert set(plan.trainee.tolist()) == set(range(7))  # everyone is listed somewhere


def test_deterministic() -> None:
    scores = random_scores((50, 120), 0.15, 5)
    a = optimize_exposure(scores, 6, probability=probability)
    b = optimize_exposure(scores, 6, probability=probability)
    np.testing.assert_array_equal(a.posting, b.posting)
    np.testing.assert_array_equal(a.trainee, b.trainee)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"sweeps": 0}, "sweeps"),
    ({"start": [np.array([2])]}, "candidates"),
    ({"start": [np.array([0, 1, 0])]}, "candidates"),
    ({"start": []}, "start must hold"),
    ({"probability": lambda s, r, n: np.ones(np.shape(s))}, r"\[0, 1\)"),
], ids=["sweeps", "not-a-candidate", "repeated", "wrong-count", "certain-hire"])
def test_bad_input(kwargs: dict[str, object], message: str) -> None:
    scores = sparse.csr_array(np.array([[0.5, 0.4, 0.0]]))
    arguments: dict[str, object] = {"probability": probability, **kwargs}
    with pytest.raises(ValueError, match=message):
        optimize_exposure(scores, 3, **arguments)  # type: ignore[arg-type]
