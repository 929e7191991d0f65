"""Reading and writing the market tables: look-ups, paged lists, checked writes.

Writes are checked with the same rules as imports (:func:`matcher.schemas.validate` on
a one-row table), so that a form and a spreadsheet are held to one standard and get the
same reasons in Chinese and English.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, TypeVar

import pandas as pd
from sqlalchemy import Select, func, insert, select
from sqlalchemy.orm import Session

from api.deps import Paging
from api.errors import ApiError, UnprocessableError, not_found
from api.models import AuditEntry, Base, Course, Enterprise, Posting, Trainee, utcnow
from matcher.schemas import SCHEMAS, validate

__all__ = ["audit", "audit_rows", "check_row", "get_or_404", "page_of"]

M = TypeVar("M", bound=Base)

_WHAT = {Enterprise: ("企业", "enterprise"), Posting: ("岗位", "posting"),
         Course: ("培训班", "course"), Trainee: ("学员", "trainee")}
_TABLE_OF = {Enterprise: "enterprises", Posting: "postings", Course: "courses",
             Trainee: "trainees"}
_KEY = {"enterprises": "enterprise_id", "postings": "posting_id", "courses": "course_id",
        "trainees": "trainee_id"}


def get_or_404(session: Session, model: type[M], key: str, *, lock: bool = False) -> M:
    obj = session.get(model, key, with_for_update=lock or None)
    if obj is None or (isinstance(obj, Trainee) and obj.deleted_at is not None):
        zh, en = _WHAT.get(model, ("记录", "record"))  # type: ignore[call-overload]
        raise not_found(zh, en, key)
    return obj


def where_equal(query: Select[Any], *conditions: tuple[Any, object]) -> Select[Any]:
    """``query`` narrowed to ``column == value`` for every condition whose value is given."""
    for column, value in conditions:
        if value:
            query = query.where(column == value)
    return query


def page_of(session: Session, query: Select[Any], paging: Paging) -> tuple[list[Any], int]:
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = list(session.scalars(query.offset(paging.offset).limit(paging.page_size)))
    return rows, int(total or 0)


def _import_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def check_row(model: type[Base], values: dict[str, Any], *,
              changed: Iterable[str] | None = None) -> None:
    """Raise 422 with every problem when ``values`` break the import rules of the table.

    ``changed``: the attributes a change sets; only their problems count (a rule added
    since must not stop a trainee from withdrawing consent because of text stored
    before it)."""
    table = _TABLE_OF[model]
    row = {}
    for col in SCHEMAS[table].columns:
        attr = "id" if col.name == _KEY[table] else (
            "consent_recommend" if col.name == "consent" else col.name)
        row[col.name] = _import_value(values.get(attr))
    report = validate(table, pd.DataFrame([row], dtype=str))
    attrs = None if changed is None else set(changed)
    problems = [p for p in report.problems if attrs is None or (
        "consent_recommend" if p.column == "consent" else p.column) in attrs]
    if problems:
        details = [{"field": "id" if p.column == _KEY[table] else p.column, "label": p.label,
                    "value": p.value, "reason_zh": p.reason_zh, "reason_en": p.reason_en}
                   for p in problems]
        raise UnprocessableError(
            "；".join(f"{d['label']}：{d['reason_zh']}" for d in details),
            "; ".join(f"{d['field']}: {d['reason_en']}" for d in details), details=details)


def values_of(obj: Base) -> dict[str, Any]:
    return {c.key: getattr(obj, c.key) for c in obj.__mapper__.column_attrs}


def require_absent(session: Session, model: type[Base], key: str) -> None:
    row = session.get(model, key)
    if row is not None:
        zh, en = _WHAT[model]  # type: ignore[index]
        if getattr(row, "deleted_at", None) is not None:  # erased: its id is not reused
            raise ApiError(f"{zh}编号 {key} 属于已删除的记录，不能再次使用，请换一个新编号",
                           f"the id {key!r} belonged to a deleted {en} and is not reused: "
                           "choose a new id", status=409, code="exists")
        raise ApiError(f"{zh}编号 {key} 已存在，请换一个编号或修改原记录",
                       f"a {en} with id {key!r} exists: choose another id or update it",
                       status=409, code="exists")


def require_exists(session: Session, model: type[Base], key: str | None, field: str, *,
                   share_lock: bool = False) -> None:
    """422 unless ``key`` (when given) names a ``model`` row.

    ``share_lock``: on PostgreSQL, hold the row ``FOR SHARE`` until commit. A posting's
    index entry holds its enterprise's industry and area (a trainee's, their course's
    occupation and level). An update of the enterprise notes its postings in the change
    feed, but one that ran while a new posting was uncommitted would not see it, and the
    new posting could be re-read with the enterprise as it was: the lock makes the
    update wait for the new posting's commit (and a new posting wait for an update in
    progress). SQLite's write lock already serializes them.
    """
    lock = {"read": True} if share_lock else None
    if key is not None and session.get(model, key, with_for_update=lock) is None:
        zh, en = _WHAT[model]  # type: ignore[index]
        raise UnprocessableError(f"{field}：没有编号为 {key} 的{zh}",
                                 f"{field}: no {en} with id {key!r}",
                            details=[{"field": field, "value": key}])


def audit_rows(actor_id: int | None, trainee_ids: list[str], action: str,
               with_contact: list[bool] | None = None) -> list[dict[str, Any]]:
    """The audit-log rows of ``actor_id`` reading these trainees' personal data."""
    flags = with_contact or [False] * len(trainee_ids)
    now = utcnow()
    return [{"actor_id": actor_id, "trainee_id": t, "action": action, "with_contact": f,
             "at": now} for t, f in zip(trainee_ids, flags, strict=True)]


def audit(session: Session, actor_id: int | None, trainee_ids: list[str], action: str,
          with_contact: list[bool] | None = None) -> None:
    """Record that ``actor_id`` read these trainees' personal data (committed by caller)."""
    if trainee_ids:
        # a bulk insert, not an ORM object per row: a shortlist audits every trainee shown
        session.execute(insert(AuditEntry.__table__),  # type: ignore[arg-type]
                        audit_rows(actor_id, trainee_ids, action, with_contact))
