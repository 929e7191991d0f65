"""Dependencies of the routes, as ``Annotated`` aliases (``SessionDep``, ``UserDep`` …).

Those that only read ``app.state`` are ``async def``: a plain ``def`` dependency costs a
trip to the thread pool and back on every request.

Everything comes from ``app.state`` (set up by the lifespan of :func:`api.app.create_app`):
nothing is created at import.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from api.access import Principal
from api.db import GroupWriter
from api.errors import UnauthorizedError, UnprocessableError
from api.models import Trainee, User
from api.security import read_token
from api.services.index import MatchIndex
from api.settings import Settings

__all__ = ["BearerDep", "FreshLog", "IndexDep", "PageDep", "SecretKeyDep", "SessionDep",
           "SettingsDep", "TokenUserDep", "UserDep", "WriterDep", "account_closed", "authenticate",
           "principal"]

_bearer = HTTPBearer(auto_error=False)


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_secret_key(request: Request) -> str:
    return request.app.state.secret_key


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.sessionmaker() as session:
        yield session


def get_index(request: Request, session: Annotated[Session, Depends(get_session)]
              ) -> MatchIndex:
    """This process's index, after applying what other processes changed meanwhile."""
    index: MatchIndex = request.app.state.index
    index.catch_up(session)
    return index


async def get_writer(request: Request) -> GroupWriter:
    return request.app.state.writer


async def admit(request: Request) -> AsyncIterator[None]:
    """At most ``threads`` requests of a process past this point at once (the others wait).

    Routes run in a thread pool of ``threads`` threads (see :mod:`api.app`), and a
    request holds its database connection from its first query to its end, also while
    it waits for a thread for its next step. Were more requests let in than there are
    threads, those holding connections could wait for threads held by requests waiting
    for connections: the pool runs dry and everyone times out. A dependency of every
    ``/api/v1`` route, solved before the others and after the body has arrived, so a
    slow upload holds no place.
    """
    async with request.app.state.admission:
        yield


def flush_log(request: Request) -> None:
    """Commit this process's pending log rows (recommendations served, audit entries).

    For routes that read the log or decide from it (a hire is *through matching* when a
    recommendation was logged before it): see :class:`api.db.GroupWriter`.
    """
    request.app.state.writer.flush()


#: ``dependencies=[FreshLog]``: the route reads this process's log up to date.
FreshLog = Depends(flush_log)

SettingsDep = Annotated[Settings, Depends(get_settings)]
SecretKeyDep = Annotated[str, Depends(get_secret_key)]
SessionDep = Annotated[Session, Depends(get_session)]
IndexDep = Annotated[MatchIndex, Depends(get_index)]
WriterDep = Annotated[GroupWriter, Depends(get_writer)]


_USERS = User.__table__.c
_TRAINEES = Trainee.__table__.c
#: Every request pays for this look-up: built once, a Core statement (no ORM query
#: compilation), executed on the session's connection. ``trainee_deleted_at``: the
#: account of a deleted trainee is closed (see :func:`account_closed`).
_PRINCIPAL = select(_USERS.id, _USERS.username, _USERS.role, _USERS.enterprise_id,
                    _USERS.trainee_id, _USERS.areas, _USERS.active,
                    _TRAINEES.deleted_at.label("trainee_deleted_at")
                    ).select_from(User.__table__.outerjoin(
                        Trainee.__table__, _TRAINEES.id == _USERS.trainee_id)
                    ).where(_USERS.id == bindparam("user_id"))


def principal_of(user: User) -> Principal:
    areas = tuple(a for a in (user.areas or "").split("、") if a) or None
    return Principal(user.id, user.username, user.role, user.enterprise_id, user.trainee_id,
                     areas)


BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def token_user(secret_key: str, credentials: HTTPAuthorizationCredentials | None) -> int:
    """The user id a bearer token carries (its signature and expiry checked), or 401."""
    if credentials is None:
        raise UnauthorizedError("请先登录（POST /api/v1/auth/login），并在请求头中携带 Bearer 令牌",
                           "sign in first (POST /api/v1/auth/login) and send the bearer token",
                           headers=_CHALLENGE)
    user_id = read_token(secret_key, credentials.credentials)
    if user_id is None:
        raise _expired()
    return user_id


def principal(session: Session, user_id: int) -> Principal:
    """The active user ``user_id`` as access decisions see them, or 401."""
    user = session.connection().execute(_PRINCIPAL, {"user_id": user_id}).first()
    if user is not None and user.trainee_deleted_at is not None:
        raise account_closed()
    if user is None or not user.active:
        raise _expired()
    return principal_of(user)  # type: ignore[arg-type]


def authenticate(session: Session, secret_key: str,
                 credentials: HTTPAuthorizationCredentials | None) -> Principal:
    """The active user a bearer token names, or :class:`UnauthorizedError`."""
    return principal(session, token_user(secret_key, credentials))


def _expired() -> UnauthorizedError:
    return UnauthorizedError("登录已失效，请重新登录",
                             "the token is invalid or expired: sign in again",
                             headers=_CHALLENGE)


def account_closed() -> UnauthorizedError:
    """The account of a deleted trainee: closed with the record (sign-in and tokens)."""
    return UnauthorizedError("该账号已注销：对应的学员信息已删除，不能再登录使用",
                             "this account was closed: its trainee record was deleted, "
                             "so it can no longer sign in or be used",
                             headers=_CHALLENGE, code="account_closed")


_CHALLENGE = {"WWW-Authenticate": "Bearer"}


def get_principal(secret_key: SecretKeyDep, session: SessionDep,
                  credentials: BearerDep) -> Principal:
    return authenticate(session, secret_key, credentials)


async def get_token_user(secret_key: SecretKeyDep, credentials: BearerDep) -> int:
    return token_user(secret_key, credentials)


#: The user id of a valid token, checked before the route's own parameters are (no
#: store access: the busiest routes look the user up in their one worker-thread trip
#: with :func:`principal`, see :mod:`api.routes.matching`).
TokenUserDep = Annotated[int, Depends(get_token_user)]


UserDep = Annotated[Principal, Depends(get_principal)]


@dataclass(frozen=True)
class Paging:
    page: int
    page_size: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


def get_paging(settings: SettingsDep,
               page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
               page_size: Annotated[int, Query(
                   ge=1, le=10_000, description="items per page, at most the service's "
                   "max_page_size (TALENTMATCH_MAX_PAGE_SIZE, default 200)")] = 50) -> Paging:
    if page_size > settings.max_page_size:
        raise UnprocessableError(f"每页最多 {settings.max_page_size} 条",
                            f"page_size may be at most {settings.max_page_size}")
    return Paging(page, page_size)


PageDep = Annotated[Paging, Depends(get_paging)]


def check_k(settings: Settings, k: int, what: str = "名单人数") -> None:
    """``k`` within the service's limit; ``what`` names it (名单人数, 推荐岗位数)."""
    if k > settings.max_k:
        raise UnprocessableError(f"{what}（k）最大为 {settings.max_k}",
                                 f"k may be at most {settings.max_k}")
