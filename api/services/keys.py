"""The token signing key: the configured one, else one generated once and kept in the store.

A server started without ``TALENTMATCH_SECRET_KEY`` must not sign tokens with a key
anyone can read in the source (they could sign themselves an admin token). Instead the
first start generates a random key and stores it in ``service_secrets``; later starts,
and every other process on the same database, read that key, so tokens survive restarts
and are accepted by every worker. A configured key always wins.
"""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.models import ServiceSecret

__all__ = ["SIGNING_KEY", "signing_key"]

#: The name of the generated signing key in ``service_secrets``.
SIGNING_KEY = "token_signing_key"


_SELECT = select(ServiceSecret.value).where(ServiceSecret.name == SIGNING_KEY)


def signing_key(session: Session, configured: str | None) -> str:
    """The key that signs login tokens: ``configured``, else the store's (made if missing).

    Examples
    --------
    >>> from api.db import make_engine, make_sessionmaker, migrate
    >>> engine = make_engine("sqlite://")
    >>> migrate(engine)
    >>> with make_sessionmaker(engine)() as session:
    ...     first, again = signing_key(session, None), signing_key(session, None)
    ...     configured = signing_key(session, "a-configured-key-0123")
    >>> first == again and len(first) >= 32, configured
    (True, 'a-configured-key-0123')
    """
    if configured:
        return configured
    stored = session.scalar(_SELECT)
    if stored is not None:
        return stored
    key = secrets.token_urlsafe(32)
    session.add(ServiceSecret(name=SIGNING_KEY, value=key))
    try:
        session.commit()
    except IntegrityError:  # another process stored its key first: everyone uses that one
        session.rollback()
        key = session.scalars(_SELECT).one()
    return key
