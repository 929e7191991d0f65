"""The talentmatch command line: texts, CSV and XLSX files, and its error messages."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from matcher.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_texts_are_printed_as_csv(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "normalize", "焊工证（中级）", "吃苦耐劳")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert status == 0
    assert rows[0]["occupation_code"] == "6-18-02-04"
    assert rows[0]["level_label"] == "四级/中级工"
    assert rows[0]["kind"] == "certificate"
    assert rows[1]["occupation_code"] == ""


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"], ids=["csv", "xlsx"])
def test_file_column_is_normalized(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                   suffix: str) -> None:
    source = tmp_path / f"in{suffix}"
    table = pd.DataFrame({"id": [1, 2, 3], "岗位": ["急招电焊工3名 包吃住", "", "叉车司机"]})
    if suffix == ".csv":
        table.to_csv(source, index=False)
    else:
        table.to_excel(source, index=False)
    target = tmp_path / f"out{suffix}"
    unknown = tmp_path / "unknown.csv"
    status, _, err = run(capsys, "normalize", "--file", str(source), "--column", "岗位",
                         "-o", str(target), "--unknown", str(unknown))
    assert status == 0
    assert "2/3 rows placed" in err
    result = (pd.read_csv(target, dtype=str, keep_default_na=False) if suffix == ".csv"
              else pd.read_excel(target, dtype=str, keep_default_na=False))
    assert list(result["id"]) == ["1", "2", "3"]
    assert list(result["occupation_code"]) == ["6-18-02-04", "", "6-30-05-01"]
    assert unknown.exists()


def test_missing_column_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "in.csv"
    source.write_text("title\n焊工\n", encoding="utf-8")
    status, _, err = run(capsys, "normalize", "--file", str(source), "--column", "岗位")
    assert status == 2
    assert "no column '岗位'" in err and "title" in err


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [("in.json", "{}", "only .csv and .xlsx"), ("missing.csv", None, "No such file")],
    ids=["wrong-format", "missing-file"],
)
def test_bad_files_give_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                      name: str, content: str | None, message: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    status, _, err = run(capsys, "normalize", "--file", str(path), "--column", "x")
    assert status == 2
    assert message in err


def test_corrupt_xlsx_gives_a_clear_error(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not a zip file at all")
    status, _, err = run(capsys, "normalize", "--file", str(path), "--column", "x")
    assert status == 2
    assert "talentmatch: error:" in err


@pytest.mark.parametrize(
    "args",
    [("normalize",), ("normalize", "焊工", "--file", "x.csv"), ("normalize", "--file", "x.csv")],
    ids=["nothing", "both", "no-column"],
)
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], args: tuple[str, ...]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    assert exc.value.code == 2
    assert "usage:" in capsys.readouterr().err


def test_a_reader_that_stops_early_is_not_an_error(tmp_path: Path) -> None:
    import subprocess
    import sys

    source = tmp_path / "many.csv"
    pd.DataFrame({"t": ["焊工证（中级）", "电工"] * 20_000}).to_csv(source, index=False)
    proc = subprocess.Popen(
        [sys.executable, "-c", "from matcher.cli import main; raise SystemExit(main())",
         "normalize", "--file", str(source), "--column", "t"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()  # like `| head -1`
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=60) == 0
    assert "Broken pipe" not in err and "Traceback" not in err


def test_an_xlsx_output_holds_no_formulas(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "in.csv"
    link = '=HYPERLINK("http://evil.example/","焊工")'
    pd.DataFrame({"岗位": [link, "叉车司机"]}).to_csv(source, index=False)
    target = tmp_path / "out.xlsx"
    status, _, _ = run(capsys, "normalize", "--file", str(source), "--column", "岗位",
                       "-o", str(target))
    assert status == 0
    book = openpyxl.load_workbook(target)
    cells = [c for row in book.active.iter_rows() for c in row]
    assert link in [c.value for c in cells]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
