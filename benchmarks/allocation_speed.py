"""Solver time of :func:`matcher.allocation.allocate`: exact vs sparse vs greedy.

Synthetic sparse scores: each posting has ``--per-posting`` candidates (default 100),
half drawn from a heavy-tailed popularity (stars wanted by many postings) and half
uniformly; scores are Beta(2, 5) "hire probabilities"; headcounts 1–4. Two problems
per size: a placement plan (capacity = headcount, one job per trainee) and shortlists
(capacity = 3 × headcount, three lists per trainee). Reported: the median wall time
over ``--repeats`` runs of each method, its objective, the gap to the exact optimum
and, for ``sparse``, the gap its own dual bound certifies.

Usage::

    python benchmarks/allocation_speed.py [--sizes 10000x1000 100000x10000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import numpy as np
import pandas as pd
from scipy import sparse

from matcher.allocation import allocate

METHODS = ("exact", "sparse", "greedy")


def synthetic(n_trainees: int, n_postings: int, per_posting: int, seed: int = 0
              ) -> tuple[sparse.csr_array, np.ndarray]:
    """Scores postings × trainees and headcounts."""
    rng = np.random.default_rng(seed)
    rows = np.repeat(np.arange(n_postings), per_posting)
    popular = (rng.zipf(1.5, len(rows)) - 1) % n_trainees
    cols = np.where(rng.random(len(rows)) < 0.5, popular,
                    rng.integers(0, n_trainees, len(rows)))
    keys = np.unique(rows.astype(np.int64) * n_trainees + cols)  # one score per pair
    values = rng.beta(2, 5, len(keys))
    scores = sparse.csr_array((values, (keys // n_trainees, keys % n_trainees)),
                              shape=(n_postings, n_trainees))
    return scores, rng.integers(1, 5, n_postings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", default=["10000x1000", "100000x10000"],
                        help="trainees x postings")
    parser.add_argument("--per-posting", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--methods", nargs="+", default=list(METHODS))
    args = parser.parse_args(argv)
    rows = []
    for size in args.sizes:
        n_trainees, n_postings = (int(x) for x in size.split("x"))
        scores, headcount = synthetic(n_trainees, n_postings, args.per_posting)
        for problem, capacity, per_trainee in (("plan", headcount, 1),
                                               ("lists", 3 * headcount, 3)):
            results = {}
            for method in args.methods:
                times = []
                for _ in range(args.repeats):
                    started = time.perf_counter()
                    plan = allocate(scores, capacity, trainee_capacity=per_trainee,
                                    method=method)
                    times.append(time.perf_counter() - started)
                results[method] = plan
                rows.append({"size": size, "pairs": scores.nnz, "problem": problem,
                             "method": method, "median_s": statistics.median(times),
                             "objective": plan.objective, "iterations": plan.iterations,
                             "certified_gap": plan.gap})
                print(f"{size} {problem} {method}: {statistics.median(times):.2f} s",
                      file=sys.stderr, flush=True)
            exact = results.get("exact")
            for row in rows[-len(args.methods):]:
                row["gap_to_exact"] = (1 - row["objective"] / exact.objective
                                       if exact is not None else float("nan"))
    table = pd.DataFrame(rows)
    pd.set_option("display.width", 200)
    print(f"{args.per_posting} candidates per posting, median of {args.repeats} runs")
    print(table.to_string(index=False, float_format=lambda x: f"{x:.4g}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
