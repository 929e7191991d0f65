"""Defects found by the second acceptance round, each reproduced here first."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.cli import build_parser, main
from api.db import make_engine, migrate
from api.models import Trainee

H = dict[str, dict[str, str]]


def test_reports_take_a_trainee_who_gave_no_preferred_areas(client: TestClient,
                                                            tokens: H) -> None:
    made = client.post("/api/v1/trainees", headers=tokens["counselor"], json={
        "id": "TW000001", "masked_name": "赵*", "area": "通川区", "course_id": "C000001",
        "graduation_date": "2025-05-18", "consent_recommend": True})
    assert made.status_code == 201, made.text
    for path in ("/api/v1/reports/demand?quarter=2026Q4", "/api/v1/reports/demand?quarter=2025Q3",
                 "/api/v1/reports/annual?year=2026"):
        response = client.get(path, headers=tokens["admin"])
        assert response.status_code == 200, (path, response.text)


def _import(client: TestClient, tokens: H, table: str, text: str) -> dict:
    response = client.post(f"/api/v1/imports/{table}?dry_run=false", headers=tokens["admin"],
                           files={"file": ("t.csv", text.encode("utf-8-sig"), "text/csv")})
    assert response.status_code == 200, response.text
    return response.json()


def test_imported_chinese_labels_are_stored_as_codes(client: TestClient, tokens: H) -> None:
    _import(client, tokens, "courses",
            "班次编号,培训机构,机构类型,培训职业（工种）,职业编码,培训等级,所在区域,开班日期,结业日期\n"
            "CL000001,达州市公共实训基地,公共实训基地,焊工,6-18-02-04,四级/中级工,通川区,"
            "2025-03-01,2025-05-30\n")
    _import(client, tokens, "postings",
            "岗位编号,企业编号,岗位名称,任职要求,招聘人数,月薪下限,月薪上限,工作地点,最低技能等级,"
            "发布日期,截止日期,状态\n"
            "PL000001,E000001,电焊工,持焊工证,2,4000,6000,通川区,四级/中级工,2026-01-01,"
            "2030-12-31,招聘中\n"
            "PL000002,E000001,电焊工,持焊工证,2,4000,6000,通川区,,2026-01-01,2030-12-31,FILLED\n")
    _import(client, tokens, "trainees",
            "学员编号,姓名（脱敏）,所属区域,培训班次,结业日期,证书,其他技能,意向区域,期望月薪,状态,同意推荐\n"
            "TL000001,王*,通川区,CL000001,2025-05-30,焊工 四级/中级工,,不限,5000,求职中,是\n")
    course = client.get("/api/v1/courses/CL000001", headers=tokens["admin"]).json()
    assert course["provider_kind"] == "training_base"
    statuses = {pid: client.get(f"/api/v1/postings/{pid}", headers=tokens["admin"]).json()
                ["status"] for pid in ("PL000001", "PL000002")}
    assert statuses == {"PL000001": "open", "PL000002": "filled"}
    trainee = client.get("/api/v1/trainees/TL000001", headers=tokens["admin"]).json()
    assert trainee["status"] == "seeking"
    shortlist = client.get("/api/v1/postings/PL000001/shortlist?k=100&require_area=false",
                           headers=tokens["admin"]).json()["items"]
    assert "TL000001" in {i["trainee_id"] for i in shortlist}  # indexed as seeking, open


def test_a_posting_without_places_left_is_not_open(client: TestClient, tokens: H) -> None:
    made = client.post("/api/v1/postings", headers=tokens["counselor"], json={
        "enterprise_id": "E000001", "title": "电焊工", "requirements": "持焊工证",
        "headcount": 2, "wage_min": 4000, "wage_max": 6000, "area": "通川区",
        "closes": "2030-12-31"}).json()
    pid = made["id"]
    items = client.get(f"/api/v1/postings/{pid}/shortlist?k=5&require_area=false"
                       "&level_tolerance=7", headers=tokens["counselor"]).json()["items"]
    hired = client.post("/api/v1/placements", headers=tokens["counselor"],
                        json={"posting_id": pid, "trainee_id": items[0]["trainee_id"]})
    assert hired.status_code == 201, hired.text

    def status() -> str:
        return client.get(f"/api/v1/postings/{pid}", headers=tokens["counselor"]).json()["status"]

    cut = client.patch(f"/api/v1/postings/{pid}", headers=tokens["counselor"],
                       json={"headcount": 1})
    assert cut.status_code == 200 and status() == "filled"
    refused = client.patch(f"/api/v1/postings/{pid}", headers=tokens["counselor"],
                           json={"status": "open"})
    assert refused.status_code == 422 and "招满" in refused.json()["error"]["message_zh"]
    more = client.patch(f"/api/v1/postings/{pid}", headers=tokens["counselor"],
                        json={"headcount": 3})
    assert more.status_code == 200 and status() == "open"


def test_the_report_command_explains_a_file_it_cannot_write(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]
                                                            ) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    engine = make_engine(url)
    migrate(engine)
    engine.dispose()
    code = main(["report", "--year", "2026", "--database-url", url,
                 "-o", str(tmp_path / "missing" / "report.html")])
    err = capsys.readouterr().err
    assert code == 2 and "cannot write" in err and "Traceback" not in err
    assert "%%" not in build_parser()._subparsers._group_actions[0].choices[  # type: ignore[union-attr]
        "report"].format_help()


def test_a_trainee_withdraws_consent_whatever_text_was_stored_before(
        client: TestClient, tokens: H, app: FastAPI) -> None:
    """Text stored before a rule existed (a phone number in the skills) must not stop
    a trainee from saying no."""
    me = client.get("/api/v1/auth/me", headers=tokens["trainee1"]).json()["trainee_id"]
    def set_skills(text: str | None) -> str | None:
        with app.state.sessionmaker() as s:
            trainee = s.get(Trainee, me)
            assert trainee is not None
            before, trainee.skills = trainee.skills, text
            s.commit()
            return before

    stored = set_skills("电焊 电话13912345678")
    try:
        withdrawn = client.patch(f"/api/v1/trainees/{me}", headers=tokens["trainee1"],
                                 json={"consent_share_contact": False})
        assert withdrawn.status_code == 200, withdrawn.text
        again = client.patch(f"/api/v1/trainees/{me}", headers=tokens["counselor"],
                             json={"skills": "电焊 电话13912345678"})
        assert again.status_code == 422  # but it is not written again
    finally:
        set_skills(stored)


def test_an_enterprise_sends_its_whole_form_back(client: TestClient, tokens: H) -> None:
    mine = client.get("/api/v1/enterprises/E000001", headers=tokens["enterprise1"]).json()
    form = {k: mine[k] for k in ("name", "uscc", "industry", "area", "key_enterprise")
            if k in mine}
    response = client.patch("/api/v1/enterprises/E000001", headers=tokens["enterprise1"],
                            json=form)
    assert response.status_code == 200, response.text
    changed = client.patch("/api/v1/enterprises/E000001", headers=tokens["enterprise1"],
                           json=form | {"key_enterprise": not mine["key_enterprise"]})
    assert changed.status_code == 403


def test_an_enterprise_cannot_log_what_is_not_its_to_log(client: TestClient,
                                                         tokens: H) -> None:
    answers = [client.post("/api/v1/interactions", headers=tokens["enterprise1"], json={
        "kind": kind, "posting_id": "P0000001", "trainee_id": trainee})
        for kind in ("recommended", "withdrawn") for trainee in ("T0000010", "TNOSUCH01")]
    assert {a.status_code for a in answers} == {403}


def test_a_trainee_is_told_why_a_posting_is_not_theirs_to_read(client: TestClient, tokens: H,
                                                               app: FastAPI) -> None:
    from sqlalchemy import select

    from api.models import Posting

    with app.state.sessionmaker() as s:
        filled = s.scalar(select(Posting.id).where(Posting.status == "filled").limit(1))
    refused = client.get(f"/api/v1/postings/{filled}", headers=tokens["trainee1"])
    assert refused.status_code == 403
    assert "招聘中" in refused.json()["error"]["message_zh"]


def test_a_search_finds_postings_written_in_traditional_characters(
        client: TestClient, tokens: H) -> None:
    made = client.post("/api/v1/postings", headers=tokens["counselor"], json={
        "enterprise_id": "E000001", "title": "工業機器人操作員", "requirements": "會編程",
        "headcount": 1, "wage_min": 4000, "wage_max": 6000, "area": "通川区",
        "closes": "2030-12-31"})
    assert made.status_code == 201, made.text
    for q in ("机器人", "機器人"):
        found = client.get(f"/api/v1/postings?q={q}&page_size=100",
                           headers=tokens["counselor"]).json()["items"]
        assert made.json()["id"] in {p["id"] for p in found}, q


def test_the_annual_report_shows_trainees_placed_by_status(client: TestClient,
                                                           tokens: H) -> None:
    report = client.get("/api/v1/reports/annual?year=2026", headers=tokens["admin"]).json()
    metrics = client.get("/api/v1/metrics/placement?by=period", headers=tokens["admin"]).json()
    year = next(g for g in metrics["groups"] if g["group"] == "2026")
    assert report["city"]["placement"]["placed_by_status"] == year["placed_by_status"]
    assert sum(a["placement"]["placed_by_status"] for a in report["areas"]) == \
        year["placed_by_status"]
    book = client.get("/api/v1/reports/annual?year=2026&format=xlsx", headers=tokens["admin"])
    import io

    import openpyxl
    header = list(openpyxl.load_workbook(io.BytesIO(book.content))["分区域指标"].values)[1]
    assert "状态为已就业" in header
