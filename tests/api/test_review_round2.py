"""Found by an independent review of this round (577d97c..): each failed on the reviewed code."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from sqlalchemy import event, select
from sqlalchemy.orm import Session
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api.access import Principal
from api.db import GroupWriter
from api.middleware import KeepAliveLimit
from api.models import Enterprise, Interaction, Placement, Trainee, User, utcnow
from api.schemas import PostingCreate
from api.services import index as index_module
from api.services.entities import create_posting
from api.services.index import MatchIndex
from api.services.outcomes import credit_late_recommendations, hire
from tests.api.conftest import login


def _some_posting(client: TestClient, headers: dict[str, str]) -> str:
    response = client.get("/api/v1/postings?page_size=1", headers=headers)
    assert response.status_code == 200, response.text
    return str(response.json()["items"][0]["id"])


@pytest.mark.parametrize("query", ["k=101", "level_tolerance=99", "k=0"])
def test_shortlist_without_a_token_is_401_whatever_the_query(
        client: TestClient, tokens: dict[str, dict[str, str]], query: str) -> None:
    """A client that is not signed in learns nothing of the route's limits: 401 first
    (as before, when the user was a sub-dependency solved ahead of the route's checks)."""
    pid = _some_posting(client, tokens["admin"])
    response = client.get(f"/api/v1/postings/{pid}/shortlist?{query}")
    assert response.status_code == 401, response.text


@pytest.mark.parametrize("query", ["k=101", "k=0"])
def test_suggestions_without_a_token_is_401_whatever_the_query(
        client: TestClient, query: str) -> None:
    response = client.get(f"/api/v1/trainees/T0001/suggestions?{query}")
    assert response.status_code == 401, response.text


# -- the change feed: the low-water mark never moves back --------------------------------

def test_giving_up_a_gap_never_moves_the_low_water_mark_back(
        app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> None:
    """``_advance`` gives up ids up to the top the gap had when first seen; when the
    mark has passed that top meanwhile (the first gap filled, a second one opened before
    it), ``applied`` must not be set back to it (it then re-reads applied entries)."""
    clock = [1000.0]
    monkeypatch.setattr(index_module.time, "monotonic", lambda: clock[0])
    index = MatchIndex(app.state.index.matcher, app.state.index.normalizer,
                       applied=10, gap_seconds=30)
    index._ahead = {12}  # 11 missing
    index._advance()
    assert index.applied == 10
    clock[0] += 10
    index._ahead |= {11, 13, 15}  # 11 came (the first gap closes); 14 missing now
    index._advance()
    assert index.applied == 13
    clock[0] += 25  # 35 s after the first gap was seen, 25 s after 14 went missing
    index._advance()
    assert index.applied >= 13, "the low-water mark moved back"


# -- KeepAliveLimit behind a proxy ------------------------------------------------------

def test_keepalive_limit_counts_the_proxy_connection_not_the_forwarded_clients() -> None:
    """Behind a local proxy the connection is the proxy's: KeepAliveLimit counts its
    requests (uvicorn's own proxy-header handling, which rewrote the client address
    before any middleware, is off; the app applies X-Forwarded-For inside the limit),
    and the routes still see the forwarded client."""
    seen: list[str] = []
    ping = FastAPI()

    @ping.get("/ping")
    async def _ping(request: Request) -> dict[str, str]:
        seen.append(request.client.host if request.client else "")
        return {"pong": "yes"}

    ping.add_middleware(ProxyHeadersMiddleware, trusted_hosts="127.0.0.1,::1")
    ping.add_middleware(KeepAliveLimit, max_requests=2)
    with TestClient(ping, client=("127.0.0.1", 40000)) as proxy:  # one upstream connection
        said = [proxy.get("/ping", headers={"X-Forwarded-For": f"10.0.0.{n}"}
                          ).headers.get("connection") for n in range(1, 7)]
    assert said == [None, "close"] * 3
    assert seen == [f"10.0.0.{n}" for n in range(1, 7)]


# -- a hire and a late log write, concurrently (PostgreSQL) -----------------------------

def test_a_hire_committed_while_the_log_lands_is_still_through_matching(
        store_app: FastAPI) -> None:
    """The hire checks the log before the serving process's writer commits the
    recommendation, and the writer's hook (credit_late_recommendations) looks for the
    placement before the hire commits: under READ COMMITTED neither sees the other, and
    a hire the recommendation preceded is left *not* through matching."""
    if store_app.state.engine.dialect.name == "sqlite":
        pytest.skip("SQLite's write lock serializes the hire and the log write")
    sessions = store_app.state.sessionmaker
    index = store_app.state.index
    with sessions() as s:
        admin_id = s.scalar(select(User.id).where(User.username == "admin"))
        admin = Principal(admin_id, "admin", "admin")
        eid = s.scalars(select(Enterprise.id).order_by(Enterprise.id).limit(1)).one()
        tid = s.scalars(select(Trainee.id).where(
            Trainee.status == "seeking", Trainee.deleted_at.is_(None),
            ~Trainee.id.in_(select(Placement.trainee_id))).order_by(Trainee.id.desc())
            .limit(1)).one()
    with sessions() as s:
        posting, _ = create_posting(s, index, admin, PostingCreate(
            enterprise_id=eid, title="招聘电焊工", headcount=1, wage_min=4000,
            wage_max=6000, area="达川区", closes=dt.date(2030, 1, 1)).model_dump())
        pid = posting.id
    served_at = utcnow()  # another process served the trainee for it, just before
    time.sleep(0.01)

    committing, release = threading.Event(), threading.Event()
    hirer = sessions()

    @event.listens_for(hirer, "before_commit")
    def _hold(_session: Session) -> None:  # the hire has checked the log; not committed
        committing.set()
        release.wait(20)

    errors: list[BaseException] = []

    def do_hire() -> None:
        try:
            hire(hirer, index, admin, pid, tid)
        except BaseException as exc:  # reported below
            errors.append(exc)

    def land() -> None:  # the serving process's log writer lands its recommendation
        try:
            GroupWriter(sessions, after_insert=credit_late_recommendations).insert(
                [(Interaction.__table__, [  # type: ignore[list-item]
                    {"kind": "recommended", "posting_id": pid, "trainee_id": tid,
                     "actor_id": admin_id, "at": served_at}])])
        except BaseException as exc:  # reported below
            errors.append(exc)

    thread, writer = threading.Thread(target=do_hire), threading.Thread(target=land)
    thread.start()
    try:
        assert committing.wait(20)
        writer.start()  # meanwhile: it either waits for the hire or misses it
        writer.join(0.5)
    finally:
        release.set()
        thread.join(20)
        if writer.ident is not None:
            writer.join(20)
        hirer.close()
    assert not errors, errors
    with sessions() as s:
        placement = s.scalars(select(Placement).where(Placement.trainee_id == tid)).one()
        assert placement.at >= served_at
        assert placement.through_matching, \
            "a recommendation served before the hire is not credited"


# -- bad input on PostgreSQL (pre-existing, not introduced by 577d97c..HEAD) -------------

@pytest.mark.parametrize("path", ["/api/v1/postings/%00/shortlist",
                                  "/api/v1/trainees/%00/suggestions"])
def test_a_nul_in_an_id_is_a_client_error_not_a_500(store_app: FastAPI, path: str) -> None:
    """PostgreSQL refuses NUL in text (psycopg DataError): the matching routes answer
    500. Pre-existing (577d97c does the same, also on GET /postings/{id})."""
    client = TestClient(store_app, raise_server_exceptions=False)
    response = client.get(path, headers=login(client, "admin"))
    assert response.status_code in (404, 422), response.text
