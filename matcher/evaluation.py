"""Ranking-quality metrics: precision@k, recall@k, NDCG@k, MRR, AUC, catalogue coverage.

Every metric takes rankings as ``{query: [item, …]}`` (best first) and relevance as
``{query: {item: gain}}`` (a gain of 1 for "hired", a smaller one for "interviewed",
say), averages over the queries that have at least one relevant item (a query with no
ranking counts as a miss; an item listed twice counts once), and returns a float in
0–1. They are the measures the ranking benchmarks report for every scorer, so they are
deliberately plain and tested against hand-computed cases.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Mapping, Sequence

__all__ = [
    "average_precision",
    "catalogue_coverage",
    "mean_reciprocal_rank",
    "ndcg_at_k",
    "precision_at_k",
    "recall_at_k",
    "roc_auc",
]

Rankings = Mapping[Hashable, Sequence[Hashable]]
Relevance = Mapping[Hashable, Mapping[Hashable, float]]


def _queries(relevance: Relevance) -> list[Hashable]:
    return [q for q, rel in relevance.items() if any(g > 0 for g in rel.values())]


def _mean(rankings: Rankings, relevance: Relevance,
          per_query: Callable[[Sequence[Hashable], Mapping[Hashable, float]], float]) -> float:
    """``per_query(ranking, relevance)`` averaged over the queries with something relevant."""
    queries = _queries(relevance)
    if not queries:
        return 0.0
    # A query nobody ranked counts as a miss; an item listed twice counts once.
    return sum(per_query(list(dict.fromkeys(rankings.get(q, ()))), relevance[q])
               for q in queries) / len(queries)


def _check_k(k: int) -> None:
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be a positive integer, got {k!r}")


def precision_at_k(rankings: Rankings, relevance: Relevance, k: int) -> float:
    """Share of the top ``k`` that is relevant, averaged over queries.

    Examples
    --------
    >>> precision_at_k({"p1": ["a", "b", "c"]}, {"p1": {"a": 1, "c": 1}}, k=2)
    0.5
    """
    _check_k(k)
    return _mean(rankings, relevance,
                 lambda ranked, rel: sum(1 for i in ranked[:k] if rel.get(i, 0) > 0) / k)


def recall_at_k(rankings: Rankings, relevance: Relevance, k: int) -> float:
    """Share of the relevant items found in the top ``k``, averaged over queries.

    Examples
    --------
    >>> recall_at_k({"p1": ["a", "b", "c"]}, {"p1": {"a": 1, "c": 1}}, k=2)
    0.5
    """
    _check_k(k)

    def recall(ranked: Sequence[Hashable], rel: Mapping[Hashable, float]) -> float:
        relevant = {i for i, g in rel.items() if g > 0}
        return len(relevant.intersection(ranked[:k])) / len(relevant)

    return _mean(rankings, relevance, recall)


def ndcg_at_k(rankings: Rankings, relevance: Relevance, k: int) -> float:
    """Normalized discounted cumulative gain at ``k`` (gains as given, log2 discount).

    Examples
    --------
    >>> round(ndcg_at_k({"p1": ["b", "a"]}, {"p1": {"a": 1}}, k=2), 4)
    0.6309
    """
    _check_k(k)

    def ndcg(ranked: Sequence[Hashable], rel: Mapping[Hashable, float]) -> float:
        dcg = sum(rel.get(item, 0) / math.log2(i + 2) for i, item in enumerate(ranked[:k]))
        ideal = sorted((g for g in rel.values() if g > 0), reverse=True)[:k]
        return dcg / sum(g / math.log2(i + 2) for i, g in enumerate(ideal))

    return _mean(rankings, relevance, ndcg)


def mean_reciprocal_rank(rankings: Rankings, relevance: Relevance) -> float:
    """1 / rank of the first relevant item (0 when none is ranked), averaged over queries.

    Examples
    --------
    >>> mean_reciprocal_rank({"p1": ["b", "a"], "p2": ["c"]}, {"p1": {"a": 1}, "p2": {"c": 1}})
    0.75
    """
    return _mean(rankings, relevance, lambda ranked, rel: next(
        (1 / (i + 1) for i, item in enumerate(ranked) if rel.get(item, 0) > 0), 0.0))


def average_precision(rankings: Rankings, relevance: Relevance) -> float:
    """Mean average precision over the full rankings.

    Examples
    --------
    >>> round(average_precision({"p1": ["a", "b", "c"]}, {"p1": {"a": 1, "c": 1}}), 4)
    0.8333
    """
    def precision_sum(ranked: Sequence[Hashable], rel: Mapping[Hashable, float]) -> float:
        hits, score = 0, 0.0
        for i, item in enumerate(ranked):
            if rel.get(item, 0) > 0:
                hits += 1
                score += hits / (i + 1)
        return score / sum(1 for g in rel.values() if g > 0)

    return _mean(rankings, relevance, precision_sum)


def roc_auc(scores: Sequence[float], labels: Sequence[int | bool]) -> float:
    """Area under the ROC curve: the chance a random positive outscores a random negative.

    Ties count one half. Raises ``ValueError`` unless both classes are present.

    Examples
    --------
    >>> roc_auc([0.9, 0.4, 0.6, 0.1], [1, 0, 1, 0])
    1.0
    """
    if len(scores) != len(labels):
        raise ValueError(f"{len(scores)} scores but {len(labels)} labels")
    order = sorted(range(len(scores)), key=lambda i: scores[i])
    ranks = [0.0] * len(scores)
    i = 0
    while i < len(order):  # average ranks over ties
        j = i
        while j + 1 < len(order) and scores[order[j + 1]] == scores[order[i]]:
            j += 1
        for m in range(i, j + 1):
            ranks[order[m]] = (i + j) / 2 + 1
        i = j + 1
    n_pos = sum(1 for y in labels if y)
    n_neg = len(labels) - n_pos
    if n_pos == 0 or n_neg == 0:
        raise ValueError("AUC needs both positive and negative labels")
    rank_sum = sum(r for r, y in zip(ranks, labels, strict=True) if y)
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def catalogue_coverage(rankings: Rankings, catalogue_size: int, k: int | None = None) -> float:
    """Share of the catalogue (all trainees, or all postings) shown in any top-``k`` list.

    Examples
    --------
    >>> catalogue_coverage({"p1": ["a", "b"], "p2": ["a", "c"]}, catalogue_size=4, k=1)
    0.25
    """
    if catalogue_size < 1:
        raise ValueError(f"catalogue_size must be positive, got {catalogue_size!r}")
    if k is not None:
        _check_k(k)
    shown = {item for ranking in rankings.values() for item in ranking[:k]}
    return len(shown) / catalogue_size
