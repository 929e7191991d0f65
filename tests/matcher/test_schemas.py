"""Import schemas: generated and committed tables pass; every bad cell is named."""

from __future__ import annotations

from pathlib import Path

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
    ("postings", "opened", "2025-13-40", "YYYY-MM-DD"),
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
