"""The quarterly demand survey (需求摸排): demand, fills, supply and the gap, per cell.

A cell is industry × occupation × level × area, read from the postings (the
enterprise's industry, the occupation the posting was read as, its minimum level, its
area). Per cell, over the postings *opened* in the period:

- ``demanded``: their headcount; ``open``: what is still unfilled of those still open
  (headcount − hired); ``filled``: placements *recorded* in the period (into postings
  of the cell, whenever they opened);
- supply: seeking graduates (status seeking, graduated by the period's end) and
  trainees of courses ending in the following quarter, by their course's occupation
  and target level. A person counts once: supply is attributed to the cells greedily,
  the most demanding level first, each cell taking people of its occupation at or above
  its level who live in its area or would work there (their preferred areas; 不限:
  anywhere) — graduates before those still in a course, locals first; the supply left
  over is the surplus;
- ``gap``: what is still open and the attributed supply does not cover.

For the key industries (:data:`matcher.KEY_INDUSTRIES`) the gaps become suggested
order-based courses (订单式培训): occupation, level, area, size and the enterprises that
would order them. Trainee statuses are today's: a survey of a past quarter counts
today's seekers. A survey of a quarter that has not begun (supply projected from
today's statuses, demand only what is already announced), or of one outside the plan
(2025–2027, no targets), is still made, and says so in ``caveats`` (Chinese and
English; the Chinese also heads ``notes``).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.errors import UnprocessableError
from api.models import Course, Enterprise, Placement, Posting, Trainee
from api.services.metrics import PLAN_YEARS
from matcher import KEY_INDUSTRIES
from matcher.areas import anywhere, canonical_area, split_areas
from matcher.levels import format_level, parse_level
from matcher.taxonomy import Taxonomy

__all__ = ["Period", "caveats", "current_quarter", "demand_survey", "parse_quarter",
           "parse_year"]

_QUARTER = re.compile(r"^(\d{4})\s*[-_/ ]?\s*[Qq]\s*([1-4])$")
_QUARTER_ZH = re.compile(r"^(\d{4})\s*年?\s*第?\s*([1-4一二三四])\s*季度$")
_ZH_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4}
YEARS = (2000, 2100)
NO_LEVEL = "不限"
UNREAD = "（未识别职业）"


@dataclass(frozen=True)
class Period:
    """A quarter or a year: its label and first and last days (inclusive)."""

    label: str
    start: dt.date
    end: dt.date

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        start = dt.date(year, 3 * quarter - 2, 1)
        following = dt.date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
        return cls(f"{year}Q{quarter}", start, following - dt.timedelta(days=1))

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(str(year), dt.date(year, 1, 1), dt.date(year, 12, 31))

    def next_quarter(self) -> Period:
        day = self.end + dt.timedelta(days=1)
        return Period.quarter(day.year, (day.month - 1) // 3 + 1)


def _check_year(year: int, field: str) -> int:
    if not YEARS[0] <= year <= YEARS[1]:
        raise UnprocessableError(f"{field}：年份须在 {YEARS[0]}–{YEARS[1]} 之间，收到 {year}",
                                 f"{field}: the year must be {YEARS[0]}–{YEARS[1]}, got {year}",
                                 details=[{"field": field, "value": year}])
    return year


def parse_quarter(text: str) -> Period:
    """``2026Q1`` (also ``2026-Q1``, ``2026q1``, ``2026年第1季度``, ``2026年第一季度``).

    Examples
    --------
    >>> p = parse_quarter("2026Q1")
    >>> p.start.isoformat(), p.end.isoformat(), p.next_quarter().label
    ('2026-01-01', '2026-03-31', '2026Q2')
    """
    cleaned = unicodedata.normalize("NFKC", text or "").strip()  # ２０２６Ｑ１ too
    found = _QUARTER.match(cleaned) or _QUARTER_ZH.match(cleaned)
    if found is None:
        raise UnprocessableError(
            f"quarter：无法识别季度“{cleaned}”，请写成 2026Q1（年份 + Q + 1–4）",
            f"quarter: cannot read {cleaned!r}; write it as 2026Q1 (year, Q, 1–4)",
            details=[{"field": "quarter", "value": cleaned}])
    year, number = int(found.group(1)), found.group(2)
    return Period.quarter(_check_year(year, "quarter"), _ZH_DIGITS.get(number) or int(number))


def parse_year(year: int) -> Period:
    return Period.year(_check_year(year, "year"))


def current_quarter(today: dt.date | None = None) -> Period:
    today = today or dt.date.today()
    return Period.quarter(today.year, (today.month - 1) // 3 + 1)


def _frame(session: Session, query: Any) -> pd.DataFrame:
    result = session.execute(query)
    return pd.DataFrame(result.all(), columns=list(result.keys()))


def _rank(text: object) -> int:
    """A level as a rank, −1 where none is required or it cannot be read."""
    try:
        rank = parse_level(text if isinstance(text, str) else None)
    except ValueError:
        rank = None
    return -1 if rank is None else rank


def _level_label(rank: int) -> str:
    return NO_LEVEL if rank < 0 else format_level(rank)


def _occupation_name(taxonomy: Taxonomy, code: str | None) -> str:
    if not code:
        return UNREAD
    return taxonomy[code].name if code in taxonomy else code


def _supply(session: Session, period: Period) -> pd.DataFrame:
    """Seeking people with occupation, level, area and kind (graduate / soon)."""
    soon = period.next_quarter()
    people = _frame(session, select(
        Trainee.id, Trainee.area, Trainee.preferred_areas, Trainee.graduation_date,
        Course.end_date,
        Course.occupation_code, Course.target_level)
        .join(Course, Course.id == Trainee.course_id)
        .where(Trainee.status == "seeking", Trainee.deleted_at.is_(None)))
    if people.empty:
        return people.assign(kind=pd.Series(dtype=str), rank=pd.Series(dtype=int))
    graduate = people["graduation_date"] <= period.end
    ending = (people["end_date"] >= soon.start) & (people["end_date"] <= soon.end) & ~graduate
    people["kind"] = None
    people.loc[graduate, "kind"] = "graduate"
    people.loc[ending, "kind"] = "soon"
    people = people[people["kind"].notna()].copy()
    people["rank"] = [_rank(t) for t in people["target_level"]]
    return people


def _willing(preferred: object) -> frozenset[str] | None:
    """The areas a person would work in besides their own; None: anywhere (also when none
    were given: the column is read through pandas, where a missing text is NaN)."""
    if not isinstance(preferred, str) or anywhere(preferred):
        return None
    return frozenset(canonical_area(a) for a in split_areas(preferred))


def _attribute(cells: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    """Supply per cell, each person once, most demanding level first (module docstring)."""
    cells = cells.copy()
    cells["supply_graduates"] = 0
    cells["supply_soon"] = 0
    by_code: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for person in people.to_dict("records"):
        person["willing"] = _willing(person["preferred_areas"])
        person["used"] = False
        by_code[person["occupation_code"]].append(person)
    order = cells.sort_values(["level_rank", "open"], ascending=[False, False]).index
    for i in order:
        need, area = int(cells.at[i, "open"]), cells.at[i, "area"]
        level = int(cells.at[i, "level_rank"])
        pool = [p for p in by_code.get(cells.at[i, "occupation_code"], ())
                if not p["used"] and p["rank"] >= level and (
                    p["area"] == area or p["willing"] is None or area in p["willing"])]
        # Graduates before those still in a course, locals first, the lowest level that
        # suffices first (higher levels stay for other cells).
        pool.sort(key=lambda p: (p["kind"] != "graduate", p["area"] != area, p["rank"]))
        for p in pool[:max(need, 0)]:
            p["used"] = True
            column = "supply_graduates" if p["kind"] == "graduate" else "supply_soon"
            cells.at[i, column] += 1
    cells["gap"] = (cells["open"] - cells["supply_graduates"] - cells["supply_soon"]).clip(
        lower=0)
    return cells


def caveats(period: Period, today: dt.date | None = None) -> list[dict[str, str]]:
    """What a reader of the survey of ``period`` must know about its period: a
    ``future`` one (not begun by ``today``) and one ``before_plan`` or ``after_plan``.

    Examples
    --------
    >>> [c["code"] for c in caveats(parse_quarter("2030Q1"), dt.date(2026, 11, 29))]
    ['future', 'after_plan']
    >>> caveats(parse_quarter("2026Q4"), dt.date(2026, 11, 29))
    []
    """
    today = today or dt.date.today()
    first, last = PLAN_YEARS[0], PLAN_YEARS[-1]
    out = []
    if period.start > today:
        out.append({"code": "future", "message_zh": (
            f"{period.label} 尚未到来（今天是 {today.isoformat()}）：供给按今天的学员状态推算"
            f"（现在“求职中”、到期末将已结业或下季度结业的学员），需求只含已提前发布、发布日期在"
            f"本期内的岗位，不是该期的实际情况"), "message_en": (
            f"{period.label} has not begun (today is {today.isoformat()}): supply is "
            "projected from today's trainee statuses (seeking now, graduated by the "
            "period's end or ending a course in the next quarter) and demand counts only "
            "the postings already announced to open in it; it is not what that period "
            "will be")})
    if period.end.year < first or period.start.year > last:
        side_zh, side_en, code = (("早于", "before", "before_plan") if period.end.year < first
                                  else ("晚于", "after", "after_plan"))
        out.append({"code": code, "message_zh": (
            f"{period.label} {side_zh}《实施方案》（{first}–{last}年）：该期没有计划目标；"
            "学员状态为今天的状态"), "message_en": (
            f"{period.label} lies {side_en} the plan ({first}–{last}): the plan sets it no "
            "targets; trainee statuses are today's")})
    return out


def demand_survey(session: Session, taxonomy: Taxonomy, period: Period,
                  today: dt.date | None = None) -> dict[str, Any]:
    """The survey of ``period`` (a quarter; a year works the same way), with the
    ``caveats`` of its period as of ``today`` (default: today)."""
    postings = _frame(session, select(
        Posting.id, Posting.enterprise_id, Enterprise.name.label("enterprise"),
        Enterprise.industry, Posting.occupation_code, Posting.min_level, Posting.area,
        Posting.headcount, Posting.hired, Posting.status, Posting.opened)
        .join(Enterprise, Enterprise.id == Posting.enterprise_id))
    start = dt.datetime.combine(period.start, dt.time())
    stop = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time())
    hires = _frame(session, select(Placement.posting_id).where(Placement.at >= start,
                                                               Placement.at < stop))
    postings["level_rank"] = [_rank(t) for t in postings["min_level"]]
    in_period = (postings["opened"] >= period.start) & (postings["opened"] <= period.end)
    postings["filled"] = postings["id"].map(hires["posting_id"].value_counts()).fillna(0)
    postings["n"] = in_period.astype(int)
    postings["demanded"] = postings["headcount"].where(in_period, 0)
    postings["open"] = (postings["headcount"] - postings["hired"]).clip(lower=0).where(
        in_period & (postings["status"] == "open"), 0)
    relevant = postings[in_period | (postings["filled"] > 0)]
    keys = ["industry", "occupation_code", "level_rank", "area"]
    cells = (relevant.fillna({"occupation_code": ""})
             .groupby(keys, sort=True)
             .agg(postings=("n", "sum"), demanded=("demanded", "sum"),
                  filled=("filled", "sum"), open=("open", "sum"))
             .reset_index())
    people = _supply(session, period)
    cells = _attribute(cells, people)
    enterprises = (relevant[relevant["open"] > 0].fillna({"occupation_code": ""})
                   .groupby(keys)[["enterprise_id", "enterprise"]]
                   .apply(lambda f: sorted(set(zip(f["enterprise_id"], f["enterprise"],
                                                   strict=True)))))
    rows = []
    for c in cells.to_dict("records"):
        rank, code = int(c["level_rank"]), c["occupation_code"] or None
        rows.append({
            "industry": c["industry"], "key_industry": c["industry"] in KEY_INDUSTRIES,
            "occupation_code": code, "occupation": _occupation_name(taxonomy, code),
            "level": None if rank < 0 else rank, "level_label": _level_label(rank),
            "area": c["area"], "postings": int(c["postings"]), "demanded": int(c["demanded"]),
            "filled": int(c["filled"]), "open": int(c["open"]),
            "supply_graduates": int(c["supply_graduates"]),
            "supply_soon": int(c["supply_soon"]), "gap": int(c["gap"])})
    rows.sort(key=lambda r: (-r["gap"], -r["demanded"], r["industry"], r["area"]))
    courses = _suggested_courses(rows, enterprises)
    graduates = int((people["kind"] == "graduate").sum()) if len(people) else 0
    soon_count = int((people["kind"] == "soon").sum()) if len(people) else 0
    attributed = sum(r["supply_graduates"] + r["supply_soon"] for r in rows)
    soon = period.next_quarter()
    warnings = caveats(period, today)
    unread_gap = sum(r["gap"] for r in rows if r["key_industry"] and r["occupation_code"] is None)
    totals = {"postings_opened": int(postings["n"].sum()),
              "demanded": int(postings["demanded"].sum()), "filled": len(hires),
              "open": int(postings["open"].sum()), "seeking_graduates": graduates,
              "in_courses_ending_soon": soon_count, "supply_attributed": attributed,
              "surplus": graduates + soon_count - attributed,
              "gap": sum(r["gap"] for r in rows),
              "key_industry_gap": sum(r["gap"] for r in rows if r["key_industry"]),
              "suggested_course_places": sum(c["size"] for c in courses),
              "key_industry_gap_unread": unread_gap}
    return {"label": "季度技能人才需求摸排", "period": period.label,
            "start": period.start.isoformat(), "end": period.end.isoformat(),
            "supply_window": {"label": soon.label, "start": soon.start.isoformat(),
                              "end": soon.end.isoformat()},
            "totals": totals, "rows": rows, "suggested_courses": courses,
            "caveats": warnings,
            "notes": [
                *(c["message_zh"] for c in warnings),
                "需求：本期新发布岗位的招聘人数；在招缺口：其中仍在招聘岗位的未招满人数；"
                "已录用：本期登记的录用人数",
                f"供给：求职中的已结业学员，以及下一季度（{soon.label}，{soon.start:%Y-%m-%d} 至 "
                f"{soon.end:%Y-%m-%d}）结业的在训学员（按所学职业、目标等级和所在区域）；"
                "每人只计一次，优先计入等级要求高的岗位",
                "需求人数大于已录用与在招缺口之和的，差额为已关闭或已标记招满、未登记录用的岗位",
                *unread_gap_notes(unread_gap),
                "学员状态为当前状态"]}


def unread_gap_notes(gap: int) -> list[str]:
    """The note explaining a key-industry gap of postings whose occupation was not read
    (none when there is no such gap): the survey's and the annual report's.

    >>> unread_gap_notes(0), len(unread_gap_notes(10))
    ([], 1)
    """
    return [f"重点产业缺口中有 {gap} 人的岗位职业未能识别（“（未识别职业）”行），"
            "不生成订单式培训建议，请核对岗位名称"] if gap else []


def _suggested_courses(rows: list[dict[str, Any]], enterprises: pd.Series
                       ) -> list[dict[str, Any]]:
    """Key-industry gaps as order-based courses: one per occupation × level × area."""
    merged: dict[tuple[Any, ...], dict[str, Any]] = {}
    for r in rows:
        if not r["key_industry"] or r["gap"] <= 0 or r["occupation_code"] is None:
            continue
        key = (r["occupation_code"], -1 if r["level"] is None else r["level"], r["area"])
        course = merged.setdefault(key, {
            "occupation_code": r["occupation_code"], "occupation": r["occupation"],
            "level": r["level"], "level_label": r["level_label"], "area": r["area"],
            "size": 0, "industries": [], "enterprises": []})
        course["size"] += r["gap"]
        if r["industry"] not in course["industries"]:
            course["industries"].append(r["industry"])
        cell = (r["industry"], r["occupation_code"], key[1], r["area"])
        for eid, name in enterprises.get(cell, []):
            if eid not in {e["id"] for e in course["enterprises"]}:
                course["enterprises"].append({"id": eid, "name": name})
    return sorted(merged.values(), key=lambda c: (-c["size"], c["occupation_code"], c["area"]))
