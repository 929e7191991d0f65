"""Ranking quality on the sample market: learned vs weighted vs two naive baselines.

The sample market's open postings are split by the date they opened. **Logging
phase**: the earlier postings get shortlists (k = 20) from the weighted scorer, an
:class:`~matcher.simulate.OutcomeSimulator` plays them forward, and
:func:`~matcher.learning.train_scorer` fits a learned scorer on that log (holding out
some of those postings for its own metrics). **Test phase**: for the later postings,
four systems rank the same seeking, consented trainees —

- ``learned``: the matcher with the learned scorer;
- ``weighted``: the matcher with the transparent weighted scorer;
- ``occupation``: trainees whose certificates the normalizer reads as the occupation
  it reads from the posting's title, highest level first;
- ``tfidf``: cosine similarity of character n-gram TF-IDF vectors of the raw title
  and the raw certificates text.

Each system's top-k lists (k = 10 and 20) are simulated by a *fresh* simulator with the
same ``random_state`` (the same hidden preferences: the same world, and the same one
the log came from) and judged on their own outcomes. The truth tables are used by
the simulator only, never for ranking.

Conventions: precision@k (hired), NDCG@k (gain 1 hired, 0.5 interviewed) and MRR
(hired) average over *all* test postings, so a posting whose list led to nothing
counts 0 (:mod:`matcher.evaluation` averages over postings with an outcome; the values
are rescaled). A system's own hires all lie inside its list, so recall is measured
against the *pooled* hires of all four systems at the same k, over postings with a
pooled hire. AUC is over the system's recommended pairs (its scores vs hired),
coverage is the share of the seeking, consented trainees shown at least once,
``served`` the share of test postings that got a non-empty list and ``length`` the
mean number of trainees per list (the matcher's hard filters often leave fewer than k).

Usage::

    python benchmarks/ranking_quality.py [--scale plan] [--seeds 1 2 3] [--cutoff 2025-07-01]
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import linear_kernel

from matcher import Normalizer, OutcomeSimulator, SimulationResult, generate_market
from matcher.evaluation import (
    catalogue_coverage,
    mean_reciprocal_rank,
    ndcg_at_k,
    precision_at_k,
    recall_at_k,
    roc_auc,
)
from matcher.learning import train_scorer
from matcher.matching import Matcher
from matcher.reading import read_trainee
from matcher.scoring import LearnedScorer, WeightedScorer

SYSTEMS = ("learned", "weighted", "occupation", "tfidf")
K_VALUES = (10, 20)
LOG_K = 20
INTERVIEW_GAIN = 0.5
METRICS = ("precision", "ndcg", "mrr", "recall", "auc", "coverage", "placements", "served",
           "length")


@dataclass
class Lists:
    """Top-k lists of one system: ``{posting_id: [trainee_id, …]}`` and their scores."""

    rankings: dict[str, list[str]]
    scores: dict[str, list[float]]

    def top(self, k: int) -> Lists:
        return Lists({p: r[:k] for p, r in self.rankings.items()},
                     {p: s[:k] for p, s in self.scores.items()})


@dataclass
class Run:
    """Everything one seeded run produced, for the printed table and the notebook."""

    seed: int
    market: dict[str, pd.DataFrame]
    matcher: Matcher
    cutoff: pd.Timestamp
    log_postings: pd.DataFrame
    test_postings: pd.DataFrame
    pool: list[str]
    logging: SimulationResult
    learned: LearnedScorer
    training: dict[str, Any]
    lists: dict[str, Lists] = field(default_factory=dict)
    outcomes: dict[tuple[str, int], SimulationResult] = field(default_factory=dict)
    table: pd.DataFrame | None = None


def default_cutoff(opened: pd.Series) -> pd.Timestamp:
    """The first day of the month nearest the median opening date."""
    median = pd.to_datetime(opened).median()
    month = median.to_period("M").to_timestamp()
    following = (median + pd.offsets.MonthBegin(1)).normalize()
    return month if median - month < following - median else following


def split_postings(postings: pd.DataFrame, cutoff: str | pd.Timestamp | None = None
                   ) -> tuple[pd.DataFrame, pd.DataFrame, pd.Timestamp]:
    """Open postings opened before ``cutoff`` (logging) and on or after it (test).

    Closed and filled postings are left out: the simulator lets them interview nobody.
    """
    open_ = postings[postings["status"].astype(str).str.strip() == "open"].copy()
    open_["opened"] = pd.to_datetime(open_["opened"])
    cut = default_cutoff(open_["opened"]) if cutoff is None else pd.Timestamp(cutoff)
    early = open_[open_["opened"] < cut].reset_index(drop=True)
    late = open_[open_["opened"] >= cut].reset_index(drop=True)
    if early.empty or late.empty:
        raise ValueError(f"cutoff {cut.date()} leaves one side without postings")
    return early, late, cut


def seeking_pool(matcher: Matcher) -> list[str]:
    """The trainees every system ranks: active, seeking and consented, as the matcher reads them."""
    t = matcher.trainees
    return [str(i) for i in t.ids[t.active & t.seeking & t.consent]]


def matcher_lists(matcher: Matcher, posting_ids: list[str], k: int) -> Lists:
    """Shortlists from the matcher (with whatever scorer it holds)."""
    rankings, scores = {}, {}
    for pid in posting_ids:
        recs = matcher.shortlist(pid, k=k)
        rankings[pid] = [r.trainee_id for r in recs]
        scores[pid] = [r.score for r in recs]
    return Lists(rankings, scores)


def occupation_lists(postings: pd.DataFrame, pool: pd.DataFrame, normalizer: Normalizer,
                     k: int) -> Lists:
    """Baseline: same occupation (title vs certificates, as the normalizer reads them),
    highest certified level first; ties keep the pool's order. The score is the level."""
    holders: dict[str, list[tuple[int, int, str]]] = {}
    for i, (tid, certificates) in enumerate(zip(pool["trainee_id"], pool["certificates"],
                                                strict=True)):
        text = certificates if isinstance(certificates, str) else ""
        for code, level in read_trainee(normalizer, text).certificates:
            holders.setdefault(code, []).append((-(level if level is not None else -1), i, tid))
    rankings, scores = {}, {}
    for pid, title in zip(postings["posting_id"], postings["title"], strict=True):
        match = normalizer.normalize(title) if isinstance(title, str) else None
        ranked = sorted(holders.get(match.code, ()))[:k] if match is not None else []
        rankings[pid] = [tid for _, _, tid in ranked]
        scores[pid] = [float(-negative) for negative, _, _ in ranked]
    return Lists(rankings, scores)


def tfidf_lists(postings: pd.DataFrame, pool: pd.DataFrame, k: int) -> Lists:
    """Baseline: char 1–3-gram TF-IDF cosine of the raw title and the raw certificates."""
    titles = postings["title"].fillna("").astype(str)
    certificates = pool["certificates"].fillna("").astype(str)
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3))
    vectorizer.fit(pd.concat([titles, certificates]))
    similarity = linear_kernel(vectorizer.transform(titles), vectorizer.transform(certificates))
    ids = pool["trainee_id"].astype(str).to_numpy(object)
    rankings, scores = {}, {}
    for pid, row in zip(postings["posting_id"], similarity, strict=True):
        order = np.argsort(-row, kind="stable")[:k]
        order = order[row[order] > 0]
        rankings[pid] = ids[order].tolist()
        scores[pid] = row[order].tolist()
    return Lists(rankings, scores)


def simulate(market: dict[str, pd.DataFrame], lists: Lists, postings: pd.DataFrame,
             start: pd.Timestamp, random_state: int) -> SimulationResult:
    """Play lists forward with a fresh simulator; each list is shown the day its posting opened."""
    day = dict(zip(postings["posting_id"], (postings["opened"] - start).dt.days.clip(lower=0),
                   strict=True))
    rows = [(pid, tid, rank, day[pid]) for pid, ranking in lists.rankings.items()
            for rank, tid in enumerate(ranking, start=1)]
    recs = pd.DataFrame(rows, columns=["posting_id", "trainee_id", "rank", "day"])
    simulator = OutcomeSimulator(market, random_state=random_state, start=str(start.date()))
    return simulator.simulate(recs)


def relevance(log: pd.DataFrame) -> tuple[dict[str, dict[str, float]],
                                          dict[str, dict[str, float]]]:
    """Hired pairs (gain 1), and hired or interviewed pairs (gains 1 and 0.5)."""
    hired: dict[str, dict[str, float]] = {}
    graded: dict[str, dict[str, float]] = {}
    events = log["event"].astype(str)
    for event, gain in (("interviewed", INTERVIEW_GAIN), ("hired", 1.0)):
        for pid, tid in log.loc[events == event, ["posting_id", "trainee_id"]].itertuples(
                index=False):
            graded.setdefault(pid, {})[tid] = gain
            if event == "hired":
                hired.setdefault(pid, {})[tid] = 1.0
    return hired, graded


def quality(lists: Lists, result: SimulationResult, k: int, catalogue_size: int,
            pooled_hires: dict[str, dict[str, float]]) -> dict[str, float]:
    """The metrics of one system's top-k lists, from its own simulated outcomes."""
    rankings = lists.rankings
    n = len(rankings)
    hired, graded = relevance(result.log)

    def share(rel: dict[str, dict[str, float]]) -> float:
        return sum(1 for q in rankings if any(g > 0 for g in rel.get(q, {}).values())) / n

    scores = [s for p in rankings for s in lists.scores[p]]
    labels = [int(t in hired.get(p, {})) for p in rankings for t in rankings[p]]
    auc = roc_auc(scores, labels) if 0 < sum(labels) < len(labels) else float("nan")
    return {
        "precision": precision_at_k(rankings, hired, k) * share(hired),
        "ndcg": ndcg_at_k(rankings, graded, k) * share(graded),
        "mrr": mean_reciprocal_rank(rankings, hired) * share(hired),
        "recall": recall_at_k(rankings, pooled_hires, k),
        "auc": auc,
        "coverage": catalogue_coverage(rankings, catalogue_size, k),
        "placements": float(len(result.placements)),
        "served": sum(1 for r in rankings.values() if r) / n,
        "length": sum(len(r) for r in rankings.values()) / n,
    }


def run(scale: str | int = "plan", seed: int = 1, cutoff: str | pd.Timestamp | None = None,
        k_values: tuple[int, ...] = K_VALUES) -> Run:
    """One seeded logging phase and test phase; ``run(...).table`` holds the metrics."""
    market = generate_market(scale, seed=seed)
    normalizer = Normalizer.default()
    matcher = Matcher.from_tables(market["trainees"], market["postings"],
                                  enterprises=market["enterprises"], courses=market["courses"],
                                  normalizer=normalizer, scorer=WeightedScorer())
    early, late, cut = split_postings(market["postings"], cutoff)
    logged = matcher_lists(matcher, early["posting_id"].tolist(), LOG_K)
    logging = simulate(market, logged, early, early["opened"].min(), random_state=seed)
    learned, training = train_scorer(matcher, logging.log, random_state=seed)
    training = {**training, "log_postings": len(early),
                "log_pairs": int((logging.log["event"] == "recommended").sum())}

    pool_ids = seeking_pool(matcher)
    trainees = market["trainees"].assign(trainee_id=market["trainees"]["trainee_id"].astype(str))
    pool = trainees.set_index("trainee_id").loc[pool_ids].reset_index()
    test_ids = late["posting_id"].tolist()
    k_max = max(k_values)
    lists = {
        "learned": matcher_lists(matcher.with_scorer(learned), test_ids, k_max),
        "weighted": matcher_lists(matcher, test_ids, k_max),
        "occupation": occupation_lists(late, pool, normalizer, k_max),
        "tfidf": tfidf_lists(late, pool, k_max),
    }
    in_pool = set(pool_ids)
    for name, system in lists.items():  # every system ranks the same trainees
        assert all(t in in_pool for r in system.rankings.values() for t in r), name
    result = Run(seed, market, matcher, cut, early, late, pool_ids, logging, learned, training,
                 lists)
    rows = []
    for k in k_values:
        for name in SYSTEMS:
            result.outcomes[name, k] = simulate(market, lists[name].top(k), late, cut,
                                                random_state=seed)
        pooled: dict[str, dict[str, float]] = {}
        for name in SYSTEMS:
            for pid, hires in relevance(result.outcomes[name, k].log)[0].items():
                pooled.setdefault(pid, {}).update(hires)
        for name in SYSTEMS:
            metrics = quality(lists[name].top(k), result.outcomes[name, k], k, len(pool_ids),
                              pooled)
            rows.append({"system": name, "k": k, **metrics})
    result.table = pd.DataFrame(rows)
    return result


def summarize(tables: list[pd.DataFrame]) -> pd.DataFrame:
    """Mean ± sample standard deviation over seeds, as strings, systems × metrics."""
    stacked = pd.concat(tables, ignore_index=True)
    grouped = stacked.groupby(["k", "system"], sort=False)[list(METRICS)]
    mean, sd = grouped.mean(), grouped.std(ddof=1)
    out = pd.DataFrame(index=mean.index)
    for column in METRICS:
        digits = {"placements": 0, "length": 1}.get(column, 3)
        out[column] = [
            f"{m:.{digits}f}" + ("" if len(tables) < 2 or np.isnan(s) else f" ± {s:.{digits}f}")
            for m, s in zip(mean[column], sd[column], strict=True)]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="plan")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--cutoff", default=None, help="first test day (default: month "
                        "boundary nearest the median opening date)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    tables, training = [], []
    for seed in args.seeds:
        r = run(args.scale, seed, args.cutoff)
        tables.append(r.table)
        training.append({"seed": seed, **r.training})
        print(f"seed {seed}: cutoff {r.cutoff.date()}, {len(r.log_postings)} logging postings "
              f"({training[-1]['log_pairs']} pairs, {len(r.logging.placements)} hires), "
              f"{len(r.test_postings)} test postings, {len(r.pool)} seeking consented trainees")
    pd.set_option("display.width", 200)
    print(f"\nscale {args.scale}, seeds {args.seeds}: mean ± sd over seeds")
    print(summarize(tables).to_string())
    columns = ["seed", "hires", "postings_train", "postings_test", "pairs_train", "pairs_test",
               "auc", "auc_weighted", "log_loss", "brier"]
    print("\nlearned scorer, train_scorer's held-out postings (within the logging phase):")
    print(pd.DataFrame(training)[columns].round(4).to_string(index=False))
    print(f"\n{time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
