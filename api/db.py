"""The SQL store: engine creation, sessions, migrations and the write lock.

SQLite is the embedded default (a file, WAL journal so readers never wait for the
writer, foreign keys on, a busy timeout); PostgreSQL is the multi-user store. Both are
migrated by Alembic (``api/migrations``) to the same schema.

SQLite's driver would open transactions lazily ("deferred"): two writers that both
read first then fail with "database is locked" under load. The engine therefore issues
``BEGIN`` itself, and :func:`write_lock` makes a session's transaction start with
``BEGIN IMMEDIATE`` (the write lock taken up front; others wait ``busy_timeout``).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, Table, create_engine, event, insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DataError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

__all__ = ["GroupWriter", "advisory_lock", "is_sqlite", "make_engine", "make_sessionmaker",
           "migrate", "write_lock"]

log = logging.getLogger("talentmatch.db")

_MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_IMMEDIATE = "talentmatch_sqlite_immediate"


def is_sqlite(engine: Engine | Connection) -> bool:
    return engine.dialect.name == "sqlite"


def shown_url(url: str) -> str:
    """A database URL fit to print or log: its password masked.

    >>> shown_url("postgresql://user:s3cret@db/x"), shown_url("notaurl")
    ('postgresql://user:***@db/x', 'notaurl')
    >>> shown_url("postgresql//alice:S3cret@db/x")  # malformed
    'postgresql//alice:***@db/x'
    """
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:  # malformed, yet it may hold a password: mask user:…@
        return re.sub(r"(//[^:/@]*:)[^@]*@", r"\1***@", url)


def make_engine(url: str, *, threads: int = 2) -> Engine:
    """An engine for ``url`` with the pragmas and transaction handling the service needs.

    The connection pool holds more than the ``threads`` requests a process admits at
    once (:func:`api.deps.admit`), plus the log writer and the start-up work.
    """
    parsed = make_url(url)
    pool = {"pool_size": max(5, threads + 3), "max_overflow": 10}
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, **pool)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               **pool)
    else:  # an in-memory database lives in its one connection (SQLAlchemy's default)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        # Autocommit at the driver level: SQLAlchemy's "begin" event issues BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(_IMMEDIATE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def write_lock(session: Session) -> None:
    """Start a transaction of the session holding the write lock (before any change).

    SQLite: ``BEGIN IMMEDIATE``. PostgreSQL needs nothing here: callers lock rows
    (``SELECT … FOR UPDATE``) or update atomically.
    """
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("write_lock must be taken before the session changes anything")
    if session.in_transaction():
        session.rollback()  # end the read transaction (e.g. the login look-up)
    session.connection(execution_options={_IMMEDIATE: True})


def advisory_lock(session: Session, name: str) -> None:
    """PostgreSQL: wait for the transaction-scoped advisory lock ``name`` (held until the
    session's transaction ends). Nothing on SQLite, whose writers hold one write lock
    (:func:`write_lock`) and so take turns already."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"),
                        {"name": name})


def migrate(engine: Engine) -> None:
    """Bring the database to the newest schema (creates it when empty)."""
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


#: A hook of :class:`GroupWriter`: (session, rows inserted per table) → None.
AfterInsert = Callable[[Session, Mapping[Table, list[dict[str, Any]]]], None]


class GroupWriter:
    """Inserts the log rows of many requests in one shared transaction (group commit).

    Every shortlist logs a ``recommended`` interaction and an audit entry per trainee
    shown: one small write transaction per request. Writers are serialized (SQLite has
    one write lock; waiters poll it with growing sleeps), so under load requests queued
    for the lock rather than for the CPU.

    With ``delay == 0`` a request adds its rows and waits for a commit that contains
    them: the first waiter to get the process's write mutex writes everything pending
    at that moment, in one transaction, and the others find theirs already committed;
    :meth:`insert` raises the error of the transaction that failed to write them.

    With ``delay > 0`` (the service's default, ``TALENTMATCH_LOG_DELAY_MS``) the rows
    are written *behind* the request: :meth:`insert` returns at once and a background
    thread commits everything pending every ``delay`` seconds, in one transaction (the
    rows keep the time they were served). A request no longer waits for the write lock,
    and a process takes it once per interval instead of once per request. Whatever
    reads the log first calls :meth:`flush` (a hire deciding whether it came *through
    matching*; listing interactions), so this process never reads its own log stale;
    another process may, for ``delay`` plus any wait for the write lock. :meth:`close`
    (at shutdown) writes the rest; a process that crashes loses what is pending. A
    batch refused for its content is retried one request at a time, and rows that
    still cannot be written (e.g. their trainee was erased meanwhile) are counted in
    :attr:`lost` and logged; a batch that failed because the store was busy or
    unreachable is kept and retried whole at the next interval.
    """

    def __init__(self, sessions: sessionmaker[Session], *, delay: float = 0.0,
                 after_insert: AfterInsert | None = None) -> None:
        if delay < 0:
            raise ValueError(f"delay must be ≥ 0, got {delay!r}")
        self._sessions = sessions
        self.delay = delay
        #: Run in each write's transaction after its inserts, with the rows per table.
        self.after_insert = after_insert
        self.lost = 0  #: rows the background writer could not store
        self._mutex = threading.Lock()  # one writing transaction of this process at a time
        self._guard = threading.Lock()  # protects _pending and _thread
        self._pending: list[_Rows] = []
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    def insert(self, rows: Sequence[tuple[Table, list[dict[str, Any]]]]) -> None:
        """Insert ``rows`` (table, values): committed before returning, or behind."""
        mine = _Rows(rows)
        if not any(values for _, values in rows):
            return
        with self._guard:
            self._pending.append(mine)
            if self.delay > 0:
                if self._thread is None:
                    self._thread = threading.Thread(target=self._run, daemon=True,
                                                    name="talentmatch-log-writer")
                    self._thread.start()
                return
        with self._mutex:
            if not mine.done:
                with self._guard:
                    batch, self._pending = self._pending, []
                self._write_split(batch)
        if mine.error is not None:
            raise mine.error

    def flush(self) -> None:
        """Commit every row pending now (waits for a write in progress)."""
        with self._mutex:
            with self._guard:
                batch, self._pending = self._pending, []
            if batch:
                self._write_or_retry(batch)

    def close(self) -> None:
        """Stop the background writer and commit what is left."""
        self._stop.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout=30)
        self.flush()

    def _run(self) -> None:
        while not self._stop.wait(self.delay):
            try:
                self.flush()
            except Exception:  # never let the writer thread die
                log.exception("the log writer failed")

    def _write_split(self, batch: list[_Rows]) -> None:
        """Write the batch; if its content was refused, each request's rows on their own
        (one request's bad rows then fail only that request)."""
        self._write(batch)
        error = batch[0].error
        if error is not None and _is_data_error(error) and len(batch) > 1:
            for entry in batch:
                self._write([entry])

    def _write_or_retry(self, batch: list[_Rows]) -> None:
        self._write_split(batch)
        # Refused because the store was busy (a long import holds SQLite's lock) or
        # unreachable: kept, first in line, for the next interval.
        retry = [e for e in batch if e.error is not None and not _is_data_error(e.error)]
        if retry:
            with self._guard:
                self._pending = retry + self._pending
            log.warning("log rows kept for a retry: %s", retry[0].error)
        for entry in batch:
            if entry.error is not None and _is_data_error(entry.error):
                self.lost += sum(len(values) for _, values in entry.rows)
                log.error("could not write %d log rows: %s",
                          sum(len(v) for _, v in entry.rows), entry.error)

    def _write(self, batch: list[_Rows]) -> None:
        error: Exception | None = None
        try:
            with self._sessions() as session:
                write_lock(session)
                by_table: dict[Table, list[dict[str, Any]]] = {}
                for entry in batch:
                    for table, values in entry.rows:
                        by_table.setdefault(table, []).extend(values)
                for table, values in by_table.items():
                    if values:
                        session.execute(insert(table), values)
                if self.after_insert is not None:
                    self.after_insert(session, by_table)
                session.commit()
        except Exception as exc:  # handed to every request of the batch
            error = exc
        for entry in batch:
            entry.error = error
            entry.done = True


def _is_data_error(error: Exception) -> bool:
    """Whether rows were refused for what they hold (retrying them would fail again)."""
    return isinstance(error, IntegrityError | DataError)


class _Rows:
    __slots__ = ("done", "error", "rows")

    def __init__(self, rows: Sequence[tuple[Table, list[dict[str, Any]]]]) -> None:
        self.rows = rows
        self.done = False
        self.error: Exception | None = None
