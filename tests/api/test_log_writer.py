"""The log written behind the requests: nothing lost, nothing read stale by its process."""

from __future__ import annotations

import sqlite3
import time
import uuid
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Table, event, func, select

from api.db import GroupWriter, make_engine, make_sessionmaker
from api.models import AuditEntry, Interaction, Placement, Posting, Trainee, utcnow
from tests.api.conftest import login

_INTERACTIONS: Table = Interaction.__table__  # type: ignore[assignment]
_AUDIT: Table = AuditEntry.__table__  # type: ignore[assignment]


def _some(app: FastAPI) -> tuple[str, str]:
    with app.state.sessionmaker() as s:
        return (s.scalars(select(Posting.id).order_by(Posting.id)).first() or "",
                s.scalars(select(Trainee.id).order_by(Trainee.id)).first() or "")


def _count(app: FastAPI, marker: str) -> int:
    with app.state.sessionmaker() as s:
        return s.scalar(select(func.count()).select_from(AuditEntry)
                        .where(AuditEntry.action == marker)) or 0


def _audit(trainee: str, marker: str) -> list[tuple[Table, list[dict[str, object]]]]:
    return [(_AUDIT, [{"actor_id": None, "trainee_id": trainee, "action": marker,
                       "with_contact": False, "at": utcnow()}])]


def test_rows_are_committed_behind_the_request_within_the_delay(store_app: FastAPI) -> None:
    writer = GroupWriter(store_app.state.sessionmaker, delay=0.02)
    _, trainee = _some(store_app)
    marker = f"t-{uuid.uuid4().hex[:8]}"
    try:
        writer.insert(_audit(trainee, marker))
        deadline = time.monotonic() + 5
        while _count(store_app, marker) == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert _count(store_app, marker) == 1
    finally:
        writer.close()


def test_a_bad_request_in_a_batch_loses_only_its_own_rows(store_app: FastAPI) -> None:
    writer = GroupWriter(store_app.state.sessionmaker, delay=3600)  # only flush() writes
    posting, trainee = _some(store_app)
    marker = f"t-{uuid.uuid4().hex[:8]}"
    bad = [(_INTERACTIONS, [{"kind": "recommended", "posting_id": posting,
                             "trainee_id": "NO-SUCH-TRAINEE", "actor_id": None,
                             "at": utcnow()}])]
    try:
        writer.insert(_audit(trainee, marker))
        writer.insert(bad)
        writer.insert(_audit(trainee, marker))
        writer.flush()
        assert _count(store_app, marker) == 2
        assert writer.lost == 1
    finally:
        writer.close()


def test_close_writes_what_is_pending(store_app: FastAPI) -> None:
    writer = GroupWriter(store_app.state.sessionmaker, delay=3600)
    _, trainee = _some(store_app)
    marker = f"t-{uuid.uuid4().hex[:8]}"
    writer.insert(_audit(trainee, marker))
    assert _count(store_app, marker) == 0
    writer.close()
    assert _count(store_app, marker) == 1


def test_a_hire_right_after_a_shortlist_counts_as_through_matching(
        store_app: FastAPI) -> None:
    client = TestClient(store_app)
    headers = login(client, "admin")
    with store_app.state.sessionmaker() as s:
        placed = select(Placement.posting_id)
        open_postings = list(s.scalars(select(Posting.id).where(
            Posting.status == "open", Posting.id.not_in(placed)).order_by(Posting.id)))
    for pid in open_postings:
        items = client.get(f"/api/v1/postings/{pid}/shortlist?k=5",
                           headers=headers).json()["items"]
        if items:
            break
    else:
        raise AssertionError("no shortlist with candidates")
    response = client.post("/api/v1/placements", headers=headers,
                           json={"posting_id": pid, "trainee_id": items[0]["trainee_id"]})
    assert response.status_code == 201, response.text
    assert response.json()["through_matching"] is True


def test_rows_are_kept_while_the_store_is_busy(store_app: FastAPI) -> None:
    """A write that waits too long for SQLite's lock (e.g. behind a long import) keeps
    its rows for the next interval instead of dropping them."""
    url = store_app.state.settings.database_url
    if not url.startswith("sqlite"):
        pytest.skip("SQLite's single write lock")
    engine = make_engine(url)

    @event.listens_for(engine, "connect")
    def _impatient(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA busy_timeout=200")

    writer = GroupWriter(make_sessionmaker(engine), delay=3600)  # only flush() writes
    _, trainee = _some(store_app)
    marker = f"t-{uuid.uuid4().hex[:8]}"
    blocker = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    try:
        blocker.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        writer.insert(_audit(trainee, marker))
        writer.flush()
        assert _count(store_app, marker) == 0 and writer.lost == 0
        blocker.execute("COMMIT")
        writer.flush()
        assert _count(store_app, marker) == 1 and writer.lost == 0
    finally:
        blocker.close()
        writer.close()
        engine.dispose()
