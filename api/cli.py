"""The ``talentmatch`` console script: the library's commands plus ``serve``.

``talentmatch serve`` creates the database if missing, migrates it, seeds the sample
market into an empty store (``--no-sample`` to skip), builds the matching index, prints
the URL and the demo accounts of each role, and serves the API with uvicorn (in
``--workers`` processes, each with its own index kept in step through the store's
change feed; see :mod:`api.services.index`).
``talentmatch report --year 2026 --format xlsx|html`` writes the annual report from the
service's database (``--database-url`` or ``TALENTMATCH_DATABASE_URL``). Every other
command is :func:`matcher.cli.main`'s (the library never imports the service).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from matcher import cli as matcher_cli

if TYPE_CHECKING:
    from api.settings import Settings

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = matcher_cli.build_parser()
    commands = next(a for a in parser._actions
                    if isinstance(a, argparse._SubParsersAction))
    serve = commands.add_parser(
        "serve", help="run the API service (creates, migrates and seeds the database)",
        description="Serve the talentmatch API; settings from TALENTMATCH_* variables.")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--no-sample", action="store_true",
                       help="do not seed the bundled sample market into an empty database")
    serve.add_argument("--database-url", default=None,
                       help="overrides TALENTMATCH_DATABASE_URL")
    serve.add_argument("--workers", type=int, default=None,
                       help="worker processes (overrides TALENTMATCH_WORKERS; default 1); "
                            "each holds an index kept in step through the database")
    report = commands.add_parser(
        "report", help="write the annual report (Excel or printable HTML) from the database",
        description="The annual report: training against the annex targets, graduates "
                    "placed in the occupation they trained for against 80 % (with the "
                    "placements made through matching), key-industry supply against 90 %, "
                    "per area and for the city, and the largest shortages.")
    report.add_argument("--year", type=int, required=True)
    report.add_argument("--format", choices=("xlsx", "html"), default="html")
    report.add_argument("-o", "--output", default=None,
                        help="the file to write (default: annual_report_YEAR.FORMAT)")
    report.add_argument("--database-url", default=None,
                        help="overrides TALENTMATCH_DATABASE_URL")
    return parser


def _settings(command: str, overrides: dict[str, object]) -> Settings | None:
    """The settings, or None after saying on stderr which value is wrong and why."""
    from pydantic import ValidationError

    from api.settings import Settings

    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        for error in exc.errors():
            name = ".".join(str(part) for part in error["loc"])
            print(f"talentmatch {command}: setting {name} (TALENTMATCH_{name.upper()}) = "
                  f"{error.get('input')!r}: {error['msg']}", file=sys.stderr)
        return None


def report(args: argparse.Namespace) -> int:
    from api.services.annual import write_annual_report

    settings = _settings("report", {})
    if settings is None:
        return 2
    url = args.database_url or settings.database_url
    output = args.output or f"annual_report_{args.year}.{args.format}"
    from sqlalchemy.exc import SQLAlchemyError

    from api.db import shown_url

    try:
        summary = write_annual_report(url, args.year, args.format, output)
    except ValueError as exc:
        print(f"talentmatch report: {exc}", file=sys.stderr)
        return 2
    except SQLAlchemyError as exc:  # a malformed URL, or a database that does not answer
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        print(f"talentmatch report: cannot read the database at {shown_url(url)} "
              f"({reason.replace(url, shown_url(url))}): check --database-url",
              file=sys.stderr)
        return 2
    except OSError as exc:  # e.g. -o into a folder that does not exist
        print(f"talentmatch report: cannot write {output} ({exc.strerror}): choose another "
              "-o/--output", file=sys.stderr)
        return 2
    print(f"已写入 {output}：{summary}")
    suffix = Path(output).suffix.lower()
    if suffix != f".{args.format}":
        print(f"talentmatch report: note: {output} holds {args.format.upper()}, though its "
              f"name ends in {suffix or 'no extension'}: rename it to open it",
              file=sys.stderr)
    return 0


def serve(args: argparse.Namespace) -> int:
    import uvicorn
    from sqlalchemy.engine import make_url

    from api.app import create_app, prepare_store
    from api.db import make_engine, shown_url
    from api.workers import reuse_port_supported, run_workers
    from matcher import Normalizer

    overrides: dict[str, object] = {}
    if args.no_sample:
        overrides["seed_sample"] = False
    if args.database_url:
        overrides["database_url"] = args.database_url
    if args.workers is not None:
        overrides["workers"] = args.workers
    settings = _settings("serve", overrides)
    if settings is None:
        return 2
    base = f"http://{args.host}:{args.port}"
    print(f"talentmatch: serving {base}  (docs: {base}/docs, database: "
          f"{shown_url(settings.database_url)}, "
          f"{settings.workers} worker process{'es' if settings.workers > 1 else ''})")
    print("demo accounts are printed below when the database is new "
          "(role, user name, password):")
    if settings.workers == 1:
        uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level="info",
                    proxy_headers=False)  # the app applies them (api.app)
        return 0
    if make_url(settings.database_url).database in (None, "", ":memory:"):
        print("talentmatch serve: several workers need a database they can share (a SQLite "
              "file or PostgreSQL), not an in-memory one; use --workers 1 or another "
              "--database-url", file=sys.stderr)
        return 2
    if args.port == 0:
        print("talentmatch serve: several workers need a fixed --port (with 0 each would "
              "listen on a port of its own)", file=sys.stderr)
        return 2
    # Several processes: prepare the store once here (no two workers seed it at once);
    # each worker builds its own index from it and follows the change feed.
    engine = make_engine(settings.database_url)
    try:
        prepared = prepare_store(engine, settings, Normalizer.default())
    finally:
        engine.dispose()
    for a in prepared.accounts:
        print(a.line())
    # The workers read their settings from the environment, as the factory's Settings().
    os.environ.update({"TALENTMATCH_DATABASE_URL": settings.database_url,
                       "TALENTMATCH_SEED_SAMPLE": "false",
                       "TALENTMATCH_WORKERS": str(settings.workers)})
    if reuse_port_supported():  # each worker its own socket (see api.workers)
        return run_workers(settings.workers, args.host, args.port)
    uvicorn.run("api.app:create_app", factory=True, workers=settings.workers,
                host=args.host, port=args.port, log_level="info", proxy_headers=False)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "serve":
        return serve(args)
    if args.command == "report":
        return report(args)
    return matcher_cli.main(argv)


if __name__ == "__main__":
    raise SystemExit(main())
