"""Measure normalization throughput against the naive rapidfuzz baseline, in one run.

Workloads (seeded): 100,000 strings drawn from 5,000 distinct ones (what an import of
a roster or a posting board looks like), and 10,000 all-distinct strings. The strings
are taxonomy labels dressed the way postings write them (hiring words, pay, headcount,
benefits, levels, traditional characters, typos by character deletion). The baseline
is ``rapidfuzz.process.extractOne`` with ``WRatio`` over the same Chinese labels, run on
a sample in the same process. Pinned to one core; medians over ``--repeats`` runs.
Also times loading the default normalizer in a fresh interpreter.

Usage: ``python benchmarks/normalize_speed.py [--repeats 3] [--baseline-sample 300]``
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time

from rapidfuzz import fuzz, process, utils

from matcher import Normalizer, Taxonomy, format_level
from matcher.text import is_latin, to_simplified

PREFIXES = ["", "", "急招", "招聘", "诚聘", "某某公司招聘", "高薪诚聘"]
SUFFIXES = ["", "", "3名", " 包吃住", " 5000-8000", " 长白班", "（中级）", " 五险一金",
            "证", " 月薪6k+", "（持证上岗）"]


TRADITIONAL = str.maketrans(
    "证级车电员师维护机焊钳艺试验检测调", "證級車電員師維護機銲鉗藝試驗檢測調"
)


def dress(label: str, rng: random.Random) -> str:
    text = label
    if len(text) > 3 and rng.random() < 0.15:  # a typo: one character dropped
        i = rng.randrange(len(text))
        text = text[:i] + text[i + 1 :]
    if rng.random() < 0.2:
        text += format_level(rng.randrange(1, 6), style=rng.choice(["label", "name"]))
    text = rng.choice(PREFIXES) + text + rng.choice(SUFFIXES)
    if rng.random() < 0.1:  # written in traditional characters
        text = text.translate(TRADITIONAL)
    return text


def workload(taxonomy: Taxonomy, n_distinct: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    labels = sorted({lab.text for lab in taxonomy.labels if not is_latin(lab.text)})
    out: set[str] = set()
    while len(out) < n_distinct:
        out.add(dress(rng.choice(labels), rng))
    return sorted(out)


def rate(fn, items: list[str], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn(items)
        times.append(time.perf_counter() - start)
    return len(items) / statistics.median(times)


def load_time(repeats: int) -> float:
    code = ("import time; t = time.perf_counter(); from matcher import Normalizer; "
            "Normalizer.default(); print(time.perf_counter() - t)")
    runs = [float(subprocess.check_output([sys.executable, "-c", code], text=True))
            for _ in range(repeats)]
    return statistics.median(runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--baseline-sample", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    taxonomy = Taxonomy.default()
    distinct_5k = workload(taxonomy, 5000, args.seed)
    rng = random.Random(args.seed + 1)
    repeated = [rng.choice(distinct_5k) for _ in range(100_000)]
    distinct_10k = workload(taxonomy, 10_000, args.seed + 2)
    assert len(set(distinct_10k)) == 10_000

    def fresh(items: list[str]) -> None:
        Normalizer(taxonomy).normalize_many(items)

    build = statistics.median(
        _timed(lambda: Normalizer(taxonomy)) for _ in range(args.repeats)
    )
    # Throughput excludes building the index: subtract it from each fresh run.
    rep_rate = len(repeated) / (len(repeated) / rate(fresh, repeated, args.repeats) - build)
    dis_rate = len(distinct_10k) / (len(distinct_10k) / rate(fresh, distinct_10k, args.repeats)
                                    - build)

    choices = sorted({to_simplified(lab.text) for lab in taxonomy.labels
                      if not is_latin(lab.text)})
    sample = distinct_10k[: args.baseline_sample]

    def baseline(items: list[str]) -> None:
        for text in items:
            process.extractOne(text, choices, scorer=fuzz.WRatio, processor=utils.default_process)

    base_rate = rate(baseline, sample, args.repeats)
    print(f"one core; medians of {args.repeats} runs; {len(choices)} Chinese labels")
    print(f"{'workload':<42} {'strings/s':>12} {'vs baseline':>12}")
    print(f"{'talentmatch, 100k from 5k distinct':<42} {rep_rate:>12,.0f} "
          f"{rep_rate / base_rate:>11.0f}x")
    print(f"{'talentmatch, 10k all distinct':<42} {dis_rate:>12,.0f} "
          f"{dis_rate / base_rate:>11.0f}x")
    print(f"{'baseline WRatio extractOne (sample)':<42} {base_rate:>12,.0f} {1:>11.0f}x")
    print(f"index build (in process): {build:.3f} s; "
          f"cold load of Normalizer.default(): {load_time(args.repeats):.3f} s")
    return 0


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


if __name__ == "__main__":
    raise SystemExit(main())
