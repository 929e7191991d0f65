"""The solvers behind :func:`matcher.allocation.allocate`, on validated sparse pairs.

Every solver receives the candidate pairs as parallel arrays sorted by (posting,
trainee) — ``row``, ``col``, ``score`` (all scores > 0) — and integer capacities per
posting (``row_cap``) and per trainee (``col_cap``), and returns a boolean mask of the
chosen pairs (plus dual prices where it has them). The problem is a bipartite
b-matching: maximize the summed score of the chosen pairs with at most ``row_cap[p]``
pairs per posting, ``col_cap[t]`` per trainee and each pair at most once.

- :func:`solve_exact` solves its linear program with HiGHS. The constraint matrix is
  the incidence matrix of a bipartite graph, which is totally unimodular, so a basic
  optimal solution of the LP is integral: this *is* the min-cost-flow optimum, without
  replicating postings or trainees by capacity (as ``linear_sum_assignment`` or
  ``min_weight_full_bipartite_matching`` would need) and with the sparsity kept.
- :func:`solve_sinkhorn` runs entropic optimal transport in the log domain over the
  sparse support only: block coordinate descent on the dual of the entropy-regularized
  LP, with inequality (slack) constraints for unassigned capacity and a cap of one per
  pair, under an ε-scaling schedule. Its prices give an upper bound on the optimum (LP
  duality), and the fractional plan is rounded by :func:`round_greedy`.
- :func:`round_greedy` accepts pairs in a priority order under the capacities, in
  vectorized rounds (see its docstring); with the score as priority it is the classic
  greedy ½-approximation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import LinearConstraint, linprog, milp

__all__ = ["Pairs", "SinkhornResult", "dual_bound", "round_greedy", "solve_exact",
           "solve_sinkhorn"]

#: A basic LP solution is integral; values this far from 0 or 1 mean a numerical problem.
_INTEGRALITY_TOLERANCE = 1e-6
#: Iterations per ε stage before the last (the last runs to the tolerance).
_STAGE_ITERATIONS = 20
#: Iterations between two checks of the capacity excess.
_CHECK_EVERY = 5


@dataclass(frozen=True, eq=False)
class Pairs:
    """Validated candidate pairs sorted by (row, col), and the capacities."""

    row: np.ndarray
    col: np.ndarray
    score: np.ndarray
    row_cap: np.ndarray
    col_cap: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.row_cap), len(self.col_cap)


@dataclass(frozen=True, eq=False)
class SinkhornResult:
    """The rounded plan of :func:`solve_sinkhorn`, its fractional plan and its prices."""

    chosen: np.ndarray
    plan: np.ndarray
    row_price: np.ndarray
    col_price: np.ndarray
    bound: float
    iterations: int


def dual_bound(pairs: Pairs, row_price: np.ndarray, col_price: np.ndarray) -> float:
    """An upper bound on the optimum from any non-negative prices (weak LP duality).

    With prices ``u`` per posting and ``v`` per trainee, every feasible plan scores at
    most ``Σ row_cap·u + Σ col_cap·v + Σ max(0, score − u − v)``.
    """
    reduced = pairs.score - row_price[pairs.row] - col_price[pairs.col]
    return float(pairs.row_cap @ row_price + pairs.col_cap @ col_price
                 + np.maximum(reduced, 0.0).sum())


def solve_exact(pairs: Pairs) -> np.ndarray:
    """The optimal plan, from the b-matching LP solved by HiGHS (dual simplex).

    Falls back to HiGHS's MILP solver if the LP answer is not integral within
    tolerance (a numerical corner; the LP optimum at a vertex is always integral).
    """
    n = len(pairs.score)
    if n == 0:
        return np.zeros(0, dtype=bool)
    n_rows, n_cols = pairs.shape
    columns = np.arange(n)
    incidence = sparse.vstack([
        sparse.csr_array((np.ones(n), (pairs.row, columns)), shape=(n_rows, n)),
        sparse.csr_array((np.ones(n), (pairs.col, columns)), shape=(n_cols, n)),
    ]).tocsr()
    limits = np.concatenate([pairs.row_cap, pairs.col_cap]).astype(float)
    result = linprog(-pairs.score, A_ub=incidence, b_ub=limits, bounds=(0, 1),
                     method="highs-ds")
    if result.status != 0:  # pragma: no cover - the LP is always feasible (x = 0)
        raise RuntimeError(f"HiGHS failed on the allocation LP: {result.message}")
    x = result.x
    if np.abs(x - np.round(x)).max() > _INTEGRALITY_TOLERANCE:  # pragma: no cover
        result = milp(-pairs.score, integrality=np.ones(n),
                      bounds=(0, 1), constraints=LinearConstraint(incidence, -np.inf, limits))
        x = result.x
    return x > 0.5


def _segment_logsumexp(values: np.ndarray, starts: np.ndarray, segment: np.ndarray
                       ) -> np.ndarray:
    """log Σ exp per segment of ``values`` (contiguous, non-empty, beginning at ``starts``)."""
    top = np.maximum.reduceat(values, starts)
    total = np.add.reduceat(np.exp(values - top[segment]), starts)
    return top + np.log(total)


def solve_sinkhorn(pairs: Pairs, *, epsilon: float = 1e-2, max_iter: int = 1000,
                   tol: float = 0.05) -> SinkhornResult:
    """Entropic OT over the sparse support in the log domain, then greedy rounding.

    Maximizes ``Σ s·x + ε Σ (x − x log x)`` subject to row sums ≤ ``row_cap``, column
    sums ≤ ``col_cap`` and ``x ≤ 1`` by exact block minimization of its dual over the
    posting prices ``u``, trainee prices ``v`` and pair caps ``w`` (all ≥ 0; the
    clamping at 0 is the slack for unassigned capacity), with ``x = exp((s − u − v −
    w)/ε)``. Scores are divided by their maximum, so ``epsilon`` is relative. ε halves
    from ½ down to ``epsilon`` (at most 20 iterations per stage); each stage stops once
    no posting or trainee exceeds its capacity by more than ``tol`` pairs, the last one
    runs until then or until ``max_iter`` iterations in all. The rounding repairs what
    is left, and the bound certifies the result whatever the convergence.
    """
    n = len(pairs.score)
    n_rows, n_cols = pairs.shape
    if n == 0:
        return SinkhornResult(np.zeros(0, dtype=bool), np.zeros(0), np.zeros(n_rows),
                              np.zeros(n_cols), 0.0, 0)
    scale = float(pairs.score.max())
    s = pairs.score / scale
    row, col = pairs.row, pairs.col
    # Rows are contiguous already (pairs are sorted by row); columns need a permutation.
    row_starts = np.flatnonzero(np.r_[True, row[1:] != row[:-1]])
    rows_present = row[row_starts]
    by_col = np.argsort(col, kind="stable")
    col_sorted = col[by_col]
    col_starts = np.flatnonzero(np.r_[True, col_sorted[1:] != col_sorted[:-1]])
    cols_present = col_sorted[col_starts]
    row_segment = np.repeat(np.arange(len(row_starts)), np.diff(np.r_[row_starts, n]))
    col_segment = np.repeat(np.arange(len(col_starts)), np.diff(np.r_[col_starts, n]))
    log_row_cap = np.log(pairs.row_cap[rows_present].astype(float))
    log_col_cap = np.log(pairs.col_cap[cols_present].astype(float))

    u, v, w = np.zeros(n_rows), np.zeros(n_cols), np.zeros(n)
    row_cap = pairs.row_cap[rows_present]
    col_cap = pairs.col_cap[cols_present]
    eps, iterations, excess = 1.0, 0, np.inf
    while iterations < max_iter:
        eps = max(eps / 2, epsilon)
        for _ in range(_STAGE_ITERATIONS if eps > epsilon else max_iter):
            iterations += 1
            lse = _segment_logsumexp((s - v[col] - w) / eps, row_starts, row_segment)
            u[rows_present] = np.maximum(0.0, eps * (lse - log_row_cap))
            lse = _segment_logsumexp(((s - u[row] - w) / eps)[by_col], col_starts,
                                     col_segment)
            v[cols_present] = np.maximum(0.0, eps * (lse - log_col_cap))
            w = np.maximum(0.0, s - u[row] - v[col])
            if iterations % _CHECK_EVERY and iterations < max_iter:
                continue  # the check costs as much as half an iteration
            x = np.exp((s - u[row] - v[col] - w) / eps)
            excess = max((np.add.reduceat(x, row_starts) - row_cap).max(),
                         (np.add.reduceat(x[by_col], col_starts) - col_cap).max())
            if excess <= tol or iterations >= max_iter:
                break
        if eps <= epsilon and excess <= tol:
            break
    plan = np.exp((s - u[row] - v[col] - w) / eps)
    # Round by the plan, then by the score: pairs the plan leaves at 0 may still fill
    # capacity it left idle.
    chosen = round_greedy(pairs, np.lexsort((-s, -np.round(plan, 9))))
    bound = scale * dual_bound(Pairs(row, col, s, pairs.row_cap, pairs.col_cap), u, v)
    return SinkhornResult(chosen, plan, scale * u, scale * v, bound, iterations)


def round_greedy(pairs: Pairs, priority: np.ndarray) -> np.ndarray:
    """Accept pairs in ``priority`` order (indices, best first) under the capacities.

    Vectorized in rounds: in each round every remaining pair that is among the first
    ``remaining capacity`` remaining pairs of its posting *and* of its trainee (in
    priority order) is accepted — all of them at once is feasible — then saturated
    postings and trainees drop out. The best remaining pair is always accepted, so each
    round makes progress. A pair accepted in a round would also be accepted when
    sequential greedy reaches it (fewer than its remaining capacities are ahead of it
    on either side), so the result equals sequential greedy's; the tests check this.
    """
    n = len(pairs.score)
    chosen = np.zeros(n, dtype=bool)
    if n == 0:
        return chosen
    row = pairs.row[priority]
    col = pairs.col[priority]
    row_left = pairs.row_cap.astype(np.int64).copy()
    col_left = pairs.col_cap.astype(np.int64).copy()
    # Group the priority-ordered pairs by row and by column once (stable: keeps order).
    by_row = np.argsort(row, kind="stable")
    by_col = np.argsort(col, kind="stable")
    row_sorted, col_sorted = row[by_row], col[by_col]
    row_first = np.searchsorted(row_sorted, row_sorted)
    col_first = np.searchsorted(col_sorted, col_sorted)
    alive = (row_left[row] > 0) & (col_left[col] > 0)
    taken = np.zeros(n, dtype=bool)
    while alive.any():
        rank_row = np.empty(n, dtype=np.int64)
        counted = np.cumsum(alive[by_row]) - 1
        offset = np.r_[0, np.cumsum(alive[by_row])][row_first]
        rank_row[by_row] = counted - offset
        rank_col = np.empty(n, dtype=np.int64)
        counted = np.cumsum(alive[by_col]) - 1
        offset = np.r_[0, np.cumsum(alive[by_col])][col_first]
        rank_col[by_col] = counted - offset
        accept = alive & (rank_row < row_left[row]) & (rank_col < col_left[col])
        taken |= accept
        np.subtract.at(row_left, row[accept], 1)
        np.subtract.at(col_left, col[accept], 1)
        alive &= ~accept & (row_left[row] > 0) & (col_left[col] > 0)
    chosen[priority[taken]] = True
    return chosen
