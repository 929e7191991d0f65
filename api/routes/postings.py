"""Postings: list, read (with what they were read as), create, update, close."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from api.deps import IndexDep, PageDep, SessionDep, UserDep
from api.schemas import PostingCreate, PostingsPublic, PostingUpdate, PostingWithReading
from api.services import entities
from api.services.present import posting_public, reading_public

router = APIRouter(prefix="/postings", tags=["postings"])
IdPath = Annotated[str, Path(max_length=32)]


@router.get("", response_model=PostingsPublic)
def list_postings(session: SessionDep, who: UserDep, paging: PageDep, index: IndexDep,
                  enterprise_id: Annotated[str | None, Query(max_length=32)] = None,
                  area: Annotated[str | None, Query(max_length=50)] = None,
                  status: Annotated[str | None, Query(pattern="^(open|filled|closed)$")] = None,
                  occupation_code: Annotated[str | None, Query(max_length=20)] = None,
                  q: Annotated[str | None, Query(max_length=100)] = None) -> PostingsPublic:
    rows, total = entities.list_postings(session, who, paging, enterprise_id=enterprise_id,
                                         area=area, status=status,
                                         occupation_code=occupation_code, q=q)
    return PostingsPublic(items=[posting_public(p, index.normalizer) for p in rows],
                          total=total, page=paging.page, page_size=paging.page_size)


@router.post("", response_model=PostingWithReading, status_code=status.HTTP_201_CREATED)
def create_posting(body: PostingCreate, session: SessionDep, who: UserDep, index: IndexDep
                   ) -> PostingWithReading:
    """Create a posting; the answer says what each requirement was read as."""
    posting, reading = entities.create_posting(session, index, who, body.model_dump())
    return PostingWithReading(**posting_public(posting, index.normalizer).model_dump(),
                              reading=reading_public(reading, index.normalizer))


@router.get("/{posting_id}", response_model=PostingWithReading)
def read_posting(posting_id: IdPath, session: SessionDep, who: UserDep, index: IndexDep
                 ) -> PostingWithReading:
    p = entities.get_posting(session, who, posting_id)
    return PostingWithReading(**posting_public(p, index.normalizer).model_dump(),
                              reading=reading_public(entities.posting_reading(index, p),
                                                     index.normalizer))


@router.patch("/{posting_id}", response_model=PostingWithReading)
def update_posting(posting_id: IdPath, body: PostingUpdate, session: SessionDep,
                   who: UserDep, index: IndexDep) -> PostingWithReading:
    """Update a posting (``status: closed`` closes it; it leaves the index at once)."""
    p, reading = entities.update_posting(session, index, who, posting_id,
                                         body.model_dump(exclude_unset=True))
    return PostingWithReading(**posting_public(p, index.normalizer).model_dump(),
                              reading=reading_public(reading, index.normalizer))


@router.delete("/{posting_id}", response_model=PostingWithReading)
def close_posting(posting_id: IdPath, session: SessionDep, who: UserDep, index: IndexDep
                  ) -> PostingWithReading:
    """Close a posting (kept for the record and the metrics)."""
    p, reading = entities.update_posting(session, index, who, posting_id, {"status": "closed"})
    return PostingWithReading(**posting_public(p, index.normalizer).model_dump(),
                              reading=reading_public(reading, index.normalizer))
