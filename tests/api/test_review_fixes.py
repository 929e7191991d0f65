"""Findings of the code review, each reproduced here first.

An import whose file repeats a column (``opened`` and its Chinese header 发布日期) was a
500 when the copy the validator does not check held a bad date: its rows were read for
the checks against the store from the last copy. Supply as of a past day counted the
hires recorded since, overstating that day's met share.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.models import Enterprise, Placement, Posting, Trainee
from api.services.tables import numbered_rows
from matcher import KEY_INDUSTRIES

H = dict[str, dict[str, str]]

#: A postings file with ``opened`` and, at the end, its Chinese header again.
POSTINGS_HEADER = ("posting_id,enterprise_id,title,requirements,headcount,wage_min,wage_max,"
                   "area,min_level,opened,closes,status,发布日期")
#: A roster with ``graduation_date`` and, at the end, its Chinese header 结业日期 again.
TRAINEES_HEADER = ("学员编号,姓名（脱敏）,所属区域,培训班次,graduation_date,证书,其他技能,意向区域,"
                   "期望月薪,状态,同意推荐,联系电话,结业日期")


def _import(client: TestClient, headers: dict[str, str], table: str, header: str,
            lines: list[str], *, dry_run: bool) -> Any:
    text = "\n".join([header, *lines]) + "\n"
    return client.post(f"/api/v1/imports/{table}?dry_run={str(dry_run).lower()}",
                       headers=headers,
                       files={"file": (f"{table}.csv", text.encode("utf-8-sig"), "text/csv")})


def _where(report: dict[str, Any]) -> list[tuple[int | None, str]]:
    return [(p["row"], p["column"]) for p in report["problems"]]


def _an_enterprise(app: FastAPI) -> str:
    with app.state.sessionmaker() as s:
        return str(s.scalars(select(Enterprise.id).order_by(Enterprise.id).limit(1)).one())


# -- 1. a repeated column is a header problem, never a 500 ---------------------------------

def _posting(pid: str, enterprise: str, *, opened: str = "2025-03-01",
             again: str = "明天") -> str:
    return (f"{pid},{enterprise},电焊工,持焊工证,3,4000,6000,宣汉县,,{opened},2027-06-30,"
            f"open,{again}")


def _trainee(tid: str, *, course: str = "C000001", graduated: str = "2025-05-18",
             again: str = "明天") -> str:
    return (f"{tid},王*,宣汉县,{course},{graduated},焊工 四级/中级工,会氩弧焊,不限,5000,"
            f"seeking,是,10091234567,{again}")


@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "real"])
def test_a_repeated_posting_column_with_a_bad_second_copy_is_reported(
        client: TestClient, app: FastAPI, tokens: H, dry_run: bool) -> None:
    enterprise = _an_enterprise(app)
    response = _import(client, tokens["admin"], "postings", POSTINGS_HEADER,
                       [_posting("RFP0001", enterprise), _posting("RFP0002", "E999999")],
                       dry_run=dry_run)
    assert response.status_code == (200 if dry_run else 422), response.text
    report = response.json() if dry_run else response.json()["error"]["details"]
    assert not report["ok"] and not report["stored"]
    # only the header's problem: the rows are not checked against the store (the
    # unknown enterprise E999999 is not reported), nor read from the unchecked copy
    assert _where(report) == [(None, "opened")]
    problem = report["problems"][0]
    assert (problem["label"], problem["value"]) == ("发布日期", "发布日期")
    assert "duplicate column" in problem["reason_en"]
    with app.state.sessionmaker() as s:
        assert s.get(Posting, "RFP0001") is None


@pytest.mark.parametrize("dry_run", [True, False], ids=["dry-run", "real"])
def test_a_repeated_trainee_column_with_a_bad_second_copy_is_reported(
        client: TestClient, app: FastAPI, tokens: H, dry_run: bool) -> None:
    response = _import(client, tokens["admin"], "trainees", TRAINEES_HEADER,
                       [_trainee("RFT0001"), _trainee("RFT0002", course="C999999")],
                       dry_run=dry_run)
    assert response.status_code == (200 if dry_run else 422), response.text
    report = response.json() if dry_run else response.json()["error"]["details"]
    assert not report["ok"] and not report["stored"]
    assert _where(report) == [(None, "graduation_date")]
    assert report["problems"][0]["value"] == "结业日期"
    with app.state.sessionmaker() as s:
        assert s.get(Trainee, "RFT0001") is None


def test_a_bad_first_copy_is_the_validators_row_problem(client: TestClient, app: FastAPI,
                                                        tokens: H) -> None:
    """The copy checked and reported is the first one, whichever header it has."""
    enterprise = _an_enterprise(app)
    response = _import(client, tokens["admin"], "postings", POSTINGS_HEADER,
                       [_posting("RFP0003", enterprise, opened="明天", again="2025-03-01")],
                       dry_run=True)
    assert response.status_code == 200, response.text
    report = response.json()
    assert _where(report) == [(None, "opened"), (1, "opened")]
    assert report["problems"][1]["value"] == "明天"


def test_rows_are_read_from_the_first_copy_of_a_repeated_column() -> None:
    frame = pd.DataFrame([["E1", "2025-03-01", "明天"]],
                         columns=["enterprise_id", "opened", "发布日期"])
    [(position, row)] = numbered_rows("postings", frame)
    assert (position, row["opened"]) == (0, dt.date(2025, 3, 1))
    reverse = pd.DataFrame([["E1", "2025-03-01", "明天"]],
                           columns=["enterprise_id", "发布日期", "OPENED"])
    assert numbered_rows("postings", reverse)[0][1]["opened"] == dt.date(2025, 3, 1)


# -- 2. supply as of a past day counts the hires of that day, not today's ------------------

def _supply(client: TestClient, headers: dict[str, str], day: dt.date
            ) -> dict[str, dict[str, Any]]:
    response = client.get("/api/v1/metrics/supply", headers=headers,
                          params={"as_of": day.isoformat()})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body["as_of"] == day.isoformat()
    return {"overall": body["overall"], **{g["industry"]: g for g in body["groups"]}}


def test_supply_as_of_a_past_day_leaves_out_later_hires(client: TestClient, app: FastAPI,
                                                        tokens: H) -> None:
    today = dt.date.today()
    yesterday = today - dt.timedelta(days=1)
    with app.state.sessionmaker() as s:
        posting, industry = s.execute(
            select(Posting.id, Enterprise.industry)
            .join(Enterprise, Enterprise.id == Posting.enterprise_id)
            .where(Enterprise.industry.in_(KEY_INDUSTRIES), Posting.status == "open",
                   Posting.hired < Posting.headcount, Posting.opened <= yesterday)
            .order_by(Posting.id.desc()).limit(1)).one()
        placed = select(Placement.trainee_id)
        trainee = s.scalars(select(Trainee.id).where(
            Trainee.status == "seeking", Trainee.consent_recommend,
            Trainee.deleted_at.is_(None), Trainee.id.not_in(placed))
            .order_by(Trainee.id.desc()).limit(1)).one()
    counselor = tokens["counselor"]
    before = {day: _supply(client, counselor, day) for day in (yesterday, today)}
    hired = client.post("/api/v1/placements", headers=counselor,
                        json={"posting_id": posting, "trainee_id": trainee})
    assert hired.status_code == 201, hired.text
    # the hire's day as recorded (UTC), which is what a day's figures count up to
    day = dt.datetime.fromisoformat(hired.json()["at"]).date()
    assert day == today
    after = {d: _supply(client, counselor, d) for d in (yesterday, today)}
    for key in (industry, "overall"):
        assert after[yesterday][key]["met"] == before[yesterday][key]["met"]
        assert after[yesterday][key]["demand"] == before[yesterday][key]["demand"]
        assert after[today][key]["met"] == before[today][key]["met"] + 1
    with app.state.sessionmaker() as s:  # today's figure is still the postings' hired
        rows = s.execute(select(Posting.headcount, Posting.hired, Posting.opened)
                         .join(Enterprise, Enterprise.id == Posting.enterprise_id)
                         .where(Enterprise.industry == industry)).all()
    assert after[today][industry]["met"] == sum(min(h, n) for h, n, o in rows if o <= today)
