"""Shortlists for postings (with an Excel export) and suggestions for trainees.

CPU-bound scoring: plain ``def`` routes, run in the thread pool.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response

from api.deps import IndexDep, SessionDep, SettingsDep, UserDep, WriterDep, check_k
from api.schemas import Shortlist, Suggestions
from api.services import matching

router = APIRouter(tags=["matching"])
IdPath = Annotated[str, Path(max_length=32)]
K = Annotated[int, Query(ge=1, le=100_000, description="how many results (≤ max_k)")]
AreaList = Annotated[list[Annotated[str, Query(max_length=50)]] | None,
                     Query(max_length=20, description="only these areas")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _areas(areas: list[str] | None) -> tuple[str, ...] | None:
    return tuple(areas) if areas else None


def _shortlist(posting_id: IdPath, session: SessionDep, who: UserDep, index: IndexDep,
               settings: SettingsDep, writer: WriterDep, k: K = 20,
               level_tolerance: Annotated[int, Query(ge=0, le=7)] = 0,
               require_area: bool = True, area: AreaList = None) -> Shortlist:
    """The shortlist both routes serve (its query parameters are theirs)."""
    check_k(settings, k)
    return matching.shortlist(session, index, who, posting_id, k,
                              level_tolerance=level_tolerance, require_area=require_area,
                              areas=_areas(area), writer=writer)


ShortlistDep = Annotated[Shortlist, Depends(_shortlist)]


@router.get("/postings/{posting_id}/shortlist", response_model=Shortlist)
def shortlist(result: ShortlistDep) -> Response:
    """The best trainees for a posting, with score, contributions, reasons and gaps."""
    # Serialized once, by the model that documents it (FastAPI would validate it again).
    return Response(result.model_dump_json(), media_type="application/json")


@router.get("/postings/{posting_id}/shortlist.xlsx", response_class=Response,
            responses={200: {"content": {XLSX: {}}}})
def shortlist_export(result: ShortlistDep) -> Response:
    """The shortlist as an Excel file (contacts only where this account may see them)."""
    name = quote(f"推荐名单_{result.posting_id}.xlsx")
    return Response(matching.shortlist_xlsx(result), media_type=XLSX, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{name}"})


@router.get("/trainees/{trainee_id}/suggestions", response_model=Suggestions)
def suggestions(trainee_id: IdPath, session: SessionDep, who: UserDep, index: IndexDep,
                settings: SettingsDep, writer: WriterDep, k: K = 10, area: AreaList = None
                ) -> Suggestions:
    """Open postings for a trainee, and what would unlock more of them."""
    check_k(settings, k)
    return matching.suggestions(session, index, who, trainee_id, k, areas=_areas(area),
                                writer=writer)
