"""Enterprises: list, read, create, update."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, status

from api.deps import PageDep, SessionDep, UserDep
from api.schemas import EnterpriseCreate, EnterprisePublic, EnterprisesPublic, EnterpriseUpdate
from api.services import entities
from api.services.present import enterprise_public

router = APIRouter(prefix="/enterprises", tags=["enterprises"])
IdPath = Annotated[str, Path(max_length=32)]


@router.get("", response_model=EnterprisesPublic)
def list_enterprises(session: SessionDep, who: UserDep, paging: PageDep,
                     area: Annotated[str | None, Query(max_length=50)] = None,
                     industry: Annotated[str | None, Query(max_length=50)] = None,
                     q: Annotated[str | None, Query(max_length=100)] = None
                     ) -> EnterprisesPublic:
    rows, total = entities.list_enterprises(session, who, paging, area=area,
                                            industry=industry, q=q)
    return EnterprisesPublic(items=[enterprise_public(e) for e in rows], total=total,
                             page=paging.page, page_size=paging.page_size)


@router.post("", response_model=EnterprisePublic, status_code=status.HTTP_201_CREATED)
def create_enterprise(body: EnterpriseCreate, session: SessionDep, who: UserDep
                      ) -> EnterprisePublic:
    return enterprise_public(entities.create_enterprise(session, who, body.model_dump()))


@router.get("/{enterprise_id}", response_model=EnterprisePublic)
def read_enterprise(enterprise_id: IdPath, session: SessionDep, who: UserDep
                    ) -> EnterprisePublic:
    return enterprise_public(entities.get_enterprise(session, who, enterprise_id))


@router.patch("/{enterprise_id}", response_model=EnterprisePublic)
def update_enterprise(enterprise_id: IdPath, body: EnterpriseUpdate, session: SessionDep,
                      who: UserDep) -> EnterprisePublic:
    patch = body.model_dump(exclude_unset=True)
    return enterprise_public(entities.update_enterprise(session, who, enterprise_id, patch))
