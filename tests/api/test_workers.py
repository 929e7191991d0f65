"""Several processes on one store: each index follows the change feed.

Two apps on the same database stand for two worker processes of
``talentmatch serve --workers 2`` (each builds its own index at start). What one
changes, the other's next answer reflects: on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from api.access import Principal
from api.app import create_app
from api.db import write_lock
from api.models import Enterprise, IndexChange, Trainee
from api.schemas import PostingCreate
from api.services.entities import create_posting, update_enterprise
from api.services.imports import import_table, read_table, template
from api.services.index import MatchIndex
from matcher import Normalizer
from tests.api.conftest import login, make_settings

H = dict[str, str]


@pytest.fixture(scope="module")
def pair(store_app: FastAPI, norm: Normalizer) -> Iterator[tuple[TestClient, TestClient]]:
    """Two clients of two apps (two indexes) on the same store."""
    url = store_app.state.settings.database_url
    with TestClient(create_app(make_settings(url), normalizer=norm)) as a, \
            TestClient(create_app(make_settings(url), normalizer=norm)) as b:
        yield a, b


def _indexable(session: Session, n: int, *, newest: bool = True) -> list[str]:
    """``n`` trainees the index holds (seeking, consented, not deleted)."""
    order = Trainee.id.desc() if newest else Trainee.id
    return list(session.scalars(select(Trainee.id).where(
        Trainee.status == "seeking", Trainee.consent_recommend,
        Trainee.deleted_at.is_(None)).order_by(order).limit(n)))


def _set_consent(app: FastAPI, tids: list[str], consent: bool, *,
                 extra: list[str] | None = None) -> None:
    """Set the trainees' consent to be recommended, noted on the feed (one transaction)."""
    with app.state.sessionmaker() as s:
        write_lock(s)
        for tid in tids:
            s.get(Trainee, tid).consent_recommend = consent  # type: ignore[union-attr]
        MatchIndex.note(s, "trainee", [*(extra or []), *tids])
        s.commit()


def _new_posting(client: TestClient, headers: H, title: str) -> str:
    enterprise = client.get("/api/v1/enterprises?page_size=1",
                            headers=headers).json()["items"][0]["id"]
    response = client.post("/api/v1/postings", headers=headers, json={
        "enterprise_id": enterprise, "title": title, "requirements": "持证上岗",
        "headcount": 2, "wage_min": 4000, "wage_max": 6000, "area": "宣汉县",
        "closes": str(dt.date.today() + dt.timedelta(days=90))})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _shortlist(client: TestClient, headers: H, pid: str) -> list[str]:
    response = client.get(f"/api/v1/postings/{pid}/shortlist?k=100", headers=headers)
    assert response.status_code == 200, response.text
    return [i["trainee_id"] for i in response.json()["items"]]


def _with_candidates(client: TestClient, headers: H) -> tuple[str, list[str]]:
    for title in ("电焊工", "电工", "化工总控工", "叉车司机", "数控车工"):
        pid = _new_posting(client, headers, f"招聘{title}")
        shown = _shortlist(client, headers, pid)
        if len(shown) >= 2:
            return pid, shown
    raise AssertionError("no new posting found candidates")


def test_a_posting_made_in_one_process_is_served_by_the_other(
        pair: tuple[TestClient, TestClient]) -> None:
    a, b = pair
    headers = login(a, "counselor")
    pid, shown_by_a = _with_candidates(a, headers)
    assert _shortlist(b, headers, pid) == shown_by_a  # b never saw the request that made it


def test_consent_withdrawn_in_one_process_leaves_the_others_shortlists(
        pair: tuple[TestClient, TestClient]) -> None:
    a, b = pair
    headers = login(a, "counselor")
    pid, shown = _with_candidates(a, headers)
    assert _shortlist(b, headers, pid) == shown
    response = a.patch(f"/api/v1/trainees/{shown[0]}", json={"consent_recommend": False},
                       headers=headers)
    assert response.status_code == 200, response.text
    assert shown[0] not in _shortlist(b, headers, pid)
    assert not b.app.state.index.holds_trainee(shown[0])  # type: ignore[attr-defined]


def test_a_hire_in_one_process_takes_the_trainee_out_of_the_others_index(
        pair: tuple[TestClient, TestClient]) -> None:
    a, b = pair
    headers = login(a, "admin")
    pid, shown = _with_candidates(a, headers)
    _shortlist(b, headers, pid)
    response = a.post("/api/v1/placements", headers=headers,
                      json={"posting_id": pid, "trainee_id": shown[1]})
    assert response.status_code == 201, response.text
    assert shown[1] not in _shortlist(b, headers, pid)


def test_an_entry_committed_late_is_still_applied(store_app: FastAPI,
                                                  norm: Normalizer) -> None:
    """Ids are taken at insert, not at commit (PostgreSQL): a lower id may appear later."""
    if store_app.state.engine.dialect.name == "sqlite":
        pytest.skip("SQLite has one writer at a time: its ids commit in order")
    sessions = store_app.state.sessionmaker
    with sessions() as s:
        index = MatchIndex.build(s, norm)
        index.catch_up(s)  # what the other tests wrote just now
        tids = _indexable(s, 2)
    assert len(tids) == 2 and all(index.holds_trainee(t) for t in tids)
    early, late = sessions(), sessions()
    try:
        for session, tid in ((early, tids[0]), (late, tids[1])):
            session.get(Trainee, tid).consent_recommend = False  # type: ignore[union-attr]
            MatchIndex.note(session, "trainee", [tid])  # early takes the lower id
        late.commit()
        with sessions() as s:
            assert index.catch_up(s) == 1
        assert not index.holds_trainee(tids[1]) and index.holds_trainee(tids[0])
        early.commit()
        with sessions() as s:
            assert index.catch_up(s) == 1
        assert not index.holds_trainee(tids[0])
    finally:
        early.close()
        late.close()
        _set_consent(store_app, tids, True)  # leave the store as it was for the others


def test_a_gap_is_given_up_after_a_while(store_app: FastAPI, norm: Normalizer) -> None:
    """An id that never commits (a rolled-back insert) must not stall the reader."""
    sessions = store_app.state.sessionmaker
    with sessions() as s:
        index = MatchIndex.build(s, norm, gap_seconds=0.0)
        write_lock(s)  # read-then-write on SQLite: hold the lock from the read on
        top = s.scalar(select(func.max(IndexChange.id))) or 0
        s.add(IndexChange(id=top + 2, kind="trainee", key="NOBODY"))  # top + 1 never comes
        s.commit()
    try:
        with sessions() as s:
            assert index.catch_up(s) == 1
            index.catch_up(s)
        assert index.applied == top + 2
    finally:
        with sessions() as s:
            s.execute(IndexChange.__table__.delete().where(IndexChange.id == top + 2))
            s.commit()


def test_an_import_sized_batch_of_changes_is_applied(store_app: FastAPI,
                                                     norm: Normalizer) -> None:
    """More ids than a query may bind (PostgreSQL: 65,535 parameters) are re-read in chunks."""
    sessions = store_app.state.sessionmaker
    with sessions() as s:
        index = MatchIndex.build(s, norm)
        index.catch_up(s)  # what the other tests wrote just now
        tid = next(iter(_indexable(s, 1, newest=False)), None)
    assert tid is not None and index.holds_trainee(tid)
    try:
        _set_consent(store_app, [tid], False,
                     extra=[f"NX{i:07d}" for i in range(70_000)])
        with sessions() as s:
            assert index.catch_up(s) == 70_001
        assert not index.holds_trainee(tid)
    finally:
        with sessions() as s:
            write_lock(s)
            s.execute(IndexChange.__table__.delete().where(IndexChange.key.like("NX%")))
            s.commit()
        _set_consent(store_app, [tid], True)


def test_pruning_keeps_the_ids_growing(store_app: FastAPI, norm: Normalizer) -> None:
    """SQLite numbers a row max(id) + 1: pruning everything would restart the ids at 1,
    below what running processes have applied, and they would skip every new change."""
    sessions = store_app.state.sessionmaker
    with sessions() as s:
        index = MatchIndex.build(s, norm)
        write_lock(s)
        MatchIndex.note(s, "trainee", [f"OLD{i}" for i in range(5)])  # changes of the past
        s.commit()
        index.catch_up(s)
        write_lock(s)
        newest = s.scalar(select(func.max(IndexChange.id)))
        MatchIndex.prune(s, older_than_days=-1)  # everything counts as old
        s.commit()
        assert newest >= 5
        assert s.scalar(select(func.max(IndexChange.id))) == newest
        tid = next(iter(_indexable(s, 1)), None)
    assert tid is not None and index.holds_trainee(tid)
    try:
        _set_consent(store_app, [tid], False)
        with sessions() as s:
            assert index.catch_up(s) == 1
        assert not index.holds_trainee(tid)
    finally:
        _set_consent(store_app, [tid], True)


def test_a_process_started_during_a_write_still_applies_it(store_app: FastAPI,
                                                           norm: Normalizer) -> None:
    """An entry whose id was taken before a process built its index, committed after."""
    if store_app.state.engine.dialect.name == "sqlite":
        pytest.skip("SQLite has one writer at a time: its ids commit in order")
    sessions = store_app.state.sessionmaker
    with sessions() as s:
        tids = _indexable(s, 2)
    early, late = sessions(), sessions()
    try:
        early.get(Trainee, tids[0]).consent_recommend = False  # type: ignore[union-attr]
        MatchIndex.note(early, "trainee", [tids[0]])  # the lower id, not committed yet
        MatchIndex.note(late, "trainee", [tids[1]])
        late.commit()
        with sessions() as s:
            index = MatchIndex.build(s, norm)  # starts now: sees the higher id only
        early.commit()
        with sessions() as s:
            index.catch_up(s)
        assert not index.holds_trainee(tids[0])
    finally:
        early.close()
        late.close()
        _set_consent(store_app, [tids[0]], True)


@pytest.mark.parametrize("way", ["create", "import"])
def test_an_enterprise_update_waits_for_a_new_posting_of_it(store_app: FastAPI,
                                                           way: str) -> None:
    """PostgreSQL: an enterprise updated while a new posting of it is being committed
    also notes that posting in the feed, so no index keeps it with the old enterprise."""
    if store_app.state.engine.dialect.name == "sqlite":
        pytest.skip("SQLite's write lock serializes the two writes already")
    sessions = store_app.state.sessionmaker
    index = store_app.state.index
    admin = Principal(0, "admin", "admin")
    with sessions() as s:
        enterprise = s.scalars(select(Enterprise).limit(1)).one()
        eid, name = enterprise.id, enterprise.name
    committing, release, updated = threading.Event(), threading.Event(), threading.Event()
    pid = f"PRACE{way.upper()}"
    poster = sessions()

    @event.listens_for(poster, "before_commit")
    def _hold(_session: Session) -> None:  # the posting is written, not yet committed
        committing.set()
        release.wait(20)

    def post() -> None:
        if way == "create":
            create_posting(poster, index, admin, PostingCreate(
                id=pid, enterprise_id=eid, title="招聘电焊工", headcount=1, wage_min=4000,
                wage_max=6000, area="达川区", closes=dt.date(2030, 1, 1)).model_dump())
        else:
            csv = template("postings", "csv") + (
                f"{pid},{eid},招聘电焊工,,1,4000,6000,达川区,,2026-11-01,2030-01-01,open\n"
                .encode())
            import_table(poster, index, "postings", read_table("p.csv", csv), dry_run=False)

    def update() -> None:
        with sessions() as s:
            update_enterprise(s, admin, eid, {"name": name + "（更名）"})
        updated.set()

    writer, renamer = threading.Thread(target=post), threading.Thread(target=update)
    writer.start()
    try:
        assert committing.wait(20)
        renamer.start()
        waited = not updated.wait(1.0)
    finally:
        release.set()
        writer.join(20)
        if renamer.ident is not None:
            renamer.join(20)
        poster.close()
    assert waited, "the enterprise update did not wait for the posting's commit"
    assert updated.is_set()
    with sessions() as s:
        noted = s.scalars(select(IndexChange.id).where(
            IndexChange.kind == "posting", IndexChange.key == pid)).all()
        assert len(noted) == 2  # by the new posting, and by the enterprise's update
        update_enterprise(s, admin, eid, {"name": name})  # as it was, for the others


def test_a_rolled_back_batch_of_ids_is_given_up_at_once(store_app: FastAPI,
                                                        norm: Normalizer) -> None:
    """A rolled-back import leaves a run of ids that never come: given up together after
    the gap's time, not one id per ``gap_seconds`` (50 ids would take 50 times as long)."""
    sessions = store_app.state.sessionmaker
    with sessions() as s:
        index = MatchIndex.build(s, norm, gap_seconds=0.3)
        index.catch_up(s)
        time.sleep(0.35)  # past the gaps other tests left (ids they deleted)
        index.catch_up(s)
        write_lock(s)
        top = s.scalar(select(func.max(IndexChange.id))) or 0
        assert index.applied == top
        s.add(IndexChange(id=top + 51, kind="trainee", key="NOBODY"))  # top+1 … top+50 never
        s.commit()
    try:
        with sessions() as s:
            assert index.catch_up(s) == 1
            assert index.applied == top and index.catch_up(s) == 0  # waiting for the gap
            time.sleep(0.35)
            index.catch_up(s)
        assert index.applied == top + 51
    finally:
        with sessions() as s:
            s.execute(IndexChange.__table__.delete().where(IndexChange.id == top + 51))
            s.commit()


def test_a_hire_right_after_another_process_served_the_trainee_is_through_matching(
        store_app: FastAPI, norm: Normalizer) -> None:
    """The recommendation waits in the serving process's log writer when the hire is made
    in another process; once it is written, the placement counts as through matching."""
    url = store_app.state.settings.database_url
    with TestClient(create_app(make_settings(url, log_delay_ms=5_000),
                               normalizer=norm)) as a, \
            TestClient(create_app(make_settings(url), normalizer=norm)) as b:
        headers = login(a, "admin")
        writer = a.app.state.writer  # type: ignore[attr-defined]
        with writer._mutex:  # a's writer is busy meanwhile: what a serves waits
            pid, shown = _with_candidates(a, headers)
            hired = b.post("/api/v1/placements", headers=headers,
                           json={"posting_id": pid, "trainee_id": shown[0]})
        assert hired.status_code == 201, hired.text
        assert not hired.json()["through_matching"]  # b could not know yet
        writer.flush()
        listed = b.get(f"/api/v1/placements?posting_id={pid}", headers=headers).json()
    assert [(p["trainee_id"], p["through_matching"]) for p in listed["items"]] == [
        (shown[0], True)]
