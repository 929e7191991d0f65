"""Measure normalization quality against naive baselines, in one run.

Evaluates the labelled development sets (phrases, levels, real job-posting titles) and
O*NET 30.0 alternate titles, and prints, for talentmatch's Normalizer and two naive
baselines over the very same labels (rapidfuzz ``WRatio`` ``extractOne``; TF-IDF
character n-gram nearest neighbour):

- occupation accuracy, accuracy on the rows that name something, and the
  false-positive rate on rows whose right answer is "unknown" (``NONE``);
- level accuracy (``levels_dev.csv`` and the levels embedded in phrases);
- a reliability table: how often the Normalizer's top answer is right per score band;
- O*NET: taxonomy from official titles plus a seeded half of each occupation's
  alternate titles, top-1/top-5 on 2,000 titles of the other half.

Usage::

    python benchmarks/normalize_quality.py [--eval-dir ../shared/eval]
        [--onet ../shared/reference/onet/onet30_alternate_titles.csv] [--no-onet]
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process, utils
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.neighbors import NearestNeighbors

from matcher import Normalizer, Taxonomy, parse_level
from matcher.text import clean

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def is_right(code: str | None, gold: str, taxonomy: Taxonomy) -> bool:
    """Whether ``code`` answers ``gold`` ('|'-separated; '-00' codes are groups)."""
    if gold == "NONE":
        return code is None
    if code is None:
        return False
    for accept in gold.split("|"):
        if code == accept:
            return True
        if accept.endswith("-00"):
            group = accept
            while group.endswith("-00"):
                group = group[:-3]
            if code.startswith(group + "-"):
                return True
    return False


class Baselines:
    """The two naive baselines over the same labels the Normalizer uses."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.texts = [label.text for label in taxonomy.labels]
        self.codes = [label.code for label in taxonomy.labels]
        self.tfidf = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), preprocessor=clean)
        matrix = self.tfidf.fit_transform(self.texts)
        self.nn = NearestNeighbors(n_neighbors=5, metric="cosine").fit(matrix)

    def wratio(self, text: str, k: int = 1) -> list[str]:
        hits = process.extract(text, self.texts, scorer=fuzz.WRatio,
                               processor=utils.default_process, limit=k * 4)
        return _distinct([self.codes[i] for _, _, i in hits], k)

    def tfidf_nn(self, text: str, k: int = 1) -> list[str]:
        _, idx = self.nn.kneighbors(self.tfidf.transform([text]), n_neighbors=5)
        return _distinct([self.codes[i] for i in idx[0]], k)


def _distinct(codes: list[str], k: int) -> list[str]:
    out: list[str] = []
    for code in codes:
        if code not in out:
            out.append(code)
    return out[:k]


def evaluate_set(name: str, rows: list[tuple[str, str]], norm: Normalizer,
                 base: Baselines, bands: dict[int, list[bool]]) -> None:
    systems = {
        "talentmatch": lambda t: (m.code if (m := norm.normalize(t)) else None),
        "wratio": lambda t: (base.wratio(t) or [None])[0],
        "tfidf": lambda t: (base.tfidf_nn(t) or [None])[0],
    }
    print(f"\n## {name} ({len(rows)} rows)")
    print(f"{'system':<12} {'accuracy':>9} {'on named':>9} {'FP on NONE':>11}")
    for system, predict in systems.items():
        right = named_right = named = none = fp = 0
        for text, gold in rows:
            code = predict(text)
            ok = is_right(code, gold, norm.taxonomy)
            right += ok
            if gold == "NONE":
                none += 1
                fp += code is not None
            else:
                named += 1
                named_right += ok
        fp_rate = f"{fp / none:.1%}" if none else "n/a"
        print(f"{system:<12} {right / len(rows):>9.1%} {named_right / max(named, 1):>9.1%} "
              f"{fp_rate:>11}")
    for text, gold in rows:
        top = norm.candidates(text, k=1)
        score = top[0].score if top else 0.0
        band = min(int(score // 10) * 10, 90)
        bands[band].append(is_right(top[0].code if top else None, gold, norm.taxonomy)
                           if gold != "NONE" else not top or score < norm.cutoff)


def evaluate_levels(eval_dir: Path, norm: Normalizer, levels: str = "levels_dev.csv",
                    phrases_name: str = "phrases_dev.csv") -> None:
    if not (eval_dir / levels).exists() or not (eval_dir / phrases_name).exists():
        print(f"\n## levels: {levels} or {phrases_name} not found, skipped")
        return
    rows = read(eval_dir / levels)
    ok = sum(parse_level(r["raw"]) == (int(r["rank"]) if r["rank"] else None) for r in rows)
    phrases = read(eval_dir / phrases_name)
    right = 0
    for r in phrases:
        m = norm.normalize(r["raw"])
        level = m.level if m else parse_level(r["raw"])
        right += level == (int(r["level_rank"]) if r["level_rank"] else None)
    print("\n## levels")
    print(f"{levels}: {ok}/{len(rows)} = {ok / len(rows):.1%}")
    print(f"levels in {phrases_name}: {right}/{len(phrases)} = {right / len(phrases):.1%}")


def evaluate_onet(path: Path, seed: int = 0, n_test: int = 2000) -> None:
    rows = read(path)
    by_code: dict[str, list[str]] = defaultdict(list)
    titles: dict[str, str] = {}
    for r in rows:
        titles[r["O*NET-SOC Code"]] = r["Title"]
        by_code[r["O*NET-SOC Code"]].append(r["Alternate Title"])
    rng = random.Random(seed)
    table, test = [], []
    for code in sorted(by_code):
        alts = sorted(set(by_code[code]))
        rng.shuffle(alts)
        half = len(alts) // 2
        table.append({"code": code, "label": titles[code], "alt": "|".join(alts[:half])})
        test.extend((alt, code) for alt in alts[half:])
    rng.shuffle(test)
    test = test[:n_test]
    taxonomy = Taxonomy.from_table(table, alt_labels="alt", kind="english")
    start = time.perf_counter()
    norm = Normalizer(taxonomy)
    build = time.perf_counter() - start
    base = Baselines(taxonomy)
    print(f"\n## O*NET 30.0 alternate titles ({len(test)} held-out titles, "
          f"{len(taxonomy.labels)} labels, index built in {build:.2f} s)")
    print(f"{'system':<12} {'top-1':>7} {'top-5':>7}")
    systems = {
        "talentmatch": lambda t: [m.code for m in norm.candidates(t, k=5)],
        "wratio": lambda t: base.wratio(t, k=5),
        "tfidf": lambda t: base.tfidf_nn(t, k=5),
    }
    for system, predict in systems.items():
        top1 = top5 = 0
        for text, gold in test:
            codes = predict(text)
            top1 += bool(codes) and codes[0] == gold
            top5 += gold in codes
        print(f"{system:<12} {top1 / len(test):>7.1%} {top5 / len(test):>7.1%}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval-dir", type=Path, default=SHARED / "eval")
    parser.add_argument("--phrases", default="phrases_dev.csv",
                        help="file name of the phrases set inside --eval-dir")
    parser.add_argument("--titles", default="titles_dev.csv")
    parser.add_argument("--levels", default="levels_dev.csv")
    parser.add_argument("--onet", type=Path,
                        default=SHARED / "reference" / "onet" / "onet30_alternate_titles.csv")
    parser.add_argument("--no-onet", action="store_true")
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args(argv)
    np.random.seed(0)
    norm = Normalizer.default()
    base = Baselines(norm.taxonomy)
    bands: dict[int, list[bool]] = defaultdict(list)
    phrases_path, titles_path = args.eval_dir / args.phrases, args.eval_dir / args.titles
    phrases = ([(r["raw"], r["accept_codes"]) for r in read(phrases_path)]
               if phrases_path.exists() else [])
    titles = ([(r["job_name"], r["gold_code"]) for r in read(titles_path)]
              if titles_path.exists() else [])
    for name, rows in ((args.phrases, phrases), (args.titles, titles)):
        if rows:
            evaluate_set(name, rows, norm, base, bands)
        else:
            print(f"\n## {name}: not found in {args.eval_dir}, skipped")
    evaluate_levels(args.eval_dir, norm, args.levels, args.phrases)
    print(f"\n## reliability of the top answer (phrases + titles; cutoff {norm.cutoff:g})")
    print(f"{'score':<8} {'n':>5} {'right':>7}")
    for band in sorted(bands):
        marks = bands[band]
        print(f"{band:>2}–{band + 10:<5} {len(marks):>5} {sum(marks) / len(marks):>7.1%}")
    if args.show_errors:
        for text, gold in phrases + titles:
            m = norm.normalize(text)
            if not is_right(m.code if m else None, gold, norm.taxonomy):
                got = f"{m.code} {m.name} {m.score} {m.method} [{m.matched}]" if m else "None"
                top = norm.candidates(text, 1)
                alt = f" (top {top[0].name} {top[0].score})" if top and not m else ""
                print(f"ERR {text!r} gold={gold} got={got}{alt}", file=sys.stderr)
    if not args.no_onet and args.onet.exists():
        evaluate_onet(args.onet)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
