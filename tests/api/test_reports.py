"""Reports: the quarterly demand survey against the store, the annual report against the
metrics endpoints, their Excel and HTML files, roles, and the ``report`` command."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import extract, func, select

from api.cli import main
from api.models import Course, Enterprise, Placement, Posting, Trainee
from api.services.reports import current_quarter, parse_quarter
from matcher import KEY_INDUSTRIES

H = dict[str, dict[str, str]]


YEAR = 2026  # a year of the plan, with annex targets and sample graduates


@pytest.fixture(scope="module")
def hired(client: TestClient, tokens: H, app: FastAPI) -> str:
    """One hire through matching today of a YEAR graduate: this quarter and the YEAR's
    report have a placement."""
    with app.state.sessionmaker() as s:
        postings = s.scalars(select(Posting.id).where(
            Posting.status == "open", Posting.hired < Posting.headcount)
            .order_by(Posting.id)).all()
        graduates = set(s.scalars(select(Trainee.id).where(
            extract("year", Trainee.graduation_date) == YEAR)))
    for posting_id in postings:
        items = client.get(f"/api/v1/postings/{posting_id}/shortlist?k=20",
                           headers=tokens["admin"]).json()["items"]
        for item in items:
            if item["trainee_id"] in graduates:
                response = client.post("/api/v1/placements", headers=tokens["admin"], json={
                    "posting_id": posting_id, "trainee_id": item["trainee_id"]})
                assert response.status_code == 201, response.text
                return item["trainee_id"]
    raise AssertionError(f"no posting with a {YEAR} graduate among its candidates")


def _expected(app: FastAPI, label: str) -> dict[str, int]:
    """The survey's totals, counted straight from the store."""
    period = parse_quarter(label)
    after = period.end + dt.timedelta(days=1)
    with app.state.sessionmaker() as s:
        opened = (Posting.opened >= period.start, Posting.opened <= period.end)
        return {
            "postings_opened": s.scalar(select(func.count()).select_from(Posting)
                                        .where(*opened)),
            "demanded": s.scalar(select(func.coalesce(func.sum(Posting.headcount), 0))
                                 .where(*opened)),
            "filled": s.scalar(select(func.count()).select_from(Placement).where(
                Placement.at >= dt.datetime.combine(period.start, dt.time()),
                Placement.at < dt.datetime.combine(after, dt.time()))),
            "seeking_graduates": s.scalar(select(func.count()).select_from(Trainee).where(
                Trainee.status == "seeking", Trainee.deleted_at.is_(None),
                Trainee.graduation_date <= period.end)),
            "in_courses_ending_soon": s.scalar(
                select(func.count()).select_from(Trainee)
                .join(Course, Course.id == Trainee.course_id).where(
                    Trainee.status == "seeking", Trainee.deleted_at.is_(None),
                    Trainee.graduation_date > period.end,
                    Course.end_date >= after,
                    Course.end_date <= period.next_quarter().end))}


@pytest.mark.parametrize("quarter", ["2026Q1", "current"], ids=["2026Q1", "current"])
def test_demand_totals_equal_the_store(client: TestClient, tokens: H, app: FastAPI,
                                       hired: str, quarter: str) -> None:
    label = current_quarter().label if quarter == "current" else quarter
    survey = client.get(f"/api/v1/reports/demand?quarter={label}",
                        headers=tokens["counselor"]).json()
    totals = survey["totals"]
    assert {k: totals[k] for k in _expected(app, label)} == _expected(app, label)
    assert totals["demanded"] > 0 and totals["seeking_graduates"] > 0
    if quarter == "current":
        assert totals["filled"] >= 1
    rows = survey["rows"]
    for key, total in (("postings", "postings_opened"), ("demanded", "demanded"),
                       ("filled", "filled"), ("open", "open"), ("gap", "gap")):
        assert sum(r[key] for r in rows) == totals[total], key
    assert sum(r["supply_graduates"] + r["supply_soon"] for r in rows) == \
        totals["supply_attributed"] <= totals["seeking_graduates"] + \
        totals["in_courses_ending_soon"]
    for r in rows:
        assert r["gap"] == max(r["open"] - r["supply_graduates"] - r["supply_soon"], 0)
        assert r["open"] <= r["demanded"]
    courses = survey["suggested_courses"]
    assert sum(c["size"] for c in courses) == sum(
        r["gap"] for r in rows if r["key_industry"] and r["occupation_code"])
    assert all(set(c["industries"]) <= set(KEY_INDUSTRIES) and c["enterprises"]
               for c in courses)


@pytest.mark.parametrize(("quarter", "fragment"), [
    ("2026Q5", "2026Q1"), ("26Q1", "2026Q1"), ("Q1-2026", "2026Q1"), ("1999Q4", "2000"),
    ("", "2026Q1")], ids=["quarter-5", "short-year", "reversed", "too-early", "empty"])
def test_bad_quarters_get_a_clear_422(client: TestClient, tokens: H, quarter: str,
                                      fragment: str) -> None:
    response = client.get("/api/v1/reports/demand", params={"quarter": quarter},
                          headers=tokens["admin"])
    assert response.status_code == 422
    error = response.json()["error"]
    assert fragment in error["message_zh"] and "quarter" in error["message_en"]


@pytest.mark.parametrize("text", ["2026Q1", "2026-q1", "2026年第一季度", "2026年第1季度", "2026Q１",
                                  "２０２６Ｑ１"])
def test_quarter_spellings(text: str) -> None:
    period = parse_quarter(text)
    assert (period.label, period.start, period.end) == (
        "2026Q1", dt.date(2026, 1, 1), dt.date(2026, 3, 31))


def test_demand_survey_exports_to_xlsx(client: TestClient, tokens: H) -> None:
    response = client.get("/api/v1/reports/demand?quarter=2026Q1&format=xlsx",
                          headers=tokens["admin"])
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["需求摸排", "订单式培训建议", "汇总", "说明"]
    header = next(book["需求摸排"].values)
    assert header[:6] == ("产业", "重点产业", "职业编码", "职业", "等级要求", "区域")
    assert "供需缺口" in header
    assert next(book["订单式培训建议"].values)[-1] == "订单企业"


@pytest.mark.parametrize(("who", "path"), [
    ("enterprise1", "demand?quarter=2026Q1"), ("trainee1", "demand?quarter=2026Q1"),
    ("enterprise1", "annual?year=2026"), ("trainee1", "annual?year=2026"),
    ("counselor", "annual?year=2026&format=html")])
def test_report_roles(client: TestClient, tokens: H, who: str, path: str) -> None:
    response = client.get(f"/api/v1/reports/{path}", headers=tokens[who])
    assert response.status_code == 403


def test_annual_totals_match_the_metrics_endpoints(client: TestClient, tokens: H,
                                                   app: FastAPI, hired: str) -> None:
    admin, year = tokens["admin"], YEAR
    report = client.get(f"/api/v1/reports/annual?year={year}", headers=admin).json()
    training = [g for g in client.get("/api/v1/metrics/training", headers=admin)
                .json()["groups"] if g["year"] == year]
    assert [(a["area"], a["training"]["trained"], a["training"]["target"])
            for a in report["areas"] if a["training"]] == [
        (g["area_name"], g["trained"], g["target"]) for g in training]
    city = report["city"]
    assert city["training"]["trained"] == sum(g["trained"] for g in training)
    assert city["training"]["target"] == 3500  # the annex's total for the year
    period = next(g for g in client.get("/api/v1/metrics/placement?by=period",
                                        headers=admin).json()["groups"]
                  if g["group"] == str(year))
    for key in ("graduates", "placed", "placed_through_matching"):
        assert city["placement"][key] == period[key]
        assert sum(a["placement"][key] for a in report["areas"]) == period[key]
    assert city["placement"]["placed_through_matching"] >= 1
    with app.state.sessionmaker() as s:
        years = s.scalars(select(extract("year", Posting.opened)).distinct()).all()
    supply = client.get("/api/v1/metrics/supply", headers=admin).json()["overall"]
    summed = {"demand": 0, "met": 0}
    for other in sorted({int(y) for y in years}):
        part = client.get(f"/api/v1/reports/annual?year={other}", headers=admin).json()
        for key in summed:
            summed[key] += part["city"]["supply"][key]
            assert part["city"]["supply"][key] == sum(a["supply"][key] for a in part["areas"])
    assert summed == {"demand": supply["demand"], "met": supply["met"]}
    with app.state.sessionmaker() as s:
        key_demand = s.scalar(select(func.sum(Posting.headcount)).join(Enterprise).where(
            Enterprise.industry.in_(KEY_INDUSTRIES), extract("year", Posting.opened) == year,
            Posting.opened <= dt.date.today()))  # not yet opened: not yet demand
    assert city["supply"]["demand"] == key_demand


def test_annual_report_files(client: TestClient, tokens: H, hired: str) -> None:
    year = YEAR
    page = client.get(f"/api/v1/reports/annual?year={year}&format=html",
                      headers=tokens["admin"])
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    text = page.text
    assert text.count("<svg") == 4 and "@media print" in text
    for chart in re.findall(r"<svg.*?</svg>", text, flags=re.S):
        assert ElementTree.fromstring(chart).tag.endswith("svg")  # well-formed
    assert "各区域培训人次" in text and "目标 80%" in text and "目标 90%" in text
    assert "<script" not in text and "http://" not in text.replace(
        'xmlns="http://www.w3.org/2000/svg"', "")
    book = openpyxl.load_workbook(io.BytesIO(client.get(
        f"/api/v1/reports/annual?year={year}&format=xlsx", headers=tokens["admin"]).content))
    assert book.sheetnames == ["分区域指标", "最大缺口", "订单式培训建议", "说明"]
    rows = list(book["分区域指标"].values)[1:]  # below the title row
    assert rows[0][:4] == ("区域", "培训人次", "目标人次", "完成率") and rows[-1][0] == "全市"


def test_annual_year_is_checked(client: TestClient, tokens: H) -> None:
    for year in ("1999", "twenty", ""):
        response = client.get(f"/api/v1/reports/annual?year={year}", headers=tokens["admin"])
        assert response.status_code == 422


@pytest.mark.parametrize("fmt", ["html", "xlsx"])
def test_report_command(sqlite_url: str, tmp_path: Path, hired: str, fmt: str,
                        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / f"report.{fmt}"
    assert main(["report", "--year", str(YEAR), "--format", fmt, "-o", str(out),
                 "--database-url", sqlite_url]) == 0
    assert "培训人次" in capsys.readouterr().out
    if fmt == "html":
        assert out.read_text(encoding="utf-8").count("<svg") == 4
    else:
        assert openpyxl.load_workbook(out).sheetnames[0] == "分区域指标"


def test_report_command_without_a_database(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    missing = f"sqlite:///{tmp_path / 'none.db'}"
    assert main(["report", "--year", str(YEAR), "--database-url", missing]) == 2
    assert "no database" in capsys.readouterr().err
    assert not (tmp_path / "none.db").exists()


@pytest.mark.parametrize(("url", "shown"), [
    ("notaurl", "notaurl"),
    ("postgresql://nobody:s3cret@127.0.0.1:1/none", "postgresql://nobody:***@127.0.0.1:1/none"),
], ids=["malformed", "no-server"])
def test_report_command_with_a_database_it_cannot_read(
        url: str, shown: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """One line naming the database (its password masked), no traceback."""
    assert main(["report", "--year", str(YEAR), "--database-url", url,
                 "-o", str(tmp_path / "r.html")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("talentmatch report: cannot read the database at ") and shown in err
    assert "s3cret" not in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("quarter", ["2025Q3", "2026Q1", "2026Q2"])
def test_the_key_industry_gap_is_courses_plus_what_could_not_be_read(
        client: TestClient, tokens: H, quarter: str) -> None:
    """Every place of the key-industry gap is in a suggested course, or in the count of
    postings whose occupation was not read (which the notes then explain)."""
    survey = client.get(f"/api/v1/reports/demand?quarter={quarter}",
                        headers=tokens["counselor"]).json()
    totals = survey["totals"]
    assert totals["key_industry_gap"] == (totals["suggested_course_places"]
                                          + totals["key_industry_gap_unread"])
    unread = sum(r["gap"] for r in survey["rows"]
                 if r["key_industry"] and r["occupation_code"] is None)
    assert totals["key_industry_gap_unread"] == unread
    assert (unread > 0) == any("职业未能识别" in n for n in survey["notes"])
    window = survey["supply_window"]
    assert any(window["label"] in n and window["start"] in n for n in survey["notes"])


def test_the_annual_report_names_the_supply_window(client: TestClient, tokens: H) -> None:
    """Its shortages count trainees finishing in the quarter after the year (named), and
    a key-industry gap of unread occupations is explained when there is one."""
    report = client.get(f"/api/v1/reports/annual?year={YEAR}", headers=tokens["admin"]).json()
    assert any(f"{YEAR + 1}Q1" in n and "结业的在训学员" in n for n in report["notes"])
    unread = [n for n in report["notes"] if "职业未能识别" in n]
    gap = report["demand_totals"]["key_industry_gap_unread"]
    assert len(unread) == (1 if gap else 0)
    assert all(f"有 {gap} 人" in n for n in unread)


def test_report_command_says_when_the_name_does_not_fit_the_format(
        sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r.html"
    assert main(["report", "--year", str(YEAR), "--format", "xlsx", "-o", str(out),
                 "--database-url", sqlite_url]) == 0
    assert "holds XLSX" in capsys.readouterr().err
    assert out.read_bytes()[:2] == b"PK"  # written all the same: an Excel file
