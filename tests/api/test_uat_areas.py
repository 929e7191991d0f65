"""Acceptance defects: an area-limited counselor writing outside their areas, and course
occupations never read (each reproduced here first)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from matcher.uscc import generate_uscc

H = dict[str, dict[str, str]]
OUTSIDE = "宣汉县"  # E000001, P0000001 (and 开江县: C000042) lie outside 达州市
#: Valid credit codes no sample enterprise has (the column is unique).
USCC = [str(c) for c in generate_uscc(np.random.default_rng(20260501), "511702", size=6)]


@pytest.fixture(scope="module")
def mine(client: TestClient, tokens: H) -> str:
    """The one area of the demo account ``counselor_area`` (达州市)."""
    areas = client.get("/api/v1/auth/me", headers=tokens["counselor_area"]).json()["areas"]
    assert areas and OUTSIDE not in areas and "开江县" not in areas
    return str(areas[0])


def _refused(response: Any, area: str, mine: str) -> None:
    assert response.status_code == 403, response.text
    error = response.json()["error"]
    assert mine in error["message_zh"] and area in error["message_zh"]
    assert mine in error["message_en"]


def _enterprise(eid: str, area: str) -> dict[str, Any]:
    return {"id": eid, "name": f"测试企业{eid}", "uscc": USCC[int(eid[-1])],
            "industry": "新材料", "area": area}


def _posting(pid: str, area: str, enterprise_id: str = "E000001") -> dict[str, Any]:
    return {"id": pid, "enterprise_id": enterprise_id, "title": "电焊工",
            "requirements": "持焊工证", "headcount": 2, "wage_min": 4000, "wage_max": 6000,
            "area": area, "closes": "2030-12-31"}


def _course(cid: str, area: str, **extra: Any) -> dict[str, Any]:
    return {"id": cid, "provider": "达州市公共实训基地", "provider_kind": "training_base",
            "occupation": "焊工", "occupation_code": "6-18-02-04",
            "target_level": "四级/中级工", "area": area, "start_date": "2025-03-01",
            "end_date": "2025-05-30"} | extra


# -- 1. an area-limited counselor writes only in their areas ------------------------------

def test_area_counselor_changes_no_enterprise_outside_their_areas(
        client: TestClient, tokens: H, mine: str) -> None:
    me = tokens["counselor_area"]
    before = client.get("/api/v1/enterprises/E000001", headers=me)
    assert before.status_code == 200 and before.json()["area"] == OUTSIDE  # reading stays
    _refused(client.patch("/api/v1/enterprises/E000001", headers=me,
                          json={"name": "改名企业"}), OUTSIDE, mine)
    assert client.get("/api/v1/enterprises/E000001",
                      headers=tokens["admin"]).json()["name"] == before.json()["name"]
    _refused(client.post("/api/v1/enterprises", headers=me,
                         json=_enterprise("EAREA01", OUTSIDE)), OUTSIDE, mine)
    assert client.get("/api/v1/enterprises/EAREA01", headers=me).status_code == 404
    # in their area: created and changed; moved out: refused (the new area counts too)
    made = client.post("/api/v1/enterprises", headers=me, json=_enterprise("EAREA02", mine))
    assert made.status_code == 201, made.text
    assert client.patch("/api/v1/enterprises/EAREA02", headers=me,
                        json={"name": "区域内企业"}).status_code == 200
    _refused(client.patch("/api/v1/enterprises/EAREA02", headers=me,
                          json={"area": OUTSIDE}), OUTSIDE, mine)
    # unlimited staff unchanged
    assert client.post("/api/v1/enterprises", headers=tokens["counselor"],
                       json=_enterprise("EAREA03", OUTSIDE)).status_code == 201
    assert client.patch("/api/v1/enterprises/EAREA03", headers=tokens["admin"],
                        json={"area": "渠县"}).status_code == 200


def test_area_counselor_changes_no_posting_outside_their_areas(
        client: TestClient, tokens: H, mine: str) -> None:
    me = tokens["counselor_area"]
    before = client.get("/api/v1/postings/P0000001", headers=me)
    assert before.status_code == 200 and before.json()["area"] == OUTSIDE
    _refused(client.post("/api/v1/postings", headers=me, json=_posting("PAREA01", OUTSIDE)),
             OUTSIDE, mine)
    _refused(client.patch("/api/v1/postings/P0000001", headers=me, json={"headcount": 9}),
             OUTSIDE, mine)
    _refused(client.delete("/api/v1/postings/P0000001", headers=me), OUTSIDE, mine)
    after = client.get("/api/v1/postings/P0000001", headers=tokens["admin"]).json()
    assert (after["headcount"], after["status"]) == (before.json()["headcount"],
                                                     before.json()["status"])
    assert client.get("/api/v1/postings/PAREA01", headers=me).status_code == 404
    made = client.post("/api/v1/postings", headers=me, json=_posting("PAREA02", mine))
    assert made.status_code == 201, made.text
    _refused(client.patch("/api/v1/postings/PAREA02", headers=me, json={"area": OUTSIDE}),
             OUTSIDE, mine)
    assert client.patch("/api/v1/postings/PAREA02", headers=me,
                        json={"headcount": 3}).status_code == 200
    closed = client.delete("/api/v1/postings/PAREA02", headers=me)
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    made = client.post("/api/v1/postings", headers=tokens["counselor"],
                       json=_posting("PAREA03", OUTSIDE))
    assert made.status_code == 201
    assert client.delete("/api/v1/postings/PAREA03", headers=tokens["admin"]).status_code == 200


def test_area_counselor_changes_no_course_outside_their_areas(
        client: TestClient, tokens: H, mine: str) -> None:
    me = tokens["counselor_area"]
    before = client.get("/api/v1/courses/C000042", headers=me)
    assert before.status_code == 200 and before.json()["area"] == "开江县"
    _refused(client.patch("/api/v1/courses/C000042", headers=me,
                          json={"provider": "改名机构"}), "开江县", mine)
    assert client.get("/api/v1/courses/C000042",
                      headers=tokens["admin"]).json()["provider"] == before.json()["provider"]
    _refused(client.post("/api/v1/courses", headers=me, json=_course("CAREA01", OUTSIDE)),
             OUTSIDE, mine)
    made = client.post("/api/v1/courses", headers=me, json=_course("CAREA02", mine))
    assert made.status_code == 201, made.text
    _refused(client.patch("/api/v1/courses/CAREA02", headers=me, json={"area": OUTSIDE}),
             OUTSIDE, mine)
    assert client.patch("/api/v1/courses/CAREA02", headers=me,
                        json={"provider": "区域内机构"}).status_code == 200
    assert client.post("/api/v1/courses", headers=tokens["counselor"],
                       json=_course("CAREA03", OUTSIDE)).status_code == 201


def _upload(client: TestClient, headers: dict[str, str], table: str, text: str,
            dry_run: bool = True) -> Any:
    return client.post(f"/api/v1/imports/{table}?dry_run={str(dry_run).lower()}",
                       headers=headers,
                       files={"file": ("t.csv", text.encode("utf-8-sig"), "text/csv")})


ENTERPRISES = "企业编号,企业名称,统一社会信用代码,所属行业,所在区域,重点企业\n"
POSTINGS = ("岗位编号,企业编号,岗位名称,任职要求,招聘人数,月薪下限,月薪上限,工作地点,最低技能等级,"
            "发布日期,截止日期,状态\n")
COURSES = ("班次编号,培训机构,机构类型,培训职业（工种）,职业编码,培训等级,所在区域,"
           "开班日期,结业日期\n")


@pytest.mark.parametrize("table, text", [
    ("enterprises", ENTERPRISES + f"EAREA11,甲企业,{USCC[4]},新材料,{{mine}},否\n"
                                  f"EAREA12,乙企业,{USCC[5]},新材料,{{out}},否\n"
                                  "E000001,宣汉博华锂电材料有限公司,91511722NPXA2WKW5E,锂钾综合利用,"
                                  "{mine},是\n"),
    ("postings", POSTINGS + "PAREA11,E000001,电焊工,持焊工证,2,4000,6000,{mine},,2026-01-01,"
                            "2030-12-31,招聘中\n"
                            "PAREA12,E000001,电焊工,持焊工证,2,4000,6000,{out},,2026-01-01,"
                            "2030-12-31,招聘中\n"
                            "P0000001,E000025,操作工,,4,4500,5500,{mine},,2025-05-19,2025-08-08,"
                            "招聘中\n"),
    ("courses", COURSES + "CAREA11,达州市公共实训基地,公共实训基地,焊工,6-18-02-04,四级/中级工,"
                          "{mine},2025-03-01,2025-05-30\n"
                          "CAREA12,达州市公共实训基地,公共实训基地,焊工,6-18-02-04,四级/中级工,"
                          "{out},2025-03-01,2025-05-30\n"
                          "C000042,宇天企业培训中心,企业培训中心,焊工,6-18-02-04,五级/初级工,{mine},"
                          "2026-03-06,2026-04-23\n"),
])
def test_area_counselor_imports_only_their_areas(client: TestClient, tokens: H, mine: str,
                                                 table: str, text: str) -> None:
    csv = text.format(mine=mine, out=OUTSIDE)
    report = _upload(client, tokens["counselor_area"], table, csv).json()
    assert not report["ok"]
    outside = [(p["row"], p["column"]) for p in report["problems"]]
    assert outside == [(2, "area"), (3, "area")], report["problems"]  # new; stored outside
    assert all(mine in p["reason_zh"] for p in report["problems"])
    stored = _upload(client, tokens["counselor_area"], table, csv, dry_run=False)
    assert stored.status_code == 422
    # the first row alone is theirs; admins import anything
    first = "\n".join(csv.splitlines()[:2]) + "\n"
    assert _upload(client, tokens["counselor_area"], table, first).json()["ok"]
    assert _upload(client, tokens["admin"], table, csv).json()["ok"]


# -- 2. a course's occupation is read ------------------------------------------------------

def test_a_course_without_a_code_gets_the_code_of_its_occupation(client: TestClient,
                                                                 tokens: H) -> None:
    welding = client.post("/api/v1/postings", headers=tokens["admin"],
                          json=_posting("POCC01", "宣汉县"))
    assert welding.status_code == 201, welding.text
    made = client.post("/api/v1/courses", headers=tokens["counselor"],
                       json=_course("COCC01", "通川区", occupation_code=None))
    assert made.status_code == 201, made.text
    assert made.json()["occupation_code"] == "6-18-02-04"
    trainee = client.post("/api/v1/trainees", headers=tokens["counselor"], json={
        "id": "TOCC01", "masked_name": "焊*", "area": "宣汉县", "course_id": "COCC01",
        "graduation_date": "2025-05-30", "consent_recommend": True})
    assert trainee.status_code == 201, trainee.text
    found = client.get("/api/v1/trainees/TOCC01/suggestions?k=20",
                       headers=tokens["counselor"]).json()
    assert "POCC01" in {i["posting_id"] for i in found["items"]}, found  # was none
    # a new occupation without a code: the code follows the text
    changed = client.patch("/api/v1/courses/COCC01", headers=tokens["counselor"],
                           json={"occupation": "电工"})
    assert changed.status_code == 200 and changed.json()["occupation_code"] == "6-31-01-03"


def test_a_course_code_given_is_kept_and_must_exist(client: TestClient, tokens: H) -> None:
    # the text reads as 焊工, staff say 电工: their code is kept
    made = client.post("/api/v1/courses", headers=tokens["admin"],
                       json=_course("COCC02", "通川区", occupation_code="6-31-01-03"))
    assert made.status_code == 201 and made.json()["occupation_code"] == "6-31-01-03"
    for body, path in ((_course("COCC03", "通川区", occupation_code="9-99-99-99"), None),
                       ({"occupation_code": "9-99-99-99"}, "COCC02")):
        response = (client.post("/api/v1/courses", headers=tokens["admin"], json=body)
                    if path is None else
                    client.patch(f"/api/v1/courses/{path}", headers=tokens["admin"], json=body))
        assert response.status_code == 422, response.text
        error = response.json()["error"]
        assert "occupation_code" in error["message_en"] and "职业编码" in error["message_zh"]
        assert error["details"][0]["field"] == "occupation_code"
    assert client.get("/api/v1/courses/COCC03", headers=tokens["admin"]).status_code == 404
    assert client.get("/api/v1/courses/COCC02",
                      headers=tokens["admin"]).json()["occupation_code"] == "6-31-01-03"


def test_a_course_whose_occupation_cannot_be_read_needs_its_code(client: TestClient,
                                                                 tokens: H) -> None:
    unreadable = _course("COCC04", "通川区", occupation="xyzzy", occupation_code=None)
    response = client.post("/api/v1/courses", headers=tokens["admin"], json=unreadable)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert "xyzzy" in error["message_zh"] and "职业编码" in error["message_zh"]
    assert "occupation_code" in error["message_en"]
    assert error["details"][0]["field"] == "occupation"
    made = client.post("/api/v1/courses", headers=tokens["admin"],
                       json=unreadable | {"occupation_code": "6-18-02-04"})
    assert made.status_code == 201 and made.json()["occupation_code"] == "6-18-02-04"
    refused = client.patch("/api/v1/courses/COCC04", headers=tokens["admin"],
                           json={"occupation": "xyzzy plugh"})
    assert refused.status_code == 422


def test_course_imports_read_occupations(client: TestClient, tokens: H) -> None:
    csv = (COURSES
           + "COCC11,达州市公共实训基地,公共实训基地,焊工,,四级/中级工,通川区,2025-03-01,"
             "2025-05-30\n"
           + "COCC12,达州市公共实训基地,公共实训基地,焊工,9-99-99-99,四级/中级工,通川区,"
             "2025-03-01,2025-05-30\n"
           + "COCC13,达州市公共实训基地,公共实训基地,xyzzy,,四级/中级工,通川区,2025-03-01,"
             "2025-05-30\n")
    report = _upload(client, tokens["admin"], "courses", csv).json()
    problems = [(p["row"], p["column"]) for p in report["problems"]]
    assert problems == [(2, "occupation_code"), (3, "occupation")], report["problems"]
    assert all(p["reason_zh"] and p["reason_en"] for p in report["problems"])
    done = _upload(client, tokens["admin"], "courses", "\n".join(csv.splitlines()[:2]) + "\n",
                   dry_run=False)
    assert done.status_code == 200 and done.json()["stored"], done.text
    course = client.get("/api/v1/courses/COCC11", headers=tokens["admin"]).json()
    assert course["occupation_code"] == "6-18-02-04"
