"""Interactions (the outcome log) and placements (hires)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, status
from sqlalchemy.orm import Session

from api.access import Principal
from api.deps import FreshLog, IndexDep, PageDep, SessionDep, UserDep
from api.models import Interaction, Placement, Posting, Trainee
from api.schemas import (
    INTERACTION_LABELS,
    InteractionCreate,
    InteractionPublic,
    InteractionsPublic,
    PlacementCancel,
    PlacementCancelled,
    PlacementCreate,
    PlacementPublic,
    PlacementsPublic,
)
from api.services import outcomes
from api.services.index import MatchIndex

router = APIRouter(tags=["outcomes"])


def _public(e: Interaction, who: Principal) -> InteractionPublic:
    """A step as ``who`` sees it: its note (a cancelled hire's reason) is for staff."""
    return InteractionPublic(id=e.id, kind=e.kind, kind_label=INTERACTION_LABELS[e.kind],
                             posting_id=e.posting_id, trainee_id=e.trainee_id,
                             actor_id=e.actor_id, at=e.at,
                             note=e.note if who.is_staff else None)


@router.post("/interactions", status_code=status.HTTP_201_CREATED,
             response_model=InteractionPublic | PlacementPublic, dependencies=[FreshLog])
def create_interaction(body: InteractionCreate, session: SessionDep, who: UserDep,
                       index: IndexDep) -> InteractionPublic | PlacementPublic:
    """Log a step (``hired`` records a placement, as ``POST /placements``).

    Send an ``Idempotency-Key`` header to make a retry safe."""
    if body.kind == "hired":
        return _hire(session, index, who, body.posting_id, body.trainee_id)
    result = outcomes.record(session, index, who, body.kind, body.posting_id, body.trainee_id)
    if isinstance(result, Placement):
        return PlacementPublic.model_validate(result)
    return _public(result, who)


@router.get("/interactions", response_model=InteractionsPublic, dependencies=[FreshLog])
def list_interactions(session: SessionDep, who: UserDep, paging: PageDep,
                      posting_id: Annotated[str | None, Query(max_length=32)] = None,
                      trainee_id: Annotated[str | None, Query(max_length=32)] = None,
                      kind: Annotated[str | None, Query(max_length=20)] = None
                      ) -> InteractionsPublic:
    rows, total = outcomes.list_interactions(session, who, paging, posting_id=posting_id,
                                             trainee_id=trainee_id, kind=kind)
    return InteractionsPublic(items=[_public(e, who) for e in rows], total=total,
                              page=paging.page, page_size=paging.page_size)


@router.post("/placements", status_code=status.HTTP_201_CREATED,
             response_model=PlacementPublic, dependencies=[FreshLog])
def create_placement(body: PlacementCreate, session: SessionDep, who: UserDep,
                     index: IndexDep) -> PlacementPublic:
    """Hire a trainee for a posting: never beyond headcount, a trainee placed once.

    An enterprise records only the hire of a trainee recommended for its posting who
    still consents (else 404: the job counselor records other hires)."""
    return _hire(session, index, who, body.posting_id, body.trainee_id)


def _hire(session: Session, index: MatchIndex, who: Principal, posting_id: str,
          trainee_id: str) -> PlacementPublic:
    """The hire, with what a counselor should check about it (``warnings``)."""
    # the records as before the hire (which marks the trainee placed). What it says of
    # the trainee is staff's only (the graduation date and status are not an
    # enterprise's to read); of the posting, anyone's who may hire into it.
    warnings = outcomes.hire_warnings(session.get(Trainee, trainee_id) if who.is_staff else None,
                                      session.get(Posting, posting_id))
    placement = outcomes.hire(session, index, who, posting_id, trainee_id)
    return PlacementPublic.model_validate(placement).model_copy(update={"warnings": warnings})


@router.get("/placements", response_model=PlacementsPublic)
def list_placements(session: SessionDep, who: UserDep, paging: PageDep,
                    posting_id: Annotated[str | None, Query(max_length=32)] = None,
                    trainee_id: Annotated[str | None, Query(max_length=32)] = None
                    ) -> PlacementsPublic:
    """Hires one may see (an enterprise: of its postings), by posting and by trainee."""
    rows, total = outcomes.list_placements(session, who, paging, posting_id=posting_id,
                                           trainee_id=trainee_id)
    return PlacementsPublic(items=[PlacementPublic.model_validate(p) for p in rows],
                            total=total, page=paging.page, page_size=paging.page_size)


@router.post("/placements/{placement_id}/cancel", response_model=PlacementCancelled)
def cancel_placement(placement_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
                     body: PlacementCancel,
                     session: SessionDep, who: UserDep, index: IndexDep) -> PlacementCancelled:
    """Cancel a hire recorded by mistake (admin, counselor), with the reason.

    The placement leaves every metric, the posting gets its place back, the trainee
    gets back their status from before the hire; the log keeps the ``hired`` step and
    adds a ``hire_cancelled`` step with the reason (shown to staff only). A cancelled
    hire's id is never given to another: a repeated cancel gets 404."""
    return outcomes.cancel_hire(session, index, who, placement_id, body.reason)
