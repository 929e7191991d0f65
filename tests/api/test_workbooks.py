"""Downloads never carry live formulas: text users typed stays text in every workbook."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
from fastapi.testclient import TestClient

from matcher.workbooks import workbook

H = dict[str, dict[str, str]]
LINK = '=HYPERLINK("http://evil.example/","点击查看证书")'


def _cells(content: bytes) -> list[openpyxl.cell.cell.Cell]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def test_text_that_looks_like_a_formula_is_written_as_text() -> None:
    frame = pd.DataFrame({"技能": [LINK, "=1+1", "+86 电焊", "普通文本"], "人数": [1, 2, 3, 4]})
    cells = _cells(workbook([("表", frame)]))
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    values = [c.value for c in cells]
    assert LINK in values and "=1+1" in values and "+86 电焊" in values
    assert [c.value for c in cells if c.column == 2][1:] == [1, 2, 3, 4]  # numbers stay numbers


def test_a_posting_title_typed_as_a_formula_stays_text_in_the_plan_export(
        client: TestClient, tokens: H, fair: dict[str, list[str]]) -> None:
    plan = client.post("/api/v1/plans", headers=tokens["counselor"], json=fair).json()
    chosen = next(p for p in plan["postings"] if p["items"])
    pid, title = chosen["posting_id"], chosen["title"]
    assert client.patch(f"/api/v1/postings/{pid}", headers=tokens["counselor"],
                        json={"title": LINK}).status_code == 200
    try:
        response = client.post("/api/v1/plans.xlsx", headers=tokens["counselor"],
                               json=fair | {"posting_ids": [pid]})
        assert response.status_code == 200, response.text
        cells = _cells(response.content)
        assert LINK in [c.value for c in cells]  # the plan lists the posting, by title
        assert not [c.coordinate for c in cells if c.data_type == "f"]
    finally:
        client.patch(f"/api/v1/postings/{pid}", headers=tokens["counselor"],
                     json={"title": title})


def test_a_skill_typed_as_a_formula_stays_text_in_the_shortlist_export(
        client: TestClient, tokens: H) -> None:
    listed = client.get("/api/v1/postings/P0000001/shortlist?k=5",
                        headers=tokens["counselor"]).json()["items"]
    tid = listed[0]["trainee_id"]
    skills = listed[0]["trainee"]["skills"] or ""
    changed = client.patch(f"/api/v1/trainees/{tid}", headers=tokens["counselor"],
                           json={"skills": f"{LINK} {skills}".strip()})
    assert changed.status_code == 200, changed.text
    try:
        response = client.get("/api/v1/postings/P0000001/shortlist.xlsx?k=50",
                              headers=tokens["counselor"])
        assert response.status_code == 200
        cells = _cells(response.content)
        assert any(str(c.value).startswith("=HYPERLINK") for c in cells)
        assert not [c.coordinate for c in cells if c.data_type == "f"]
    finally:
        client.patch(f"/api/v1/trainees/{tid}", headers=tokens["counselor"],
                     json={"skills": skills})
