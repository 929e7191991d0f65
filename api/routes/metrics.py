"""The plan's metrics (admin and counselors)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query

from api import access
from api.deps import SessionDep, UserDep
from api.errors import UnprocessableError
from api.services import metrics

router = APIRouter(prefix="/metrics", tags=["metrics"])
AsOf = Annotated[dt.date | None, Query(
    description="the day counted up to, e.g. 2026-06-30; default: today")]


def _past(as_of: dt.date | None) -> dt.date | None:
    """``as_of`` unless it is after today: a day to come has no placement figures yet
    (trainees graduating by then would count as graduates already). Supply takes one:
    its demand is the postings announced to open by then."""
    today = dt.date.today()
    if as_of is not None and as_of > today:
        raise UnprocessableError(
            f"统计日期 {as_of:%Y-%m-%d} 晚于今天（{today:%Y-%m-%d}）：只能统计到今天为止",
            f"as_of {as_of} is after today ({today}): figures go up to today at most",
            details={"as_of": as_of.isoformat(), "today": today.isoformat()})
    return as_of


@router.get("/placement")
def placement(session: SessionDep, who: UserDep,
              by: Annotated[str | None,
                            Query(pattern="^(area|course|industry|occupation|period)$")] = None,
              as_of: AsOf = None) -> dict[str, Any]:
    """Graduates placed, through matching and in their trained occupation, vs 80 %, up
    to ``as_of`` (not after today).

    The goal is judged on ``goal_share``: graduates placed in the occupation they
    trained for, over all graduates (deleted trainees left out). ``placed`` counts
    placement records; ``placed_by_status`` the graduates whose status is 已就业, with
    or without a record (``placed_without_record``); ``labels`` says what each means.

    Groups are of graduates, placed or not, and add up to ``overall``; ``by_label``
    says how they are formed (by industry: the key industry of the occupation trained
    for; by course: with the course's occupation, level and provider).
    """
    access.check_role(who, "admin", "counselor")
    return metrics.placement(session, by, _past(as_of))


@router.get("/supply")
def supply(session: SessionDep, who: UserDep, as_of: AsOf = None) -> dict[str, Any]:
    """Key-industry demand (headcount of the postings opened by ``as_of``) and how much
    was met (hires recorded by the end of ``as_of``: a past day's figure is that day's),
    vs 90 %; postings not yet opened are counted beside it (``not_yet_open``), not as
    demand."""
    access.check_role(who, "admin", "counselor")
    return metrics.supply(session, as_of)


@router.get("/training")
def training(session: SessionDep, who: UserDep) -> dict[str, Any]:
    """Person-times trained (graduated so far, deleted trainees included) per area and
    year against the plan's annex."""
    access.check_role(who, "admin", "counselor")
    return metrics.training(session)
