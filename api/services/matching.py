"""Shortlists and suggestions as users see them: access, contact rules, logging, audit.

Serving a shortlist logs a ``recommended`` interaction per trainee shown (what makes a
later hire count as *through matching*), and audits the personal data shown. A pair
that has ended — the enterprise turned the trainee down (``rejected``) or the trainee
withdrew (``withdrawn``) for that posting — is no longer recommended, on either side:
the list is filled up from the next best instead.

A pair is logged as ``recommended`` the first time it is shown, not on every view:
what the log is for — whether a hire came *through matching* (shown before the hire)
and the learned scorer's outcomes per pair — needs only the first, and a counselor
re-opening a list used to add a row per trainee each time. Every view of a trainee's
data stays in the audit log. Two views at the same moment (another process, or rows
still in this one's log writer) may both log the pair: a harmless repeat.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any, TypeVar

import pandas as pd
from sqlalchemy import Table, and_, bindparam, distinct, func, insert, or_, select
from sqlalchemy.orm import Session

from api import access
from api.access import Principal
from api.db import GroupWriter, write_lock
from api.errors import not_found
from api.models import AuditEntry, Enterprise, Interaction, Posting, Trainee, utcnow
from api.schemas import (
    CandidateSummary,
    Notice,
    Relaxation,
    Shortlist,
    ShortlistItem,
    SuggestionItem,
    Suggestions,
    UnlockPublic,
)
from api.services.index import MatchIndex
from api.services.store import audit_rows, get_or_404
from matcher import Filters, Recommendation
from matcher.allocation import CONGESTION_PENALTY
from matcher.workbooks import workbook

_INTERACTIONS: Table = Interaction.__table__  # type: ignore[assignment]
_AUDIT_LOG: Table = AuditEntry.__table__  # type: ignore[assignment]
_POSTINGS = Posting.__table__.c
_TRAINEES = Trainee.__table__.c
# The busiest route's reads: built once, Core statements (no ORM query compilation).
_INTERACTION = _INTERACTIONS.c
#: The kinds of interaction that end a pair: it is not recommended again.
ENDED = ("rejected", "withdrawn")
#: What the log already holds of a posting's (a trainee's, a plan's) pairs: the ended ones, left
#: out, and the ones already recommended, not logged again. (``or_`` of equalities, not
#: ``in_``: an IN list is expanded anew at each execution.)
LOGGED = (*ENDED, "recommended")
_IS_LOGGED = or_(*(_INTERACTION.kind == kind for kind in LOGGED))
#: The posting and what the log holds of its pairs, in one query: a row per (trainee,
#: kind) logged, or one row with neither.
_POSTING_AND_LOGGED = select(
    _POSTINGS.id, _POSTINGS.enterprise_id, _POSTINGS.title, _POSTINGS.status,
    _INTERACTION.trainee_id, _INTERACTION.kind).distinct().select_from(
    Posting.__table__.outerjoin(_INTERACTIONS, and_(_INTERACTION.posting_id == _POSTINGS.id,
                                                    _IS_LOGGED))
    ).where(_POSTINGS.id == bindparam("posting_id"))
_LOGGED_FOR_TRAINEE = select(_INTERACTION.posting_id, _INTERACTION.kind).distinct().where(
    _INTERACTION.trainee_id == bindparam("trainee_id"), _IS_LOGGED)
_ENDED_PAIR = _INTERACTIONS.alias("ended")
#: Other open postings (not past their closing date) each candidate was recommended for
#: and is still in the running for (``spread``): a pair that ended does not count.
_OTHER_LISTS = select(_INTERACTION.trainee_id, func.count(distinct(_INTERACTION.posting_id))
                      ).select_from(_INTERACTIONS.join(
                          Posting.__table__, _POSTINGS.id == _INTERACTION.posting_id)).where(
    _INTERACTION.kind == "recommended",
    _INTERACTION.trainee_id.in_(bindparam("ids", expanding=True)),
    _INTERACTION.posting_id != bindparam("posting_id"), _POSTINGS.status == "open",
    _POSTINGS.closes >= bindparam("today"),
    ~select(_ENDED_PAIR.c.id).where(
        _ENDED_PAIR.c.posting_id == _INTERACTION.posting_id,
        _ENDED_PAIR.c.trainee_id == _INTERACTION.trainee_id,
        _ENDED_PAIR.c.kind.in_(ENDED)).exists()
).group_by(_INTERACTION.trainee_id)
#: λ of the spread shortlist: score / (1 + λ · other lists), as the plans' top-up.
SPREAD_PENALTY = CONGESTION_PENALTY
#: A spread shortlist of k re-ranks the best ``max(SPREAD_POOL × k, SPREAD_MIN_POOL)``
#: candidates: up to k = 50, the same pool whatever k, so a shorter list is the start
#: of a longer one.
SPREAD_POOL = 4
SPREAD_MIN_POOL = 200
#: What a spread shortlist says.
_SPREAD_NOTICE = Notice(
    code="spread", message_zh="已分散推荐：已在其他在招岗位推荐名单上的学员排序适当后移"
    f"（得分不变，按 得分 ÷ (1 + {SPREAD_PENALTY} × 其他名单数) 排序）",
    message_en="spread: trainees already on other open postings' lists are moved down "
    f"(scores unchanged; ranked by score / (1 + {SPREAD_PENALTY} × other lists))")
#: What a shortlist shows of a candidate, and what decides whether it may.
_CANDIDATES = select(_TRAINEES.id, _TRAINEES.masked_name, _TRAINEES.area,
                     _TRAINEES.certificates, _TRAINEES.skills, _TRAINEES.contact,
                     _TRAINEES.deleted_at, _TRAINEES.consent_recommend,
                     _TRAINEES.consent_share_contact
                     ).where(_TRAINEES.id.in_(bindparam("ids", expanding=True)))


K = TypeVar("K")


def split_logged(logged: Iterable[tuple[K | None, str | None]]) -> tuple[set[K], set[K]]:
    """(key, kind) rows of :data:`LOGGED` kinds — a key being the other side's id, or a
    (posting, trainee) pair: the keys ended, those recommended (a row of ``None`` s,
    from an outer join, is neither)."""
    ended: set[K] = set()
    recommended: set[K] = set()
    for key, kind in logged:
        if key is not None:
            (recommended if kind == "recommended" else ended).add(key)
    return ended, recommended


def _log(session: Session, writer: GroupWriter | None, who: Principal,
         pairs: list[tuple[str, str]], audited: list[str], action: str,
         with_contact: list[bool] | None = None) -> None:
    """Log a ``recommended`` interaction per (posting, trainee) given (those shown and
    not logged before) and audit the reads.

    Bulk inserts (no ORM object per row), through the app's :class:`GroupWriter` when
    there is one (shared commits under load), else in ``session``, committed.
    """
    now = utcnow()
    rows: list[tuple[Table, list[dict[str, Any]]]] = [(_INTERACTIONS, [
        {"kind": "recommended", "posting_id": p, "trainee_id": t, "actor_id": who.user_id,
         "at": now} for p, t in pairs]),
        (_AUDIT_LOG, audit_rows(who.user_id, audited, action, with_contact))]
    if writer is not None:
        # Give the request's connection back first: the writer takes one from the same
        # pool, and requests waiting for it must not hold them all. The objects read stay
        # loaded (close() detaches, it does not expire).
        session.close()
        writer.insert(rows)
        return
    # The reads ran in a deferred transaction; writing from it fails at once with
    # "database is locked" on SQLite when another request committed meanwhile: take the
    # write lock up front instead (waits, never fails under load).
    write_lock(session)
    for table, values in rows:
        if values:
            session.execute(insert(table), values)
    session.commit()


def shortlist(session: Session, index: MatchIndex, who: Principal, posting_id: str, k: int,
              *, level_tolerance: int = 0, require_area: bool = True,
              areas: tuple[str, ...] | None = None, writer: GroupWriter | None = None,
              spread: bool = False) -> Shortlist:
    """The posting's k best candidates ``who`` may see, logged and audited.

    With ``spread`` (the issue's congestion-aware option for ordinary shortlists), the
    best ``max(SPREAD_POOL × k, SPREAD_MIN_POOL)`` are re-ranked by score / (1 + λ ·
    the other open postings whose lists already name the trainee, pairs still in the
    running), ties by score then id, so that not every enterprise is sent the same few
    graduates; scores are unchanged, and staff see each count.
    """
    # Columns, not ORM objects, and models built without re-validation: this is the
    # service's busiest route (the values come from the store and the matcher).
    connection = session.connection()
    rows = connection.execute(_POSTING_AND_LOGGED, {"posting_id": posting_id}).all()
    if not rows:
        raise not_found("岗位", "posting", posting_id)
    posting = rows[0]
    access.check_shortlist(who, posting)  # type: ignore[arg-type]
    allowed = access.shortlist_areas(who)
    if allowed is not None:
        areas = tuple(a for a in (areas or allowed) if a in allowed) or ("-",)
    scorer = type(index.choice.scorer).__name__
    if posting.status == "closed":  # no one is recommended for it: nothing shown, nothing logged
        return Shortlist.model_construct(posting_id=posting_id, posting_title=posting.title,
                                         k=k, scorer=scorer, items=[], relaxations=[],
                                         notices=_posting_notices(posting.status))
    filters = Filters(level_tolerance=level_tolerance, require_area=require_area, areas=areas)
    ended, logged = split_logged((r.trainee_id, r.kind) for r in rows)

    def ranked(filters: Filters) -> list[Recommendation]:
        return [r for r in index.shortlist(posting_id, k + len(ended), filters)
                if r.trainee_id not in ended][:k]

    others: dict[str, int] = {}
    if spread:
        size = max(SPREAD_POOL * k, SPREAD_MIN_POOL) + len(ended)
        pool = [r for r in index.shortlist(posting_id, size, filters)
                if r.trainee_id not in ended]
        others = dict(connection.execute(_OTHER_LISTS, {
            "ids": [r.trainee_id for r in pool], "posting_id": posting_id,
            "today": dt.date.today()}).all())
        recs = sorted(pool, key=lambda r: (
            -r.score / (1 + SPREAD_PENALTY * others.get(r.trainee_id, 0)), -r.score,
            r.trainee_id))[:k]
    else:
        recs = ranked(filters)
    trainees = {t.id: t for t in connection.execute(
        _CANDIDATES, {"ids": [r.trainee_id for r in recs]})}
    items: list[ShortlistItem] = []
    for r in recs:
        t = trainees.get(r.trainee_id)
        if t is None or t.deleted_at is not None or not t.consent_recommend:
            continue  # never show anyone the store says is out, even if the index lags
        shown = access.can_see_contact(who, t) and t.contact is not None  # type: ignore[arg-type]
        items.append(ShortlistItem.model_construct(
            rank=len(items) + 1, posting_id=r.posting_id, trainee_id=r.trainee_id,
            score=r.score, contributions=r.contributions, reasons=list(r.reasons),
            gaps=list(r.gaps),
            trainee=CandidateSummary.model_construct(
                masked_name=t.masked_name, area=t.area, certificates=t.certificates,
                skills=t.skills, contact=t.contact if shown else None,
                contact_hidden=not shown),
            other_lists=others.get(r.trainee_id, 0) if spread and who.is_staff else None))
    _log(session, writer, who,
         [(posting_id, i.trainee_id) for i in items if i.trainee_id not in logged],
         [i.trainee_id for i in items], "shortlist",
         [not i.trainee.contact_hidden for i in items])
    relaxations = [] if items or posting.status != "open" else _relaxations(ranked, filters)
    return Shortlist.model_construct(posting_id=posting_id, posting_title=posting.title, k=k,
                                     scorer=scorer, items=items,
                                     notices=_posting_notices(posting.status)
                                     + ([_SPREAD_NOTICE] if spread else []),
                                     relaxations=relaxations)


def _posting_notices(status: str) -> list[Notice]:
    """Why a posting's shortlist may be empty or only for reference."""
    if status == "closed":
        return [Notice(code="posting_closed", message_zh="该岗位已关闭，不再推荐学员",
                       message_en="the posting is closed: no one is recommended for it")]
    if status == "filled":
        return [Notice(code="posting_filled", message_zh="该岗位已招满，名单仅供参考",
                       message_en="the posting is filled: the list is for reference only")]
    return []


def _relaxations(ranked: Callable[[Filters], list[Recommendation]], filters: Filters
                 ) -> list[Relaxation]:
    """Whether an empty list would hold anyone at any level and with trainees who did not
    name the posting's area: one more matcher call, only for an empty list (for every
    list short of ``k`` it cost 16–24 % more CPU per shortlist at 100,000 trainees)."""
    if filters.level_tolerance == 7 and not filters.require_area:
        return []
    results = len(ranked(replace(filters, level_tolerance=7, require_area=False)))
    if not results:
        return []
    return [Relaxation(parameter="level_tolerance=7&require_area=false", results=results,
                       label="不限等级，并包括未表示愿意到岗位所在区域工作的学员")]


def suggestions(session: Session, index: MatchIndex, who: Principal, trainee_id: str,
                k: int, *, areas: tuple[str, ...] | None = None,
                writer: GroupWriter | None = None) -> Suggestions:
    trainee = get_or_404(session, Trainee, trainee_id)
    access.check_suggestions(who, trainee)
    if not index.holds_trainee(trainee_id):
        items: list[SuggestionItem] = []
        unlocks: list[Any] = []
    else:
        ended, logged = split_logged(session.connection().execute(
            _LOGGED_FOR_TRAINEE, {"trainee_id": trainee_id}).all())
        recs, unlocks = index.suggest(trainee_id, k + len(ended), Filters(areas=areas))
        # each posting with its enterprise's name, in one query
        found = session.execute(select(Posting, Enterprise.name)
                                .join(Enterprise, Enterprise.id == Posting.enterprise_id)
                                .where(Posting.id.in_([r.posting_id for r in recs]))).all()
        postings = {p.id: p for p, _ in found}
        names = {p.id: name for p, name in found}
        recs = [r for r in recs if r.posting_id not in ended and r.posting_id in postings][:k]
        items = [SuggestionItem(
            rank=rank, posting_id=r.posting_id, trainee_id=r.trainee_id, score=r.score,
            contributions=r.contributions, reasons=list(r.reasons), gaps=list(r.gaps),
            posting_title=postings[r.posting_id].title,
            enterprise_id=postings[r.posting_id].enterprise_id,
            enterprise_name=names[r.posting_id],
            area=postings[r.posting_id].area, wage_min=postings[r.posting_id].wage_min,
            wage_max=postings[r.posting_id].wage_max)
            for rank, r in enumerate(recs, 1)]
        _log(session, writer, who,
             [(i.posting_id, trainee_id) for i in items if i.posting_id not in logged],
             [trainee_id] if who.trainee_id != trainee_id else [], "suggestions")
    return Suggestions(trainee_id=trainee_id, k=k, scorer=type(index.choice.scorer).__name__,
                       items=items,
                       unlocks=[UnlockPublic(kind=u.kind, target=u.target, postings=u.postings,
                                             advice=u.advice, examples=list(u.examples))
                                for u in unlocks])


def shortlist_xlsx(result: Shortlist) -> bytes:
    """The shortlist as an Excel workbook with Chinese headers."""
    rows = [{"排名": i.rank, "学员编号": i.trainee_id, "姓名": i.trainee.masked_name,
             "区域": i.trainee.area, "证书": i.trainee.certificates or "",
             "技能": i.trainee.skills or "",
             "联系电话": i.trainee.contact or ("（未授权）" if i.trainee.contact_hidden else ""),
             "得分": round(i.score, 2), "推荐理由": "；".join(i.reasons),
             "差距": "；".join(i.gaps), "已在其他在招岗位名单数": i.other_lists}
            for i in result.items]
    columns = ["排名", "学员编号", "姓名", "区域", "证书", "技能", "联系电话", "得分", "推荐理由",
               "差距"]
    if any(i.other_lists is not None for i in result.items):
        columns.append("已在其他在招岗位名单数")
    frame = pd.DataFrame(rows, columns=columns)
    sheets = [("推荐名单", frame)]
    if result.notices:  # what the list's reader must know (closed, filled, spread)
        sheets.append(("说明", pd.DataFrame({"说明": [n.message_zh for n in result.notices]})))
    return workbook(sheets, fit_widths=True)
