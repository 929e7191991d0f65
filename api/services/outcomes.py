"""The outcome log (interactions) and hires (placements), hires under a lock.

A hire is one transaction: on SQLite it starts with the write lock (``BEGIN
IMMEDIATE``, :func:`api.db.write_lock`); the posting's ``hired`` count is raised by an
atomic conditional ``UPDATE … WHERE hired < headcount`` (on PostgreSQL concurrent
updates of the row wait for each other and re-check the condition), so a posting never
gets more hires than its headcount; the unique trainee column of ``placements`` makes a
second hire of the same trainee fail. A placement counts as *through matching* when
the trainee had been recommended for that posting before. Served recommendations are
written behind the request (:class:`api.db.GroupWriter`), so another process's may land
just after a hire: :func:`credit_late_recommendations` then corrects the placement.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping
from typing import Any, cast

from sqlalchemy import Table, and_, case, exists, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api import access
from api.access import Principal
from api.db import advisory_lock, write_lock
from api.deps import Paging
from api.errors import ConflictError, UnprocessableError, not_found
from api.models import Interaction, Placement, Posting, Trainee, utcnow
from api.schemas import (
    INTERACTION_LABELS,
    POSTING_STATUS,
    TRAINEE_STATUS,
    Notice,
    PlacementCancelled,
)
from api.services.index import MatchIndex, chunks
from api.services.store import get_or_404, page_of, where_equal

#: How long an enterprise's step or hire waits for the recommendation it follows to reach
#: the store (seconds). Each process writes what it served behind the request
#: (``TALENTMATCH_LOG_DELAY_MS``, longer while the store is busy); this process's writer
#: is flushed first, another process's cannot be.
SHOWN_WAIT = 2.0


def _wait_until_shown(session: Session, who: Principal, posting_id: str, trainee_id: str
                      ) -> None:
    """An enterprise's step follows a shortlist another worker process may have served a
    moment ago: wait (up to :data:`SHOWN_WAIT`) for its recommendation to be written,
    outside any write transaction (the writer needs the lock). Whether it was shown is
    then decided in the step's own transaction (:func:`api.access.check_outcome`)."""
    if who.role != "enterprise":
        return
    deadline = time.monotonic() + SHOWN_WAIT
    while not _recommended(session, posting_id, trainee_id) and time.monotonic() < deadline:
        session.rollback()  # end the read: the next look sees what was committed since
        time.sleep(0.05)
    session.rollback()


def record(session: Session, index: MatchIndex, who: Principal, kind: str, posting_id: str,
           trainee_id: str) -> Interaction | Placement:
    if kind == "hired":
        return hire(session, index, who, posting_id, trainee_id)
    if kind not in ("recommended", "withdrawn"):
        _wait_until_shown(session, who, posting_id, trainee_id)
    write_lock(session)
    posting = get_or_404(session, Posting, posting_id)
    access.check_outcome(who, posting, trainee_id, session.get(Trainee, trainee_id), kind,
                         lambda: _recommended(session, posting_id, trainee_id))
    event = Interaction(kind=kind, posting_id=posting_id, trainee_id=trainee_id,
                        actor_id=who.user_id)
    session.add(event)
    session.commit()
    return event


def list_interactions(session: Session, who: Principal, paging: Paging, *,
                      posting_id: str | None, trainee_id: str | None, kind: str | None
                      ) -> tuple[list[Interaction], int]:
    """The steps ``who`` may see, narrowed to a posting, a trainee and a ``kind`` (one
    of :data:`api.schemas.INTERACTION_LABELS`: another is a 422 that lists them, as a
    step of that kind could never be recorded)."""
    if kind and kind not in INTERACTION_LABELS:
        kinds_zh = "、".join(f"{k}（{label}）" for k, label in INTERACTION_LABELS.items())
        raise UnprocessableError(
            f"求职进展类型无效：{kind}。可选：{kinds_zh}",
            f"unknown kind {kind!r}: the kinds are {', '.join(INTERACTION_LABELS)}",
            details={"field": "kind", "value": kind, "kinds": list(INTERACTION_LABELS)})
    query = access.scope_outcomes(who, select(Interaction), Interaction.posting_id,
                                  Interaction.trainee_id)
    query = where_equal(query, (Interaction.posting_id, posting_id),
                        (Interaction.trainee_id, trainee_id), (Interaction.kind, kind))
    return page_of(session, query.order_by(Interaction.id), paging)


def list_placements(session: Session, who: Principal, paging: Paging, *,
                    posting_id: str | None, trainee_id: str | None = None
                    ) -> tuple[list[Placement], int]:
    """The hires ``who`` may see (:func:`api.access.scope_outcomes`: an enterprise those
    of its postings), narrowed to a posting and a trainee when given."""
    query = access.scope_outcomes(who, select(Placement), Placement.posting_id,
                                  Placement.trainee_id)
    query = where_equal(query, (Placement.posting_id, posting_id),
                        (Placement.trainee_id, trainee_id))
    return page_of(session, query.order_by(Placement.id), paging)


def _already_placed(trainee_id: str) -> ConflictError:
    return ConflictError(f"学员 {trainee_id} 已就业，不能重复录用",
                    f"trainee {trainee_id} is already placed: a trainee is placed once",
                    code="already_placed")


def _recommended(session: Session, posting_id: str, trainee_id: str) -> bool:
    """Was the trainee shown for the posting (a ``recommended`` interaction logged)?

    The log is written behind the requests: the hire routes flush this process's
    writer first (:data:`api.deps.FreshLog`)."""
    return session.scalar(select(Interaction.id).where(
        Interaction.posting_id == posting_id, Interaction.trainee_id == trainee_id,
        Interaction.kind == "recommended").limit(1)) is not None


def hire_warnings(trainee: Trainee | None, posting: Posting | None = None,
                  today: dt.date | None = None) -> list[Notice]:
    """What a counselor should check about this hire (the records as before it): a
    trainee still in training (graduating after ``today``: the placement counts in no
    metric until then) or withdrawn from the plan; a posting marked filled by hand
    while places remain, not yet published (opening after ``today``), or past its
    closing date. The hire is recorded all the same."""
    today = today or dt.date.today()
    out = []
    if trainee is not None and trainee.graduation_date is not None and (
            trainee.graduation_date > today):
        out.append(Notice(
            code="in_training",
            message_zh=f"该学员尚未结业（结业日期 {trainee.graduation_date:%Y-%m-%d}），"
                       "结业前此录用不计入就业统计",
            message_en=f"the trainee graduates on {trainee.graduation_date:%Y-%m-%d}: the "
                       "placement counts in no metric before then"))
    if trainee is not None and trainee.status == "withdrawn":
        out.append(Notice(code="withdrawn", message_zh="该学员此前状态为“已退出”，请核实",
                          message_en="the trainee had withdrawn from the plan: please check"))
    if posting is None:
        return out
    if posting.status == "filled":
        out.append(Notice(
            code="posting_marked_filled",
            message_zh=f"该岗位已标记为“已招满”（已录用 {posting.hired}/{posting.headcount} 人），"
                       "请核实是否仍在招聘",
            message_en=f"the posting is marked filled ({posting.hired} of {posting.headcount} "
                       "hired): please check it is still hiring"))
    if posting.opened > today:
        out.append(Notice(
            code="posting_not_yet_open",
            message_zh=f"该岗位发布日期为 {posting.opened:%Y-%m-%d}，尚未开始招聘",
            message_en=f"the posting opens on {posting.opened:%Y-%m-%d}: not yet published"))
    elif posting.closes < today:
        out.append(Notice(
            code="posting_past_closing",
            message_zh=f"该岗位招聘截止日期 {posting.closes:%Y-%m-%d} 已过，请核实是否仍在招聘",
            message_en=f"the posting closed on {posting.closes:%Y-%m-%d}: please check it is "
                       "still hiring"))
    return out


def hire(session: Session, index: MatchIndex, who: Principal, posting_id: str,
         trainee_id: str) -> Placement:
    """Record a hire, transactionally; 409 when the posting is full or the trainee placed.

    An enterprise hires only trainees shown to it for the posting
    (:func:`api.access.check_outcome`)."""
    _wait_until_shown(session, who, posting_id, trainee_id)
    write_lock(session)
    posting = get_or_404(session, Posting, posting_id)
    trainee = access.check_outcome(who, posting, trainee_id, session.get(Trainee, trainee_id),
                                   "hired", lambda: _recommended(session, posting_id, trainee_id))
    if session.scalar(select(Placement.id).where(Placement.trainee_id == trainee_id)):
        raise _already_placed(trainee_id)
    if posting.status == "closed":
        raise ConflictError(f"岗位 {posting_id} 已关闭，不能录用",
                            f"posting {posting_id} is closed", code="posting_closed")
    # an UPDATE returns a CursorResult (rowcount); Session.execute is typed as a plain Result
    raised = cast(CursorResult[Any], session.execute(
        update(Posting)
        .where(Posting.id == posting_id, Posting.hired < Posting.headcount,
               Posting.status != "closed")
        .values(hired=Posting.hired + 1,
                status=case((Posting.hired + 1 >= Posting.headcount, "filled"),
                            else_=Posting.status))
        .execution_options(synchronize_session=False)))
    if raised.rowcount != 1:
        session.rollback()
        raise ConflictError(f"岗位 {posting_id} 已招满（{posting.headcount} 人）",
                       f"posting {posting_id} is full: all {posting.headcount} places are taken",
                       code="headcount_reached")
    now = utcnow()
    advisory_lock(session, THROUGH_MATCHING)  # see credit_late_recommendations
    recommended = session.scalar(select(Interaction.id).where(
        Interaction.posting_id == posting_id, Interaction.trainee_id == trainee_id,
        Interaction.kind == "recommended", Interaction.at <= now).limit(1)) is not None
    placement = Placement(trainee_id=trainee_id, posting_id=posting_id,
                          through_matching=recommended, actor_id=who.user_id, at=now,
                          previous_status=trainee.status)
    session.add(placement)
    session.add(Interaction(kind="hired", posting_id=posting_id, trainee_id=trainee_id,
                            actor_id=who.user_id, at=now))
    trainee.status = "placed"
    try:
        # the notes flush the placement first: a second placement fails here
        index.note(session, "trainee", [trainee_id])
        index.note(session, "posting", [posting_id])
        session.commit()
    except IntegrityError:
        session.rollback()
        raise _already_placed(trainee_id) from None
    index.catch_up(session)
    return placement


def cancel_hire(session: Session, index: MatchIndex, who: Principal, placement_id: int,
                reason: str) -> PlacementCancelled:
    """Cancel a hire recorded by mistake (staff only; a counselor limited to areas, for
    trainees of those areas), in one transaction.

    The placement is deleted, so it counts in no metric; the log keeps the ``hired``
    step (who recorded it, when) and adds a ``hire_cancelled`` step with the reason, who
    and when — which the learned scorer reads as undoing that hire
    (:func:`matcher.learning.outcome_labels`). Placement ids are never used twice, so a
    repeated cancel of this one finds nothing (404), never another hire. The
    posting gets the place back (one this hire filled opens again; one closed, or
    marked filled by hand, stays so) and the trainee gets back the status they had
    before the hire (a withdrawn trainee stays withdrawn), in every index.

    Concurrent hires and cancels: on SQLite the write lock serializes them; on
    PostgreSQL the placement and trainee rows are locked (a second cancel waits, then
    finds no placement: 404) and the count is lowered by an atomic UPDATE, as
    :func:`hire` raises it.
    """
    access.check_role(who, "admin", "counselor")
    write_lock(session)
    placement = session.get(Placement, placement_id, with_for_update=True)
    if placement is None:
        raise not_found("录用记录", "placement", placement_id)
    trainee = session.get(Trainee, placement.trainee_id, with_for_update=True)
    posting_id = placement.posting_id
    if trainee is None:  # a foreign key: cannot happen
        raise not_found("录用记录", "placement", placement_id)
    access.check_areas(who, "trainee", trainee.area, allowed=(
        "您只能撤销本区域学员的录用记录", "you may only cancel hires of trainees of your areas"))
    session.delete(placement)
    session.add(Interaction(kind="hire_cancelled", posting_id=posting_id,
                            trainee_id=trainee.id, actor_id=who.user_id, at=utcnow(),
                            note=reason))
    # in the UPDATE, hired and status are the values before it
    session.execute(
        update(Posting).where(Posting.id == posting_id, Posting.hired > 0)
        .values(hired=Posting.hired - 1,
                status=case((and_(Posting.status == "filled",
                                  Posting.hired >= Posting.headcount), "open"),
                            else_=Posting.status))
        .execution_options(synchronize_session=False))
    if trainee.status == "placed":
        trainee.status = placement.previous_status or "seeking"
    index.note(session, "trainee", [trainee.id])
    index.note(session, "posting", [posting_id])
    session.commit()
    posting_status = session.scalar(select(Posting.status).where(Posting.id == posting_id))
    index.catch_up(session)
    status = posting_status or ""
    return PlacementCancelled(
        placement_id=placement_id, posting_id=posting_id, trainee_id=trainee.id,
        trainee_status=trainee.status, posting_status=status,
        message_zh=f"已撤销学员 {trainee.id} 在岗位 {posting_id} 的录用记录（学员："
                   f"{TRAINEE_STATUS.get(trainee.status, trainee.status)}；岗位："
                   f"{POSTING_STATUS.get(status, status)}）",
        message_en=f"the hire of trainee {trainee.id} for posting {posting_id} is cancelled "
                   f"(trainee: {trainee.status}; posting: {status})")


#: The advisory lock (PostgreSQL) of deciding whether a placement is through matching.
THROUGH_MATCHING = "talentmatch-through-matching"
_INTERACTIONS: Table = Interaction.__table__  # type: ignore[assignment]


def credit_late_recommendations(session: Session,
                                rows: Mapping[Table, list[dict[str, Any]]]) -> None:
    """Mark as *through matching* the placements these served recommendations precede.

    A hook of the log writer, run in the transaction that stores the rows. A hire checks
    the log when it is made; a recommendation served by another process shortly before
    may still be waiting in that process's writer (``TALENTMATCH_LOG_DELAY_MS``, longer
    while the store is busy), and the hire would not count as through matching.
    Placed trainees leave the index, so this finds a placement only in that case: one
    indexed probe per trainee shown.
    """
    served = rows.get(_INTERACTIONS) or []
    trainees = sorted({r["trainee_id"] for r in served if r["kind"] == "recommended"})
    earlier = exists().where(
        Interaction.posting_id == Placement.posting_id,
        Interaction.trainee_id == Placement.trainee_id,
        Interaction.kind == "recommended", Interaction.at <= Placement.at)
    if trainees:
        # PostgreSQL: a hire between its look at the log and its commit holds this lock,
        # so the UPDATE below starts after the hire committed (or the hire looks after
        # these rows are committed): without it each could miss the other.
        advisory_lock(session, THROUGH_MATCHING)
    for chunk in chunks(trainees):
        session.execute(update(Placement).where(
            Placement.trainee_id.in_(chunk), Placement.through_matching.is_(False), earlier)
            .values(through_matching=True).execution_options(synchronize_session=False))
