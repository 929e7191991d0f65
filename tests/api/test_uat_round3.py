"""Defects found by the third acceptance round, each reproduced here first.

A dry run hid the problems against stored data until the format problems were fixed;
enterprises and trainees told existing trainee ids from missing ones (403 against 404);
Chinese validation messages named fields in English; list filters ignored or accepted
what they could not apply (a trainee id, an unknown step kind or area); an import note
showed the code ``seeking`` for 求职中.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.errors import field_label
from api.models import Trainee
from tests.api.test_endpoints import NEW_POSTING

H = dict[str, dict[str, str]]
HEADER = ("学员编号,姓名（脱敏）,所属区域,培训班次,结业日期,证书,其他技能,意向区域,"
          "期望月薪,状态,同意推荐,联系电话")


def _row(tid: str, *, area: str = "宣汉县", course: str = "C000001",
         graduated: str = "2025-05-18", status: str = "seeking") -> str:
    return (f"{tid},王*,{area},{course},{graduated},焊工 四级/中级工,会氩弧焊,不限,5000,"
            f"{status},是,10091234567")


def _import(client: TestClient, headers: dict[str, str], lines: list[str], *,
            dry_run: bool, table: str = "trainees", header: str = HEADER) -> Any:
    text = "\n".join([header, *lines]) + "\n"
    return client.post(f"/api/v1/imports/{table}?dry_run={str(dry_run).lower()}",
                       headers=headers,
                       files={"file": ("roster.csv", text.encode("utf-8-sig"), "text/csv")})


def _where(report: dict) -> list[tuple[int | None, str]]:
    return [(p["row"], p["column"]) for p in report["problems"]]


def _stored(app: FastAPI, tid: str) -> Trainee | None:
    with app.state.sessionmaker() as s:
        return s.get(Trainee, tid)


# -- 1. a dry run lists the problems against the store with the format problems ----------

def test_a_dry_run_reports_an_unknown_course_next_to_format_problems(
        client: TestClient, app: FastAPI, tokens: H) -> None:
    lines = [_row("TR3A0001", graduated="2025-13-01"),  # format: no such date
             _row("TR3A0002", course="C999999"),  # store: no such course
             _row("TR3A0003")]
    dry = _import(client, tokens["admin"], lines, dry_run=True)
    assert dry.status_code == 200, dry.text
    report = dry.json()
    assert not report["ok"]
    assert _where(report) == [(1, "graduation_date"), (2, "course_id")]
    assert report["problems"][1]["value"] == "C999999"
    real = _import(client, tokens["admin"], lines, dry_run=False)
    assert real.status_code == 422
    assert _where(real.json()["error"]["details"]) == _where(report)
    assert _stored(app, "TR3A0003") is None  # still all or nothing


def test_a_dry_run_reports_areas_and_deleted_trainees_next_to_format_problems(
        client: TestClient, app: FastAPI, tokens: H) -> None:
    stored = _import(client, tokens["admin"], [_row("TR3B0001")], dry_run=False)
    assert stored.status_code == 200, stored.text
    erased = client.delete("/api/v1/trainees/TR3B0001", headers=tokens["admin"])
    assert erased.status_code == 200, erased.text
    report = _import(client, tokens["admin"], [_row("TR3B0001"), _row("TR3B0002", area="火星")],
                     dry_run=True).json()
    assert _where(report) == [(1, "trainee_id"), (2, "area")]

    mine = client.get("/api/v1/auth/me", headers=tokens["counselor_area"]).json()["areas"]
    other = "宣汉县" if "宣汉县" not in mine else "达川区"
    report = _import(client, tokens["counselor_area"],
                     [_row("TR3B0003", area=mine[0], graduated="明年"),
                      _row("TR3B0004", area=other)],
                     dry_run=True).json()
    assert _where(report) == [(1, "graduation_date"), (2, "area")]
    assert other in report["problems"][1]["reason_zh"]


def test_rows_of_null_text_are_skipped_and_do_not_break_the_checks(
        client: TestClient, tokens: H) -> None:
    blank = ",".join(["null"] * 12)
    dry = _import(client, tokens["admin"], [blank, _row("TR3C0001", course="C999999")],
                  dry_run=True)
    assert dry.status_code == 200, dry.text
    assert _where(dry.json()) == [(2, "course_id")]


def test_a_file_without_a_required_column_reports_only_that(client: TestClient,
                                                            tokens: H) -> None:
    header = "班次编号,培训机构,机构类型,培训等级,所在区域,开班日期,结业日期"
    line = "CR3D0001,达州市公共实训基地,公共实训基地,四级/中级工,通川区,2025-03-01,2025-05-30"
    report = _import(client, tokens["admin"], [line], dry_run=True, table="courses",
                     header=header).json()
    # not "the occupation could not be read" on every row: the column is missing
    assert _where(report) == [(None, "occupation")]


# -- 2. enterprises and trainees cannot tell existing trainee ids from missing ones ------

def _same_404(first: Any, second: Any, first_id: str, second_id: str) -> None:
    a, b = first.json(), second.json()
    assert (first.status_code, second.status_code) == (404, 404), (a, b)
    assert a["error"]["message_zh"].replace(first_id, "X") == \
        b["error"]["message_zh"].replace(second_id, "X")
    assert a["error"]["message_en"].replace(first_id, "X") == \
        b["error"]["message_en"].replace(second_id, "X")
    assert "本人" not in a["error"]["message_zh"]


@pytest.mark.parametrize("account", ["enterprise1", "trainee1"])
def test_an_existing_trainee_one_may_not_see_is_a_404_like_a_missing_one(
        client: TestClient, tokens: H, account: str) -> None:
    other = client.get("/api/v1/auth/me", headers=tokens["trainee2"]).json()["trainee_id"]
    missing = "TNOSUCH99"
    headers = tokens[account]
    for method, suffix, body in (("GET", "", None), ("PATCH", "", {"expected_wage": 5000}),
                                 ("DELETE", "", None), ("GET", "/suggestions", None)):
        answers = [client.request(method, f"/api/v1/trainees/{tid}{suffix}", headers=headers,
                                  json=body) for tid in (other, missing)]
        _same_404(*answers, other, missing)
    assert client.get(f"/api/v1/trainees/{other}", headers=tokens["trainee2"]).status_code == 200


def test_a_trainee_logging_a_step_of_another_trainee_gets_the_missing_ones_404(
        client: TestClient, tokens: H) -> None:
    other = client.get("/api/v1/auth/me", headers=tokens["trainee2"]).json()["trainee_id"]
    posting = client.get("/api/v1/postings?status=open&page_size=1",
                         headers=tokens["trainee1"]).json()["items"][0]["id"]
    answers = [client.post("/api/v1/interactions", headers=tokens["trainee1"],
                           json={"kind": "viewed", "posting_id": posting, "trainee_id": tid})
               for tid in (other, "TNOSUCH99")]
    assert [a.status_code for a in answers] == [404, 404]
    _same_404(*answers, other, "TNOSUCH99")


def test_staff_answers_are_unchanged(client: TestClient, app: FastAPI, tokens: H) -> None:
    areas = client.get("/api/v1/auth/me", headers=tokens["counselor_area"]).json()["areas"]
    with app.state.sessionmaker() as s:
        outside = s.scalar(select(Trainee.id).where(Trainee.area.not_in(areas),
                                                    Trainee.deleted_at.is_(None)).limit(1))
    refused = client.get(f"/api/v1/trainees/{outside}", headers=tokens["counselor_area"])
    assert refused.status_code == 403
    assert client.get(f"/api/v1/trainees/{outside}", headers=tokens["admin"]).status_code == 200


# -- 3. Chinese messages name fields by their Chinese names ------------------------------

@pytest.mark.parametrize(("field", "table", "label"), [
    ("expected_wage", "trainees", "期望月薪"), ("course_id", "trainees", "培训班次"),
    ("course_id", "courses", "班次编号"), ("id", "trainees", "学员编号"),
    ("area", "postings", "工作地点"), ("area", "enterprises", "所在区域"),
    ("consent_recommend", None, "同意推荐"),
    ("consent_share_contact", "trainees", "同意向企业提供联系方式"),
    ("posting_id", None, "岗位编号"), ("area", None, "area"), ("page", "postings", "页码"),
    ("as_of", "postings", "as_of"),
], ids=["wage", "trainee-course", "course-key", "id", "posting-area", "enterprise-area",
        "consent", "share", "other-key", "no-table", "request-field", "no-column"])
def test_field_labels_come_from_the_import_columns(field: str, table: str | None,
                                                  label: str) -> None:
    assert field_label(field, table) == label


def test_a_bad_body_is_explained_with_chinese_field_names(client: TestClient,
                                                         tokens: H) -> None:
    trainee = client.post("/api/v1/trainees", headers=tokens["counselor"],
                          json={"id": "TR3E0001", "masked_name": "赵*", "area": "宣汉县",
                                "graduation_date": "明年", "expected_wage": 50})
    assert trainee.status_code == 422
    error = trainee.json()["error"]
    message = error["message_zh"]
    for expected in ("培训班次：必填", "结业日期：须为日期", "期望月薪：须 ≥ 1000"):
        assert expected in message, message
    assert "expected_wage" not in message and "course_id" not in message
    assert {tuple(d["location"]) for d in error["details"]} >= {("body", "expected_wage")}
    posting = client.post("/api/v1/postings", headers=tokens["enterprise1"],
                          json={k: v for k, v in NEW_POSTING.items() if k != "wage_min"})
    assert "月薪下限：必填" in posting.json()["error"]["message_zh"]
    step = client.post("/api/v1/interactions", headers=tokens["counselor"],
                       json={"kind": "viewed", "posting_id": "P0000001"})
    assert "学员编号：必填" in step.json()["error"]["message_zh"]


def test_a_null_for_a_required_field_is_named_in_chinese(client: TestClient,
                                                        tokens: H) -> None:
    tid = client.get("/api/v1/auth/me", headers=tokens["trainee1"]).json()["trainee_id"]
    response = client.patch(f"/api/v1/trainees/{tid}", headers=tokens["counselor"],
                            json={"masked_name": None})
    assert response.status_code == 422
    assert "姓名（脱敏）" in response.json()["error"]["message_zh"]
    assert "masked_name" not in response.json()["error"]["message_zh"]


# -- 4. list filters apply what they are given, or say why they cannot --------------------

def test_placements_are_listed_by_trainee_within_what_one_may_see(
        client: TestClient, tokens: H) -> None:
    imported = _import(client, tokens["admin"], [_row("TR3F0001"), _row("TR3F0002")],
                       dry_run=False)
    assert imported.status_code == 200, imported.text
    posting = client.post("/api/v1/postings", json=NEW_POSTING,
                          headers=tokens["enterprise2"]).json()["id"]
    for tid in ("TR3F0001", "TR3F0002"):
        hired = client.post("/api/v1/placements", headers=tokens["counselor"],
                            json={"posting_id": posting, "trainee_id": tid})
        assert hired.status_code == 201, hired.text
    assert client.get("/api/v1/placements", headers=tokens["admin"]).json()["total"] >= 2
    for account, total in (("admin", 1), ("enterprise2", 1), ("enterprise1", 0)):
        page = client.get("/api/v1/placements?trainee_id=TR3F0001",
                          headers=tokens[account]).json()
        assert page["total"] == total, account
        assert {p["trainee_id"] for p in page["items"]} <= {"TR3F0001"}


def test_an_unknown_interaction_kind_is_a_422_listing_the_kinds(client: TestClient,
                                                                tokens: H) -> None:
    response = client.get("/api/v1/interactions?kind=foo", headers=tokens["counselor"])
    assert response.status_code == 422
    error = response.json()["error"]
    assert "interviewed" in error["details"]["kinds"] and "foo" not in error["details"]["kinds"]
    assert "已面试" in error["message_zh"] and "interviewed" in error["message_en"]
    assert client.get("/api/v1/interactions?kind=hired",
                      headers=tokens["counselor"]).status_code == 200


@pytest.mark.parametrize("path", ["trainees", "postings", "enterprises", "courses"])
def test_an_unknown_area_in_a_list_filter_is_a_422_naming_the_areas(
        client: TestClient, tokens: H, path: str) -> None:
    response = client.get(f"/api/v1/{path}?area=火星", headers=tokens["admin"])
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert "火星" in error["message_zh"] and "宣汉县" in error["message_zh"]
    assert "宣汉县" in error["details"]["areas"]
    known = client.get(f"/api/v1/{path}?area=宣汉县", headers=tokens["admin"])
    assert known.status_code == 200


def test_an_area_filter_takes_the_other_names_of_an_area(client: TestClient,
                                                         tokens: H) -> None:
    alias = client.get("/api/v1/postings?area=高新区", headers=tokens["admin"]).json()
    official = client.get("/api/v1/postings?area=达州高新区", headers=tokens["admin"]).json()
    assert alias["total"] == official["total"]


# -- 6. a kept status is shown by its Chinese label ----------------------------------------

def test_a_kept_status_is_shown_in_chinese(client: TestClient, tokens: H) -> None:
    assert _import(client, tokens["counselor"], [_row("TR3G0001")],
                   dry_run=False).status_code == 200
    posting = client.post("/api/v1/postings", json=NEW_POSTING,
                          headers=tokens["enterprise2"]).json()["id"]
    hired = client.post("/api/v1/placements", headers=tokens["counselor"],
                        json={"posting_id": posting, "trainee_id": "TR3G0001"})
    assert hired.status_code == 201, hired.text
    for written in ("seeking", "求职中"):
        report = _import(client, tokens["counselor"], [_row("TR3G0001", status=written)],
                         dry_run=True).json()
        assert [(k["column"], k["value"]) for k in report["kept"]] == [("status", "求职中")]
