"""Importing a CSV or XLSX table: dry run, all-or-nothing, every bad row reported.

The file is read as text (so ids and phone numbers keep their digits), checked with
:func:`matcher.schemas.validate` and against the store (a posting's enterprise, a
trainee's course, a course's ordering enterprise must exist in the file or the store;
a trainee deleted at their request cannot be imported again; a counselor limited to
areas imports only rows of those areas; a course without an occupation code gets the
code its occupation reads as, and a code must be in the taxonomy); then either nothing is
stored (problems, or a dry run) or every row is inserted or updated by id in one
transaction, and the matching index follows.
"""

from __future__ import annotations

import io
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from api import access
from api.db import write_lock
from api.errors import UnprocessableError
from api.models import CONSENT_WITHDRAWN_AT, Course, Enterprise, Placement, Trainee, utcnow
from api.services.index import MatchIndex, chunks
from api.services.tables import (
    MODELS,
    OccupationError,
    course_occupation_code,
    numbered_rows,
    upsert,
)
from matcher import Normalizer
from matcher.schemas import SCHEMAS, Problem, validate
from matcher.workbooks import workbook

_LINKS = {"postings": ("enterprise_id", Enterprise, "enterprises"),
          "courses": ("order_enterprise_id", Enterprise, "enterprises"),
          "trainees": ("course_id", Course, "courses")}


#: Encodings a CSV is tried in: UTF-8 (with or without Excel's BOM), then GB18030, the
#: superset of GBK that Chinese Excel writes when a sheet is saved as "CSV (逗号分隔)".
CSV_ENCODINGS = ("utf-8-sig", "gb18030")


def _csv_text(content: bytes) -> str:
    for encoding in CSV_ENCODINGS:
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnprocessableError(
        "文件编码无法识别：请用 Excel 另存为“CSV UTF-8（逗号分隔）”或直接上传 .xlsx 文件",
        "the file's text encoding is neither UTF-8 nor GBK/GB18030: save it as "
        "\"CSV UTF-8\" or upload the .xlsx file")


def read_table(filename: str, content: bytes) -> pd.DataFrame:
    """The uploaded table, every cell as text; a file that cannot be read is a 422 that
    says what to do (in Chinese and English)."""
    name = filename.lower()
    if not content.strip():
        raise UnprocessableError("文件是空的：请下载模板，填写后再上传",
                                 "the file is empty: fill in the template and upload it")
    if name.endswith((".xlsx", ".xlsm")):
        try:
            return pd.read_excel(io.BytesIO(content), dtype=str, keep_default_na=False)
        except Exception as exc:  # not a workbook at all, or a damaged one
            raise UnprocessableError(
                "文件不是有效的 Excel（.xlsx）工作簿，或已损坏：请用 Excel 打开后另存为 .xlsx "
                "再上传", f"the file is not a readable .xlsx workbook ({exc}): open it in "
                "Excel, save it as .xlsx and upload it again") from exc
    if name.endswith((".csv", ".txt")):
        text = _csv_text(content)
        try:
            return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        except pd.errors.EmptyDataError as exc:
            raise UnprocessableError("文件中没有表头和数据：请下载模板，填写后再上传",
                                     "the file has no header row and no data: fill in "
                                     "the template and upload it") from exc
        except Exception as exc:  # e.g. a row with more cells than the header
            raise UnprocessableError(
                f"CSV 文件格式有误：{exc}（请检查逗号和引号，或上传 .xlsx 文件）",
                f"the CSV file is malformed: {exc} (check commas and quotes, or upload "
                "the .xlsx file)") from exc
    raise UnprocessableError("只能上传 .csv 或 .xlsx 文件",
                             "only .csv and .xlsx files can be imported")


def _problem(p: Problem) -> dict[str, Any]:
    return {"row": p.row, "excel_row": p.excel_row, "column": p.column, "label": p.label,
            "value": p.value, "reason_zh": p.reason_zh, "reason_en": p.reason_en}


def _at_row(i: int, column: str, label: str, value: Any, reason_zh: str, reason_en: str
            ) -> dict[str, Any]:
    """A problem (or a value kept) at data row ``i`` (0-based) of the file, as
    :func:`_problem` reports the validator's."""
    return {"row": i + 1, "excel_row": i + 2, "column": column, "label": label,
            "value": value, "reason_zh": reason_zh, "reason_en": reason_en}


def _outside_areas(session: Session, table: str, rows: list[dict[str, Any]],
                   data_rows: list[int], areas: tuple[str, ...]) -> list[dict[str, Any]]:
    """Rows a counselor limited to ``areas`` may not write: records of another area, in
    the file or in the store (an import must not reach what a form refuses, see
    :func:`api.access.check_areas`)."""
    model: Any = MODELS[table]
    stored = {key: area for chunk in chunks([r["id"] for r in rows])
              for key, area in session.execute(select(model.id, model.area).where(
                  model.id.in_(chunk)))}
    label = SCHEMAS[table].column("area").label
    zh, en = access.RECORD_NAMES[table.removesuffix("s")]
    mine_zh, mine_en = "、".join(areas), ", ".join(areas)
    problems = []
    for i, r in zip(data_rows, rows, strict=True):
        # the stored area first: moving a record of another area in is refused too
        outside = access.outside_areas(areas, stored.get(r["id"]), r.get("area"))
        if outside is not None:
            problems.append(_at_row(
                i, "area", label, outside, f"该{zh}在{outside}，不在您负责的区域（{mine_zh}）",
                f"this {en} is in {outside}, outside your areas ({mine_en})"))
    return problems


def _course_occupations(normalizer: Normalizer, rows: list[dict[str, Any]],
                        data_rows: list[int]) -> list[dict[str, Any]]:
    """Fill in the occupation code of each course row without one (what its occupation
    text reads as, in ``rows`` in place); the rows whose code is not in the taxonomy or
    whose text cannot be read without a code (see
    :func:`api.services.tables.course_occupation_code`)."""
    problems = []
    for i, r in zip(data_rows, rows, strict=True):
        try:
            r["occupation_code"] = course_occupation_code(normalizer, r.get("occupation"),
                                                          r.get("occupation_code"))
        except OccupationError as p:
            problems.append(_at_row(i, p.column, p.label, p.value, p.reason_zh,
                                    p.reason_en))
    return problems


#: Each consent's import column.
_CONSENT_COLUMNS = {"consent_recommend": "consent",
                    "consent_share_contact": "consent_share_contact"}


def _keep_trainee_choices(session: Session, rows: list[dict[str, Any]], data_rows: list[int]
                          ) -> list[dict[str, Any]]:
    """Keep what a roster must not undo, in ``rows`` (changed in place); what was kept.

    A consent the trainee withdrew is not given back by re-importing an older roster
    with 是 in it (withdrawing by import is fine, and is remembered as a withdrawal;
    giving it again is the trainee's, or staff's on the trainee's record with their
    word). A consent never given may be given by a roster. A trainee with a recorded
    placement stays 已就业 whatever status the file says (the placement would be
    contradicted and the trainee offered jobs again).
    """
    ids = [r["id"] for r in rows]
    stored = {t.id: t for chunk in chunks(ids) for t in session.execute(
        select(Trainee.id, Trainee.consent_recommend, Trainee.consent_share_contact,
               Trainee.recommend_withdrawn_at, Trainee.share_withdrawn_at)
        .where(Trainee.id.in_(chunk)))}
    placed = {tid for chunk in chunks(ids) for tid in session.scalars(
        select(Placement.trainee_id).where(Placement.trainee_id.in_(chunk)))}
    schema = SCHEMAS["trainees"]
    kept = []

    def note(*at: Any) -> None:
        kept.append(_at_row(*at))

    for i, row in zip(data_rows, rows, strict=True):
        before = stored.get(row["id"])
        if before is None:
            continue
        for attr, withdrawn_at in CONSENT_WITHDRAWN_AT.items():
            column = _CONSENT_COLUMNS[attr]
            if attr in row and not row[attr] and getattr(before, attr):
                row[withdrawn_at] = utcnow()  # withdrawn by this roster
            if row.get(attr) and not getattr(before, attr) \
                    and getattr(before, withdrawn_at) is not None:
                row[attr] = False
                note(i, column, schema.column(column).label, "是",
                     "学员已撤回此项同意，导入不能恢复；如学员重新同意，"
                     "请在学员信息中修改", "the trainee withdrew this consent and an import "
                     "cannot give it back; if they consent again, change it on their record")
        if row["id"] in placed and row.get("status") != "placed":
            status = schema.column("status")
            shown = (status.choices or {}).get(row.get("status") or "", row.get("status"))
            note(i, "status", status.label, shown,
                 "该学员已有就业登记，状态保持“已就业”", "this trainee has a recorded "
                 "placement: the status stays placed")
            row["status"] = "placed"
    return kept


def _deleted(session: Session, rows: list[dict[str, Any]], data_rows: list[int]
             ) -> list[dict[str, Any]]:
    """Rows of trainees deleted at their request: an import must not bring their personal
    data back (a new id is a new record; the deleted one stays erased)."""
    deleted = {tid for chunk in chunks([r["id"] for r in rows]) for tid in session.scalars(
        select(Trainee.id).where(Trainee.id.in_(chunk), Trainee.deleted_at.is_not(None)))}
    label = SCHEMAS["trainees"].column("trainee_id").label
    return [_at_row(i, "trainee_id", label, r["id"],
                    "该学员已按本人要求删除个人信息，不能通过导入重新建立",
                    "this trainee was deleted at their request and cannot be re-created "
                    "by import")
            for i, r in zip(data_rows, rows, strict=True) if r["id"] in deleted]


def _stored_problems(session: Session, index: MatchIndex, table: str,
                     rows: list[dict[str, Any]], data_rows: list[int],
                     areas: tuple[str, ...] | None) -> list[dict[str, Any]]:
    """The problems of ``rows`` (at positions ``data_rows`` of the file) against the
    store and the taxonomy: a trainee deleted at their request, a record outside the
    counselor's ``areas``, a course's occupation, an id of another table not stored."""
    problems = []
    if table == "trainees":
        problems += _deleted(session, rows, data_rows)
    if areas is not None:
        problems += _outside_areas(session, table, rows, data_rows, areas)
    if table == "courses":
        problems += _course_occupations(index.normalizer, rows, data_rows)
    if table in _LINKS:
        column, parent, parent_table = _LINKS[table]
        wanted = sorted({r[column] for r in rows if r.get(column)})
        known = {key for chunk in chunks(wanted) for key in session.scalars(
            select(parent.id).where(parent.id.in_(chunk)))}  # type: ignore[attr-defined]
        label = SCHEMAS[table].column(column).label
        problems += [_at_row(i, column, label, r[column],
                             f"{SCHEMAS[parent_table].label}中没有此编号，请先导入",
                             f"no such id in {parent_table}: import it first")
                     for i, r in zip(data_rows, rows, strict=True)
                     if r.get(column) and r[column] not in known]
    return problems


def import_table(session: Session, index: MatchIndex, table: str, frame: pd.DataFrame, *,
                 dry_run: bool, areas: tuple[str, ...] | None = None) -> dict[str, Any]:
    """Check an import table and, unless a dry run or anything is wrong, store it.

    Every problem is reported at once: the validator's (format: types, required cells,
    codes, …) and, for every row the validator passed, those against the store (see
    :func:`_stored_problems`), in row order; the latter not when the header has a
    problem (a required column missing, a column repeated, a forbidden column): then
    only the validator's. Nothing is stored when there is any.
    ``areas``: the importing counselor's areas (None: any area).
    """
    report = validate(table, frame)
    problems = [_problem(p) for p in report.problems]
    refused = {p.row - 1 for p in report.problems if p.row is not None}
    # a header problem (a required column missing, a column repeated, …) is no row's, so
    # refuses none: the file is not the table's template, and its rows are not checked
    # against the store (that would only repeat the missing column, or read cells the
    # validator did not check)
    header_problems = any(p.row is None for p in report.problems)
    numbered = [] if header_problems else numbered_rows(table, frame, skip=refused)
    data_rows = [i for i, _ in numbered]
    rows = [row for _, row in numbered]
    if rows:
        problems += _stored_problems(session, index, table, rows, data_rows, areas)
        # header problems (no row) first, then by row; a row's format problems first
        problems.sort(key=lambda p: p["row"] or 0)
    kept: list[dict[str, Any]] = []
    if table == "trainees" and not problems and rows:
        kept = _keep_trainee_choices(session, rows, data_rows)
    existing = 0
    if not problems and rows:
        model = MODELS[table]
        ids = [r["id"] for r in rows]
        existing = len(set(session.scalars(select(model.id).where(  # type: ignore[attr-defined]
            model.id.in_(ids)))))  # type: ignore[attr-defined]
    summary = {"table": table, "rows": len(rows) if report.ok and rows else report.rows,
               "dry_run": dry_run, "ok": not problems, "stored": False,
               "created": len(rows) - existing if not problems else 0,
               "updated": existing if not problems else 0,
               "ignored_columns": list(report.ignored_columns), "problems": problems,
               "kept": kept}
    if problems:
        if dry_run:
            return summary
        raise UnprocessableError(
            f"发现 {len(problems)} 处错误，未导入任何数据，请按 details 修改后重新上传",
                            f"{len(problems)} problems found: nothing was imported; fix the rows "
                            "listed in details and upload again", details=summary)
    if dry_run:
        return summary
    write_lock(session)  # SQLite: the reads above ran deferred; write under the lock
    if table in ("postings", "trainees"):  # PostgreSQL: see require_exists(share_lock=…)
        column, parent, _ = _LINKS[table]
        for chunk in chunks(sorted({r[column] for r in rows if r.get(column)})):
            session.execute(select(parent.id).where(  # type: ignore[attr-defined]
                parent.id.in_(chunk)).with_for_update(read=True))  # type: ignore[attr-defined]
    # Rows in id order: two imports that lock the same rows (PostgreSQL row locks,
    # FOR SHARE above) then take them in the same order and cannot deadlock.
    upsert(session, table, sorted(rows, key=lambda r: str(r["id"])), index.normalizer)
    if table in ("trainees", "postings"):
        index.note(session, table[:-1], [r["id"] for r in rows])
    else:
        index.note_dependents(session, table, [r["id"] for r in rows])
    session.commit()
    index.catch_up(session)
    summary["stored"] = True
    return summary


def template(table: str, fmt: str) -> bytes:
    """The empty table to fill in: CSV, or XLSX with a second sheet saying how."""
    frame, guide = SCHEMAS[table].template(), SCHEMAS[table].guide()
    if fmt == "csv":
        return frame.to_csv(index=False).encode("utf-8-sig")
    # The table first (an import reads the first sheet), then how to fill it.
    return workbook([(SCHEMAS[table].label, frame), ("填写说明", guide)], fit_widths=True)
