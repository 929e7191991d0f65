"""Shortlists planned with a model of how exposure converts into hires.

:func:`optimize_exposure` chooses, for every posting, which candidates to list *and in
which order*, to maximize the expected number of trainees placed,

    F = Σ_t 1 − Π_{(i, t) listed} (1 − P(score[i, t], rank[i, t], lists[t])),

where ``P`` is a hire probability that falls further down a list and as a trainee
is put on more lists at once (e.g. :class:`matcher.calibration.ExposureModel`,
learned from logged outcomes). Under such a model a star on twenty lists gains little
from a twentieth, and pushes everyone below her down; a trainee on no other list
gains most from a place near the top.

Method: block-coordinate ascent. One posting at a time (fewest candidates first),
with all other lists fixed, the best list for that posting is an assignment of
candidates to positions 1…length: placing candidate ``t`` at position ``r`` changes
F by ``B_t − A_t · (1 − P(s, r, n_t + 1))``, where ``n_t`` counts ``t``'s other lists,
``B_t`` is the chance she is placed by none of them now and ``A_t`` the same once
her load grows to ``n_t + 1``. These values depend on nothing else in the list, so
:func:`scipy.optimize.linear_sum_assignment` finds the best list exactly; a
candidate whose every value is ≤ 0 is left off (listing her would cost more on her
other lists than it adds), so lists may end shorter than ``length``. A list is
replaced only when its value rises, so F never falls; sweeps stop when a whole sweep
changes nothing, or after ``sweeps``. The result is a local optimum of the model, not
a certified one (no bound), and it is only as good as the model: the lists are
ordered as planned, which is not always by score.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment

from matcher.allocation import Allocation, ScoreInput, _validated_pairs

__all__ = ["HireProbability", "expected_placed", "optimize_exposure"]

#: ``P(score, rank, lists)`` element-wise on float arrays, each in [0, 1).
HireProbability = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]
#: A list's value must rise by more than this to replace it (float noise is no gain).
_TOLERANCE = 1e-12


def _checked(p: np.ndarray) -> np.ndarray:
    p = np.asarray(p, dtype=float)
    if not np.isfinite(p).all() or (p < 0).any() or (p >= 1).any():
        raise ValueError("probability must return numbers in [0, 1)")
    return p


def expected_placed(scores: np.ndarray, posting: np.ndarray, trainee: np.ndarray,
                    rank: np.ndarray, probability: HireProbability) -> float:
    """F of listed pairs (parallel arrays; ``rank`` 1 = top), each trainee's load counted.

    Examples
    --------
    >>> import numpy as np
    >>> flat = lambda s, r, n: np.full(np.shape(s), 0.5)
    >>> expected_placed(np.ones(3), np.array([0, 1, 1]), np.array([0, 0, 1]),
    ...                 np.array([1, 1, 2]), flat)
    1.25
    """
    trainee = np.asarray(trainee, dtype=np.int64)
    if len(trainee) == 0:
        return 0.0
    load = np.bincount(trainee)
    p = _checked(probability(np.asarray(scores, dtype=float), np.asarray(rank, dtype=float),
                             load[trainee].astype(float)))
    miss = np.bincount(trainee, weights=np.log1p(-p))
    return float((1.0 - np.exp(miss[load > 0])).sum())


def optimize_exposure(scores: ScoreInput, length: int | np.ndarray, *,
                      probability: HireProbability,
                      start: Allocation | Sequence[np.ndarray] | None = None,
                      sweeps: int = 3, shape: tuple[int, int] | None = None) -> Allocation:
    """Lists of up to ``length`` names that maximize expected placements under ``probability``.

    Parameters
    ----------
    scores, shape : as for :func:`matcher.allocation.allocate`
        The scores are passed to ``probability`` as given.
    length : int or int array (postings,)
        Names per list at most.
    probability : callable, keyword-only
        ``probability(score, rank, lists)`` → P(hire) element-wise, in [0, 1); e.g.
        ``ExposureModel.predict_proba``.
    start : Allocation or list of index arrays, keyword-only
        The lists to improve (each posting's trainees, top first, all candidate
        pairs); by default each posting's ``length`` best scores.
    sweeps : int ≥ 1, keyword-only
        Passes over all postings at most.

    Returns
    -------
    Allocation
        ``method="exposure"``, pairs in the planned order within each posting (not
        necessarily by score), ``objective`` = F of the final lists, no bound,
        ``iterations`` = sweeps run.

    Raises
    ------
    ValueError
        As :func:`~matcher.allocation.allocate`; and on a start pair that is not a
        candidate, a start list longer than its length, a bad ``sweeps``, or
        probabilities outside [0, 1).

    Examples
    --------
    A star (column 0) is both postings' best candidate; a second list halves what each
    list does for her, and lower positions convert less. She stays on one list, where
    she is worth most, and each other trainee is listed once:

    >>> import numpy as np
    >>> from scipy import sparse
    >>> def p(s, r, n):
    ...     return s / (r * n)
    >>> scores = sparse.csr_array(np.array([[0.9, 0.5, 0.0],
    ...                                     [0.9, 0.0, 0.5]]))
    >>> plan = optimize_exposure(scores, 2, probability=p)
    >>> [list(map(int, r)) for r in plan.lists()]
    [[1], [0, 2]]
    >>> bool(plan.objective > expected_placed(
    ...     np.array([0.9, 0.5, 0.9, 0.5]), np.array([0, 0, 1, 1]),
    ...     np.array([0, 1, 0, 2]), np.array([1, 2, 1, 2]), p))
    True
    """
    if isinstance(sweeps, bool) or not isinstance(sweeps, int) or sweeps < 1:
        raise ValueError(f"sweeps must be a positive integer, got {sweeps!r}")
    pairs = _validated_pairs(scores, length, 1, shape)
    n_rows, n_cols = pairs.shape
    starts = np.searchsorted(pairs.row, np.arange(n_rows + 1))
    lists = _start_lists(pairs.col, pairs.score, starts, pairs.row_cap, start, n_rows)
    # member[t]: {posting: (score, rank)} of t's current lists.
    member: list[dict[int, tuple[float, int]]] = [{} for _ in range(n_cols)]
    for i, ranking in enumerate(lists):
        _enter(member, i, ranking, pairs.col[starts[i]:starts[i + 1]],
               pairs.score[starts[i]:starts[i + 1]])
    order = np.lexsort((np.arange(n_rows), np.diff(starts))).tolist()
    done = 0
    for _ in range(sweeps):
        done += 1
        changed = 0
        for i in order:
            lo, hi = int(starts[i]), int(starts[i + 1])
            cap = int(min(pairs.row_cap[i], hi - lo))
            if cap == 0:
                continue
            cand, s = pairs.col[lo:hi], pairs.score[lo:hi]
            value = _position_values(member, i, cand, s, cap, probability)
            old = np.searchsorted(cand, lists[i])
            old_value = float(value[old, np.arange(len(old))].sum())
            rows, cols = linear_sum_assignment(np.maximum(value, 0.0), maximize=True)
            keep = value[rows, cols] > 0
            new = rows[keep][np.argsort(cols[keep])]  # compacted to positions 1…m
            new_value = float(value[new, np.arange(len(new))].sum())
            if new_value > old_value + _TOLERANCE and not np.array_equal(cand[new], lists[i]):
                for t in lists[i].tolist():
                    del member[t][i]
                lists[i] = cand[new]
                _enter(member, i, lists[i], cand, s)
                changed += 1
        if changed == 0:
            break
    return _planned(pairs.score, pairs.col, starts, lists, probability, (n_rows, n_cols), done)


def _start_lists(col: np.ndarray, score: np.ndarray, starts: np.ndarray, cap: np.ndarray,
                 start: Allocation | Sequence[np.ndarray] | None, n_rows: int
                 ) -> list[np.ndarray]:
    if start is None:  # independent top-k: best scores first, ties to the lower index
        return [col[lo:hi][np.lexsort((col[lo:hi], -score[lo:hi]))[:cap[i]]]
                for i, (lo, hi) in enumerate(itertools.pairwise(starts))]
    given = start.lists() if isinstance(start, Allocation) else list(start)
    if len(given) != n_rows:
        raise ValueError(f"start must hold {n_rows} lists, got {len(given)}")
    out = []
    for i, ranking in enumerate(given):
        ranking = np.asarray(ranking, dtype=np.int64)
        cand = col[starts[i]:starts[i + 1]]
        at = np.searchsorted(cand, ranking)
        if len(ranking) > cap[i] or len(np.unique(ranking)) < len(ranking) or (
                (at >= len(cand)).any() or (cand[np.minimum(at, len(cand) - 1)] != ranking
                                             ).any()):
            raise ValueError(f"start list {i} must hold at most {cap[i]} distinct "
                             "candidates of its posting")
        out.append(ranking)
    return out


def _enter(member: list[dict[int, tuple[float, int]]], i: int, ranking: np.ndarray,
           cand: np.ndarray, s: np.ndarray) -> None:
    at = np.searchsorted(cand, ranking)
    for rank, (t, score) in enumerate(zip(ranking.tolist(), s[at].tolist(), strict=True), 1):
        member[t][i] = (score, rank)


def _position_values(member: list[dict[int, tuple[float, int]]], i: int, cand: np.ndarray,
                     s: np.ndarray, cap: int, probability: HireProbability) -> np.ndarray:
    """value[c, r − 1]: the change in F from listing candidate c at position r of list i."""
    other_s, other_r, owner, load = [], [], [], np.zeros(len(cand))
    for c, t in enumerate(cand.tolist()):
        others = [v for j, v in member[t].items() if j != i]
        load[c] = len(others)
        for score, rank in others:
            other_s.append(score)
            other_r.append(rank)
            owner.append(c)
    miss_now: np.ndarray = np.zeros(len(cand))
    miss_more: np.ndarray = np.zeros(len(cand))
    if owner:
        at = np.asarray(owner)
        so, ro, n = np.asarray(other_s), np.asarray(other_r, dtype=float), load[at]
        miss_now = np.bincount(at, np.log1p(-_checked(probability(so, ro, n))), len(cand))
        miss_more = np.bincount(at, np.log1p(-_checked(probability(so, ro, n + 1))),
                                len(cand))
    ranks = np.arange(1, cap + 1, dtype=float)
    grid = np.broadcast_shapes((len(cand), 1), (1, cap))
    here = _checked(probability(np.broadcast_to(s[:, None], grid).ravel(),
                                np.broadcast_to(ranks[None, :], grid).ravel(),
                                np.broadcast_to(load[:, None] + 1, grid).ravel()))
    return np.exp(miss_now)[:, None] - np.exp(miss_more)[:, None] * (1 - here.reshape(grid))


def _planned(score: np.ndarray, col: np.ndarray, starts: np.ndarray, lists: list[np.ndarray],
             probability: HireProbability, shape: tuple[int, int], sweeps: int
             ) -> Allocation:
    posting = np.repeat(np.arange(shape[0]), [len(r) for r in lists])
    trainee = np.concatenate(lists) if lists else np.zeros(0, dtype=np.int64)
    rank = np.concatenate([np.arange(1, len(r) + 1) for r in lists]) if lists else trainee
    at = starts[posting] + np.concatenate(
        [np.searchsorted(col[starts[i]:starts[i + 1]], r) for i, r in enumerate(lists)]
    ) if lists else trainee
    values = score[at] if len(at) else np.zeros(0)
    objective = expected_placed(values, posting, trainee, rank, probability)
    return Allocation(posting.astype(np.int64), trainee.astype(np.int64), values, objective,
                      None, "exposure", shape, sweeps)
