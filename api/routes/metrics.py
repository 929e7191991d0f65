"""The plan's metrics (admin and counselors)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api import access
from api.deps import SessionDep, UserDep
from api.services import metrics

router = APIRouter(prefix="/metrics", tags=["metrics"])


@router.get("/placement")
def placement(session: SessionDep, who: UserDep,
              by: Annotated[str | None,
                            Query(pattern="^(area|course|industry|occupation|period)$")] = None
              ) -> dict[str, Any]:
    """Graduates placed, through matching and in their trained occupation, vs 80 %.

    The goal is judged on ``goal_share``: graduates placed in the occupation they
    trained for, over all graduates (deleted trainees left out). ``placed`` counts
    placement records; ``placed_by_status`` the graduates whose status is 已就业, with
    or without a record (``placed_without_record``); ``labels`` says what each means.
    """
    access.check_role(who, "admin", "counselor")
    return metrics.placement(session, by)


@router.get("/supply")
def supply(session: SessionDep, who: UserDep) -> dict[str, Any]:
    """Key-industry demand (headcount) and how much was met (recorded hires), vs 90 %."""
    access.check_role(who, "admin", "counselor")
    return metrics.supply(session)


@router.get("/training")
def training(session: SessionDep, who: UserDep) -> dict[str, Any]:
    """Person-times trained (graduated so far, deleted trainees included) per area and
    year against the plan's annex."""
    access.check_role(who, "admin", "counselor")
    return metrics.training(session)
