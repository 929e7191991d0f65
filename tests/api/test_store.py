"""The store on SQLite and PostgreSQL: migrations, and hires under concurrent requests."""

from __future__ import annotations

import datetime as dt
import threading
import uuid

import pytest
from fastapi import FastAPI
from sqlalchemy import func, inspect, select

from api.access import Principal
from api.errors import ApiError
from api.models import Interaction, Placement, Posting, ServiceSecret, Trainee
from api.services import outcomes
from api.services.keys import signing_key

ADMIN = Principal(1, "admin", "admin")


def _posting(app: FastAPI, headcount: int) -> str:
    pid = f"PX{uuid.uuid4().hex[:10]}"
    with app.state.sessionmaker() as s:
        enterprise = s.scalar(select(Posting.enterprise_id).limit(1))
        s.add(Posting(id=pid, enterprise_id=enterprise, title="焊工", requirements="",
                      headcount=headcount, hired=0, wage_min=4000, wage_max=6000,
                      area="宣汉县", opened=dt.date(2025, 1, 1), closes=dt.date(2027, 1, 1),
                      status="open"))
        s.commit()
    return pid


def _seekers(app: FastAPI, n: int, offset: int) -> list[str]:
    with app.state.sessionmaker() as s:
        placed = select(Placement.trainee_id)
        return list(s.scalars(select(Trainee.id).where(
            Trainee.status == "seeking", Trainee.id.not_in(placed)).order_by(Trainee.id)
            .offset(offset).limit(n)))


def _run(threads: list[threading.Thread]) -> None:
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)


def test_migrations_create_every_table(store_app: FastAPI) -> None:
    tables = set(inspect(store_app.state.engine).get_table_names())
    assert {"enterprises", "postings", "courses", "trainees", "users", "interactions",
            "placements", "audit_log", "idempotency_keys", "service_secrets",
            "alembic_version"} <= tables


def test_generated_signing_key_is_stored_once(store_app: FastAPI) -> None:
    keys = []
    for _ in range(2):  # two starts, or two processes, on the same database
        with store_app.state.sessionmaker() as s:
            keys.append(signing_key(s, None))
    assert keys[0] == keys[1] and len(keys[0]) >= 32
    with store_app.state.sessionmaker() as s:
        assert s.scalar(select(func.count()).select_from(ServiceSecret)) == 1


def test_sample_is_seeded_once(store_app: FastAPI) -> None:
    with store_app.state.sessionmaker() as s:
        assert s.scalar(select(func.count()).select_from(Trainee)) == 1200


def test_concurrent_hires_never_exceed_headcount(store_app: FastAPI) -> None:
    pid = _posting(store_app, headcount=3)
    trainees = _seekers(store_app, 12, offset=0)
    results: list[str] = []

    def hire(tid: str) -> None:
        with store_app.state.sessionmaker() as s:
            try:
                outcomes.hire(s, store_app.state.index, ADMIN, pid, tid)
                results.append("hired")
            except ApiError as exc:
                results.append(exc.code)

    _run([threading.Thread(target=hire, args=(t,)) for t in trainees])
    assert results.count("hired") == 3
    assert results.count("headcount_reached") == 9
    with store_app.state.sessionmaker() as s:
        posting = s.get(Posting, pid)
        assert posting is not None
        assert (posting.hired, posting.status) == (3, "filled")
        count = s.scalar(select(func.count()).where(Placement.posting_id == pid))
        assert count == 3


def test_a_trainee_is_placed_once_under_concurrency(store_app: FastAPI) -> None:
    postings = [_posting(store_app, headcount=5) for _ in range(6)]
    (tid,) = _seekers(store_app, 1, offset=20)
    results: list[str] = []

    def hire(pid: str) -> None:
        with store_app.state.sessionmaker() as s:
            try:
                outcomes.hire(s, store_app.state.index, ADMIN, pid, tid)
                results.append("hired")
            except ApiError as exc:
                results.append(exc.code)

    _run([threading.Thread(target=hire, args=(p,)) for p in postings])
    assert results.count("hired") == 1
    assert set(results) == {"hired", "already_placed"}
    with store_app.state.sessionmaker() as s:
        assert s.scalar(select(func.count()).where(Placement.trainee_id == tid)) == 1
        assert s.scalar(select(func.sum(Posting.hired)).where(Posting.id.in_(postings))) == 1
    assert not store_app.state.index.holds_trainee(tid) or \
        not store_app.state.index.matcher.trainees.seeking[
            store_app.state.index.matcher.trainees.row_of[tid]]


def test_through_matching_needs_a_recommendation_before(store_app: FastAPI) -> None:
    pid = _posting(store_app, headcount=2)
    recommended, cold = _seekers(store_app, 2, offset=40)
    with store_app.state.sessionmaker() as s:
        s.add(Interaction(kind="recommended", posting_id=pid, trainee_id=recommended))
        s.commit()
    with store_app.state.sessionmaker() as s:
        a = outcomes.hire(s, store_app.state.index, ADMIN, pid, recommended)
    with store_app.state.sessionmaker() as s:
        b = outcomes.hire(s, store_app.state.index, ADMIN, pid, cold)
    assert (a.through_matching, b.through_matching) == (True, False)


def test_hire_of_unknown_posting_is_404(store_app: FastAPI) -> None:
    with store_app.state.sessionmaker() as s, pytest.raises(ApiError, match="no posting"):
        outcomes.hire(s, store_app.state.index, ADMIN, "NOPE", "T0000001")


def test_areas_stored_under_another_name_are_renamed(tmp_path: object) -> None:
    """Migration 0008: a record stored as 达州 (before the API and imports stored the
    area's own name) becomes 达州市; other areas are left as they are."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine

    from api.db import _MIGRATIONS, migrate
    from api.models import Enterprise

    engine = create_engine(f"sqlite:///{tmp_path}/old.db")
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0007")
    from sqlalchemy.orm import Session

    with Session(engine) as s:
        s.add_all([Enterprise(id="E1", name="甲", uscc="1" * 18, industry="其他", area="达州",
                              key_enterprise=False),
                   Enterprise(id="E2", name="乙", uscc="2" * 18, industry="其他", area="渠县",
                              key_enterprise=False)])
        s.commit()
    migrate(engine)
    with Session(engine) as s:
        assert dict(s.execute(select(Enterprise.id, Enterprise.area)).all()) == {
            "E1": "达州市", "E2": "渠县"}
    engine.dispose()
