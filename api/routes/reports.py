"""The quarterly demand survey (admins and counselors) and the annual report (admins),
as JSON or files (Excel; HTML for the annual report)."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from api import access
from api.deps import IndexDep, SessionDep, UserDep
from api.services import report_files, reports
from api.services.annual import annual_report

router = APIRouter(prefix="/reports", tags=["reports"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _file(content: bytes, media_type: str, name: str) -> Response:
    return Response(content, media_type=media_type, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


@router.get("/demand", response_model=None,
            responses={200: {"content": {"application/json": {}, XLSX: {}}}})
def demand(session: SessionDep, who: UserDep, index: IndexDep,
           quarter: Annotated[str | None, Query(max_length=20, description=(
               "e.g. 2026Q1; default: the current quarter"))] = None,
           format: Literal["json", "xlsx"] = "json") -> dict[str, Any] | Response:
    """Demand, fills, supply and the gap by industry × occupation × level × area, with
    suggested order-based courses for the key industries."""
    access.check_role(who, "admin", "counselor")
    period = reports.parse_quarter(quarter) if quarter is not None else \
        reports.current_quarter()
    survey = reports.demand_survey(session, index.normalizer.taxonomy, period)
    if format == "xlsx":
        return _file(report_files.demand_xlsx(survey), XLSX, f"需求摸排_{period.label}.xlsx")
    return survey


@router.get("/annual", response_model=None,
            responses={200: {"content": {"application/json": {}, XLSX: {},
                                         "text/html": {}}}})
def annual(session: SessionDep, who: UserDep, index: IndexDep,
           year: Annotated[int, Query(ge=2000, le=2100)],
           format: Literal["json", "html", "xlsx"] = "json") -> dict[str, Any] | Response:
    """The annual report: training against the annex, graduates placed in the occupation
    they trained for against 80 % (with the placements made through matching),
    key-industry supply against 90 %, per area and for the city."""
    access.check_role(who, "admin")
    report = annual_report(session, index.normalizer.taxonomy, reports.parse_year(year))
    if format == "xlsx":
        return _file(report_files.annual_xlsx(report), XLSX, f"年度报告_{year}.xlsx")
    if format == "html":
        return HTMLResponse(report_files.annual_html(report))
    return report
