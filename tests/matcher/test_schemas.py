"""Import schemas: generated and committed tables pass; every bad cell is named."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from matcher.sample import generate_market
from matcher.schemas import SCHEMAS, validate, validate_market

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
IMPORT_TABLES = ("enterprises", "postings", "courses", "trainees")


@pytest.fixture(scope="module")
def market() -> dict[str, pd.DataFrame]:
    return generate_market(2_000, seed=11)


@pytest.mark.parametrize("table", IMPORT_TABLES, ids=IMPORT_TABLES)
def test_generated_tables_pass(market: dict[str, pd.DataFrame], table: str) -> None:
    report = validate(table, market[table], synthetic=True)
    assert report.ok, str(report)
    assert report.rows == len(market[table])


@pytest.mark.parametrize("table", IMPORT_TABLES, ids=IMPORT_TABLES)
def test_committed_csv_passes_as_text_with_chinese_headers(table: str) -> None:
    frame = pd.read_csv(SAMPLE / f"{table}.csv", dtype=str, keep_default_na=False,
                        encoding="utf-8-sig")
    labels = {c.name: c.label for c in SCHEMAS[table].columns}
    report = validate(table, frame.rename(columns=labels), synthetic=True)
    assert report.ok, str(report)


def test_market_links_pass(market: dict[str, pd.DataFrame]) -> None:
    assert validate_market(market, synthetic=True).ok


# (table, column, bad value, expected reason in English)
BAD_CELLS = [
    ("enterprises", "uscc", "91511722MA0000007X", "unified social credit code"),
    ("enterprises", "area", "成都市", "not an area of Dazhou"),
    ("enterprises", "industry", "房地产", "not a known industry"),
    ("enterprises", "key_enterprise", "maybe", "是/否"),
    ("enterprises", "name", "", "required value is empty"),
    ("postings", "headcount", 0, "headcount must be"),
    ("postings", "headcount", "3.5", "whole number"),
    ("postings", "closes", pd.Timestamp("2020-01-01"), "closes before it opened"),
    ("postings", "wage_max", 1000, "below the minimum wage"),
    ("postings", "opened", "2025-13-40", "a real date"),
    ("postings", "min_level", "很厉害", "not a skill level"),
    ("postings", "status", "paused", "must be one of"),
    ("courses", "provider_kind", "网红机构", "must be one of"),
    ("courses", "occupation_code", "61802-04", "look like 6-18-02-04"),
    ("courses", "end_date", pd.Timestamp("2000-01-01"), "before the start date"),
    ("courses", "target_level", "不限", "not a skill level"),
    ("trainees", "masked_name", "张三丰", "must be masked"),
    ("trainees", "contact", "13800000000", "fake 1009 range"),
    ("trainees", "contact", "12345", "not a phone number"),
    ("trainees", "preferred_areas", "达州市、北京市", "preferred areas"),
    ("trainees", "expected_wage", 50, "monthly wage must be"),
    ("trainees", "consent", "", "required value is empty"),
    ("trainees", "trainee_id", "T 1", "ids are"),
]


@pytest.mark.parametrize(("table", "column", "value", "reason"), BAD_CELLS,
                         ids=[f"{t}.{c}={v!s}" for t, c, v, _ in BAD_CELLS])
def test_bad_cell_is_reported_with_row_and_column(market: dict[str, pd.DataFrame], table: str,
                                                  column: str, value: object,
                                                  reason: str) -> None:
    frame = market[table].copy()
    if isinstance(value, pd.Timestamp):
        frame[column] = frame[column].astype("datetime64[s]")
    else:
        frame[column] = frame[column].astype(object)
    frame.loc[6, column] = value
    report = validate(table, frame, synthetic=True)
    assert [(p.row, p.excel_row, p.column) for p in report.problems] == [(7, 8, column)]
    assert reason in report.problems[0].reason_en
    assert report.problems[0].reason_zh
    assert report.problems[0].label == SCHEMAS[table].column(column).label


def test_real_phone_accepted_when_not_synthetic(market: dict[str, pd.DataFrame]) -> None:
    frame = market["trainees"].copy()
    frame.loc[0, "contact"] = "138-0000-0000"
    assert validate("trainees", frame).ok
    assert not validate("trainees", frame, synthetic=True).ok


def test_every_bad_cell_is_listed_in_row_order(market: dict[str, pd.DataFrame]) -> None:
    frame = market["postings"].copy()
    frame.loc[[2, 5], "headcount"] = 0
    frame.loc[3, "area"] = "火星"
    frame.loc[4, "posting_id"] = frame.loc[0, "posting_id"]
    report = validate("postings", frame)
    assert [(p.row, p.column) for p in report.problems] == [
        (3, "headcount"), (4, "area"), (5, "posting_id"), (6, "headcount")]
    assert "duplicate id" in report.problems[2].reason_en
    assert report.to_frame()["excel_row"].tolist() == [4, 5, 6, 7]


def test_missing_required_and_forbidden_columns(market: dict[str, pd.DataFrame]) -> None:
    frame = market["trainees"].drop(columns=["consent"]).assign(性别="男")
    report = validate("trainees", frame, synthetic=True)
    found = {(p.row, p.column, p.reason_en) for p in report.problems}
    assert found == {(None, "性别", "this personal attribute must not be imported"),
                     (None, "consent", "required column is missing")}
    assert report.ignored_columns == ("性别",)


def test_foreign_keys(market: dict[str, pd.DataFrame]) -> None:
    tables = dict(market)
    tables["trainees"] = market["trainees"].copy()
    tables["trainees"].loc[9, "course_id"] = "C999999"
    tables["postings"] = market["postings"].copy()
    tables["postings"].loc[0, "enterprise_id"] = "E999999"
    report = validate_market(tables, synthetic=True)
    assert [(p.table, p.row, p.column) for p in report.problems] == [
        ("postings", 1, "enterprise_id"), ("trainees", 10, "course_id")]


def test_unknown_table_raises() -> None:
    with pytest.raises(ValueError, match="table must be one of"):
        validate("salaries", pd.DataFrame())


def test_templates_have_chinese_headers() -> None:
    for schema in SCHEMAS.values():
        headers = list(schema.template().columns)
        assert len(headers) == len(set(headers)) == len(schema.columns)
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in h) for h in headers)


# Frames a careless export or a hostile caller could hand over: never an exception.
HOSTILE = {
    "no-columns": lambda cols: pd.DataFrame(),
    "no-rows": lambda cols: pd.DataFrame(columns=cols),
    "all-nan": lambda cols: pd.DataFrame(np.nan, index=range(3), columns=cols),
    "all-none": lambda cols: pd.DataFrame(None, index=range(3), columns=cols, dtype=object),
    "ints": lambda cols: pd.DataFrame(1, index=range(3), columns=cols),
    "floats": lambda cols: pd.DataFrame(1e300, index=range(3), columns=cols),
    "bools": lambda cols: pd.DataFrame(True, index=range(3), columns=cols),
    "long-text": lambda cols: pd.DataFrame("长" * 10_000, index=range(2), columns=cols),
    "emoji": lambda cols: pd.DataFrame("😀🔥\u200b", index=range(2), columns=cols),
    "tz-dates": lambda cols: pd.DataFrame(pd.Timestamp("2025-03-01", tz="Asia/Shanghai"),
                                          index=range(2), columns=cols),
    "mixed": lambda cols: pd.DataFrame(
        [([None, 3.5, "x", pd.NaT, True, -1, dt.date(1, 1, 1)] * 2)[:len(cols)]] * 2,
        columns=cols),
    "multiindex": lambda cols: pd.DataFrame("x", index=range(2), columns=pd.MultiIndex
                                            .from_tuples([(c, "") for c in cols])),
}


@pytest.mark.parametrize("table", IMPORT_TABLES, ids=IMPORT_TABLES)
@pytest.mark.parametrize("make", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_frames_are_reported_not_raised(market: dict[str, pd.DataFrame], table: str,
                                                make: Callable[[list[str]], pd.DataFrame]
                                                ) -> None:
    frame = make(list(market[table].columns))
    report = validate(table, frame)
    assert report.rows == len(frame)
    assert all(p.table == table and p.reason_en and p.reason_zh for p in report.problems)
    assert all(p.row is None or 1 <= p.row <= len(frame) for p in report.problems)
    assert len(str(report)) < 20_000  # values are cut short, the listing too
    if len(report.blank_rows) < len(frame):  # junk in some row is never accepted
        assert not report.ok
    validate_market({table: frame})


def test_excel_typed_cells_read_as_a_person_reads_them(market: dict[str, pd.DataFrame]) -> None:
    trainees = market["trainees"].head(8).astype(object)
    trainees["contact"] = trainees["contact"].astype(float)  # a number column with a gap
    trainees.loc[7, "contact"] = np.nan
    trainees["expected_wage"] = ["5000.0", "5,000", "５０００", 5000.0, 5000, " 5000 ", None, ""]
    trainees["consent"] = ["是", "否", "TRUE", "false", 1, 0.0, "√", " Y "]
    trainees["graduation_date"] = [dt.datetime(2025, 3, 1), dt.date(2025, 3, 1), "2025/3/1",
                                   "2025年3月1日", "20250301", "2025-03-01 00:00:00",
                                   "2025-03-01T08:30:00+08:00", pd.Timestamp("2025-03-01")]
    trainees["status"] = ["Seeking", " seeking", "求职中", "PLACED", "已就业", "withdrawn",
                          "seeking ", "已退出"]
    trainees["masked_name"] = "张＊"
    report = validate("trainees", trainees, synthetic=True)
    assert report.ok, str(report)


def test_float_ids_link_to_text_ids(market: dict[str, pd.DataFrame]) -> None:
    enterprises = market["enterprises"].astype(object)
    enterprises.loc[0, "enterprise_id"] = 1001.0  # Excel read the id as a number
    postings = market["postings"].copy()
    postings["enterprise_id"] = np.where(postings["enterprise_id"] == market["enterprises"]
                                         .loc[0, "enterprise_id"], "1001",
                                         postings["enterprise_id"])
    assert validate_market({"enterprises": enterprises, "postings": postings}).ok


def test_messy_headers_are_matched_and_repeats_reported(market: dict[str, pd.DataFrame]) -> None:
    labels = [c.label for c in SCHEMAS["enterprises"].columns]
    frame = market["enterprises"].set_axis(
        [f" {labels[0]}* ", "企业 名称", "统一社会信用代码（ＵＳＣＣ）", *labels[3:]], axis=1)
    frame["Enterprise_ID"] = "X"
    frame["备注"] = "extra"
    report = validate("enterprises", frame)
    assert [(p.row, p.column, p.reason_en) for p in report.problems] == [
        (None, "enterprise_id", "duplicate column: only the first one is read"),
        (None, "uscc", "required column is missing")]
    assert report.ignored_columns == ("统一社会信用代码（ＵＳＣＣ）", "备注")


def test_blank_rows_are_skipped_and_keep_row_numbers(market: dict[str, pd.DataFrame]) -> None:
    frame = market["postings"].head(5).astype(object)
    frame.loc[1] = [None] * frame.shape[1]
    frame.loc[3] = [" "] * frame.shape[1]
    frame.loc[4, "headcount"] = 0
    frame.loc[5] = [np.nan] * frame.shape[1]  # a trailing formatted row
    report = validate("postings", frame)
    assert report.blank_rows == (2, 4, 6)
    assert [(p.row, p.column) for p in report.problems] == [(5, "headcount")]


def test_duplicate_credit_codes_are_reported(market: dict[str, pd.DataFrame]) -> None:
    frame = market["enterprises"].copy()
    frame.loc[4, "uscc"] = " " + frame.loc[1, "uscc"]
    report = validate("enterprises", frame)
    assert [(p.row, p.column, p.reason_en) for p in report.problems] == [
        (5, "uscc", "repeats an earlier row")]


def test_check_against_a_missing_column_is_skipped(market: dict[str, pd.DataFrame]) -> None:
    report = validate("postings", market["postings"].drop(columns=["opened", "wage_min"]))
    assert {(p.row, p.column) for p in report.problems} == {(None, "opened"),
                                                            (None, "wage_min")}


def test_validate_rejects_what_is_not_a_frame() -> None:
    with pytest.raises(ValueError, match="needs a pandas DataFrame"):
        validate("trainees", [{"trainee_id": "T1"}])  # type: ignore[arg-type]
