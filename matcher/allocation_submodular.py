"""Shortlists that maximize the expected number of trainees placed (submodular greedy).

A trainee takes at most one job. If trainee ``t`` is on the lists of postings
``i ∈ S_t`` and would be hired from list ``i`` with probability ``q[i, t]``
(independently), the chance that ``t`` is placed at all is ``1 − Π_{i∈S_t}(1 − q[i,
t])``, and the expected number of trainees placed is

    F(S) = Σ_t [1 − Π_{(i, t) ∈ S} (1 − q[i, t])].

F is a sum of probabilistic-coverage functions of the chosen pairs, so it is
monotone and submodular: a second, third, … list adds less and less for the same
trainee. The linear objective of :func:`matcher.allocation.allocate` (Σ q) counts a
star on ten lists as ten placements; F counts at most one.

Constraints: at most ``length[i]`` names on posting ``i``'s list — a partition
matroid on the pairs — and, optionally, at most ``per_trainee[t]`` lists per trainee
(a second partition matroid). The greedy that repeatedly adds the feasible pair of
largest marginal gain reaches at least **½ of the optimum** under one matroid and
at least **⅓** under the intersection of two (Fisher, Nemhauser & Wolsey 1978).
:func:`greedy_placements` also returns a data-dependent upper bound (see there),
usually far tighter than ``2·F`` or ``3·F``.

Posting capacity: a posting with headcount ``h`` cannot place more than ``h``. The
independent model would let a one-opening posting with ten good names "place" seven.
:func:`headcount_factor` fixes this *a priori*, before any allocation: each posting's
probabilities are multiplied by ``min(1, h / Σ p of its length best candidates)``,
so the expected hires from any list it could get are at most ``h`` (the best
candidates have the largest sum). The scaling keeps F a coverage function, hence
monotone submodular, and keeps the greedy's guarantees, and it steers shared
trainees towards postings with openings to spare.

Efficiency: the marginal gain of pair ``(i, t)`` given the chosen set is ``q[i, t] ·
R_t`` with ``R_t = Π (1 − q)`` over ``t``'s chosen pairs — all of ``t``'s pairs share
the factor ``R_t``, which only changes when ``t`` is chosen. So each trainee's
best remaining pair (by ``q``) dominates its others, and a heap needs only one entry
per trainee, keyed by that pair's gain: lazy greedy in which a stale key (the pair's
posting has since filled) is an upper bound, and is advanced to the trainee's next
pair and pushed back. Each pair is looked at once: O(pairs · log trainees), after a
vectorized sort; the scaling, the objective and the bound are vectorized. About 0.1 s
for 5·10^4 pairs (10^3 postings × 10^4 trainees) and 1.7 s for 5·10^5 (10^4 × 10^5).

Limits: the bound is loose on random instances (gap ≈ 0.4 there), and the greedy is
not the last word on F: on the benchmark market, congestion re-ranking reached a
higher F than the greedy (``benchmarks/allocation_quality.py``, column ``model``); a
swap local search after the greedy would be the natural next step.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np

from matcher.allocation_solvers import Pairs

__all__ = ["GreedyResult", "expected_placements", "greedy_placements", "headcount_factor",
           "marginal_bound"]


@dataclass(frozen=True, eq=False)
class GreedyResult:
    """The greedy's chosen pairs, their expected placements and an upper bound."""

    chosen: np.ndarray
    objective: float
    bound: float


def headcount_factor(pairs: Pairs, probability: np.ndarray, headcount: np.ndarray
                     ) -> np.ndarray:
    """Per posting, ``min(1, headcount / Σ probability of its best candidates)``.

    Multiply a posting's probabilities by it (``probability * factor[pairs.row]``).

    The sum runs over each posting's ``row_cap`` (list length) most probable candidate
    pairs, so whichever list the posting ends with, its expected hires are at most its
    headcount. Postings whose best list stays within the headcount are not scaled.
    """
    n_rows = pairs.shape[0]
    order = np.lexsort((-probability, pairs.row))  # by posting, most probable first
    rows = pairs.row[order]
    starts = np.searchsorted(rows, np.arange(n_rows))
    rank = np.arange(len(rows)) - starts[rows]
    best = rank < pairs.row_cap[rows]
    best_sum = np.bincount(rows[best], weights=probability[order][best], minlength=n_rows)
    factor = np.ones(n_rows)
    over = best_sum > headcount
    factor[over] = headcount[over] / best_sum[over]
    return factor


def _residual(col: np.ndarray, q: np.ndarray, n_cols: int) -> np.ndarray:
    """``R_t = Π (1 − q)`` over the given pairs of each trainee (1 where none)."""
    certain = np.bincount(col[q >= 1], minlength=n_cols) > 0
    logs = np.bincount(col[q < 1], weights=np.log1p(-q[q < 1]), minlength=n_cols)
    return np.where(certain, 0.0, np.exp(logs))


def expected_placements(pairs: Pairs, q: np.ndarray, chosen: np.ndarray) -> float:
    """F: the expected number of trainees placed by the chosen pairs, ``Σ_t 1 − R_t``."""
    return float((1.0 - _residual(pairs.col[chosen], q[chosen], pairs.shape[1])).sum())


def marginal_bound(pairs: Pairs, q: np.ndarray, chosen: np.ndarray) -> float:
    """An upper bound on ``max F`` over all feasible lists, given any chosen set S.

    By submodularity and monotonicity ``F(OPT) ≤ F(S ∪ OPT) ≤ F(S) + Σ_{e ∈ OPT∖S}
    Δ(e | S)``, and ``OPT∖S`` has at most ``length[i]`` pairs of posting ``i``, so
    the sum is at most, per posting, its ``length[i]`` largest marginal gains
    ``Δ((i, t) | S) = q[i, t] · R_t`` over unchosen pairs. (Trainee caps are relaxed,
    which only loosens the bound.)
    """
    residual = _residual(pairs.col[chosen], q[chosen], pairs.shape[1])
    gain = np.where(chosen, 0.0, q * residual[pairs.col])
    n_rows = pairs.shape[0]
    order = np.lexsort((-gain, pairs.row))
    rows = pairs.row[order]
    rank = np.arange(len(rows)) - np.searchsorted(rows, np.arange(n_rows))[rows]
    top = rank < pairs.row_cap[rows]
    return float((1.0 - residual).sum() + gain[order][top].sum())


def greedy_placements(pairs: Pairs, q: np.ndarray) -> GreedyResult:
    """Greedy maximization of F under the list lengths and trainee caps of ``pairs``.

    ``q`` are the hire probabilities of the pairs (in [0, 1], aligned with ``pairs``).
    Pairs of zero marginal gain (a trainee already certain to be placed) are still
    accepted, last, so a list is only shorter than its length when its candidates or
    the trainee caps run out. Deterministic: equal computed gains go to the lower
    posting index, then the lower trainee index. The bound is the smaller of
    :func:`marginal_bound` and the worst-case guarantee (2·F with one matroid, 3·F with
    trainee caps).
    """
    n = len(q)
    n_cols = pairs.shape[1]
    chosen = np.zeros(n, dtype=bool)
    if n == 0:
        return GreedyResult(chosen, 0.0, 0.0)
    # Each trainee's pairs, most probable first (ties: lower posting first).
    by_col = np.lexsort((pairs.row, -q, pairs.col))
    col_sorted = pairs.col[by_col]
    seg_start = np.searchsorted(col_sorted, np.arange(n_cols))
    seg_end = np.searchsorted(col_sorted, np.arange(n_cols), side="right")
    row_of = pairs.row[by_col].tolist()
    q_of = q[by_col].tolist()
    idx_of = by_col.tolist()
    row_left = pairs.row_cap.astype(np.int64).tolist()
    col_left = pairs.col_cap.astype(np.int64).tolist()
    residual = [1.0] * n_cols
    pointer = seg_start.tolist()
    end = seg_end.tolist()
    heap = [(-q_of[pointer[t]], row_of[pointer[t]], t) for t in range(n_cols)
            if pointer[t] < end[t] and col_left[t] > 0]
    heapq.heapify(heap)
    while heap:
        _, row, t = heapq.heappop(heap)
        at = pointer[t]
        if row_left[row] > 0:  # the key is exact: R_t has not changed since the push
            chosen[idx_of[at]] = True
            row_left[row] -= 1
            col_left[t] -= 1
            residual[t] *= 1.0 - q_of[at]
            if col_left[t] == 0:
                continue
        # Advance to t's next pair whose posting still has room (keys only fall).
        at += 1
        while at < end[t] and row_left[row_of[at]] == 0:
            at += 1
        pointer[t] = at
        if at < end[t]:
            heapq.heappush(heap, (-q_of[at] * residual[t], row_of[at], t))
    objective = expected_placements(pairs, q, chosen)
    capped = (pairs.col_cap < np.bincount(pairs.col, minlength=n_cols)).any()
    factor = 3.0 if capped else 2.0
    bound = min(marginal_bound(pairs, q, chosen), factor * objective)
    return GreedyResult(chosen, objective, max(bound, objective))
