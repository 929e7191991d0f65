"""Acceptance of the reports, second round (defects found in UAT on the sample store).

- a demand survey of a future quarter, or of one before the plan, says so (Chinese and
  English) instead of silently projecting today's statuses;
- the annual workbook is print-ready: landscape, one page wide, a title row, shares
  stored as numbers formatted as percentages (and still no formula cells);
- a year outside the plan (2025–2027) has no training target: neither met nor missed;
- the ``report`` command's summary is in Chinese and gives the 80 % goal figure.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from api.cli import main
from api.services.reports import current_quarter
from matcher.workbooks import workbook

H = dict[str, dict[str, str]]


def _survey(client: TestClient, tokens: H, quarter: str) -> dict[str, Any]:
    response = client.get("/api/v1/reports/demand", params={"quarter": quarter},
                          headers=tokens["counselor"])
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


# -- 3. demand survey of a future quarter or one before the plan ---------------------------

@pytest.mark.parametrize(("quarter", "codes"), [
    ("2030Q1", {"future", "after_plan"}), ("2024Q4", {"before_plan"}), ("current", set())],
    ids=["future", "before-plan", "current"])
def test_demand_survey_says_when_its_quarter_is_unusual(client: TestClient, tokens: H,
                                                        quarter: str, codes: set[str]
                                                        ) -> None:
    label = current_quarter().label if quarter == "current" else quarter
    survey = _survey(client, tokens, label)
    assert {c["code"] for c in survey["caveats"]} == codes
    for caveat in survey["caveats"]:
        assert label in caveat["message_zh"] and label in caveat["message_en"]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in caveat["message_zh"])
        assert caveat["message_zh"] in survey["notes"]  # also in the workbook's 说明 sheet
    if "future" in codes:
        assert dt.date.today().isoformat() in survey["caveats"][0]["message_zh"]


def test_a_future_quarter_stays_a_survey_and_its_workbook_says_so(client: TestClient,
                                                                  tokens: H) -> None:
    response = client.get("/api/v1/reports/demand?quarter=2030Q1&format=xlsx",
                          headers=tokens["admin"])
    assert response.status_code == 200
    notes = [r[0] for r in openpyxl.load_workbook(io.BytesIO(response.content))["说明"].values]
    assert any("2030Q1" in str(n) and "尚未到来" in str(n) for n in notes)


# -- 5. the annual workbook prints ---------------------------------------------------------

def _annual_book(client: TestClient, tokens: H, year: int) -> openpyxl.Workbook:
    response = client.get(f"/api/v1/reports/annual?year={year}&format=xlsx",
                          headers=tokens["admin"])
    assert response.status_code == 200, response.text
    return openpyxl.load_workbook(io.BytesIO(response.content))


def test_the_annual_workbook_is_print_ready(client: TestClient, tokens: H) -> None:
    book = _annual_book(client, tokens, 2026)
    for sheet in book.worksheets:
        assert sheet.page_setup.orientation == "landscape", sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    data = book["分区域指标"]
    title, header = data["A1"].value, [c.value for c in data[2]]
    assert "年度报告" in title and "2026" in title and data["A1"].font.b
    assert header[:5] == ["区域", "培训人次", "目标人次", "完成率", "达到培训目标"]
    assert data.print_title_rows.replace("$", "") == "2:2"  # header on every page
    city = [c for c in data[data.max_row]]
    assert city[0].value == "全市"
    report = client.get("/api/v1/reports/annual?year=2026", headers=tokens["admin"]).json()
    shares = {"完成率": report["city"]["training"]["share"],
              "培训就业匹配率": report["city"]["placement"]["goal_share"],
              "通过匹配就业占比": report["city"]["placement"]["through_matching_share"],
              "需求满足率": report["city"]["supply"]["satisfaction"]}
    assert sum(v is not None for v in shares.values()) >= 2
    for column, share in shares.items():
        cell = city[header.index(column)]
        if share is None:
            assert cell.value == "—", column
        else:  # the share itself (0.123), not "12.3%" text nor 12.3
            assert cell.data_type == "n" and cell.value == pytest.approx(share), column
            assert "%" in cell.number_format, column
    assert not [c.coordinate for s in book.worksheets for r in s.iter_rows() for c in r
                if c.data_type == "f"]


def test_workbook_layout_options_keep_cells_formula_free() -> None:
    frame = pd.DataFrame({"名称": ["=1+1", "普通"], "比例": [0.25, None], "人数": [1, 2]})
    book = openpyxl.load_workbook(io.BytesIO(workbook(
        [("表", frame)], titles={"表": "=标题"}, number_formats={"比例": "0.0%"},
        print_ready=True)))
    sheet = book["表"]
    assert sheet["A1"].value == "=标题" and sheet["A1"].data_type == "s"
    assert [c.value for c in sheet[2]] == ["名称", "比例", "人数"]
    assert sheet["A3"].value == "=1+1" and sheet["A3"].data_type == "s"
    assert sheet["B3"].value == 0.25 and sheet["B3"].number_format == "0.0%"
    assert sheet["C3"].number_format == "General"
    assert sheet.page_setup.orientation == "landscape"
    plain = openpyxl.load_workbook(io.BytesIO(workbook([("表", frame)])))["表"]
    assert plain["A1"].value == "名称" and plain.page_setup.orientation != "landscape"


# -- 6. a year outside the plan has no training target -------------------------------------

def test_a_year_outside_the_plan_has_no_training_target(client: TestClient,
                                                        tokens: H) -> None:
    report = client.get("/api/v1/reports/annual?year=2031", headers=tokens["admin"]).json()
    training = report["city"]["training"]
    assert report["plan_year"] is False
    assert training["has_target"] is False
    assert training["target"] is None and training["meets_target"] is None
    assert any("2031" in n and "无培训人次目标" in n for n in report["notes"])
    page = client.get("/api/v1/reports/annual?year=2031&format=html",
                      headers=tokens["admin"]).text
    card = page.split("培训人次 / 目标", 1)[1].split("</div>", 1)[0]
    assert "ok-text" not in card and "无目标" in card
    rows = list(_annual_book(client, tokens, 2031)["分区域指标"].values)
    assert rows[-1][0] == "全市" and rows[-1][4] == "无目标"
    planned = client.get("/api/v1/reports/annual?year=2026", headers=tokens["admin"]).json()
    assert planned["plan_year"] is True and planned["city"]["training"]["has_target"] is True
    assert planned["city"]["training"]["meets_target"] in (True, False)


# -- 7. the report command's summary -------------------------------------------------------

def test_the_report_command_prints_the_goal_figure_in_chinese(
        client: TestClient, tokens: H, sqlite_url: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.html"
    assert main(["report", "--year", "2026", "-o", str(out),
                 "--database-url", sqlite_url]) == 0
    line = capsys.readouterr().out
    city = client.get("/api/v1/reports/annual?year=2026",
                      headers=tokens["admin"]).json()["city"]["placement"]
    assert "培训就业匹配率" in line and "80%" in line and "through matching" not in line
    assert f"{city['goal_share']:.1%}" in line
    assert f"{city['placed_matching_training']} / {city['graduates']}" in line
    assert ("未达到" if not city["meets_goal"] else "已达到") in line
    assert str(out) in line


def test_the_demand_survey_reads_preferred_areas_as_the_matcher_does() -> None:
    from api.services.reports import _willing
    from matcher.areas import anywhere, split_areas

    # separators the validator accepts (the survey split only on some before)
    assert _willing("达川区/渠县") == frozenset({"达川区", "渠县"})
    assert _willing("达川区和渠县") == frozenset(split_areas("达川区和渠县"))
    assert _willing("渠县、不限") is None and anywhere("渠县、不限")
    assert _willing(float("nan")) is None and _willing("") is None
    assert _willing("高新区") == frozenset({"达州高新区"})  # an alias, as the matcher reads it


def test_goals_with_nothing_to_judge_are_not_reported_missed(app: Any) -> None:
    """A year not begun has its training target 未到期, and a goal with no one to judge
    it on (no graduates, no demand) reads "—" / 无数据 in grey: never 否 or 未达到."""
    from api.services.annual import annual_report, summary_line
    from api.services.report_files import _area_rows, annual_html
    from api.services.reports import Period
    from matcher.taxonomy import Taxonomy

    with app.state.sessionmaker() as session:
        report = annual_report(session, Taxonomy.default(), Period.year(2027),
                               today=dt.date(2026, 11, 29))
    assert report["future"] and report["city"]["placement"]["goal_share"] is None
    rows = _area_rows(report)
    assert {r["达到培训目标"] for r in rows if r["目标人次"]} == {"未到期"}
    assert {r["达到80%"] for r in rows} == {"—"} == {r["达到90%"] for r in rows}
    page = annual_html(report)
    assert '<b class="short-text">' not in page  # nothing in the red of a missed goal
    assert '<td class="na-text">未到期</td>' in page and '<td class="na-text">—</td>' in page
    assert "未达到" not in summary_line(report) and "无数据，不判定" in summary_line(report)


def test_the_city_level_is_not_taken_for_the_city_total(client: TestClient, tokens: H) -> None:
    response = client.get("/api/v1/reports/annual?year=2026&format=xlsx",
                          headers=tokens["admin"])
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["分区域指标"]
    areas = [r[0] for r in sheet.iter_rows(min_row=3, values_only=True)]
    assert "市本级（达州市）" in areas and "达州市" not in areas and areas[-1] == "全市"
