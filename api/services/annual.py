"""The annual report: per area and for the city, the plan's three goals and the shortages.

Built from the service's metric code (:mod:`api.services.metrics`), so that the report
and the metrics endpoints agree:

- training person-times of the year (graduates) against the annex target — the
  year's rows of :func:`~api.services.metrics.training`; a year outside the plan
  (:data:`~api.services.metrics.PLAN_YEARS`) has no target, neither met nor missed
  (``has_target`` false, ``target`` and ``meets_target`` null, ``plan_year`` false);
- the placement goal against 80 %, for the year's graduates so far: the share of them
  placed in the occupation they trained for (培训就业匹配率, as
  :func:`~api.services.metrics.placement` judges it), with the share of placements made
  through matching beside it; per
  area, :func:`~api.services.metrics.placement` by area at the year's end (or today)
  minus the same at the previous year's end (its counts are cumulative by graduation
  date); for the city, its ``by=period`` group of the year;
- key-industry supply satisfaction against 90 %: the definition of
  :func:`~api.services.metrics.supply` (demand = headcount, met = hires up to the
  headcount) over the key-industry postings opened in the year by today (those
  announced to open later are not yet demand), by the posting's area;
- the largest shortages and suggested order-based courses: the demand survey
  (:func:`~api.services.reports.demand_survey`) over the whole year; for a year not
  begun, its caveat (supply projected from today's statuses) heads the notes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy import func, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from api.db import make_engine, make_sessionmaker, shown_url
from api.models import Enterprise, Posting, Trainee
from api.services import metrics
from api.services.report_files import VERDICTS, annual_html, annual_xlsx, verdict
from api.services.reports import YEARS, Period, demand_survey, unread_gap_notes
from matcher import KEY_INDUSTRIES
from matcher.taxonomy import Taxonomy

__all__ = ["annual_report", "summary_line", "write_annual_report"]

CITY = "全市"
SHORTAGES = 10
_COUNTS = ("graduates", "placed", "placed_through_matching", "placed_matching_training",
           "placed_by_status")


def _share(part: float, whole: float) -> float | None:
    return None if not whole else round(part / whole, 4)


def _placement(counts: dict[str, int]) -> dict[str, Any]:
    """The goal as :func:`~api.services.metrics.placement` judges it: graduates placed in
    the occupation they trained for, over all graduates (``goal_share``)."""
    matching, graduates = counts["placed_matching_training"], counts["graduates"]
    return {**counts, "placement_rate": _share(counts["placed"], graduates),
            "through_matching_share": _share(counts["placed_through_matching"],
                                             counts["placed"]),
            "goal_share": _share(matching, graduates), "goal": metrics.PLACEMENT_GOAL,
            "meets_goal": metrics.meets(matching, graduates, metrics.PLACEMENT_GOAL)}


def _placement_by_area(session: Session, year: int, today: dt.date
                       ) -> dict[str, dict[str, Any]]:
    def cumulative(day: dt.date) -> dict[str, dict[str, int]]:
        result = metrics.placement(session, "area", today=min(day, today))
        return {g["group"]: {c: int(g[c]) for c in _COUNTS} for g in result.get("groups", [])}

    now, before = cumulative(dt.date(year, 12, 31)), cumulative(dt.date(year - 1, 12, 31))
    zero = dict.fromkeys(_COUNTS, 0)
    return {area: _placement({c: now[area][c] - before.get(area, zero)[c] for c in _COUNTS})
            for area in now}


def _supply_by_area(session: Session, period: Period, today: dt.date
                    ) -> dict[str, dict[str, int]]:
    rows = session.execute(
        select(Posting.area, Posting.headcount, Posting.hired)
        .join(Enterprise, Enterprise.id == Posting.enterprise_id)
        .where(Enterprise.industry.in_(KEY_INDUSTRIES), Posting.opened >= period.start,
               Posting.opened <= min(period.end, today))).all()
    out: dict[str, dict[str, int]] = {}
    for area, headcount, hired in rows:
        cell = out.setdefault(area, {"demand": 0, "met": 0})
        cell["demand"] += headcount
        cell["met"] += min(headcount, hired)
    return out


def _supply(counts: dict[str, int]) -> dict[str, Any]:
    return {**counts, "satisfaction": _share(counts["met"], counts["demand"]),
            "goal": metrics.SUPPLY_GOAL,
            "meets_goal": metrics.meets(counts["met"], counts["demand"], metrics.SUPPLY_GOAL)}


def _training(session: Session, year: int, today: dt.date,
              groups: list[dict[str, Any]]) -> dict[str, Any]:
    """The city's training of ``year``: against the annex in a year of the plan; in
    another, the person-times (as :func:`~api.services.metrics.training` counts them)
    with no target."""
    if year in metrics.PLAN_YEARS:
        trained, target = sum(g["trained"] for g in groups), sum(g["target"] for g in groups)
        return {"trained": trained, "target": target, "share": _share(trained, target),
                "meets_target": trained >= target, "has_target": True}
    trained = session.scalar(select(func.count()).select_from(Trainee).where(
        Trainee.graduation_date >= dt.date(year, 1, 1),
        Trainee.graduation_date <= min(dt.date(year, 12, 31), today)))
    return {"trained": int(trained or 0), "target": None, "share": None,
            "meets_target": None, "has_target": False}


def annual_report(session: Session, taxonomy: Taxonomy, period: Period,
                  today: dt.date | None = None) -> dict[str, Any]:
    """The report of ``period`` (a year) as plain data (JSON, and the files' source)."""
    year, today = period.start.year, today or dt.date.today()
    training = [g for g in metrics.training(session, today)["groups"] if g["year"] == year]
    placement = _placement_by_area(session, year, today)
    supply = _supply_by_area(session, period, today)
    names = [g["area_name"] for g in training]
    names += sorted((set(placement) | set(supply)) - set(names) - {"未知"})
    areas = []
    for name in names:
        annex = next((g for g in training if g["area_name"] == name), None)
        train = ({"trained": annex["trained"], "target": annex["target"],
                  "share": annex["share"], "meets_target": annex["meets_target"],
                  "has_target": True} if annex else None)
        areas.append({"area": name, "annex_area": annex["area"] if annex else name,
                      "training": train,
                      "placement": placement.get(name) or _placement(
                          dict.fromkeys(_COUNTS, 0)),
                      "supply": _supply(supply.get(name, {"demand": 0, "met": 0}))})
    city_period = next((g for g in metrics.placement(session, "period", today)["groups"]
                        if g["group"] == str(year)), None)
    city_placement = _placement({c: int(city_period[c]) if city_period else 0
                                 for c in _COUNTS})
    city_supply = _supply({"demand": sum(s["demand"] for s in supply.values()),
                           "met": sum(s["met"] for s in supply.values())})
    survey = demand_survey(session, taxonomy, period, today)
    shortages = [r for r in survey["rows"] if r["gap"] > 0][:SHORTAGES]
    first, last = metrics.PLAN_YEARS[0], metrics.PLAN_YEARS[-1]
    plan_year = year in metrics.PLAN_YEARS
    outside = [] if plan_year else [
        f"{year}年不在《实施方案》目标年度（{first}–{last}年）内：无培训人次目标，不判定是否完成"]
    return {
        "title": f"达州市技能人才培训与就业匹配年度报告（{year}年）",
        "year": year, "generated": today.isoformat(), "plan_year": plan_year,
        "future": year > today.year,
        "goals": {"placement_matching_training": metrics.PLACEMENT_GOAL,
                  "key_industry_supply": metrics.SUPPLY_GOAL},
        "city": {"area": CITY,
                 "training": _training(session, year, today, training),
                 "placement": city_placement, "supply": city_supply},
        "areas": areas, "shortages": shortages,
        "suggested_courses": survey["suggested_courses"][:SHORTAGES],
        "demand_totals": survey["totals"],
        "notes": [
            *outside, *(c["message_zh"] for c in survey["caveats"] if c["code"] == "future"),
            "培训人次：当年结业学员人数，对照《实施方案》附件分年度目标",
            "培训就业匹配率：当年结业学员中，在所学培训职业就业的比例（目标 ≥ 80%）",
            "通过匹配就业占比：当年结业学员中已就业者里，录用前曾被系统推荐到该岗位的比例",
            "重点产业需求满足率：当年已发布（发布日期不晚于生成日期）的重点产业岗位招聘人数中"
            "已录用的比例（目标 ≥ 90%）",
            "最大缺口：全年仍在招聘的岗位人数减去可对应的求职学员与下季度结业学员"
            f"（{survey['supply_window']['label']}，{survey['supply_window']['start']} 至 "
            f"{survey['supply_window']['end']} 结业的在训学员）",
            *unread_gap_notes(survey["totals"]["key_industry_gap_unread"]),
        ]}


def write_annual_report(url: str, year: int, fmt: str, output: str | Path) -> str:
    """Write the report of ``year`` from the database at ``url``; returns its
    :func:`summary_line` (Chinese, the three goals).

    Raises ``ValueError`` (a message for the command line) when the database is
    missing or unmigrated, the year out of range or the format unknown.
    """
    if fmt not in ("xlsx", "html"):
        raise ValueError(f"format must be xlsx or html, not {fmt!r}")
    if not YEARS[0] <= year <= YEARS[1]:
        raise ValueError(f"the year must be {YEARS[0]}–{YEARS[1]}, got {year}")
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").is_file():
        raise ValueError(f"no database at {shown_url(url)} (run `talentmatch serve` once, or pass "
                         "--database-url)")
    engine = make_engine(url)
    try:
        if not inspect(engine).has_table("postings"):
            raise ValueError(f"the database at {shown_url(url)} has no talentmatch tables")
        with make_sessionmaker(engine)() as session:
            report = annual_report(session, Taxonomy.default(), Period.year(year))
    finally:
        engine.dispose()
    if fmt == "html":
        Path(output).write_text(annual_html(report), encoding="utf-8")
    else:
        Path(output).write_bytes(annual_xlsx(report))
    return summary_line(report)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def summary_line(report: dict[str, Any]) -> str:
    """The report's three goals in one Chinese line (what ``talentmatch report`` prints).

    Examples
    --------
    >>> line = summary_line({"city": {
    ...     "training": {"trained": 10, "target": None, "share": None, "has_target": False},
    ...     "placement": {"goal_share": 0.0121, "placed_matching_training": 10,
    ...                   "graduates": 825, "meets_goal": False},
    ...     "supply": {"satisfaction": None, "met": 0, "demand": 0, "meets_goal": False}}})
    >>> for part in line.split("；"):
    ...     print(part)
    培训人次 10（该年度无目标）
    培训就业匹配率 1.2%（10 / 825 人，目标 ≥ 80%，未达到）
    重点产业需求满足率 —（0 / 0 人，目标 ≥ 90%，无数据，不判定）
    """
    t, p, s = (report["city"][k] for k in ("training", "placement", "supply"))
    training = (f"培训人次 {t['trained']:,} / 目标 {t['target']:,}（{_pct(t['share'])}）"
                if t["has_target"] else f"培训人次 {t['trained']:,}（该年度无目标）")
    placement = verdict(p["meets_goal"], p["goal_share"])
    supply = verdict(s["meets_goal"], s["satisfaction"])
    return (f"{training}；培训就业匹配率 {_pct(p['goal_share'])}（"
            f"{p['placed_matching_training']} / {p['graduates']} 人，目标 ≥ "
            f"{metrics.PLACEMENT_GOAL:.0%}，{VERDICTS[placement]}）；"
            f"重点产业需求满足率 {_pct(s['satisfaction'])}（{s['met']} / {s['demand']} 人，"
            f"目标 ≥ {metrics.SUPPLY_GOAL:.0%}，{VERDICTS[supply]}）")

