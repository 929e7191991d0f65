"""The plan's metrics from the store: placements, key-industry supply, training volume.

- placement: graduates, placed, placed through matching and placed in an occupation
  matching their training, overall and by area, course, industry, occupation or
  period. The 80 % goal (培训就业匹配率) is judged on the share of *graduates* placed
  in the occupation they trained for (``goal_share`` = placed_matching_training /
  graduates), never on a share of the placed only: 1 placed of 825 graduates does
  not meet it. ``placed`` counts placement records; the trainees whose status says
  placed (已就业) are reported beside it (``placed_by_status``), since imports may mark
  trainees placed without a record, whose occupation, hence match, is unknown;
- supply: key-industry demand (posting headcount) and how much was met (hires recorded
  against the postings), against the 90 % goal;
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
from fractions import Fraction
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.models import Course, Enterprise, Placement, Posting, Trainee
from matcher import KEY_INDUSTRIES
from matcher.areas import AREA_ALIASES
from matcher.taxonomy import data_dir

PLACEMENT_GOAL = 0.8
SUPPLY_GOAL = 0.9
GROUPS = ("area", "course", "industry", "occupation", "period")

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
    "demand": "重点产业岗位招聘人数",
    "met": "已录用人数（按岗位录用记录，不超过招聘人数）",
    "satisfaction": "需求满足率（已录用 / 招聘人数），目标 ≥ 90%",
    "filled_without_record": "状态为“已招满”但录用记录不足招聘人数的岗位数（不计入满足率）",
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


def placement(session: Session, by: str | None, today: dt.date | None = None
              ) -> dict[str, Any]:
    """Graduates by ``today`` and their placements, overall and per group of ``by``.

    Counts people: deleted trainees are left out (with their placements), as in the
    trainee list. ``placed`` and the shares built on it count placement records (the
    posting, hence the industry and occupation, is known); ``placed_by_status`` counts
    the graduates whose status is placed, with or without a record. ``meets_goal``
    judges the 80 % goal on ``goal_share``: graduates placed in the occupation they
    trained for, over all graduates.
    """
    today = today or dt.date.today()
    people = _frame(session, select(
        Trainee.id.label("trainee_id"), Trainee.area, Trainee.course_id.label("course"),
        Trainee.graduation_date, Trainee.status, Course.occupation_code.label("trained_code"),
        Course.occupation.label("occupation"))
        .join(Course, Course.id == Trainee.course_id)
        .where(Trainee.graduation_date <= today, Trainee.deleted_at.is_(None)))
    hires = _frame(session, select(
        Placement.trainee_id, Placement.through_matching, Placement.at,
        Posting.occupation_code.label("posting_code"), Enterprise.industry)
        .join(Posting, Posting.id == Placement.posting_id)
        .join(Enterprise, Enterprise.id == Posting.enterprise_id))
    data = people.merge(hires, on="trainee_id", how="left")
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
        key = {"area": "area", "course": "course", "industry": "industry",
               "occupation": "occupation", "period": "period"}[by]
        groups = data.assign(_key=data[key].fillna("（未就业）" if by == "industry" else "未知"))
        out["groups"] = [{"group": str(name), **summary(part)}
                         for name, part in groups.groupby("_key", sort=True)]
    return out


def supply(session: Session) -> dict[str, Any]:
    """Key-industry demand (headcount of the postings) and how much was met.

    ``met`` counts the hires recorded against each posting (its ``hired``, at most its
    headcount), as the posting list shows them. A hire stays counted after the hired
    trainee is deleted: the enterprise's place was filled all the same, and the posting
    keeps its count. Postings marked filled with fewer recorded hires (e.g. imported so)
    are counted in ``filled_without_record``, not as met. ``meets_goal``: met / demand
    ≥ 90 % on the exact counts.
    """
    rows = _frame(session, select(Enterprise.industry, Posting.headcount, Posting.hired,
                                  Posting.status)
                  .join(Posting, Posting.enterprise_id == Enterprise.id)
                  .where(Enterprise.industry.in_(KEY_INDUSTRIES)))
    groups: list[dict[str, Any]] = []
    for industry in KEY_INDUSTRIES:
        part = rows[rows["industry"] == industry] if len(rows) else rows
        demand = int(part["headcount"].sum()) if len(part) else 0
        met = int(part[["headcount", "hired"]].min(axis=1).sum()) if len(part) else 0
        unrecorded = int(((part["status"] == "filled") & (part["hired"] < part["headcount"]))
                         .sum()) if len(part) else 0
        groups.append({"industry": industry, "demand": demand, "met": met,
                       "satisfaction": _share(met, demand), "goal": SUPPLY_GOAL,
                       "meets_goal": meets(met, demand, SUPPLY_GOAL),
                       "filled_without_record": unrecorded})
    demand = sum(g["demand"] for g in groups)
    met = sum(g["met"] for g in groups)
    return {"label": "重点产业技能人才需求满足率",
            "goal_label": SUPPLY_LABELS["satisfaction"],
            "labels": dict(SUPPLY_LABELS),
            "overall": {"demand": demand, "met": met, "satisfaction": _share(met, demand),
                        "goal": SUPPLY_GOAL, "meets_goal": meets(met, demand, SUPPLY_GOAL),
                        "filled_without_record": sum(g["filled_without_record"]
                                                     for g in groups)},
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
        area = AREA_ALIASES.get(row["area"], row["area"])
        for year in (2025, 2026, 2027):
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
