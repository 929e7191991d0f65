"""Sign-in: a password for a bearer token, with failed attempts rate-limited."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.access import ROLE_LABELS
from api.deps import SecretKeyDep, SessionDep, SettingsDep, UserDep, account_closed
from api.errors import ApiError, UnauthorizedError
from api.models import Trainee, User
from api.schemas import LoginRequest, Token, UserPublic
from api.security import issue_token, verify_password

router = APIRouter(prefix="/auth", tags=["auth"])

# Compared against when the user does not exist, so both cases take the same time.
_DUMMY_HASH = ("scrypt$16384$8$1$00000000000000000000000000000000$"
               "0000000000000000000000000000000000000000000000000000000000000000")


def _trainee_deleted(session: Session, user: User) -> bool:
    """Is ``user`` the account of a deleted trainee (closed with the record)?"""
    if user.trainee_id is None:
        return False
    trainee = session.get(Trainee, user.trainee_id)
    return trainee is not None and trainee.deleted_at is not None


@router.post("/login", response_model=Token)
def login(body: LoginRequest, request: Request, session: SessionDep,
          settings: SettingsDep, secret_key: SecretKeyDep) -> Token:
    """Exchange a user name and password for a bearer token."""
    limiter = request.app.state.login_limiter
    client = request.client.host if request.client else "?"
    key = f"{body.username.lower()}|{client}"
    wait = limiter.admit(session, key)  # counted as a failure until it succeeds
    if wait:
        raise ApiError(f"登录失败次数过多，请 {wait} 秒后再试",
                       f"too many failed sign-ins: try again in {wait} seconds",
                       status=429, code="rate_limited", headers={"Retry-After": str(wait)})
    user = session.scalar(select(User).where(User.username == body.username))
    ok = verify_password(body.password, user.password_hash if user else _DUMMY_HASH)
    if user is not None and ok and _trainee_deleted(session, user):
        raise account_closed()
    if user is None or not ok or not user.active:
        raise UnauthorizedError("用户名或密码错误", "wrong user name or password")
    limiter.succeeded(session, key)
    token = issue_token(secret_key, user.id, settings.token_ttl_seconds)
    return Token(access_token=token, expires_in=settings.token_ttl_seconds, role=user.role,
                 role_label=ROLE_LABELS[user.role])


@router.get("/me", response_model=UserPublic)
def me(who: UserDep) -> UserPublic:
    """The signed-in account."""
    return UserPublic(id=who.user_id, username=who.username, role=who.role,
                      role_label=ROLE_LABELS[who.role], enterprise_id=who.enterprise_id,
                      trainee_id=who.trainee_id,
                      areas=list(who.areas) if who.areas is not None else None)
