"""Allocation plans for a job fair (counselors and admins), with an Excel export.

CPU-bound scoring and solving: plain ``def`` routes, run in the thread pool. A plan
reads the log (pairs ended, pairs already recommended, which it does not log again)
after this process's pending rows are written (:data:`api.deps.FreshLog`).
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter
from fastapi.responses import Response

from api.deps import FreshLog, IndexDep, SessionDep, UserDep
from api.services import plans
from api.services.plan_schemas import PlanPublic, PlanRequest

router = APIRouter(prefix="/plans", tags=["plans"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.post("", response_model=PlanPublic, dependencies=[FreshLog])
def make_plan(body: PlanRequest, session: SessionDep, who: UserDep, index: IndexDep
              ) -> PlanPublic:
    """Shortlists (or one-job assignments) for these postings and trainees, spread so
    that not every posting names the same trainees; each pair with its reasons.

    By default each trainee is on at most ``spread`` lists (the places spread evenly)
    in the allocation, and ``fill`` then tops short lists up, each candidate's score
    down-weighted by the lists they are on already, past the spread where a list has
    no other candidates. With ``per_trainee`` no trainee is on more lists than that,
    the top-up included, and the summary counts the places left empty for the limit."""
    return plans.make_plan(session, index, who, body)


@router.post(".xlsx", response_class=Response, responses={200: {"content": {XLSX: {}}}},
             dependencies=[FreshLog])
def export_plan(body: PlanRequest, session: SessionDep, who: UserDep, index: IndexDep
                ) -> Response:
    """The same plan as an Excel file (Chinese headers; contacts only where allowed),
    with the per-trainee limit and the places left empty on the summary sheet."""
    plan = plans.make_plan(session, index, who, body)
    name = quote(f"分配方案_{len(plan.postings)}岗位.xlsx")
    return Response(plans.plan_xlsx(plan), media_type=XLSX, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{name}"})
