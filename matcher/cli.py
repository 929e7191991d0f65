"""The ``talentmatch`` command line.

``talentmatch sample --scale demo`` regenerates the synthetic sample market;
``talentmatch normalize TEXT…`` shows what each text is read as;
``talentmatch normalize --file in.csv|in.xlsx --column NAME [-o out.csv|out.xlsx]``
normalizes a whole column, adding the occupation code and name, level, kind, score and
the label that matched, with a progress bar on large files, and can write the texts
it could not place (``--unknown unknown.csv``) for a person to curate.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from matcher.levels import format_level
from matcher.normalize import Match, Normalizer
from matcher.sample import DEMO_SEED
from matcher.workbooks import workbook

__all__ = ["main"]

RESULT_COLUMNS = ("occupation_code", "occupation_name", "level", "level_label", "kind",
                  "score", "matched_label", "method")


def _row(match: Match | None) -> list[Any]:
    if match is None:
        return ["", "", "", "", "", "", "", ""]
    level = "" if match.level is None else match.level
    label = "" if match.level is None else format_level(match.level)
    return [match.code, match.name, level, label, match.kind, match.score, match.matched,
            match.method]


def _read_table(path: Path) -> Any:
    import pandas as pd

    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".xlsm", ".csv", ".txt"):
        raise ValueError(
            f"{path}: only .csv and .xlsx files can be read (got {suffix or 'none'})")
    if not path.is_file():
        raise ValueError(f"{path}: No such file")
    try:
        if suffix in (".xlsx", ".xlsm"):
            return pd.read_excel(path, dtype=str, keep_default_na=False)
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except Exception as exc:  # any reader failure is a file the user must fix
        raise ValueError(f"{path}: cannot be read as {suffix[1:]}: {exc}") from exc


def _normalize_file(norm: Normalizer, args: argparse.Namespace) -> int:
    from tqdm import tqdm

    table = _read_table(args.file)
    if args.column not in table.columns:
        columns = ", ".join(map(str, table.columns))
        raise ValueError(f"{args.file}: no column {args.column!r}; columns are {columns}")
    texts = table[args.column].tolist()
    results = []
    seen: dict[str, Match | None] = {}
    for text in tqdm(texts, desc="normalizing", unit="row", disable=len(texts) < 1000 or None,
                     file=sys.stderr):
        if text not in seen:
            seen[text] = norm.normalize(text)
        results.append(_row(seen[text]))
    for i, column in enumerate(RESULT_COLUMNS):
        table[column] = [r[i] for r in results]
    if args.output is None:
        table.to_csv(sys.stdout, index=False)
    elif args.output.suffix.lower() == ".xlsx":  # input text may start with "=": no formulas
        args.output.write_bytes(workbook([("normalized", table)]))
    else:
        table.to_csv(args.output, index=False, encoding="utf-8-sig")
    placed = sum(1 for r in results if r[0])
    print(f"{placed}/{len(results)} rows placed; {len(norm.unknown)} distinct texts unknown",
          file=sys.stderr)
    if args.unknown is not None:
        with args.unknown.open("w", encoding="utf-8-sig", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["text", "count"])
            writer.writerows(norm.unknown.most_common())
    return 0


def _normalize_texts(norm: Normalizer, texts: Sequence[str]) -> int:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["text", *RESULT_COLUMNS])
    for text in texts:
        writer.writerow([text, *_row(norm.normalize(text))])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="talentmatch",
        description="talentmatch: match Dazhou's skilled-worker trainees to job postings.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    normalize = commands.add_parser(
        "normalize",
        help="read titles, skills and certificates as 2022 occupations and levels",
        description="Normalize texts given as arguments, or a column of a CSV/XLSX file.",
    )
    normalize.add_argument("texts", nargs="*", metavar="TEXT", help="texts to normalize")
    normalize.add_argument("--file", type=Path, help="a .csv or .xlsx file to read")
    normalize.add_argument("--column", help="the column of --file holding the texts")
    normalize.add_argument("-o", "--output", type=Path,
                           help="write the table here (.csv or .xlsx); default: standard output")
    normalize.add_argument("--unknown", type=Path,
                           help="write the texts that could not be placed here, with counts")
    normalize.add_argument("--cutoff", type=float, default=None,
                           help="confidence (0–100) under which the answer is 'unknown'")
    sample = commands.add_parser(
        "sample",
        help="generate the synthetic Dazhou market (labelled synthetic)",
        description="Generate a seeded synthetic market and write it as CSV files.",
    )
    sample.add_argument("--scale", default="demo",
                        help="demo, plan, large, or a number of trainees (default: demo)")
    sample.add_argument("--seed", type=int, default=DEMO_SEED)
    sample.add_argument("--out", type=Path, default=Path("data/sample"),
                        help="the folder to write (default: data/sample)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "normalize":
        if bool(args.file) == bool(args.texts):
            parser.error("give either TEXT arguments or --file (with --column)")
        if args.file and not args.column:
            parser.error("--file needs --column NAME")
        try:
            kwargs = {} if args.cutoff is None else {"cutoff": args.cutoff}
            norm = Normalizer.default(**kwargs)
            if args.file:
                return _normalize_file(norm, args)
            return _normalize_texts(norm, args.texts)
        except BrokenPipeError:
            # The reader stopped early (`… | head`): not an error. Python would complain
            # again when flushing stdout at exit, so point it at nothing.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0
        except (ValueError, OSError) as exc:
            print(f"talentmatch: error: {exc}", file=sys.stderr)
            return 2
    if args.command == "sample":
        from matcher.sample import run_sample_command

        try:
            print(run_sample_command(args.scale, args.seed, args.out))
            return 0
        except (ValueError, OSError) as exc:
            print(f"talentmatch: error: {exc}", file=sys.stderr)
            return 2
    return 1  # pragma: no cover - argparse rejects unknown commands


if __name__ == "__main__":
    raise SystemExit(main())
