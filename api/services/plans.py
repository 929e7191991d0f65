"""Allocation plans for a set of postings and trainees (a job fair), with an Excel export.

The matcher scores and explains the candidate pairs — each posting's shortlist with no
length limit, restricted to the areas of the given trainees, then to the trainees
themselves, without the pairs that have ended (rejected, withdrawn) — and
:mod:`matcher.allocation` chooses among them: bounded shortlists spread so that not
every posting names the same few trainees
(:func:`~matcher.allocation.allocate_shortlists`), or one job per trainee within each
posting's remaining headcount (:func:`~matcher.allocation.allocate`). Scores / 100
serve as hire probabilities, so the objective reads as expected placements. Like a
shortlist, a plan logs a ``recommended`` interaction per chosen pair not logged before and
audits the personal data shown.

Shortlists are allocated with at most ``spread`` lists per trainee, then short lists
are topped up by the congestion-aware re-ranking (:func:`~matcher.allocation.top_up`).
By default ``spread`` is the list places spread evenly over the trainees who are
anyone's candidate, and the top-up may go past it: a list is filled while it has
candidates, their scores down-weighted by the lists each is on already. A
``per_trainee`` given in the request is a promise instead: the allocation and the
top-up keep it, and a list whose remaining candidates are all at the limit stays
short (the summary counts those places).

In the outcome simulator at the default list length (3 × the remaining headcount),
over ten simulated years, the default placed 11.0 % more trainees than independent
lists (pooled), and a hard limit at the even spread 2.1 % more, its lists a third
shorter (``benchmarks/allocation_quality.py``, rows ``allocation`` and ``allocation
(no fill)``).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from api import access
from api.access import Principal
from api.db import write_lock
from api.errors import ForbiddenError, NotFoundError, UnprocessableError
from api.models import Interaction, Posting, Trainee
from api.schemas import CandidateSummary
from api.services.index import MatchIndex, chunks
from api.services.matching import LOGGED, split_logged
from api.services.plan_schemas import (
    MAX_LENGTH,
    PlanComparison,
    PlanItem,
    PlanPosting,
    PlanPublic,
    PlanRequest,
    PlanSummary,
    UnlistedTrainee,
)
from api.services.store import audit
from matcher import (
    Allocation,
    Filters,
    Recommendation,
    allocate,
    allocate_shortlists,
    top_up,
)
from matcher.matching import UnknownIdError
from matcher.workbooks import workbook

__all__ = ["make_plan", "plan_xlsx"]

#: Default list length per posting: this many times its remaining headcount.
LIST_MULTIPLE = 3
#: "All candidates": the shortlist's k when candidates are scored for a plan.
_ALL = 1_000_000
_CHUNK = 900  # ids per IN (...) clause, under every driver's parameter limit

MODE_LABELS = {"shortlists": "推荐名单（限长，分散曝光）", "assignment": "一人一岗分配"}
METHOD_LABELS = {"exact": "精确求解（二部图 b-匹配线性规划，即最小费用流最优解）",
                 "sparse": "近似求解（熵正则最优传输 + 贪心取整）",
                 "greedy": "贪心（按得分依次选取）", "congestion": "拥挤度重排", "none": "无候选"}
UNLISTED_REASONS = {
    "no_candidate": "与所选岗位均不匹配（职业、等级或区域不符）",
    "ended": "所匹配的岗位均已婉拒该学员或学员本人已放弃，不再推荐",
    "capacity": "名额已满：候选岗位的名单已由其他学员占用（得分相同或更高，或可选岗位更少）",
    "placed": "已就业", "withdrawn": "已退出求职", "no_consent": "未同意被推荐",
    "not_indexed": "暂未进入匹配索引"}
#: Why a posting's list holds fewer names than its places.
SHORT_LIST_REASONS = {
    "no_candidate": "无候选学员：所选学员与该岗位均不匹配（职业、等级或区域不符）",
    "ended": "无候选学员：与该岗位匹配的所选学员均已被企业婉拒或本人已放弃",
    "few_candidates": "候选学员不足：所有候选学员均已列入",
    "at_limit": "其余候选学员均已达每人名单数上限",
    "not_filled": "未补足名单（本次未选择补足）"}


@dataclass
class _Candidates:
    """The scored candidate pairs, postings × eligible trainees."""

    rows: np.ndarray
    cols: np.ndarray
    probability: np.ndarray
    recs: dict[tuple[int, int], Recommendation]
    order: list[list[int]]  # per posting: trainee columns in the matcher's rank order
    ended: set[int]  # trainee columns that matched a posting whose pair has ended
    ended_at: list[int]  # per posting: the matching trainees left out for an ended pair


def _unique(ids: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(ids))


M = TypeVar("M", Posting, Trainee)


def _load(session: Session, model: type[M], ids: Sequence[str]) -> dict[str, M]:
    found: dict[str, M] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        found.update({o.id: o for o in session.scalars(select(model).where(
            model.id.in_(chunk)))})
    return found


def _listing(ids: Sequence[str], limit: int = 20) -> str:
    shown = "、".join(ids[:limit])
    return shown + (f" 等 {len(ids)} 个" if len(ids) > limit else "")


def _checked(session: Session, who: Principal, request: PlanRequest
             ) -> tuple[list[Posting], list[Trainee]]:
    """The postings and trainees of the request, or 403/404/422 naming the bad ids."""
    access.check_role(who, "admin", "counselor")
    posting_ids, trainee_ids = _unique(request.posting_ids), _unique(request.trainee_ids)
    postings = _load(session, Posting, posting_ids)
    trainees = {k: t for k, t in _load(session, Trainee, trainee_ids).items()
                if t.deleted_at is None}
    unknown_p = [i for i in posting_ids if i not in postings]
    unknown_t = [i for i in trainee_ids if i not in trainees]
    if unknown_p or unknown_t:
        parts_zh = ([f"岗位 {_listing(unknown_p)}"] if unknown_p else []) + (
            [f"学员 {_listing(unknown_t)}"] if unknown_t else [])
        raise NotFoundError(f"未找到：{'；'.join(parts_zh)}。请核对编号后重试",
                            f"unknown ids: postings {unknown_p}, trainees {unknown_t}",
                            details={"unknown_posting_ids": unknown_p,
                                     "unknown_trainee_ids": unknown_t})
    refused = []
    for tid in trainee_ids:
        try:
            access.check_trainee(who, trainees[tid])
        except ForbiddenError:
            refused.append(tid)
    for pid in posting_ids:
        access.check_posting(who, postings[pid])
    if refused:
        raise ForbiddenError(f"以下学员不在您负责的区域：{_listing(refused)}",
                             f"these trainees are outside your areas: {refused}",
                             details={"forbidden_trainee_ids": refused})
    closed = [p for p in posting_ids
              if postings[p].status != "open" or _remaining(postings[p]) < 1]
    if closed:
        raise UnprocessableError(
            f"以下岗位已招满或已关闭，不能列入方案：{_listing(closed)}",
            f"these postings are filled or closed and cannot be planned: {closed}",
            details={"not_open_posting_ids": closed})
    return [postings[p] for p in posting_ids], [trainees[t] for t in trainee_ids]


def _remaining(posting: Posting) -> int:
    return max(posting.headcount - posting.hired, 0)


def _ineligible(index: MatchIndex, trainee: Trainee) -> str | None:
    if trainee.status == "placed":
        return "placed"
    if trainee.status != "seeking":
        return "withdrawn"
    if not trainee.consent_recommend:
        return "no_consent"
    if not index.holds_trainee(trainee.id):
        return "not_indexed"
    return None


def _logged(session: Session, postings: list[Posting]
            ) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(posting, trainee) pairs that have ended (rejected, withdrawn), never planned, and
    those already recommended, not logged again (see :mod:`api.services.matching`)."""
    rows: list[tuple[tuple[str, str], str]] = []
    for chunk in chunks([p.id for p in postings]):
        rows += [((p, t), kind) for p, t, kind in session.execute(
            select(Interaction.posting_id, Interaction.trainee_id, Interaction.kind)
            .distinct().where(Interaction.posting_id.in_(chunk), Interaction.kind.in_(LOGGED)))]
    return split_logged(rows)


def _candidates(index: MatchIndex, postings: list[Posting], column: dict[str, int],
                areas: tuple[str, ...], request: PlanRequest,
                ended: set[tuple[str, str]]) -> _Candidates:
    filters = Filters(level_tolerance=request.level_tolerance,
                      require_area=request.require_area, areas=areas)
    rows, cols, values = [], [], []
    recs: dict[tuple[int, int], Recommendation] = {}
    order: list[list[int]] = []
    ended_columns: set[int] = set()
    ended_at = [0] * len(postings)
    for i, posting in enumerate(postings):
        ranked: list[int] = []
        try:
            found = index.shortlist(posting.id, _ALL, filters)
        except UnknownIdError:  # not (yet) in the index: no candidates
            found = []
        for rec in found:
            j = column.get(rec.trainee_id)
            if j is None:
                continue
            if (posting.id, rec.trainee_id) in ended:
                ended_columns.add(j)
                ended_at[i] += 1
                continue
            ranked.append(j)
            recs[i, j] = rec
            rows.append(i)
            cols.append(j)
            # Every candidate stays choosable: a score of 0 would drop the pair.
            values.append(min(max(rec.score / 100, 1e-9), 1.0))
        order.append(ranked)
    return _Candidates(np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64),
                       np.asarray(values, dtype=float), recs, order, ended_columns, ended_at)


def _even_spread(lengths: np.ndarray, cand: _Candidates) -> int:
    """Lists per trainee: the places independent lists fill, spread over the reachable."""
    places = sum(min(int(k), len(o)) for k, o in zip(lengths, cand.order, strict=True))
    reachable = len(np.unique(cand.cols))
    return max(1, math.ceil(places / reachable)) if reachable else 1


def _allocate(request: PlanRequest, capacity: np.ndarray, spread: int,
              cand: _Candidates, shape: tuple[int, int]) -> tuple[Allocation, int]:
    """The plan's pairs, and how many of them the top-up added.

    Shortlists: the allocation with at most ``spread`` lists per trainee, topped up
    (with ``fill``) within the request's ``per_trainee`` when it gives one, else with
    no limit.
    """
    triple = (cand.rows, cand.cols, cand.probability)
    if request.mode == "assignment":
        return allocate(triple, capacity, trainee_capacity=1, shape=shape), 0
    core = allocate_shortlists(triple, capacity, per_trainee=spread, fill=False,
                               shape=shape)
    if not request.fill:
        return core, 0
    plan = top_up(triple, core, capacity, per_trainee=request.per_trainee, shape=shape)
    return plan, len(plan.score) - len(core.score)


def _method_label(method: str, limited: bool) -> str:
    core, _, fill = method.partition("+")
    label = METHOD_LABELS.get(core, core)
    if not fill:
        return label
    return label + ("，并在未达每人名单数上限的学员中按拥挤度补足名单" if limited
                    else "，并按拥挤度补足名单（得分按已列入名单数折减）")


def _topk(lengths: np.ndarray, cand: _Candidates, n_trainees: int) -> PlanComparison:
    """Independent lists of the same lengths: their objective, and the plan's trainees
    they list and leave off (counted as the plan's summary counts them)."""
    objective, listed = 0.0, set()
    for i, (k, ranked) in enumerate(zip(lengths, cand.order, strict=True)):
        for j in ranked[:int(k)]:
            objective += min(max(cand.recs[i, j].score / 100, 1e-9), 1.0)
            listed.add(j)
    return PlanComparison(objective=round(objective, 4), trainees_listed=len(listed),
                          trainees_unlisted=n_trainees - len(listed))


def _summary(who: Principal, t: Trainee) -> tuple[CandidateSummary, bool]:
    shown = access.can_see_contact(who, t) and t.contact is not None
    return CandidateSummary(masked_name=t.masked_name, area=t.area, certificates=t.certificates,
                            skills=t.skills, contact=t.contact if shown else None,
                            contact_hidden=not shown), shown


def make_plan(session: Session, index: MatchIndex, who: Principal, request: PlanRequest
              ) -> PlanPublic:
    """The plan for these postings and trainees; logs the chosen pairs as recommended."""
    postings, trainees = _checked(session, who, request)
    reasons = {t.id: _ineligible(index, t) for t in trainees}
    eligible = [t for t in trainees if reasons[t.id] is None]
    column = {t.id: j for j, t in enumerate(eligible)}
    areas = tuple(sorted({t.area for t in eligible}))
    ended, recommended = _logged(session, postings)
    cand = _candidates(index, postings, column, areas, request, ended)
    remaining = np.array([_remaining(p) for p in postings], dtype=np.int64)
    if request.mode == "assignment":
        capacity = remaining
    elif request.length is not None:
        capacity = np.full(len(postings), request.length, dtype=np.int64)
    else:
        capacity = np.minimum(LIST_MULTIPLE * remaining, MAX_LENGTH)
    per_trainee = 1 if request.mode == "assignment" else request.per_trainee
    spread = per_trainee or _even_spread(capacity, cand)
    shape = (len(postings), len(eligible))
    plan, topped_up = (_allocate(request, capacity, spread, cand, shape)
                       if len(cand.rows) else (None, 0))

    chosen = plan.lists() if plan is not None else [np.empty(0, dtype=np.int64)] * len(postings)
    today = dt.date.today()
    by_id = {t.id: t for t in trainees}
    out_postings, shown_ids, shown_contact, events = [], [], [], []
    for i, (posting, picked) in enumerate(zip(postings, chosen, strict=True)):
        rank_of = {j: r for r, j in enumerate(cand.order[i], start=1)}
        items = []
        for rank, j in enumerate(picked.tolist(), start=1):
            rec = cand.recs[i, j]
            summary, shown = _summary(who, by_id[rec.trainee_id])
            items.append(PlanItem(rank=rank, trainee_id=rec.trainee_id, score=rec.score,
                                  contributions=rec.contributions, reasons=list(rec.reasons),
                                  gaps=list(rec.gaps), independent_rank=rank_of[j],
                                  trainee=summary, shares_contact=bool(
                                      by_id[rec.trainee_id].consent_share_contact)))
            shown_ids.append(rec.trainee_id)
            shown_contact.append(shown)
            if (posting.id, rec.trainee_id) not in recommended:
                events.append(Interaction(kind="recommended", posting_id=posting.id,
                                          trainee_id=rec.trainee_id, actor_id=who.user_id))
        out_postings.append(PlanPosting(
            posting_id=posting.id, title=posting.title, enterprise_id=posting.enterprise_id,
            area=posting.area, closes=posting.closes, past_closing=posting.closes < today,
            headcount=posting.headcount, remaining=int(remaining[i]),
            capacity=int(capacity[i]), candidates=len(cand.order[i]), items=items))

    listed = set(shown_ids)
    lists_of = np.bincount(plan.trainee, minlength=len(eligible)) if plan is not None else (
        np.zeros(len(eligible), dtype=np.int64))
    places_empty = places_at_limit = 0
    for i, picked in enumerate(chosen):
        empty = int(capacity[i]) - len(picked)
        off_list = set(cand.order[i]) - set(picked.tolist())
        at_limit = 0 if per_trainee is None else sum(int(lists_of[j] >= per_trainee)
                                                     for j in off_list)
        places_empty += empty
        places_at_limit += min(empty, at_limit)
        if empty > 0:
            code = (("ended" if cand.ended_at[i] else "no_candidate") if not cand.order[i]
                    else "few_candidates" if not off_list
                    else "at_limit" if at_limit == len(off_list) else "not_filled")
            out_postings[i].short_reason = code
            out_postings[i].short_reason_label = SHORT_LIST_REASONS[code]
    reachable = {eligible[j].id for j in np.unique(cand.cols).tolist()}
    unlisted = []
    for t in trainees:
        if t.id in listed:
            continue
        code = reasons[t.id] or ("capacity" if t.id in reachable else "ended"
                                 if column[t.id] in cand.ended else "no_candidate")
        unlisted.append(UnlistedTrainee(trainee_id=t.id, masked_name=t.masked_name,
                                        area=t.area, reason=code,
                                        reason_label=UNLISTED_REASONS[code]))
    write_lock(session)  # the reads ran deferred: writing from them may fail on SQLite
    session.add_all(events)
    audit(session, who.user_id, shown_ids, "plan", shown_contact)
    session.commit()
    method = plan.method if plan is not None else "none"
    return PlanPublic(
        mode=request.mode, mode_label=MODE_LABELS[request.mode], method=method,
        method_label=_method_label(method, per_trainee is not None),
        objective=round(plan.objective, 4) if plan is not None else 0.0,
        bound=None if plan is None or plan.bound is None else round(plan.bound, 4),
        gap=None if plan is None else plan.gap, per_trainee=per_trainee, spread=spread,
        most_lists=int(lists_of.max(initial=0)),
        scorer=type(index.choice.scorer).__name__,
        summary=PlanSummary(postings=len(postings), trainees=len(trainees),
                            eligible_trainees=len(eligible), candidate_pairs=len(cand.rows),
                            pairs_chosen=len(shown_ids), trainees_listed=len(listed),
                            trainees_unlisted=len(unlisted), places=int(capacity.sum()),
                            places_empty=places_empty, places_empty_at_limit=places_at_limit,
                            postings_past_closing=sum(p.past_closing for p in out_postings),
                            pairs_topped_up=topped_up),
        independent_topk=(_topk(capacity, cand, len(trainees))
                          if request.mode == "shortlists" else None),
        postings=out_postings, unlisted=unlisted)


def plan_xlsx(plan: PlanPublic) -> bytes:
    """The plan as an Excel workbook: pairs (and a row for each posting with an empty
    list), trainees without a list, and the summary."""
    columns = ["岗位编号", "岗位名称", "企业编号", "岗位区域", "待招人数", "截止日期", "名单说明",
               "名次", "学员编号", "姓名", "学员区域", "联系电话", "同意向企业提供联系方式", "得分",
               "独立名单名次", "推荐理由", "差距"]

    def row(p: PlanPosting, i: PlanItem | None) -> dict[str, object]:
        out: dict[str, object] = {
            "岗位编号": p.posting_id, "岗位名称": p.title, "企业编号": p.enterprise_id,
            "岗位区域": p.area, "待招人数": p.remaining,
            "截止日期": f"{p.closes:%Y-%m-%d}" + ("（已过）" if p.past_closing else ""),
            "名单说明": p.short_reason_label or ""}
        if i is not None:
            out |= {"名次": i.rank, "学员编号": i.trainee_id, "姓名": i.trainee.masked_name,
                    "学员区域": i.trainee.area,
                    "联系电话": i.trainee.contact or ("（未授权）" if i.trainee.contact_hidden
                                                    else ""),
                    "同意向企业提供联系方式": "是" if i.shares_contact else "否",
                    "得分": round(i.score, 2), "独立名单名次": i.independent_rank,
                    "推荐理由": "；".join(i.reasons), "差距": "；".join(i.gaps)}
        return out

    pairs = pd.DataFrame([row(p, i) for p in plan.postings
                          for i in ([*p.items] if p.items else [None])], columns=columns)
    unlisted = pd.DataFrame([{"学员编号": u.trainee_id, "姓名": u.masked_name, "区域": u.area,
                              "原因": u.reason_label} for u in plan.unlisted],
                            columns=["学员编号", "姓名", "区域", "原因"])
    s = plan.summary
    facts = [("方案类型", plan.mode_label), ("求解方法", plan.method_label),
             ("预期就业人数（按得分估算，目标函数值）", round(plan.objective, 2)),
             ("最优性差距", "—" if plan.gap is None else f"{plan.gap:.1%}"),
             ("每名学员名单数上限", "不设硬上限" if plan.per_trainee is None
              else plan.per_trainee),
             ("分配时每名学员最多名单数", plan.spread),
             ("单个学员实际最多列入名单数", plan.most_lists), ("岗位数", s.postings),
             ("学员数", s.trainees), ("可推荐学员数", s.eligible_trainees),
             ("候选配对数", s.candidate_pairs), ("入选配对数", s.pairs_chosen),
             ("列入名单的学员", s.trainees_listed), ("未列入任何名单的学员", s.trainees_unlisted),
             ("名单总名额", s.places), ("空缺名额", s.places_empty),
             ("其中：候选学员均已达每人名单数上限而空缺的名额", s.places_empty_at_limit),
             ("补足名单时增补的配对数", s.pairs_topped_up),
             ("截止日期已过、仍在招聘的岗位数", s.postings_past_closing)]
    if plan.independent_topk is not None:
        facts += [("对照：独立名单预期就业人数", round(plan.independent_topk.objective, 2)),
                  ("对照：独立名单未列入的学员", plan.independent_topk.trainees_unlisted)]
    summary = pd.DataFrame(facts, columns=["项目", "值"])
    return workbook([("分配方案", pairs), ("未列入名单学员", unlisted), ("方案概要", summary)],
                    fit_widths=True)
