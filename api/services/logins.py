"""The login rate limit, kept in the store so that every worker process applies one limit.

Failed sign-ins are counted per user name and client address in a sliding window of
``window`` seconds; ``attempts`` failures within it answer 429 with ``Retry-After``
until the oldest of them leaves the window. A success clears the key. Each attempt is
checked and counted in one locked transaction before the password is verified
(:meth:`StoredLoginLimiter.admit`), so that concurrent guesses cannot slip past. Rows older than
the window are deleted at each failure, so the table holds at most the failures of one
window, however many user names an attacker makes up. Clock: the database rows carry
the wall-clock time of the process that wrote them (processes share one machine or
synchronized clocks).
"""

from __future__ import annotations

import datetime as dt
import math

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from api.db import advisory_lock, write_lock
from api.models import LoginFailure, utcnow

__all__ = ["StoredLoginLimiter"]


class StoredLoginLimiter:
    """Failed logins per key in a sliding window, in the ``login_failures`` table.

    Examples
    --------
    >>> from api.db import make_engine, make_sessionmaker, migrate
    >>> engine = make_engine("sqlite://")
    >>> migrate(engine)
    >>> limiter = StoredLoginLimiter(attempts=2, window_seconds=60)
    >>> with make_sessionmaker(engine)() as session:
    ...     limiter.failed(session, "ann|10.0.0.1")
    ...     first = limiter.retry_after(session, "ann|10.0.0.1")
    ...     limiter.failed(session, "ann|10.0.0.1")
    ...     second = limiter.retry_after(session, "ann|10.0.0.1")
    >>> first, 55 <= second <= 60
    (0, True)
    """

    def __init__(self, attempts: int, window_seconds: float) -> None:
        if attempts < 1 or window_seconds <= 0:
            raise ValueError("attempts ≥ 1 and window_seconds > 0 are needed")
        self.attempts = attempts
        self.window = dt.timedelta(seconds=window_seconds)

    def retry_after(self, session: Session, key: str, *, now: dt.datetime | None = None
                    ) -> int:
        """Seconds to wait before trying again (0: may try now)."""
        now = now or utcnow()
        recent = list(session.scalars(
            select(LoginFailure.at).where(LoginFailure.key == key,
                                          LoginFailure.at > now - self.window)
            .order_by(LoginFailure.at.desc()).limit(self.attempts)))
        if len(recent) < self.attempts:
            return 0
        wait = (recent[-1] + self.window - now).total_seconds()
        return max(1, math.ceil(wait))

    def admit(self, session: Session, key: str, *, now: dt.datetime | None = None) -> int:
        """Check and count one attempt at once: seconds to wait, or 0 to go ahead.

        Going ahead records the attempt as a failure first, in the same transaction as
        the check (committed before the password is checked), so that concurrent
        attempts cannot all pass one check; :meth:`succeeded` takes it back. Holders of
        the write lock (SQLite) or of the key's advisory lock (PostgreSQL) take turns.
        """
        now = now or utcnow()
        session.rollback()  # a transaction of its own, holding the lock from its start
        write_lock(session)
        advisory_lock(session, f"talentmatch-login|{key}")
        wait = self.retry_after(session, key, now=now)
        if not wait:
            self._count(session, key, now)
        session.commit()
        return wait

    def failed(self, session: Session, key: str, *, now: dt.datetime | None = None) -> None:
        """Count a failure (committed at once, in a transaction of its own)."""
        session.rollback()  # end the read transaction (the user look-up) before writing
        write_lock(session)
        self._count(session, key, now or utcnow())
        session.commit()

    def _count(self, session: Session, key: str, now: dt.datetime) -> None:
        """Record a failure of ``key`` and delete those of past windows (all keys)."""
        session.execute(delete(LoginFailure).where(LoginFailure.at <= now - self.window))
        session.execute(insert(LoginFailure), [{"key": key, "at": now}])

    def succeeded(self, session: Session, key: str) -> None:
        """Forget the key's failures (committed at once)."""
        if session.scalar(select(func.count()).select_from(LoginFailure)
                          .where(LoginFailure.key == key)):
            session.rollback()
            write_lock(session)
            session.execute(delete(LoginFailure).where(LoginFailure.key == key))
            session.commit()

    @staticmethod
    def tracked(session: Session) -> int:
        """How many failures the table holds (all keys)."""
        return session.scalar(select(func.count()).select_from(LoginFailure)) or 0
