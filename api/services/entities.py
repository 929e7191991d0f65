"""Create, read, update and close the market's entities, checked and access-controlled.

Each write is checked with the import rules, committed, and reflected in the matching
index at once (a closed posting or a trainee without consent leaves it). A list filtered
by an area that is not one of Dazhou's is a 422 naming them, not an empty page.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import Select, or_, select, update
from sqlalchemy.orm import Session

from api import access
from api.access import Principal
from api.db import write_lock
from api.deps import Paging
from api.errors import UnprocessableError, field_label
from api.models import (
    CONSENT_WITHDRAWN_AT,
    Course,
    Enterprise,
    Placement,
    Posting,
    Trainee,
    User,
    utcnow,
)
from api.services.index import MatchIndex
from api.services.store import (
    audit,
    check_row,
    get_or_404,
    page_of,
    require_absent,
    require_exists,
    values_of,
    where_equal,
)
from api.services.tables import OccupationError, course_occupation_code
from matcher.areas import AREA_ALIASES, area_names, canonical_area
from matcher.reading import PostingReading, read_posting
from matcher.text import spellings


def _like(column: Any, text: str) -> Any:
    """``column`` contains ``text``, in simplified or in traditional characters."""
    return or_(*(column.contains(form, autoescape=True) for form in sorted(spellings(text))))


def _area_filter(column: Any, area: str | None) -> Any:
    """The condition of a list filtered by ``area`` (None: no filter): the area or one of
    the other names it goes by (高新区, 市本级…, :data:`matcher.areas.AREA_ALIASES`).
    An area that is none of Dazhou's is a 422 listing them, not an empty list."""
    area = (area or "").strip()
    if not area:
        return None
    name = canonical_area(area)
    names = area_names()
    if name not in names:
        raise UnprocessableError(
            f"未知区域：{area}。可选：{'、'.join(names)}",
            f"unknown area {area!r}: the areas are {', '.join(names)}",
            details={"field": "area", "value": area, "areas": list(names)})
    return column.in_(sorted({name} | {a for a, n in AREA_ALIASES.items() if n == name}))


def _where_area(query: Select[Any], column: Any, area: str | None) -> Select[Any]:
    condition = _area_filter(column, area)
    return query if condition is None else query.where(condition)


def _apply_patch(obj: Any, patch: dict[str, Any]) -> dict[str, Any]:
    # an explicit null for a required column would fail at commit (NOT NULL): say so now
    nulls = [k for k, v in patch.items() if v is None and not obj.__mapper__.columns[k].nullable]
    if nulls:
        labels = "、".join(field_label(k, obj.__tablename__) for k in nulls)
        raise UnprocessableError(f"以下字段不能为空（null）：{labels}",
                                 f"these fields cannot be null: {', '.join(nulls)}",
                                 details=[{"field": k} for k in nulls])
    values = values_of(obj) | patch
    return values


# -- enterprises --------------------------------------------------------------------------

def list_enterprises(session: Session, who: Principal, paging: Paging, *, area: str | None,
                     industry: str | None, q: str | None) -> tuple[list[Enterprise], int]:
    query: Select[Any] = _where_area(access.scope_enterprises(who, select(Enterprise)),
                                  Enterprise.area, area)
    if industry:
        query = query.where(Enterprise.industry == industry)
    if q:
        query = query.where(_like(Enterprise.name, q))
    return page_of(session, query.order_by(Enterprise.id), paging)


def get_enterprise(session: Session, who: Principal, key: str) -> Enterprise:
    e = get_or_404(session, Enterprise, key)
    access.check_enterprise(who, e)
    return e


def create_enterprise(session: Session, who: Principal, values: dict[str, Any]) -> Enterprise:
    write_lock(session)  # SQLite: take the write lock before reading
    access.check_enterprise_create(who, values)
    require_absent(session, Enterprise, values["id"])
    check_row(Enterprise, values)
    e = Enterprise(**values)
    session.add(e)
    session.commit()
    return e


def update_enterprise(session: Session, who: Principal, key: str, patch: dict[str, Any]
                      ) -> Enterprise:
    write_lock(session)  # SQLite: take the write lock before reading
    e = get_or_404(session, Enterprise, key)
    access.check_enterprise_update(who, e, patch)
    check_row(Enterprise, _apply_patch(e, patch))
    for k, v in patch.items():
        setattr(e, k, v)
    MatchIndex.note_dependents(session, "enterprises", [e.id])
    session.commit()
    return e


# -- postings -----------------------------------------------------------------------------

def list_postings(session: Session, who: Principal, paging: Paging, *,
                  enterprise_id: str | None, area: str | None, status: str | None,
                  occupation_code: str | None, q: str | None) -> tuple[list[Posting], int]:
    query: Select[Any] = _where_area(access.scope_postings(who, select(Posting)), Posting.area,
                                  area)
    query = where_equal(query, (Posting.enterprise_id, enterprise_id),
                        (Posting.status, status), (Posting.occupation_code, occupation_code))
    if q:
        query = query.where(or_(_like(Posting.title, q), _like(Posting.requirements, q)))
    return page_of(session, query.order_by(Posting.id), paging)


def get_posting(session: Session, who: Principal, key: str) -> Posting:
    p = get_or_404(session, Posting, key)
    access.check_posting(who, p)
    return p


def create_posting(session: Session, index: MatchIndex, who: Principal,
                   values: dict[str, Any]) -> tuple[Posting, PostingReading]:
    write_lock(session)  # SQLite: take the write lock before reading
    access.check_posting_create(who, values)
    if who.role == "enterprise":
        if values.get("enterprise_id") not in (None, who.enterprise_id):
            access.check_posting(who, Posting(enterprise_id=values["enterprise_id"]),
                                 write=True)
        values["enterprise_id"] = who.enterprise_id
    if not values.get("enterprise_id"):
        raise UnprocessableError("请填写企业编号 enterprise_id", "enterprise_id is required",
                            details=[{"field": "enterprise_id"}])
    values["id"] = values.get("id") or f"P{uuid.uuid4().hex[:12].upper()}"
    values["opened"] = values.get("opened") or dt.date.today()
    require_absent(session, Posting, values["id"])
    require_exists(session, Enterprise, values["enterprise_id"], "enterprise_id",
                   share_lock=True)
    check_row(Posting, values)
    reading = read_posting(index.normalizer, values["title"], values.get("requirements") or "",
                           values.get("min_level"))
    values["occupation_code"] = reading.occupation.code if reading.occupation else None
    p = Posting(**values, hired=0)
    session.add(p)
    index.note(session, "posting", [p.id])
    session.commit()
    index.catch_up(session)
    return p, reading


def update_posting(session: Session, index: MatchIndex, who: Principal, key: str,
                   patch: dict[str, Any]) -> tuple[Posting, PostingReading]:
    write_lock(session)  # SQLite: take the write lock before reading
    # PostgreSQL: lock the row, so that the check against ``hired`` holds until commit
    p = get_or_404(session, Posting, key, lock=True)
    access.check_posting_update(who, p, patch)
    values = _apply_patch(p, patch)
    require_exists(session, Enterprise, values["enterprise_id"], "enterprise_id",
                   share_lock=True)
    check_row(Posting, values)
    if values["headcount"] < p.hired:
        raise UnprocessableError(f"招聘人数不能少于已录用人数 {p.hired}",
                            f"headcount cannot be below the {p.hired} already hired")
    full = p.hired >= values["headcount"]
    if values["status"] == "open" and full:
        if patch.get("status") == "open":
            raise UnprocessableError(
                f"岗位已招满（已录用 {p.hired} / 招聘 {values['headcount']} 人），不能设为招聘中："
                "请同时增加招聘人数", f"the posting is full ({p.hired} of "
                f"{values['headcount']} hired): raise the headcount to open it again")
        patch["status"] = "filled"  # no place left: what a hire filling it would do
    elif values["status"] == "filled" and not full and "status" not in patch \
            and "headcount" in patch and p.hired > 0:
        patch["status"] = "open"  # places added to a posting its hires had filled
    reading = read_posting(index.normalizer, values["title"], values.get("requirements") or "",
                           values.get("min_level"))
    patch["occupation_code"] = reading.occupation.code if reading.occupation else None
    for k, v in patch.items():
        setattr(p, k, v)
    index.note(session, "posting", [p.id])
    session.commit()
    index.catch_up(session)
    return p, reading


def posting_reading(index: MatchIndex, p: Posting) -> PostingReading:
    return read_posting(index.normalizer, p.title, p.requirements or "", p.min_level)


# -- courses ------------------------------------------------------------------------------

def list_courses(session: Session, who: Principal, paging: Paging, *, area: str | None,
                 occupation_code: str | None, provider_kind: str | None
                 ) -> tuple[list[Course], int]:
    query: Select[Any] = _where_area(access.scope_courses(who, select(Course)), Course.area, area)
    query = where_equal(query, (Course.occupation_code, occupation_code),
                        (Course.provider_kind, provider_kind))
    return page_of(session, query.order_by(Course.id), paging)


def get_course(session: Session, who: Principal, key: str) -> Course:
    c = get_or_404(session, Course, key)
    if who.role == "enterprise" and c.order_enterprise_id != who.enterprise_id:
        raise access.ForbiddenError("只能查看本企业订单式培训班",
                                    "you may only read your own ordered courses")
    return c


def _course_code(index: MatchIndex, occupation: str | None, code: str | None) -> str:
    """The occupation code of a course (see :func:`course_occupation_code`): a 422 that
    names the field when the code is unknown or the occupation cannot be read."""
    try:
        return course_occupation_code(index.normalizer, occupation, code)
    except OccupationError as problem:
        raise UnprocessableError(problem.reason_zh, f"{problem.column}: {problem.reason_en}",
                                 details=[{"field": problem.column, "label": problem.label,
                                           "value": problem.value,
                                           "reason_zh": problem.reason_zh,
                                           "reason_en": problem.reason_en}]) from None


def create_course(session: Session, index: MatchIndex, who: Principal,
                  values: dict[str, Any]) -> Course:
    """Create a course. Without an ``occupation_code`` it gets the code its occupation text
    reads as (422 when the text cannot be read: give the code); a code given is kept even
    when the text reads as another occupation (staff know best), but must be in the
    taxonomy."""
    write_lock(session)  # SQLite: take the write lock before reading
    access.check_course_write(who, values.get("area"))
    require_absent(session, Course, values["id"])
    require_exists(session, Enterprise, values.get("order_enterprise_id"), "order_enterprise_id")
    check_row(Course, values)
    values["occupation_code"] = _course_code(index, values["occupation"],
                                             values.get("occupation_code"))
    c = Course(**values)
    session.add(c)
    session.commit()
    return c


def update_course(session: Session, index: MatchIndex, who: Principal, key: str,
                  patch: dict[str, Any]) -> Course:
    """Update a course. A new ``occupation`` without a code is read again (the code
    follows the text; 422 when it cannot be read: give the code), and so is a code set
    to null; a code given is kept even when the text reads as another occupation (staff
    know best), but must be in the taxonomy. A course stored without a code gets the
    code of its text, when it can be read, at any change."""
    write_lock(session)  # SQLite: take the write lock before reading
    access.check_course_write(who)
    c = get_or_404(session, Course, key)
    access.check_course_write(who, c.area, patch.get("area"))
    require_exists(session, Enterprise, patch.get("order_enterprise_id"), "order_enterprise_id")
    values = _apply_patch(c, patch)
    check_row(Course, values)
    if "occupation" in patch or "occupation_code" in patch:
        code = patch.get("occupation_code")  # a new text without a code: read it again
        patch["occupation_code"] = _course_code(index, values["occupation"], code)
    elif c.occupation_code is None:  # stored before codes were read: fill in if readable
        match = index.normalizer.normalize(c.occupation)
        if match is not None:
            patch["occupation_code"] = match.code
    for k, v in patch.items():
        setattr(c, k, v)
    MatchIndex.note_dependents(session, "courses", [c.id])
    session.commit()
    return c


# -- trainees -----------------------------------------------------------------------------

def list_trainees(session: Session, who: Principal, paging: Paging, *, area: str | None,
                  course_id: str | None, status: str | None) -> tuple[list[Trainee], int]:
    query: Select[Any] = _where_area(access.scope_trainees(who, select(Trainee)), Trainee.area,
                                  area)
    query = where_equal(query, (Trainee.course_id, course_id), (Trainee.status, status))
    return page_of(session, query.order_by(Trainee.id), paging)


def get_trainee(session: Session, who: Principal, key: str) -> Trainee:
    t = get_or_404(session, Trainee, key)
    access.check_trainee(who, t)
    return t


def create_trainee(session: Session, index: MatchIndex, who: Principal,
                   values: dict[str, Any]) -> Trainee:
    write_lock(session)  # SQLite: take the write lock before reading
    access.check_role(who, "admin", "counselor")
    if who.areas is not None and values["area"] not in who.areas:
        raise access.ForbiddenError("该学员不在您负责的区域", "this trainee is outside your areas")
    require_absent(session, Trainee, values["id"])
    require_exists(session, Course, values["course_id"], "course_id", share_lock=True)
    check_row(Trainee, values)
    t = Trainee(**values)
    session.add(t)
    index.note(session, "trainee", [t.id])
    session.commit()
    index.catch_up(session)
    return t


def update_trainee(session: Session, index: MatchIndex, who: Principal, key: str,
                   patch: dict[str, Any]) -> Trainee:
    write_lock(session)  # SQLite: take the write lock before reading
    t = get_or_404(session, Trainee, key)
    access.check_trainee_update(who, t, patch)
    require_exists(session, Course, patch.get("course_id") or t.course_id, "course_id",
                   share_lock=True)
    check_row(Trainee, _apply_patch(t, patch), changed=patch)
    for consent, withdrawn_at in CONSENT_WITHDRAWN_AT.items():
        if consent in patch:  # remembered, so that no roster gives a withdrawn one back
            if not patch[consent] and getattr(t, consent):
                setattr(t, withdrawn_at, utcnow())
            elif patch[consent]:
                setattr(t, withdrawn_at, None)
    for k, v in patch.items():
        setattr(t, k, v)
    index.note(session, "trainee", [t.id])
    session.commit()
    index.catch_up(session)
    return t


def delete_trainee(session: Session, index: MatchIndex, who: Principal, key: str) -> None:
    """Erase the trainee's personal data and take them out of every result at once; their
    accounts are closed (sign-in refused, tokens rejected).

    The row stays (anonymized): the posting keeps its hire and the training person-times
    their count; the placement metrics, which count people, leave it out
    (:mod:`api.services.metrics`).
    """
    write_lock(session)  # SQLite: take the write lock before reading
    t = get_or_404(session, Trainee, key)
    access.check_trainee(who, t, write=True)
    t.masked_name = "已删除"
    t.contact = None
    t.certificates = None
    t.skills = None
    t.preferred_areas = None
    t.expected_wage = None
    t.consent_recommend = False
    t.consent_share_contact = False
    if session.scalar(select(Placement.id).where(Placement.trainee_id == t.id)) is None:
        t.status = "withdrawn"
    t.deleted_at = utcnow()
    # their accounts close with the record (api.deps.principal refuses them, also those
    # of trainees deleted before accounts were closed here)
    session.execute(update(User).where(User.trainee_id == t.id).values(active=False)
                    .execution_options(synchronize_session=False))
    index.note(session, "trainee", [t.id])
    session.commit()
    index.catch_up(session)


def read_trainees_audited(session: Session, who: Principal, trainees: list[Trainee],
                          action: str, present: Any) -> list[Any]:
    """Present trainees and write one audit entry per trainee read by someone else."""
    out, ids, flags = [], [], []
    for t in trainees:
        public, shown = present(t, who)
        out.append(public)
        if who.trainee_id != t.id:
            ids.append(t.id)
            flags.append(shown)
    if ids:
        write_lock(session)  # the reads ran deferred: writing from them may fail on SQLite
        audit(session, who.user_id, ids, action, flags)
        session.commit()
    return out
