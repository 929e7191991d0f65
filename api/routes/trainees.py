"""Trainees: list, read (audited), create, update (consent), delete."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from api.deps import IndexDep, PageDep, SessionDep, UserDep
from api.schemas import Message, TraineeCreate, TraineePublic, TraineesPublic, TraineeUpdate
from api.services import entities
from api.services.present import trainee_public

router = APIRouter(prefix="/trainees", tags=["trainees"])
IdPath = Annotated[str, Path(max_length=32)]


@router.get("", response_model=TraineesPublic)
def list_trainees(session: SessionDep, who: UserDep, paging: PageDep,
                  area: Annotated[str | None, Query(max_length=50)] = None,
                  course_id: Annotated[str | None, Query(max_length=32)] = None,
                  status: Annotated[str | None,
                                    Query(pattern="^(seeking|placed|withdrawn)$")] = None
                  ) -> TraineesPublic:
    rows, total = entities.list_trainees(session, who, paging, area=area, course_id=course_id,
                                         status=status)
    items = entities.read_trainees_audited(session, who, rows, "list", trainee_public)
    return TraineesPublic(items=items, total=total, page=paging.page,
                          page_size=paging.page_size)


@router.post("", response_model=TraineePublic, status_code=status.HTTP_201_CREATED)
def create_trainee(body: TraineeCreate, session: SessionDep, who: UserDep, index: IndexDep
                   ) -> TraineePublic:
    t = entities.create_trainee(session, index, who, body.model_dump())
    return trainee_public(t, who)[0]


@router.get("/{trainee_id}", response_model=TraineePublic)
def read_trainee(trainee_id: IdPath, session: SessionDep, who: UserDep) -> TraineePublic:
    t = entities.get_trainee(session, who, trainee_id)
    return entities.read_trainees_audited(session, who, [t], "read", trainee_public)[0]


@router.patch("/{trainee_id}", response_model=TraineePublic)
def update_trainee(trainee_id: IdPath, body: TraineeUpdate, session: SessionDep,
                   who: UserDep, index: IndexDep) -> TraineePublic:
    """Update a trainee; withdrawing consent takes them out of every shortlist at once."""
    t = entities.update_trainee(session, index, who, trainee_id,
                                body.model_dump(exclude_unset=True))
    # the answer shows the personal data: a read like any other, audited
    return entities.read_trainees_audited(session, who, [t], "update", trainee_public)[0]


@router.delete("/{trainee_id}", response_model=Message)
def delete_trainee(trainee_id: IdPath, session: SessionDep, who: UserDep, index: IndexDep
                   ) -> Message:
    """Erase a trainee's personal data; they appear in no shortlist, export or index."""
    entities.delete_trainee(session, index, who, trainee_id)
    return Message(message_zh=f"学员 {trainee_id} 的个人信息已删除",
                   message_en=f"trainee {trainee_id}'s personal data was erased")
