"""The plan's metrics from the store: placements, key-industry supply, training volume.

- placement: graduates, placed, placed through matching and placed in an occupation
  matching their training, overall and by area, course, industry, occupation or
  period. Every grouping is of *graduates* (placed or not), so that each group judges
  the goal on all its graduates and the groups add up to the city: by industry, a
  graduate counts in the key industry of the occupation they trained for
  (:func:`trained_industry`), not in the industry that hired them, and those trained
  for no key-industry occupation in :data:`UNATTRIBUTED`. The 80 % goal (培训就业匹配率)
  is judged on the share of *graduates* placed in the occupation they trained for
  (``goal_share`` = placed_matching_training / graduates), never on a share of the
  placed only: 1 placed of 825 graduates does not meet it. ``placed`` counts placement
  records; the trainees whose status says placed (已就业) are reported beside it
  (``placed_by_status``), since imports may mark trainees placed without a record,
  whose occupation, hence match, is unknown;
- supply: key-industry demand (posting headcount) and how much was met (hires recorded
  against the postings by the end of that day), against the 90 % goal, of the postings
  opened by its date (today by default, the day placement counts graduates by); those
  announced to open later are not yet demand, and are counted beside it
  (``not_yet_open``);
- training: person-times trained (graduates) per area and year against the annex.

Every goal is judged on exact counts (``part >= goal × whole``), not on the rounded
share shown, and never met when its denominator is zero.

Deleted trainees (personal data erased at their request, the row kept anonymized)
are left out of every count of *people* — graduates, placed, by status — as they are
left out of the trainee list; they still count in the training person-times, which
record training delivered (see :func:`training`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from api.models import Course, Enterprise, Placement, Posting, Trainee
from matcher import KEY_INDUSTRIES
from matcher.areas import canonical_area
from matcher.industries import load_industries
from matcher.taxonomy import data_dir

PLACEMENT_GOAL = 0.8
SUPPLY_GOAL = 0.9
GROUPS = ("area", "course", "industry", "occupation", "period")
#: The years of the plan (实施方案 2025–2027), the years the annex sets targets for.
PLAN_YEARS = (2025, 2026, 2027)
#: The industry group of graduates trained for an occupation of no key industry.
UNATTRIBUTED = "（未归属重点产业）"

#: How :func:`placement` groups the graduates, per ``by`` (shown as ``by_label``).
GROUP_LABELS: dict[str, str] = {
    "area": "按学员所在区域分组（全体结业学员）",
    "course": "按学员所学课程分组（全体结业学员）；group_label 为课程职业、目标等级和培训机构",
    "industry": (
        "按所学培训职业归属的重点产业分组（全体结业学员，无论是否就业、在哪个产业就业）："
        "课程职业属于某重点产业的职业目录即归入该产业；属于多个重点产业时，依次按订单企业"
        "所属产业、该产业在课程所在区域（其次学员所在区域）的分布权重、产业表顺序归入其一；"
        f"不属于任何重点产业或职业未识别的归入{UNATTRIBUTED}。各组结业学员之和等于全市"),
    "occupation": "按所学培训职业分组（全体结业学员）",
    "period": "按结业年份分组（全体结业学员）",
}

#: What each count and share of :func:`placement` means (shown with the numbers).
PLACEMENT_LABELS: dict[str, str] = {
    "graduates": "已结业学员（不含已删除学员）",
    "placed": "有录用记录的结业学员（已就业，系统登记录用）",
    "placed_through_matching": "其中录用前曾被系统推荐到该岗位",
    "placed_matching_training": "其中录用岗位职业与所学培训职业一致",
    "placed_by_status": "学员状态为“已就业”的结业学员（含无录用记录者）",
    "placed_without_record": "状态为“已就业”但无录用记录（岗位未知，不计入匹配率）",
    "placement_rate": "就业率（有录用记录 / 结业学员）",
    "status_placement_rate": "就业率（按学员状态 / 结业学员）",
    "through_matching_share": "通过匹配就业占比（通过匹配录用 / 有录用记录）",
    "training_match_rate": "录用者专业对口率（职业一致 / 有录用记录）",
    "goal_share": "培训就业匹配率（职业一致的录用 / 结业学员），目标 ≥ 80%",
}

#: What each count and share of :func:`supply` means.
SUPPLY_LABELS: dict[str, str] = {
    "demand": "重点产业岗位招聘人数（统计日前已发布的岗位）",
    "met": "已录用人数（按统计日当天结束前登记的岗位录用记录，不超过招聘人数）",
    "satisfaction": "需求满足率（已录用 / 招聘人数），目标 ≥ 90%",
    "filled_without_record": ("状态为“已招满”但录用记录不足招聘人数的岗位数（按当前状态和"
                              "全部录用记录；不计入满足率）"),
    "not_yet_open": "发布日期晚于统计日、尚未发布的重点产业岗位数（尚不计入需求）",
    "not_yet_open_demand": "其招聘人数（尚不计入需求）",
}

#: What each count of :func:`training` means.
TRAINING_LABELS: dict[str, str] = {
    "trained": "培训人次（当年已结业学员，含已删除学员）",
    "target": "附件目标人次",
    "share": "完成率（培训人次 / 目标）",
    "not_yet_graduated": "当年尚未结业的在训学员（未计入培训人次）",
}


def _frame(session: Session, query: Any) -> pd.DataFrame:
    result = session.execute(query)
    return pd.DataFrame(result.all(), columns=list(result.keys()))


def _share(part: float, whole: float) -> float | None:
    return None if not whole else round(part / whole, 4)


def meets(part: int, whole: int, goal: float) -> bool:
    """``part / whole >= goal`` on the exact counts (not a rounded share); False when
    ``whole`` is 0 (nothing to judge on is not a goal met)."""
    return whole > 0 and Fraction(part) >= Fraction(str(goal)) * whole


def trained_industry(code: str | None, *, order_industry: str | None = None,
                     areas: Sequence[str | None] = ()) -> str:
    """The key industry a graduate trained for: the one whose occupations include the
    occupation of their course, :data:`UNATTRIBUTED` when none does (or it is unread).

    An occupation several key industries employ goes to the industry of the enterprise
    that ordered the course (订单式培训) when it is one of them; else to the one most
    present (``data/plan/industry_areas.csv``) in the first of ``areas`` (the course's,
    then the trainee's) where any of them is; else to the first in table order.

    Examples
    --------
    >>> trained_industry("6-31-03-02"), trained_industry("6-31-03-02", order_industry="新材料")
    ('玄武岩纤维', '新材料')
    >>> trained_industry("6-31-01-04", areas=("通川区", "渠县")), trained_industry(None)
    ('能源化工', '（未归属重点产业）')
    """
    candidates = [i for i in load_industries() if i.key and code in i.codes]
    if not candidates:
        return UNATTRIBUTED
    for industry in candidates:
        if industry.name == order_industry:
            return industry.name
    for area in areas:
        weights = [i.areas.get(area or "", 0.0) for i in candidates]
        if max(weights) > 0:
            return candidates[weights.index(max(weights))].name
    return candidates[0].name


def placement(session: Session, by: str | None, today: dt.date | None = None
              ) -> dict[str, Any]:
    """Graduates by ``today`` and their placements, overall and per group of ``by``.

    Counts people: deleted trainees are left out (with their placements), as in the
    trainee list. ``placed`` and the shares built on it count placement records (the
    posting, hence the industry and occupation, is known); ``placed_by_status`` counts
    the graduates whose status is placed, with or without a record. ``meets_goal``
    judges the 80 % goal on ``goal_share``: graduates placed in the occupation they
    trained for, over all graduates.

    Groups (``by``) are of graduates, placed or not, so each judges the goal on all its
    graduates and they add up to ``overall`` (``by_label`` says how they are formed):
    by industry, the key industry of the occupation trained for
    (:func:`trained_industry`), each with ``key_industry``; by course, with the course's
    ``occupation``, ``occupation_code``, ``target_level``, ``provider`` and a
    ``group_label`` naming it. Every group has a ``group_label``.
    """
    today = today or dt.date.today()
    orderer = aliased(Enterprise)
    people = _frame(session, select(
        Trainee.id.label("trainee_id"), Trainee.area, Trainee.course_id.label("course"),
        Trainee.graduation_date, Trainee.status, Course.occupation_code.label("trained_code"),
        Course.occupation.label("occupation"), Course.target_level, Course.provider,
        Course.area.label("course_area"), orderer.industry.label("order_industry"))
        .join(Course, Course.id == Trainee.course_id)
        .outerjoin(orderer, orderer.id == Course.order_enterprise_id)
        .where(Trainee.graduation_date <= today, Trainee.deleted_at.is_(None)))
    hires = _frame(session, select(
        Placement.trainee_id, Placement.through_matching, Placement.at,
        Posting.occupation_code.label("posting_code"))
        .join(Posting, Posting.id == Placement.posting_id))
    data = people.merge(hires, on="trainee_id", how="left")
    keys = [tuple(_text(v) for v in row) for row in zip(
        data["trained_code"], data["order_industry"], data["course_area"], data["area"],
        strict=True)]
    industry = {k: trained_industry(k[0], order_industry=k[1], areas=k[2:]) for k in set(keys)}
    data["industry"] = [industry[k] for k in keys]
    data["placed"] = data["at"].notna()
    data["through_matching"] = data["through_matching"].fillna(False).astype(bool) & data["placed"]
    data["matching_training"] = data["placed"] & (data["posting_code"] == data["trained_code"])
    data["placed_by_status"] = data["status"] == "placed"
    data["placed_without_record"] = data["placed_by_status"] & ~data["placed"]
    data["period"] = pd.to_datetime(data["graduation_date"]).dt.year.astype("Int64").astype(str)

    def summary(part: pd.DataFrame) -> dict[str, Any]:
        graduates, placed = len(part), int(part["placed"].sum())
        through = int(part["through_matching"].sum())
        matching = int(part["matching_training"].sum())
        by_status = int(part["placed_by_status"].sum())
        return {"graduates": graduates, "placed": placed, "placed_through_matching": through,
                "placed_matching_training": matching,
                "placed_by_status": by_status,
                "placed_without_record": int(part["placed_without_record"].sum()),
                "placement_rate": _share(placed, graduates),
                "status_placement_rate": _share(by_status, graduates),
                "through_matching_share": _share(through, placed),
                "training_match_rate": _share(matching, placed),
                "goal_share": _share(matching, graduates),
                "goal": PLACEMENT_GOAL,
                "meets_goal": meets(matching, graduates, PLACEMENT_GOAL)}

    out: dict[str, Any] = {
        "label": "培训就业匹配率（结业学员中在所学职业就业的比例）",
        "as_of": today.isoformat(),
        "goal_label": PLACEMENT_LABELS["goal_share"],
        "labels": dict(PLACEMENT_LABELS),
        "overall": summary(data)}
    if by:
        out["by"] = by
        out["by_label"] = GROUP_LABELS[by]
        out["groups"] = _groups(data, by, summary)
    return out


def _text(value: object) -> str | None:
    """A text column's value, None for a missing one (NaN or None through pandas)."""
    return value if isinstance(value, str) and value else None


def _groups(data: pd.DataFrame, by: str,
            summary: Callable[[pd.DataFrame], dict[str, Any]]) -> list[dict[str, Any]]:
    """The groups of :func:`placement` (its docstring says what each carries)."""
    keyed = data.assign(_key=data[by].fillna("未知").astype(str))
    parts = dict(tuple(keyed.groupby("_key", sort=True)))
    if by == "industry":  # every key industry, in the plan's order, then the rest
        names = [*KEY_INDUSTRIES, *(n for n in parts if n not in KEY_INDUSTRIES)]
        empty = keyed.iloc[0:0]
        return [{"group": n, "group_label": n, "key_industry": n in KEY_INDUSTRIES,
                 **summary(parts.get(n, empty))} for n in names]
    out = []
    for name, part in parts.items():
        extra: dict[str, Any] = {"group_label": name}
        if by == "course":
            first = part.iloc[0]
            course = {"occupation": first["occupation"],
                      "occupation_code": _text(first["trained_code"]),
                      "target_level": first["target_level"], "provider": first["provider"]}
            extra = {"group_label": f"{course['occupation']}（{course['target_level']}）"
                                    f"·{course['provider']}", **course}
        out.append({"group": name, **extra, **summary(part)})
    return out


def supply(session: Session, today: dt.date | None = None) -> dict[str, Any]:
    """Key-industry demand (headcount of the postings opened by ``today``) and how much
    was met.

    A posting announced to open after ``today`` (today by default, as for
    :func:`placement`) is not yet demand: it is counted in ``not_yet_open`` (postings)
    and ``not_yet_open_demand`` (their headcount), beside demand, never in it.

    ``met`` counts the hires (placements) recorded against each posting by the end of
    ``today`` (at most its headcount), so that a past day's figure is what it was on that
    day, not today's hires against that day's demand; for today it is the posting's
    ``hired``, as the posting list shows it. (Placement times are compared as stored,
    naive UTC, as the reports' periods are.) A hire stays counted after the hired
    trainee is deleted: the enterprise's place was filled all the same, and the posting
    keeps its count. Postings marked filled with fewer recorded hires (e.g. imported so)
    are counted in ``filled_without_record``, not as met: a fact about the records, so
    on today's status and all the hires recorded, whatever the day. ``meets_goal``:
    met / demand ≥ 90 % on the exact counts.
    """
    today = today or dt.date.today()
    every = _frame(session, select(Posting.id, Enterprise.industry, Posting.headcount,
                                   Posting.hired, Posting.status, Posting.opened)
                   .join(Posting, Posting.enterprise_id == Enterprise.id)
                   .where(Enterprise.industry.in_(KEY_INDUSTRIES)))
    end = dt.datetime.combine(today + dt.timedelta(days=1), dt.time())
    hires = _frame(session, select(Placement.posting_id).where(Placement.at < end))
    every["met_by_then"] = every["id"].map(hires["posting_id"].value_counts()) \
        .fillna(0).astype(int)
    later = every[every["opened"] > today] if len(every) else every
    rows = every[every["opened"] <= today] if len(every) else every
    groups: list[dict[str, Any]] = []
    for industry in KEY_INDUSTRIES:
        part = rows[rows["industry"] == industry] if len(rows) else rows
        ahead = later[later["industry"] == industry] if len(later) else later
        demand = int(part["headcount"].sum()) if len(part) else 0
        met = int(part[["headcount", "met_by_then"]].min(axis=1).sum()) if len(part) else 0
        unrecorded = int(((part["status"] == "filled") & (part["hired"] < part["headcount"]))
                         .sum()) if len(part) else 0
        groups.append({"industry": industry, "demand": demand, "met": met,
                       "satisfaction": _share(met, demand), "goal": SUPPLY_GOAL,
                       "meets_goal": meets(met, demand, SUPPLY_GOAL),
                       "filled_without_record": unrecorded,
                       "not_yet_open": len(ahead),
                       "not_yet_open_demand": int(ahead["headcount"].sum()) if len(ahead)
                       else 0})
    demand = sum(g["demand"] for g in groups)
    met = sum(g["met"] for g in groups)
    return {"label": "重点产业技能人才需求满足率",
            "as_of": today.isoformat(),
            "goal_label": SUPPLY_LABELS["satisfaction"],
            "labels": dict(SUPPLY_LABELS),
            "overall": {"demand": demand, "met": met, "satisfaction": _share(met, demand),
                        "goal": SUPPLY_GOAL, "meets_goal": meets(met, demand, SUPPLY_GOAL),
                        **{key: sum(g[key] for g in groups) for key in (
                            "filled_without_record", "not_yet_open",
                            "not_yet_open_demand")}},
            "groups": groups}


def training(session: Session, today: dt.date | None = None) -> dict[str, Any]:
    """Training person-times per annex area and year: trainees graduated by ``today``.

    A trainee counts in the year of their graduation once it has passed (training
    delivered); those still in training are shown as ``not_yet_graduated`` and count
    toward no target yet. Deleted trainees *are* counted: the plan counts person-times
    of training delivered, which erasing a trainee's personal data at their request
    does not undo; only their area and graduation date, no personal data, are used.
    (So a year's ``trained`` may exceed the graduates of :func:`placement`, which counts
    people on the trainee list.)
    """
    today = today or dt.date.today()
    annex = pd.read_csv(data_dir() / "plan" / "annex_targets.csv", encoding="utf-8-sig")
    annex = annex[annex["area"] != "合计"]
    rows = _frame(session, select(Trainee.area, Trainee.graduation_date))
    graduated = pd.to_datetime(rows["graduation_date"]) <= pd.Timestamp(today)
    rows["year"] = pd.to_datetime(rows["graduation_date"]).dt.year
    counts = rows[graduated].groupby(["area", "year"]).size().to_dict()
    pending = rows[~graduated].groupby(["area", "year"]).size().to_dict()
    groups = []
    for _, row in annex.iterrows():
        area = canonical_area(row["area"])
        for year in PLAN_YEARS:
            target = int(row[f"target_{year}"])
            done = int(counts.get((area, year), 0))
            groups.append({"area": row["area"], "area_name": area, "year": year,
                           "trained": done, "target": target, "share": _share(done, target),
                           "meets_target": done >= target,
                           "not_yet_graduated": int(pending.get((area, year), 0))})
    total_target = sum(g["target"] for g in groups)
    total_done = sum(g["trained"] for g in groups)
    return {"label": "技能人才培训人次（对照附件目标）",
            "as_of": today.isoformat(),
            "labels": dict(TRAINING_LABELS),
            "overall": {"trained": total_done, "target": total_target,
                        "share": _share(total_done, total_target),
                        "meets_target": total_done >= total_target,
                        "not_yet_graduated": sum(g["not_yet_graduated"] for g in groups)},
            "groups": groups}
