"""The plan's metrics from the store: placements, key-industry supply, training volume.

- placement: graduates, placed, placed through matching and placed in an occupation
  matching their training (培训就业匹配率), overall and by area, course, industry,
  occupation or period, against the 80 % goal (share of placements through matching);
- supply: key-industry demand (posting headcount) and how much was met (hires), against
  the 90 % goal;
- training: person-times trained (graduates) per area and year against the annex.
"""

from __future__ import annotations

import datetime as dt
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


def _frame(session: Session, query: Any) -> pd.DataFrame:
    result = session.execute(query)
    return pd.DataFrame(result.all(), columns=list(result.keys()))


def _share(part: float, whole: float) -> float | None:
    return None if not whole else round(part / whole, 4)


def placement(session: Session, by: str | None, today: dt.date | None = None
              ) -> dict[str, Any]:
    today = today or dt.date.today()
    people = _frame(session, select(
        Trainee.id.label("trainee_id"), Trainee.area, Trainee.course_id.label("course"),
        Trainee.graduation_date, Course.occupation_code.label("trained_code"),
        Course.occupation.label("occupation"))
        .join(Course, Course.id == Trainee.course_id)
        .where(Trainee.graduation_date <= today))
    hires = _frame(session, select(
        Placement.trainee_id, Placement.through_matching, Placement.at,
        Posting.occupation_code.label("posting_code"), Enterprise.industry)
        .join(Posting, Posting.id == Placement.posting_id)
        .join(Enterprise, Enterprise.id == Posting.enterprise_id))
    data = people.merge(hires, on="trainee_id", how="left")
    data["placed"] = data["at"].notna()
    data["through_matching"] = data["through_matching"].fillna(False).astype(bool) & data["placed"]
    data["matching_training"] = data["placed"] & (data["posting_code"] == data["trained_code"])
    data["period"] = pd.to_datetime(data["graduation_date"]).dt.year.astype("Int64").astype(str)

    def summary(part: pd.DataFrame) -> dict[str, Any]:
        graduates, placed = len(part), int(part["placed"].sum())
        through = int(part["through_matching"].sum())
        matching = int(part["matching_training"].sum())
        share = _share(through, placed)
        return {"graduates": graduates, "placed": placed, "placed_through_matching": through,
                "placed_matching_training": matching,
                "placement_rate": _share(placed, graduates),
                "through_matching_share": share,
                "training_match_rate": _share(matching, placed),
                "goal": PLACEMENT_GOAL, "meets_goal": share is not None and share >= PLACEMENT_GOAL}

    out: dict[str, Any] = {"label": "培训就业匹配率（通过匹配就业占比）", "overall": summary(data)}
    if by:
        out["by"] = by
        key = {"area": "area", "course": "course", "industry": "industry",
               "occupation": "occupation", "period": "period"}[by]
        groups = data.assign(_key=data[key].fillna("（未就业）" if by == "industry" else "未知"))
        out["groups"] = [{"group": str(name), **summary(part)}
                         for name, part in groups.groupby("_key", sort=True)]
    return out


def supply(session: Session) -> dict[str, Any]:
    rows = _frame(session, select(Enterprise.industry, Posting.headcount, Posting.hired)
                  .join(Posting, Posting.enterprise_id == Enterprise.id)
                  .where(Enterprise.industry.in_(KEY_INDUSTRIES)))
    groups: list[dict[str, Any]] = []
    for industry in KEY_INDUSTRIES:
        part = rows[rows["industry"] == industry] if len(rows) else rows
        demand = int(part["headcount"].sum()) if len(part) else 0
        met = int(part[["headcount", "hired"]].min(axis=1).sum()) if len(part) else 0
        rate = _share(met, demand)
        groups.append({"industry": industry, "demand": demand, "met": met,
                       "satisfaction": rate, "goal": SUPPLY_GOAL,
                       "meets_goal": rate is not None and rate >= SUPPLY_GOAL})
    demand = sum(g["demand"] for g in groups)
    met = sum(g["met"] for g in groups)
    rate = _share(met, demand)
    return {"label": "重点产业技能人才需求满足率",
            "overall": {"demand": demand, "met": met, "satisfaction": rate, "goal": SUPPLY_GOAL,
                        "meets_goal": rate is not None and rate >= SUPPLY_GOAL},
            "groups": groups}


def training(session: Session) -> dict[str, Any]:
    annex = pd.read_csv(data_dir() / "plan" / "annex_targets.csv", encoding="utf-8-sig")
    annex = annex[annex["area"] != "合计"]
    trained = _frame(session, select(Trainee.area, Trainee.graduation_date))
    trained["year"] = pd.to_datetime(trained["graduation_date"]).dt.year
    counts = trained.groupby(["area", "year"]).size().to_dict()
    groups = []
    for _, row in annex.iterrows():
        area = AREA_ALIASES.get(row["area"], row["area"])
        for year in (2025, 2026, 2027):
            target = int(row[f"target_{year}"])
            done = int(counts.get((area, year), 0))
            groups.append({"area": row["area"], "area_name": area, "year": year,
                           "trained": done, "target": target, "share": _share(done, target),
                           "meets_target": done >= target})
    total_target = sum(g["target"] for g in groups)
    total_done = sum(g["trained"] for g in groups)
    return {"label": "技能人才培训人次（对照附件目标）",
            "overall": {"trained": total_done, "target": total_target,
                        "share": _share(total_done, total_target)},
            "groups": groups}
