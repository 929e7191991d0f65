"""ID and mobile numbers typed into a trainee's shown text are refused where entered."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from matcher.personal_data import ID_NUMBER, MOBILE, personal_numbers
from tests.api.test_imports import GOOD

H = dict[str, dict[str, str]]
TRAINEE = {"id": "TP000001", "masked_name": "赵*", "area": "宣汉县", "course_id": "C000001",
           "graduation_date": "2025-06-30", "skills": "会氩弧焊"}


@pytest.mark.parametrize(("text", "found"), [
    ("电话13912345678", [MOBILE]),
    ("手机 139-1234-5678", [MOBILE]),
    ("+86 13912345678", [MOBILE]),
    ("１３９１２３４５６７８", [MOBILE]),
    ("11010519491231002X", [ID_NUMBER]),
    ("身份证号 511702199001011234", [ID_NUMBER]),  # wrong check digit, said to be an ID
    ("身份证511702199001011234 电话13912345678", [ID_NUMBER, MOBILE]),
    ("焊工四级，证书编号 1810000000300123", []),
    ("编号 511702199001011234", []),  # not an ID by its check digit, nor said to be one
    ("电工 5 年，13912345678901", []),  # part of a longer number
    ("10091234567", []),  # the synthetic range
    ("", []),
    ("证书编号：15120190001", []),  # a certificate's number, said to be one
    ("证书号 17220230518", []),
    ("编号 135-2019-0112", []),
    ("考试成绩 160 2019 2020", []),  # 160 is no mobile prefix
    ("SolidWorks认证，熟练", []),
    ("身份证 511702 19900101 1234", [ID_NUMBER]),  # written in groups
    ("手机 1391 234 5678", [MOBILE]),
])
def test_personal_numbers(text: str, found: list[str]) -> None:
    assert personal_numbers(text) == found


@pytest.mark.parametrize(("field", "value"), [
    ("skills", "会氩弧焊 电话13912345678"),
    ("certificates", "身份证11010519491231002X 焊工证"),
    ("masked_name", "王小明"),
])
def test_the_api_refuses_them_in_what_enterprises_read(client: TestClient, tokens: H,
                                                        field: str, value: str) -> None:
    response = client.post("/api/v1/trainees", headers=tokens["counselor"],
                           json=TRAINEE | {field: value})
    assert response.status_code == 422, response.text
    assert field in response.text
    changed = client.patch("/api/v1/trainees/T0000001", headers=tokens["counselor"],
                           json={field: value})
    assert changed.status_code == 422, changed.text


def test_an_import_reports_the_row_and_column(client: TestClient, tokens: H) -> None:
    text = GOOD.replace(",会氩弧焊,", ",会氩弧焊 手机13912345678,")
    assert text != GOOD
    response = client.post("/api/v1/imports/trainees?dry_run=true", headers=tokens["admin"],
                           files={"file": ("t.csv", text.encode("utf-8-sig"), "text/csv")})
    body = response.json()
    assert not body["ok"]
    assert [(p["row"], p["column"]) for p in body["problems"]] == [(1, "skills")]
    assert "手机号" in body["problems"][0]["reason_zh"]

