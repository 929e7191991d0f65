"""Capacity-aware allocation: plans and shortlists that do not all name the same star.

Independent top-k lists send every enterprise to the same few graduates, who take one
job each, and leave others unseen. :func:`allocate` instead chooses (posting,
trainee) pairs from scored candidates so as to maximize the expected number of
placements — the summed hire probabilities — with at most ``capacity[p]`` names per
posting (its remaining headcount for a placement plan, or a list length for
shortlists) and at most ``trainee_capacity[t]`` postings per trainee (1 for a plan,
``r`` for shortlists): a bipartite b-matching. ``method="exact"`` solves it optimally
(its LP is totally unimodular; see :mod:`matcher.allocation_solvers`),
``method="sparse"`` approximately and fast by entropic optimal transport (log-domain
Sinkhorn over the sparse candidate pairs) with greedy rounding, and ``"auto"`` picks
exact up to :data:`EXACT_MAX_PAIRS` pairs. :func:`rerank_by_congestion` keeps
ordinary shortlists but softly down-weights trainees already on many lists.

The summed probabilities count a star on ten lists as ten placements, though she takes
one job. :func:`allocate_shortlists` with ``objective="placements"`` maximizes instead
the expected number of trainees placed, ``Σ_t 1 − Π (1 − p)`` over each trainee's
lists (optionally with the probabilities scaled so no posting expects more hires than
its headcount), by lazy greedy for submodular maximization under a partition matroid:
at least ½ of the optimum (⅓ with a cap per trainee); see
:mod:`matcher.allocation_submodular`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal, TypeAlias

import numpy as np
import pandas as pd
from scipy import sparse

from matcher.allocation_solvers import Pairs, round_greedy, solve_exact, solve_sinkhorn
from matcher.allocation_submodular import (
    expected_placements,
    greedy_placements,
    headcount_factor,
)

__all__ = ["CONGESTION_PENALTY", "EXACT_MAX_PAIRS", "Allocation", "allocate",
           "allocate_shortlists", "rerank_by_congestion", "top_up"]

#: λ of the congestion-aware re-ranking, score / (1 + λ · lists already held): the
#: default wherever lists are spread by it (top-up, plans, spread shortlists).
CONGESTION_PENALTY = 0.25
#: ``method="auto"`` solves exactly up to this many candidate pairs (about a second).
EXACT_MAX_PAIRS = 200_000

Method = Literal["auto", "exact", "sparse", "greedy"]
_METHODS = ("auto", "exact", "sparse", "greedy")
Objective = Literal["linear", "placements"]
_OBJECTIVES = ("linear", "placements")
#: The trainee capacity that stands for "no cap" (no trainee has this many pairs).
_UNCAPPED = np.iinfo(np.int64).max

#: A postings × trainees score matrix, or parallel (rows, cols, values) arrays.
ScoreInput: TypeAlias = ("sparse.sparray | sparse.spmatrix"
                         " | tuple[np.ndarray, np.ndarray, np.ndarray]")


@dataclass(frozen=True, eq=False)
class Allocation:
    """The chosen (posting, trainee) pairs, best first within each posting.

    Attributes
    ----------
    posting, trainee : int arrays
        Row (posting) and column (trainee) index of each chosen pair, sorted by
        posting, then by score (highest first), then by trainee.
    score : float array
        The score of each chosen pair (as given, not re-weighted).
    objective : float
        The summed score of the chosen pairs (expected placements if scores are hire
        probabilities, counting a trainee on two lists twice); for ``"placements"``,
        the expected number of trainees placed, ``Σ_t 1 − Π (1 − q)``, with the
        (headcount-scaled) probabilities ``q``.
    bound : float or None
        An upper bound on the best possible objective: equal to ``objective`` for
        ``"exact"``, the LP dual bound of the Sinkhorn prices for ``"sparse"``, the
        submodular bound for ``"placements"``
        (:func:`~matcher.allocation_submodular.marginal_bound`), None where the method
        has none.
    method : str
        The method that ran: ``"exact"``, ``"sparse"``, ``"greedy"``,
        ``"placements"`` or ``"congestion"`` (shortlists add ``"+fill"`` when topped
        up).
    shape : (int, int)
        Postings × trainees.
    iterations : int
        Sinkhorn iterations (0 for the other methods).
    """

    posting: np.ndarray
    trainee: np.ndarray
    score: np.ndarray
    objective: float
    bound: float | None
    method: str
    shape: tuple[int, int]
    iterations: int = 0

    @property
    def gap(self) -> float | None:
        """``(bound − objective) / bound``: at most this share of the optimum is missed."""
        if self.bound is None:
            return None
        return 0.0 if self.bound <= 0 else max(0.0, 1 - self.objective / self.bound)

    def lists(self) -> list[np.ndarray]:
        """Per posting, the chosen trainees' indices, best first (empty where none)."""
        cuts = np.searchsorted(self.posting, np.arange(1, self.shape[0]))
        return np.split(self.trainee, cuts)

    def to_frame(self, posting_ids: object = None, trainee_ids: object = None
                 ) -> pd.DataFrame:
        """posting_id, trainee_id, rank (1 = best within the posting), score.

        Ids default to the row and column indices; pass sequences to label them.
        """
        first = np.r_[True, self.posting[1:] != self.posting[:-1]] if len(self.posting) else []
        start = np.maximum.accumulate(np.where(first, np.arange(len(self.posting)), 0))
        posting = (np.asarray(posting_ids, dtype=object)[self.posting]
                   if posting_ids is not None else self.posting)
        trainee = (np.asarray(trainee_ids, dtype=object)[self.trainee]
                   if trainee_ids is not None else self.trainee)
        return pd.DataFrame({"posting_id": posting, "trainee_id": trainee,
                             "rank": np.arange(len(self.posting)) - start + 1,
                             "score": self.score})


def allocate(scores: ScoreInput, capacity: int | np.ndarray, *,
             trainee_capacity: int | np.ndarray = 1, shape: tuple[int, int] | None = None,
             method: Method = "auto", epsilon: float = 1e-2, max_iter: int = 1000,
             tol: float = 0.05) -> Allocation:
    """Choose pairs maximizing the summed score under posting and trainee capacities.

    Parameters
    ----------
    scores : scipy.sparse matrix or array, or (rows, cols, values)
        Scores ≥ 0 of the candidate pairs, postings × trainees; predicted hire
        probabilities (or scores rescaled to 0–1) make the objective the expected
        number of placements. Only stored pairs with a score > 0 can be chosen; a
        triple must not repeat a pair.
    capacity : int or int array (postings,)
        Names per posting: its remaining headcount for a placement plan, the list
        length (e.g. a multiple of the headcount) for shortlists.
    trainee_capacity : int or int array (trainees,), keyword-only
        Postings per trainee: 1 for a placement plan, ``r`` for shortlists.
    shape : (int, int), keyword-only
        Postings × trainees for a triple; by default from the capacity arrays, else
        from the largest index.
    method : {"auto", "exact", "sparse", "greedy"}, keyword-only
        ``"exact"``: the optimum (HiGHS on the totally unimodular LP). ``"sparse"``:
        log-domain Sinkhorn over the candidate pairs with relative entropy weight
        ``epsilon``, rounded greedily; reports an upper bound. ``"greedy"``: best
        pairs first (at least half the optimum). ``"auto"``: exact up to
        :data:`EXACT_MAX_PAIRS` candidate pairs, else sparse.
    epsilon, max_iter, tol : keyword-only
        Sinkhorn's final entropy weight (relative to the largest score), iteration
        budget, and tolerated capacity excess of its fractional plan.

    Returns
    -------
    Allocation

    Raises
    ------
    ValueError
        On negative, NaN or infinite scores, mismatched lengths or shapes, indices out
        of range, repeated pairs, negative or fractional capacities, or an unknown
        method.

    Examples
    --------
    Two postings with one opening each, and a star trainee (column 0) both want:

    >>> import numpy as np
    >>> from scipy import sparse
    >>> p = sparse.csr_array(np.array([[0.9, 0.8, 0.0],
    ...                                [0.7, 0.0, 0.1]]))
    >>> plan = allocate(p, capacity=1, trainee_capacity=1, method="exact")
    >>> plan.to_frame()[["posting_id", "trainee_id"]].values.tolist()
    [[0, 1], [1, 0]]
    >>> round(plan.objective, 2), plan.method
    (1.5, 'exact')
    """
    if method not in _METHODS:
        raise ValueError(f"method must be one of {_METHODS}, got {method!r}")
    pairs = _validated_pairs(scores, capacity, trainee_capacity, shape)
    iterations, bound = 0, None
    if method == "auto":
        method = "exact" if len(pairs.score) <= EXACT_MAX_PAIRS else "sparse"
    if method == "exact":
        chosen = solve_exact(pairs)
    elif method == "sparse":
        for name, value in (("epsilon", epsilon), ("tol", tol)):
            if not (np.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be a positive number, got {value!r}")
        if isinstance(max_iter, bool) or not isinstance(max_iter, int) or max_iter < 1:
            raise ValueError(f"max_iter must be a positive integer, got {max_iter!r}")
        result = solve_sinkhorn(pairs, epsilon=epsilon, max_iter=max_iter, tol=tol)
        chosen, bound, iterations = result.chosen, result.bound, result.iterations
    else:
        chosen = round_greedy(pairs, np.lexsort((pairs.col, pairs.row, -pairs.score)))
    out = _result(pairs, chosen, method, bound, iterations)
    return replace(out, bound=out.objective) if method == "exact" else out


def allocate_shortlists(scores: ScoreInput, length: int | np.ndarray, *,
                        per_trainee: int | np.ndarray | None = None, fill: bool = True,
                        penalty: float = CONGESTION_PENALTY, method: Method = "auto",
                        objective: Objective = "linear",
                        headcount: int | np.ndarray | None = None,
                        shape: tuple[int, int] | None = None) -> Allocation:
    """Shortlists of up to ``length`` names, spread by an allocation, then topped up.

    ``objective="linear"`` (the default): :func:`allocate` with ``capacity=length`` and
    ``trainee_capacity=per_trainee`` (the b-matching: each trainee on at most
    ``per_trainee`` lists; required). ``objective="placements"``: the lists that
    maximize the expected number of trainees placed, ``Σ_t 1 − Π (1 − q)`` over each
    trainee's lists, by lazy greedy (:func:`~matcher.allocation_submodular.
    greedy_placements`; at least ½ of the optimum, ⅓ with ``per_trainee``); there the
    scores must be hire probabilities in [0, 1], ``per_trainee`` is optional (the
    objective spreads trainees by itself), and with ``headcount`` each posting's
    probabilities are scaled by ``min(1, headcount / Σ of its length best
    probabilities)`` so no posting expects more hires than its openings.

    A hard cap leaves lists short where the candidates are few and shared; with
    ``fill`` the remaining places are topped up from the remaining candidates by
    :func:`rerank_by_congestion` (counting the lists each trainee is already on), so
    lists are as long as independent top-k lists would be.

    Parameters
    ----------
    scores, shape : as for :func:`allocate`
    length : int or int array (postings,)
        List length per posting.
    per_trainee : int or int array (trainees,), keyword-only
        Lists per trainee at most; required for ``"linear"``, None (no cap) allowed
        for ``"placements"``.
    fill, penalty : keyword-only
        Top up short lists; the congestion penalty λ of the top-up.
    method : keyword-only
        The :func:`allocate` method of the ``"linear"`` objective; must stay
        ``"auto"`` for ``"placements"``.
    objective : {"linear", "placements"}, keyword-only
    headcount : int or int array (postings,), keyword-only
        Openings per posting, for ``"placements"`` only; None: no scaling.

    Returns
    -------
    Allocation
        ``method`` is the allocation's method (``"placements"`` for the submodular
        objective), with ``"+fill"`` when topped up (then ``bound`` is None: the
        allocation's bound does not cover the top-up). For ``"placements"`` the
        ``objective`` is the expected number placed by the final lists.

    Raises
    ------
    ValueError
        As :func:`allocate`, and on an unknown objective, a missing ``per_trainee``
        for ``"linear"``, ``headcount`` with ``"linear"``, a method other than
        ``"auto"`` with ``"placements"``, or probabilities above 1.

    Examples
    --------
    >>> import numpy as np
    >>> from scipy import sparse
    >>> p = sparse.csr_array(np.array([[0.9, 0.8, 0.6],
    ...                                [0.9, 0.8, 0.0]]))
    >>> plan = allocate_shortlists(p, 2, per_trainee=1)
    >>> [list(map(int, r)) for r in plan.lists()], plan.method
    ([[0, 2], [0, 1]], 'exact+fill')

    Expected placements: a star on both lists of length 1 is placed at most once
    (1 − 0.1 · 0.1 = 0.99); one list each places 0.9 + 0.8 = 1.7 in expectation.

    >>> q = sparse.csr_array(np.array([[0.9, 0.8],
    ...                                [0.9, 0.8]]))
    >>> plan = allocate_shortlists(q, 1, objective="placements")
    >>> [list(map(int, r)) for r in plan.lists()], round(plan.objective, 2), plan.method
    ([[0], [1]], 1.7, 'placements')
    """
    if objective not in _OBJECTIVES:
        raise ValueError(f"objective must be one of {_OBJECTIVES}, got {objective!r}")
    if objective == "linear":
        if per_trainee is None:
            raise ValueError('per_trainee is required for objective="linear"')
        if headcount is not None:
            raise ValueError('headcount applies to objective="placements" only')
        core = allocate(scores, length, trainee_capacity=per_trainee, method=method,
                        shape=shape)
        q = None
    else:
        if method != "auto":
            raise ValueError('method applies to objective="linear" only')
        cap = _UNCAPPED if per_trainee is None else per_trainee
        pairs = _validated_pairs(scores, length, cap, shape)
        if len(pairs.score) and pairs.score.max() > 1:
            raise ValueError('objective="placements" needs hire probabilities in [0, 1], '
                             f"got a score of {pairs.score.max()}")
        factor = np.ones(pairs.shape[0])
        if headcount is not None:
            factor = headcount_factor(pairs, pairs.score,
                                      _capacities(headcount, pairs.shape[0], "headcount"))
        q = pairs.score * factor[pairs.row]
        result = greedy_placements(pairs, q)
        core = replace(_result(pairs, result.chosen, "placements", result.bound, 0),
                       objective=result.objective)
    if not fill:
        return core
    out = top_up(scores, core, length, penalty=penalty, shape=shape)
    if q is None or out is core:
        return out
    # The expected placements of the final lists, with the same probabilities q.
    pairs = _validated_pairs(scores, length, 1, shape)
    final = np.zeros(len(pairs.score), dtype=bool)
    final[np.searchsorted(pairs.row * pairs.shape[1] + pairs.col,
                          out.posting * pairs.shape[1] + out.trainee)] = True
    return replace(out, objective=expected_placements(pairs, pairs.score * factor[pairs.row],
                                                      final))


def top_up(scores: ScoreInput, core: Allocation, length: int | np.ndarray, *,
           penalty: float = CONGESTION_PENALTY, per_trainee: int | np.ndarray | None = None,
           shape: tuple[int, int] | None = None) -> Allocation:
    """``core``'s lists topped up to ``length`` names by a congestion-aware re-ranking.

    Each list's empty places go to its candidates not on it yet, best by
    ``score / (1 + penalty · lists)`` where ``lists`` counts the lists a trainee is on
    (``core``'s and the top-up's so far): :func:`rerank_by_congestion` over the pairs
    ``core`` left out, postings with fewer of them picking first. With
    ``per_trainee`` no trainee goes past that many lists, so a list whose remaining
    candidates are all at the limit stays short; without it a list is filled while it
    has candidates, and a trainee who is many postings' only fit is on all their lists.

    Parameters
    ----------
    scores, shape : as for :func:`allocate`
        The candidate pairs ``core`` was chosen from; the shape is ``core``'s by
        default.
    core : Allocation
        The lists to top up; each pair must be a candidate pair.
    length : int or int array (postings,)
        Names per list.
    penalty : float ≥ 0, keyword-only
        λ of the re-ranking.
    per_trainee : int or int array (trainees,), keyword-only
        Lists per trainee at most, ``core``'s included; None: no limit.

    Returns
    -------
    Allocation
        ``core`` itself when nothing was added; otherwise all pairs, by posting and
        best first, ``method`` = ``core.method + "+fill"``, ``objective`` = the summed
        scores and no bound (``core``'s bound does not cover the added pairs).

    Raises
    ------
    ValueError
        As :func:`allocate`; or when ``core`` names a pair that is not a candidate.

    Examples
    --------
    Posting 0 already lists trainee 0; both postings have room for two. With one list
    each, posting 0 (fewer candidates left) takes trainee 1 and posting 1 only trainee
    2; with no limit, posting 1 takes trainee 0 and then trainee 2 (0.7) over the
    already-listed trainee 1 (0.8 / 1.25 = 0.64):

    >>> import numpy as np
    >>> p = (np.array([0, 0, 0, 1, 1, 1]), np.array([0, 1, 2, 0, 1, 2]),
    ...      np.array([0.9, 0.8, 0.5, 0.9, 0.8, 0.7]))
    >>> core = Allocation(np.array([0]), np.array([0]), np.array([0.9]), 0.9, 0.9,
    ...                   "exact", (2, 3))
    >>> [r.tolist() for r in top_up(p, core, 2, per_trainee=1).lists()]
    [[0, 1], [2]]
    >>> [r.tolist() for r in top_up(p, core, 2).lists()]
    [[0, 1], [0, 2]]
    """
    # the core's shape, when none is given: a triple alone may not reach the last rows
    # or columns the core was allocated over
    pairs = _validated_pairs(scores, length, 1, core.shape if shape is None else shape)
    held = np.bincount(core.posting, minlength=pairs.shape[0])[:pairs.shape[0]]
    if len(held) == pairs.shape[0] and (held > pairs.row_cap).any():
        i = int(np.flatnonzero(held > pairs.row_cap)[0])
        raise ValueError(f"core lists {held[i]} names for posting {i}, more than its "
                         f"length {pairs.row_cap[i]}")
    key = pairs.row * pairs.shape[1] + pairs.col
    at = np.searchsorted(key, core.posting * pairs.shape[1] + core.trainee)
    wanted = core.posting * pairs.shape[1] + core.trainee
    if core.shape != pairs.shape or (at >= len(key)).any() or (
            key[np.minimum(at, len(key) - 1)] != wanted).any() or (
            len(np.unique(wanted)) < len(wanted)):
        raise ValueError("core must hold distinct candidate pairs of the same postings × "
                         "trainees")
    taken = np.zeros(len(pairs.score), dtype=bool)
    taken[at] = True
    left = pairs.row_cap - np.bincount(core.posting, minlength=pairs.shape[0])
    if not (left > 0).any() or taken.all():
        return core  # nothing to top up
    rest = rerank_by_congestion(
        (pairs.row[~taken], pairs.col[~taken], pairs.score[~taken]), np.maximum(left, 0),
        penalty=penalty, listed=np.bincount(core.trainee, minlength=pairs.shape[1]),
        limit=per_trainee, shape=pairs.shape)
    if len(rest.score) == 0:
        return core
    merged = Pairs(np.r_[core.posting, rest.posting], np.r_[core.trainee, rest.trainee],
                   np.r_[core.score, rest.score], pairs.row_cap, pairs.col_cap)
    return _result(merged, np.ones(len(merged.score), dtype=bool), f"{core.method}+fill",
                   None, core.iterations)


def rerank_by_congestion(scores: ScoreInput, k: int | np.ndarray, *,
                         penalty: float = CONGESTION_PENALTY,
                         order: np.ndarray | None = None, listed: np.ndarray | None = None,
                         limit: int | np.ndarray | None = None,
                         shape: tuple[int, int] | None = None) -> Allocation:
    """Top-k lists, one posting at a time, down-weighting trainees already listed.

    Each posting takes its ``k`` best candidates by ``score / (1 + penalty · lists)``,
    where ``lists`` counts the lists a trainee is already on; with no ``limit``, a
    trainee who is everyone's only fit is still listed everywhere.

    Parameters
    ----------
    scores : as for :func:`allocate`
    k : int or int array (postings,)
        List length per posting.
    penalty : float ≥ 0, keyword-only
        λ; 0 gives independent top-k lists.
    order : int array, keyword-only
        The order in which postings pick (e.g. by opening date). By default postings
        with fewer candidates go first — they have the fewest alternatives — ties by
        index.
    listed : int array (trainees,), keyword-only
        Lists each trainee is already on (e.g. from an allocation to be topped up, or
        from last week); zeros by default.
    limit : int or int array (trainees,), keyword-only
        Lists per trainee at most, ``listed`` included: a trainee at the limit is
        passed over, and a list may stay short. None: no limit.
    shape : keyword-only, as for :func:`allocate`

    Returns
    -------
    Allocation
        With ``method="congestion"``, the original (not down-weighted) scores and no
        bound.

    Examples
    --------
    >>> import numpy as np
    >>> from scipy import sparse
    >>> p = sparse.csr_array(np.array([[0.9, 0.8, 0.0],
    ...                                [0.9, 0.8, 0.7]]))
    >>> lists = rerank_by_congestion(p, k=1, penalty=0.5).lists()
    >>> [list(map(int, r)) for r in lists]
    [[0], [1]]
    """
    if not (isinstance(penalty, int | float) and np.isfinite(penalty) and penalty >= 0):
        raise ValueError(f"penalty must be a number ≥ 0, got {penalty!r}")
    pairs = _validated_pairs(scores, k, 1, shape)
    n_rows, n_cols = pairs.shape
    starts = np.searchsorted(pairs.row, np.arange(n_rows + 1))
    if order is None:
        order = np.lexsort((np.arange(n_rows), np.diff(starts)))
    else:
        order = np.asarray(order)
        if order.dtype.kind not in "iu" or sorted(order.tolist()) != list(range(n_rows)):
            raise ValueError(f"order must be a permutation of the {n_rows} posting indices")
    listed = (np.zeros(n_cols, dtype=np.int64) if listed is None
              else _capacities(listed, n_cols, "listed").copy())
    most = (np.full(n_cols, _UNCAPPED, dtype=np.int64) if limit is None
            else _capacities(limit, n_cols, "limit"))
    chosen = np.zeros(len(pairs.score), dtype=bool)
    for p in order.tolist():
        lo, hi = starts[p], starts[p + 1]
        cap = int(pairs.row_cap[p])
        if hi == lo or cap == 0:
            continue
        cols = pairs.col[lo:hi]
        weighted = pairs.score[lo:hi] / (1.0 + penalty * listed[cols])
        best = np.lexsort((cols, -weighted))  # ties to the lower index
        best = best[listed[cols[best]] < most[cols[best]]][:cap]
        chosen[lo + best] = True
        listed[cols[best]] += 1
    return _result(pairs, chosen, "congestion", None, 0)


def _result(pairs: Pairs, chosen: np.ndarray, method: str, bound: float | None,
            iterations: int) -> Allocation:
    rows, cols, values = pairs.row[chosen], pairs.col[chosen], pairs.score[chosen]
    order = np.lexsort((cols, -values, rows))
    return Allocation(rows[order], cols[order], values[order], float(values.sum()),
                      bound, method, pairs.shape, iterations)


def _capacities(value: int | np.ndarray, size: int | None, what: str) -> np.ndarray:
    array = np.asarray(value)
    if array.dtype == bool or array.dtype.kind not in "iuf":
        raise ValueError(f"{what} must be integers, got {value!r}")
    if array.ndim > 1 or (array.ndim == 1 and size is not None and len(array) != size):
        raise ValueError(f"{what} must be one integer or {size} of them, got shape "
                         f"{array.shape}")
    if not np.isfinite(array).all() or (array < 0).any() or (array != np.round(array)).any():
        raise ValueError(f"{what} must be whole numbers ≥ 0")
    if array.ndim == 0:
        if size is None:
            raise ValueError(f"{what}: give an array or the shape, the size is unknown")
        array = np.full(size, array)
    return array.astype(np.int64)


def _validated_pairs(scores: ScoreInput, capacity: int | np.ndarray,
                     trainee_capacity: int | np.ndarray,
                     shape: tuple[int, int] | None) -> Pairs:
    """Check the input and return the positive-score pairs sorted by (row, col)."""
    if isinstance(scores, sparse.sparray | sparse.spmatrix):
        if shape is not None and tuple(shape) != scores.shape:
            raise ValueError(f"shape {shape} does not match the score matrix {scores.shape}")
        shape = scores.shape
        coo = sparse.coo_array(scores)
        coo.sum_duplicates()
        rows, cols, values = coo.row, coo.col, coo.data
    elif isinstance(scores, tuple | list) and len(scores) == 3:
        rows, cols, values = (np.asarray(a) for a in scores)
        if not (rows.ndim == cols.ndim == values.ndim == 1
                and len(rows) == len(cols) == len(values)):
            raise ValueError("rows, cols and values must be 1-D and of equal length, got "
                             f"{rows.shape}, {cols.shape}, {values.shape}")
        for name, a in (("rows", rows), ("cols", cols)):
            if len(a) and (a.dtype.kind not in "iu" or a.min() < 0):
                raise ValueError(f"{name} must be non-negative integer indices")
        if shape is None:
            sizes = [np.size(capacity) if np.ndim(capacity) == 1 else None,
                     np.size(trainee_capacity) if np.ndim(trainee_capacity) == 1 else None]
            shape = (sizes[0] if sizes[0] is not None else int(rows.max(initial=-1)) + 1,
                     sizes[1] if sizes[1] is not None else int(cols.max(initial=-1)) + 1)
        if len(rows) and (rows.max() >= shape[0] or cols.max() >= shape[1]):
            raise ValueError(f"an index lies outside the shape {tuple(shape)}")
    else:
        raise ValueError("scores must be a scipy.sparse matrix or a (rows, cols, values) "
                         f"triple, not {type(scores).__name__}")
    values = np.asarray(values)
    if values.dtype.kind not in "iuf":
        raise ValueError(f"scores must be numbers, got dtype {values.dtype}")
    values = values.astype(float)
    if not np.isfinite(values).all():
        raise ValueError("scores must be finite (no NaN or infinity)")
    if (values < 0).any():
        raise ValueError(f"scores must be ≥ 0, got {values.min()}")
    n_rows, n_cols = int(shape[0]), int(shape[1])
    row_cap = _capacities(capacity, n_rows, "capacity")
    col_cap = _capacities(trainee_capacity, n_cols, "trainee_capacity")
    rows, cols = rows.astype(np.int64), cols.astype(np.int64)
    order = np.lexsort((cols, rows))
    rows, cols, values = rows[order], cols[order], values[order]
    if len(rows) > 1 and ((rows[1:] == rows[:-1]) & (cols[1:] == cols[:-1])).any():
        raise ValueError("a (posting, trainee) pair is given more than once")
    keep = (values > 0) & (row_cap[rows] > 0) & (col_cap[cols] > 0)
    return Pairs(rows[keep], cols[keep], values[keep], row_cap, col_cap)
