"""Measure synthetic-market generation time and peak memory, from demo to large scale.

For each scale, a fresh interpreter imports :mod:`matcher`, generates the market
``--repeats`` times (median wall time reported) and reports its peak resident memory
(``ru_maxrss``) above what the imports alone took. The target: the ``large`` scale
(1,000,000 trainees × 50,000 postings) in under 60 s on a 2-core machine. With
``--write``, also times writing the CSVs into a temporary folder.

Usage: ``python benchmarks/sample_speed.py [--repeats 3] [--scales demo plan large] [--write]``
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

CHILD = """
import json, resource, statistics, sys, tempfile, time
from matcher.sample import generate_market, write_market
scale, repeats, write = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "1"
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
times, tables = [], None
for _ in range(repeats):
    tables = None
    start = time.perf_counter()
    tables = generate_market(scale, seed=20250101)
    times.append(time.perf_counter() - start)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
out = {"median_s": statistics.median(times), "min_s": min(times),
       "trainees": len(tables["trainees"]), "postings": len(tables["postings"]),
       "peak_mb": (peak - base) / 1024, "frames_mb": sum(
           t.memory_usage(deep=True).sum() for t in tables.values()) / 2**20}
if write:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        write_market(tables, tmp, scale=scale, seed=20250101)
        out["write_s"] = time.perf_counter() - start
print(json.dumps(out))
"""


def measure(scale: str, repeats: int, write: bool) -> dict[str, float]:
    """Run one scale in a fresh interpreter and return its measurements."""
    done = subprocess.run([sys.executable, "-c", CHILD, scale, str(repeats), str(int(write))],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--scales", nargs="+", default=["demo", "plan", "large"])
    parser.add_argument("--write", action="store_true", help="also time writing the CSVs")
    args = parser.parse_args()
    header = (f"{'scale':<8}{'trainees':>11}{'postings':>10}{'median s':>10}{'min s':>8}"
              f"{'peak MB':>9}{'frames MB':>11}" + (f"{'write s':>9}" if args.write else ""))
    print(header)
    print("-" * len(header))
    for scale in args.scales:
        m = measure(scale, args.repeats, args.write)
        line = (f"{scale:<8}{m['trainees']:>11,}{m['postings']:>10,}{m['median_s']:>10.2f}"
                f"{m['min_s']:>8.2f}{m['peak_mb']:>9.0f}{m['frames_mb']:>11.0f}")
        if args.write:
            line += f"{m['write_s']:>9.2f}"
        print(line, flush=True)
    print("target: large scale generated in < 60 s (median); peak MB = max RSS above imports")


if __name__ == "__main__":
    main()
