"""Imports: dry run, all-or-nothing with every bad row, updates by id, templates, 413."""

from __future__ import annotations

import io

import pandas as pd
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.models import Course, Trainee

H = dict[str, dict[str, str]]
GOOD = ("学员编号,姓名（脱敏）,所属区域,培训班次,结业日期,证书,其他技能,意向区域,"
        "期望月薪,状态,同意推荐,联系电话\n"
        "TI000001,王*,宣汉县,C000001,2025-05-18,焊工 四级/中级工,会氩弧焊,不限,"
        "5000,seeking,是,10091234567\n"
        "TI000002,李**,达川区,C000001,2025/5/18,电工证（中级）,,达川区,4800,seeking,true,\n")
BAD = GOOD + ("TI000003,李四,火星,C999999,2025-13-01,,,,50,maybe,也许,123\n")


def _upload(client: TestClient, headers: dict[str, str], table: str, text: str,
            *, dry_run: bool, name: str = "t.csv") -> object:
    return client.post(f"/api/v1/imports/{table}?dry_run={str(dry_run).lower()}",
                       files={"file": (name, text.encode("utf-8-sig"), "text/csv")},
                       headers=headers)


def _count(app: FastAPI) -> int:
    with app.state.sessionmaker() as s:
        return s.scalar(select(func.count()).select_from(Trainee).where(
            Trainee.id.like("TI%")))


def test_bad_rows_are_all_reported_and_nothing_stored(client: TestClient, app: FastAPI,
                                                      tokens: H) -> None:
    dry = _upload(client, tokens["admin"], "trainees", BAD, dry_run=True).json()
    assert not dry["ok"] and not dry["stored"]
    columns = {p["column"] for p in dry["problems"] if p["row"] == 3}
    assert {"masked_name", "area", "graduation_date", "status", "consent"} <= columns
    assert all(p["reason_zh"] and p["reason_en"] and p["excel_row"] == 4
               for p in dry["problems"])
    real = _upload(client, tokens["admin"], "trainees", BAD, dry_run=False)
    assert real.status_code == 422
    assert real.json()["error"]["details"]["problems"]
    assert _count(app) == 0


def test_unknown_course_is_reported(client: TestClient, tokens: H) -> None:
    text = GOOD.replace("C000001,2025/5/18", "C999999,2025/5/18")
    dry = _upload(client, tokens["admin"], "trainees", text, dry_run=True).json()
    assert [(p["row"], p["column"]) for p in dry["problems"]] == [(2, "course_id")]


def test_good_import_stores_and_reimport_updates(client: TestClient, app: FastAPI,
                                                 tokens: H) -> None:
    dry = _upload(client, tokens["admin"], "trainees", GOOD, dry_run=True).json()
    assert dry["ok"] and (dry["created"], dry["stored"]) == (2, False)
    assert _count(app) == 0
    done = _upload(client, tokens["admin"], "trainees", GOOD, dry_run=False).json()
    assert done["stored"] and done["created"] == 2
    assert app.state.index.holds_trainee("TI000001")
    again = _upload(client, tokens["admin"], "trainees", GOOD.replace("5000", "5500"),
                    dry_run=False).json()
    assert (again["created"], again["updated"]) == (0, 2)
    assert _count(app) == 2
    with app.state.sessionmaker() as s:
        row = s.get(Trainee, "TI000001")
        assert row is not None and row.expected_wage == 5500


def test_xlsx_import_of_courses(client: TestClient, app: FastAPI, tokens: H) -> None:
    frame = pd.DataFrame([{"班次编号": "CI0001", "培训机构": "达州市公共实训基地",
                           "机构类型": "公共实训基地", "培训职业（工种）": "焊工",
                           "职业编码": "6-18-02-04", "培训等级": "四级/中级工",
                           "所在区域": "通川区", "开班日期": "2025-03-01",
                           "结业日期": "2025-04-30", "订单企业编号": ""}])
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    response = client.post("/api/v1/imports/courses?dry_run=false", headers=tokens["counselor"],
                           files={"file": ("c.xlsx", buffer.getvalue(),
                                           "application/octet-stream")})
    assert response.status_code == 200, response.text
    with app.state.sessionmaker() as s:
        assert s.get(Course, "CI0001") is not None


def test_templates_have_chinese_headers(client: TestClient, tokens: H) -> None:
    response = client.get("/api/v1/imports/postings/template", headers=tokens["admin"])
    frame = pd.read_excel(io.BytesIO(response.content))
    assert list(frame.columns)[:3] == ["岗位编号", "企业编号", "岗位名称"]
    csv = client.get("/api/v1/imports/enterprises/template?format=csv", headers=tokens["admin"])
    assert csv.content.decode("utf-8-sig").startswith("企业编号,企业名称")


def test_imports_are_for_staff_and_size_limited(client: TestClient, tokens: H) -> None:
    assert _upload(client, tokens["enterprise1"], "trainees", GOOD,
                   dry_run=True).status_code == 403
    big = GOOD + "x" * (70 * 1024)
    response = _upload(client, tokens["admin"], "trainees", big, dry_run=True)
    assert response.status_code == 413 and response.json()["error"]["code"] == "too_large"
    huge = client.post("/api/v1/normalize", headers=tokens["admin"],
                       content=b"{" + b" " * (300 * 1024) + b"}")
    assert huge.status_code == 413


def test_unreadable_file_is_422(client: TestClient, tokens: H) -> None:
    response = _upload(client, tokens["admin"], "trainees", "garbage", dry_run=True,
                       name="t.pdf")
    assert response.status_code == 422
