"""Courses (cohorts): list, read, create, update."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from api.deps import IndexDep, PageDep, SessionDep, UserDep
from api.schemas import CourseCreate, CoursePublic, CoursesPublic, CourseUpdate
from api.services import entities
from api.services.present import course_public

router = APIRouter(prefix="/courses", tags=["courses"])
IdPath = Annotated[str, Path(max_length=32)]


@router.get("", response_model=CoursesPublic)
def list_courses(session: SessionDep, who: UserDep, paging: PageDep,
                 area: Annotated[str | None, Query(max_length=50)] = None,
                 occupation_code: Annotated[str | None, Query(max_length=20)] = None,
                 provider_kind: Annotated[str | None, Query(max_length=30)] = None
                 ) -> CoursesPublic:
    rows, total = entities.list_courses(session, who, paging, area=area,
                                        occupation_code=occupation_code,
                                        provider_kind=provider_kind)
    return CoursesPublic(items=[course_public(c) for c in rows], total=total,
                         page=paging.page, page_size=paging.page_size)


@router.post("", response_model=CoursePublic, status_code=status.HTTP_201_CREATED)
def create_course(body: CourseCreate, session: SessionDep, who: UserDep, index: IndexDep
                  ) -> CoursePublic:
    """Create a course; without an ``occupation_code`` it gets the code its occupation
    reads as (422 when it cannot be read: give the code). A code given is kept."""
    return course_public(entities.create_course(session, index, who, body.model_dump()))


@router.get("/{course_id}", response_model=CoursePublic)
def read_course(course_id: IdPath, session: SessionDep, who: UserDep) -> CoursePublic:
    return course_public(entities.get_course(session, who, course_id))


@router.patch("/{course_id}", response_model=CoursePublic)
def update_course(course_id: IdPath, body: CourseUpdate, session: SessionDep, who: UserDep,
                  index: IndexDep) -> CoursePublic:
    """Update a course; a new occupation without a code is read again (see create)."""
    return course_public(entities.update_course(session, index, who, course_id,
                                                body.model_dump(exclude_unset=True)))
