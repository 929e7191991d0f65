"""Shortlists for postings (with an Excel export) and suggestions for trainees.

The service's busiest routes. Scoring is CPU-bound, so it runs in the thread pool, and
in **one** trip there: looking the signed-in user up, catching the index up with the
change feed, matching and logging happen in one plain ``def`` dependency with its own
session, and the route itself (serializing) is ``async``. The token itself is checked
before (``TokenUserDep``, no store access), so a request without a valid token is 401
whatever its query says. Built from the usual dependencies (session,
user, index, route), the same request took six trips to the pool and back, each a
hand-over of the GIL between the event loop and a worker thread: measured with
``benchmarks/api_load.py``, that cost more CPU than the scoring.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from api.access import Principal
from api.deps import SettingsDep, TokenUserDep, WriterDep, check_k, principal
from api.schemas import Shortlist, Suggestions
from api.services import matching
from api.services.index import MatchIndex
from matcher.areas import canonical_area

router = APIRouter(tags=["matching"])
IdPath = Annotated[str, Path(max_length=32)]
K = Annotated[int, Query(ge=1, le=100_000, description="how many results (≤ max_k)")]
AreaList = Annotated[list[Annotated[str, Query(max_length=50)]] | None,
                     Query(max_length=20, description="only these areas")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _areas(areas: list[str] | None) -> tuple[str, ...] | None:
    """The areas asked for, each by its own name (达州 is 达州市), as stored and as an
    area-limited counselor's areas are."""
    return tuple(canonical_area(a) for a in areas) if areas else None


@contextmanager
def _signed_in(request: Request, user_id: int
               ) -> Iterator[tuple[Session, Principal, MatchIndex]]:
    """A session, the signed-in user and this process's index, caught up with the feed."""
    with request.app.state.sessionmaker() as session:
        who = principal(session, user_id)
        index: MatchIndex = request.app.state.index
        index.catch_up(session)
        yield session, who, index


def _shortlist(posting_id: IdPath, request: Request, user_id: TokenUserDep,
               settings: SettingsDep, writer: WriterDep,
               k: K = 20, level_tolerance: Annotated[int, Query(ge=0, le=7)] = 0,
               require_area: bool = True, area: AreaList = None,
               spread: Annotated[bool, Query(description=(
                   "spread: trainees already on other open postings' lists move down, "
                   f"by score / (1 + {matching.SPREAD_PENALTY} × those lists); scores "
                   "unchanged"))] = False
               ) -> Shortlist:
    """The shortlist both routes serve (its query parameters are theirs)."""
    with _signed_in(request, user_id) as (session, who, index):
        check_k(settings, k)
        return matching.shortlist(session, index, who, posting_id, k,
                                  level_tolerance=level_tolerance,
                                  require_area=require_area, areas=_areas(area),
                                  writer=writer, spread=spread)


ShortlistDep = Annotated[Shortlist, Depends(_shortlist)]


@router.get("/postings/{posting_id}/shortlist", response_model=Shortlist)
async def shortlist(result: ShortlistDep) -> Response:
    """The best trainees for a posting, with score, contributions, reasons and gaps.

    Trainees the posting's enterprise turned down (``rejected``) or who withdrew
    (``withdrawn``) for this posting are left out; the next best fill their places.
    """
    # Serialized once, by the model that documents it (FastAPI would validate it again).
    return Response(result.model_dump_json(), media_type="application/json")


@router.get("/postings/{posting_id}/shortlist.xlsx", response_class=Response,
            responses={200: {"content": {XLSX: {}}}})
def shortlist_export(result: ShortlistDep) -> Response:
    """The shortlist as an Excel file (contacts only where this account may see them)."""
    name = quote(f"推荐名单_{result.posting_id}.xlsx")
    return Response(matching.shortlist_xlsx(result), media_type=XLSX, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{name}"})


def _suggestions(trainee_id: IdPath, request: Request, user_id: TokenUserDep,
                 settings: SettingsDep, writer: WriterDep,
                 k: K = 10, area: AreaList = None) -> Suggestions:
    with _signed_in(request, user_id) as (session, who, index):
        check_k(settings, k, "推荐岗位数")
        return matching.suggestions(session, index, who, trainee_id, k,
                                    areas=_areas(area), writer=writer)


@router.get("/trainees/{trainee_id}/suggestions", response_model=Suggestions)
async def suggestions(result: Annotated[Suggestions, Depends(_suggestions)]) -> Suggestions:
    """Open postings for a trainee, and what would unlock more of them.

    Postings the trainee withdrew from or was turned down for are left out.
    """
    return result
