"""Measure the matching engine at province scale against a naive pandas baseline.

On a synthetic market (:func:`matcher.sample.generate_market`, default 1,000,000
trainees × 50,000 postings) this reports, in one run:

- **index build**: wall time of :meth:`Matcher.from_tables` and its memory, as growth
  of the process's resident set size (RSS, from ``/proc/self/statm``: what the
  operating system holds for the index, the normalizer's caches and allocator slack)
  and, with ``--tracemalloc``, the Python and numpy allocations still held after the
  build (tracemalloc slows the build about twofold, so it is off by default);
- **shortlist** (k trainees for a posting) and **suggest** (k postings for a trainee)
  latency p50/p99 over ``--queries`` random postings and trainees, pinned to one core,
  each call returning its k recommendations with contributions, reasons and gaps
  (explanations are built eagerly, inside the timed call);
- **shortlist, every candidate scored**: the same postings with the scorer's
  ``score_bound`` hidden, so that no candidate is pruned (the engine before issue 4's
  pruning; ``tests/matcher/test_pruning.py`` checks both give identical results), and
  how many shortlists the pruned engine answered from the holders of the posting's
  occupation and of those retrieved with it, without scoring every candidate;
- a **naive baseline**, pinned to the same core: a pandas DataFrame of trainees
  filtered by the posting's occupation code, status and consent, a score column from
  pandas operations (level, area, wage, recency), ``sort_values`` and ``head(k)``.
  It scores fewer features than the engine, retrieves no related occupations and
  explains nothing, so the ratio flatters the baseline.

Targets (issue 4): shortlist p50 ≤ 20 ms on one core at 1M trainees and ≥ 50× faster
than the baseline; suggest p50 ≤ 10 ms at 50k postings; index ≤ 1.5 GB.

Usage: ``python benchmarks/ranking_speed.py [--trainees 1000000] [--postings 50000]
[--queries 300] [--baseline-queries 50] [--k 50] [--seed 20250101] [--tracemalloc]``
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

from matcher import Matcher
from matcher.features import FeatureTable
from matcher.sample import generate_market
from matcher.scoring import Scored, Scorer

_WEIGHTS = {"level": 15.0, "area": 8.0, "wage": 5.0, "recency": 3.0}


def rss_mb() -> float:
    """Resident set size of this process, in MiB."""
    pages = int(Path("/proc/self/statm").read_text(encoding="ascii").split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def market(trainees: int, postings: int, seed: int) -> dict[str, pd.DataFrame]:
    """A market with ``trainees`` trainees and (at least sampled down to) ``postings``."""
    tables = generate_market(max(trainees, 20 * postings), seed=seed)
    tables["trainees"] = tables["trainees"].iloc[:trainees]
    if len(tables["postings"]) > postings:
        tables["postings"] = tables["postings"].sample(postings, random_state=seed)
    return tables


def baseline_frame(m: Matcher, trainees: pd.DataFrame) -> pd.DataFrame:
    """One row per trainee, as a pandas user would hold it: first certificate, area …"""
    tp = m.trainees
    codes = np.array([*tp.context.occupations.items, ""], dtype=object)
    first = tp.occupation[tp.reading, 0]
    return pd.DataFrame({
        "trainee_id": tp.ids,
        "occupation_code": pd.array(codes[first], dtype="str"),
        "level": tp.level[tp.reading, 0],
        "area": trainees["area"].to_numpy(),
        "status": trainees["status"].to_numpy(),
        "consent": tp.consent,
        "expected_wage": tp.wage,
        "graduation_date": pd.to_datetime(trainees["graduation_date"]).to_numpy(),
    })


def baseline_shortlist(frame: pd.DataFrame, posting: pd.Series, k: int) -> pd.DataFrame:
    """Filter by occupation code, status and consent; score with pandas; sort; top k."""
    c = frame[(frame["occupation_code"] == posting["occupation_code"])
              & (frame["status"] == "seeking") & frame["consent"]]
    minimum = posting["min_level"]
    level = np.where(c["level"] >= minimum, 1.0, np.where(c["level"] == minimum - 1, 0.4, 0.0))
    days = (posting["opened"] - c["graduation_date"]).dt.days.clip(lower=0)
    score = (30 + _WEIGHTS["level"] * level
             + _WEIGHTS["area"] * (c["area"] == posting["area"])
             + _WEIGHTS["wage"] * (c["expected_wage"] <= posting["wage_max"])
             + _WEIGHTS["recency"] * np.exp(-days / 365))
    return c.assign(score=score).sort_values("score", ascending=False).head(k)


class Unbounded:
    """A scorer without ``score_bound``: the matcher then scores every candidate."""

    def __init__(self, scorer: Scorer) -> None:
        self.scorer = scorer
        self.name = scorer.name

    def score_pairs(self, features: FeatureTable) -> Scored:
        return self.scorer.score_pairs(features)


def fallbacks(m: Matcher, postings: list[str], k: int) -> int:
    """How many of the shortlists had to score every candidate."""
    count = 0
    retrieve = m._trainee_candidates

    def counting(p: int) -> np.ndarray:
        nonlocal count
        count += 1
        return retrieve(p)

    m._trainee_candidates = counting  # type: ignore[method-assign]
    try:
        for key in postings:
            m.shortlist(key, k=k)
    finally:
        del m._trainee_candidates
    return count


def latencies(call: object, ids: list, k: int) -> list[float]:
    """Seconds per call of ``call(id, k=k)``."""
    out = []
    for key in ids:
        start = time.perf_counter()
        call(key, k=k)
        out.append(time.perf_counter() - start)
    return out


def summary(seconds: list[float]) -> str:
    ms = np.array(seconds) * 1e3
    return (f"p50 {np.percentile(ms, 50):8.2f} ms   p99 {np.percentile(ms, 99):8.2f} ms   "
            f"mean {ms.mean():8.2f} ms   (n={len(ms)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=1_000_000)
    parser.add_argument("--postings", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--baseline-queries", type=int, default=50)
    parser.add_argument("--k", type=int, default=50)
    parser.add_argument("--seed", type=int, default=20250101)
    parser.add_argument("--tracemalloc", action="store_true",
                        help="also measure allocations held after the build (slow)")
    args = parser.parse_args()

    start = time.perf_counter()
    tables = market(args.trainees, args.postings, args.seed)
    print(f"market: {len(tables['trainees']):,} trainees × {len(tables['postings']):,} "
          f"postings generated in {time.perf_counter() - start:.1f} s")

    gc.collect()
    before = rss_mb()
    if args.tracemalloc:
        tracemalloc.start()
    start = time.perf_counter()
    m = Matcher.from_tables(tables["trainees"], tables["postings"],
                            enterprises=tables["enterprises"], courses=tables["courses"])
    build = time.perf_counter() - start
    gc.collect()
    grown = rss_mb() - before
    print(f"index build: {build:.1f} s; RSS growth {grown:,.0f} MiB "
          f"({len(m.trainees.skill_sets):,} distinct trainee readings)")
    if args.tracemalloc:
        held, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"  tracemalloc: {held / 2**20:,.0f} MiB held after the build, "
              f"peak {peak / 2**20:,.0f} MiB")

    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    rng = np.random.default_rng(args.seed)
    postings = [str(i) for i in rng.choice(m.postings.ids[m.postings.active],
                                           args.queries, replace=False)]
    trainees = [str(i) for i in rng.choice(m.trainees.ids[m.trainees.active],
                                           args.queries, replace=False)]
    candidates = [len(m._trainee_candidates(m.postings.row_of[p])) for p in postings]
    latencies(m.shortlist, postings[:10], args.k)  # warm up caches and row lists
    latencies(m.suggest, trainees[:10], args.k)
    shortlist = latencies(m.shortlist, postings, args.k)
    suggest = latencies(m.suggest, trainees, args.k)
    everyone = m.with_scorer(Unbounded(m.scorer))
    latencies(everyone.shortlist, postings[:10], args.k)
    unpruned = latencies(everyone.shortlist, postings, args.k)
    fell_back = fallbacks(m, postings, args.k)

    frame = baseline_frame(m, tables["trainees"])
    pp = m.postings
    codes = np.array([*pp.context.occupations.items, ""], dtype=object)
    opened = tables["postings"].set_index("posting_id")["opened"]
    rows = [pp.row_of[p] for p in postings[: args.baseline_queries]]
    posting_rows = [pd.Series({
        "occupation_code": codes[pp.occupation[r]], "min_level": int(pp.min_level[r]),
        "area": pp.context.areas.items[pp.area[r]] if pp.area[r] >= 0 else "",
        "wage_max": float(pp.wage_max[r]),
        "opened": pd.Timestamp(opened[pp.ids[r]])}) for r in rows]
    baseline = []
    for posting in posting_rows:
        t0 = time.perf_counter()
        baseline_shortlist(frame, posting, args.k)
        baseline.append(time.perf_counter() - t0)

    print(f"candidates retrieved per posting: median {statistics.median(candidates):,.0f}, "
          f"max {max(candidates):,}")
    print(f"one core, k={args.k}:")
    print(f"  shortlist        {summary(shortlist)}")
    print(f"    every candidate scored  {summary(unpruned)}")
    print(f"    answered from occupation holders, without scoring every candidate: "
          f"{len(postings) - fell_back} of {len(postings)}")
    print(f"  suggest          {summary(suggest)}")
    print(f"  pandas baseline  {summary(baseline)}")
    ratio = statistics.median(baseline) / statistics.median(shortlist)
    print(f"  shortlist is {ratio:.1f}× faster than the baseline (medians)")
    checks = [("shortlist p50 ≤ 20 ms", np.median(shortlist) <= 0.020),
              ("shortlist ≥ 50× baseline", ratio >= 50),
              ("suggest p50 ≤ 10 ms", np.median(suggest) <= 0.010),
              ("index RSS growth ≤ 1.5 GB", grown <= 1.5 * 1024)]
    print("targets: " + "; ".join(f"{name}: {'met' if ok else 'NOT met'}"
                                  for name, ok in checks))


if __name__ == "__main__":
    main()
