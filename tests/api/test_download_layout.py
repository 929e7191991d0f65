"""Downloads a counselor can use as they come: templates that say how to fill them,
exports whose columns are wide enough to read."""

from __future__ import annotations

import io

import openpyxl
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.models import Trainee
from matcher.schema_tables import SCHEMAS

H = dict[str, dict[str, str]]
#: A valid trainee, by the template's Chinese headers (the sample market has C000001).
TRAINEE = {"学员编号": "TG000001", "姓名（脱敏）": "赵*", "所属区域": "达川区",
           "培训班次": "C000001", "结业日期": "2025-06-30", "证书": "电工（四级/中级工）",
           "其他技能": "会低压配电", "意向区域": "达川区", "期望月薪": "4500",
           "状态": "求职中", "同意推荐": "是", "联系电话": "", "同意向企业提供联系方式": "是"}


@pytest.mark.parametrize("table", list(SCHEMAS))
def test_each_template_has_a_sheet_saying_how_to_fill_each_column(
        client: TestClient, tokens: H, table: str) -> None:
    response = client.get(f"/api/v1/imports/{table}/template", headers=tokens["admin"])
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    schema = SCHEMAS[table]
    assert book.sheetnames == [schema.label, "填写说明"]  # the table first: it is imported
    headers = [c.value for c in book[schema.label][1]]
    assert headers == [c.label for c in schema.columns]
    rows = list(book["填写说明"].iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == headers
    assert [r[2] for r in rows] == ["是" if c.required else "否" for c in schema.columns]
    # every column says how to fill it
    assert all(r[6] for r in rows), [r[0] for r in rows if not r[6]]
    # each rule of a column is there in the words an import would report it with
    for column, row in zip(schema.columns, rows, strict=True):
        for check in column.checks:
            if not column.choices:
                assert check.reason_zh in (row[5] or "")
        if column.choices:
            assert all(label in row[4] for label in column.choices.values())


def _import_filled_template(client: TestClient, tokens: H, row: dict[str, str], *,
                           dry_run: bool) -> dict:
    """The trainees' template as downloaded, ``row`` written under its headers, imported."""
    template = client.get("/api/v1/imports/trainees/template", headers=tokens["admin"])
    book = openpyxl.load_workbook(io.BytesIO(template.content))
    sheet = book[SCHEMAS["trainees"].label]
    sheet.append([row[c.value] or None for c in sheet[1]])
    out = io.BytesIO()
    book.save(out)
    response = client.post(f"/api/v1/imports/trainees?dry_run={str(dry_run).lower()}",
                           headers=tokens["admin"],
                           files={"file": ("学员.xlsx", out.getvalue(), "application/vnd."
                                           "openxmlformats-officedocument.spreadsheetml.sheet")})
    assert response.status_code == 200, response.text
    return response.json()


def test_a_filled_in_template_imports_with_its_guide_sheet_still_in_it(
        client: TestClient, tokens: H) -> None:
    body = _import_filled_template(client, tokens, TRAINEE, dry_run=True)
    assert body["ok"], body["problems"]
    assert body["rows"] == 1


def test_the_guide_lists_areas_industries_and_levels(client: TestClient, tokens: H) -> None:
    response = client.get("/api/v1/imports/enterprises/template", headers=tokens["admin"])
    guide = {r[0]: r for r in openpyxl.load_workbook(io.BytesIO(response.content))[
        "填写说明"].iter_rows(min_row=2, values_only=True)}
    assert "达川区" in guide["所在区域"][6] and "渠县" in guide["所在区域"][6]
    assert "磷硫化工" in guide["所属行业"][6] or "化工" in guide["所属行业"][6]
    assert "18 位" in guide["统一社会信用代码"][6]
    postings = client.get("/api/v1/imports/postings/template", headers=tokens["admin"])
    guide = {r[0]: r for r in openpyxl.load_workbook(io.BytesIO(postings.content))[
        "填写说明"].iter_rows(min_row=2, values_only=True)}
    assert "四级/中级工" in guide["最低技能等级"][6] and "不限" in guide["最低技能等级"][6]
    assert "已导入的企业" in guide["企业编号"][6]


def test_the_template_s_consent_to_share_contact_is_imported(
        client: TestClient, tokens: H, app: FastAPI) -> None:
    bad = _import_filled_template(client, tokens, TRAINEE | {
        "学员编号": "TG000003", "同意向企业提供联系方式": "abc"}, dry_run=True)
    assert not bad["ok"] and [p["label"] for p in bad["problems"]] == ["同意向企业提供联系方式"]
    body = _import_filled_template(client, tokens, TRAINEE | {
        "学员编号": "TG000002", "联系电话": "10090000002"}, dry_run=False)
    assert body["ok"], body["problems"]
    assert body["ignored_columns"] == []  # read, so not reported as ignored
    with app.state.sessionmaker() as s:
        trainee = s.get(Trainee, "TG000002")
        assert trainee is not None and trainee.consent_share_contact is True


def test_a_shortlist_export_is_wide_where_its_text_is_long(
        client: TestClient, tokens: H) -> None:
    response = client.get("/api/v1/postings/P0000001/shortlist.xlsx?k=5",
                          headers=tokens["counselor"])
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["推荐名单"]
    width = {c.value: sheet.column_dimensions[c.column_letter].width for c in sheet[1]}
    reasons = [r[0] for r in sheet.iter_rows(min_row=2, min_col=9, max_col=9,
                                             values_only=True)]
    assert reasons and all(reasons)
    # at least a unit per character (two per Chinese one), at most 60
    assert 60 >= width["推荐理由"] >= min(60, max(len(r) for r in reasons))
    assert width["推荐理由"] > width["排名"]


@pytest.mark.parametrize("path", ["/api/v1/postings/P0000001/shortlist.xlsx?k=5",
                                  "/api/v1/reports/demand?quarter=2026Q1&format=xlsx",
                                  "/api/v1/imports/trainees/template"])
def test_a_download_keeps_its_header_in_view_with_filters(
        client: TestClient, tokens: H, path: str) -> None:
    response = client.get(path, headers=tokens["admin"])
    assert response.status_code == 200, response.text
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    header = next(r for r in range(1, 4) if sheet.cell(r, 2).value is not None)
    assert sheet.freeze_panes == f"A{header + 1}"
    corner = sheet.cell(sheet.max_row, sheet.max_column).coordinate
    assert sheet.auto_filter.ref == f"A{header}:{corner}"


def test_text_too_long_for_its_column_wraps() -> None:
    import pandas as pd

    from matcher.workbooks import workbook

    frame = pd.DataFrame({"编号": ["1", "2"], "推荐理由": ["电工证书对口；" * 12, "短"]})
    sheet = openpyxl.load_workbook(io.BytesIO(workbook([("表", frame)], fit_widths=True)))["表"]
    assert sheet.column_dimensions["B"].width == 60
    assert [sheet.cell(r, 2).alignment.wrap_text for r in (2, 3)] == [True, True]
    assert not sheet.cell(2, 1).alignment.wrap_text  # a short column does not wrap


def test_an_area_s_other_name_is_stored_as_the_area(client: TestClient, tokens: H,
                                                    app: FastAPI) -> None:
    """达州 (accepted as 达州市) is stored as 达州市, by import and by the API, so that a
    counselor of 达州市 and the reports find the record."""
    body = _import_filled_template(client, tokens, TRAINEE | {
        "学员编号": "TG000004", "所属区域": "达州"}, dry_run=False)
    assert body["ok"], body["problems"]
    created = client.post("/api/v1/trainees", headers=tokens["counselor"], json={
        "id": "TG000005", "masked_name": "钱*", "area": "市本级", "course_id": "C000001",
        "graduation_date": "2025-06-30", "consent_recommend": True})
    assert created.status_code == 201, created.text
    spaced = client.post("/api/v1/trainees", headers=tokens["counselor"], json={
        "id": "TG000006", "masked_name": "孙*", "area": "达州市 ", "course_id": "C000001",
        "graduation_date": "2025-06-30", "consent_recommend": True})
    assert spaced.status_code == 201, spaced.text
    with app.state.sessionmaker() as s:
        assert [s.get(Trainee, t).area for t in ("TG000004", "TG000005", "TG000006")] == [
            "达州市"] * 3
    assert client.get("/api/v1/trainees/TG000004",
                      headers=tokens["counselor_area"]).status_code == 200
