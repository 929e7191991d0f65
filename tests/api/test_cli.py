"""The console script: ``serve`` added to the library's commands, the rest delegated."""

from __future__ import annotations

import pytest

from api.cli import build_parser, main


def test_serve_options() -> None:
    args = build_parser().parse_args(["serve", "--no-sample", "--host", "0.0.0.0",
                                      "--port", "9000"])
    assert (args.command, args.no_sample, args.host, args.port) == ("serve", True,
                                                                    "0.0.0.0", 9000)


def test_other_commands_are_the_librarys(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["normalize", "焊工证（中级）"]) == 0
    assert "6-18-02-04" in capsys.readouterr().out
