"""Serving under load: kept-alive connections are recycled after ``keepalive_requests``
requests, and a running app's long-lived objects are kept out of garbage collections."""

from __future__ import annotations

import gc
import socket
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.middleware import KeepAliveLimit
from api.settings import Settings
from api.workers import run_workers
from matcher import Normalizer


def _app(max_requests: int) -> FastAPI:
    app = FastAPI()

    @app.get("/ping")
    async def ping() -> dict[str, str]:
        return {"pong": "yes"}

    app.add_middleware(KeepAliveLimit, max_requests=max_requests)
    return app


def test_every_nth_request_of_a_connection_asks_the_client_to_reconnect() -> None:
    # The test client is one connection (one client address) for all its requests.
    with TestClient(_app(3)) as client:
        answers = [client.get("/ping") for _ in range(7)]
    assert [r.json() for r in answers] == [{"pong": "yes"}] * 7
    assert [r.headers.get("connection") for r in answers] == [
        None, None, "close", None, None, "close", None]


def test_connections_are_counted_apart() -> None:
    app = _app(2)
    with (TestClient(app, client=("10.0.0.1", 5000)) as one,
          TestClient(app, client=("10.0.0.2", 5000)) as other):
        seen = [c.get("/ping").headers.get("connection") for c in (one, other, one, other)]
    assert seen == [None, None, "close", "close"]


def test_zero_keeps_connections_open() -> None:
    with TestClient(_app(0)) as client:
        assert {client.get("/ping").headers.get("connection") for _ in range(5)} == {None}


def test_a_running_app_keeps_its_long_lived_objects_out_of_collections(
        tmp_path: Path, norm: Normalizer) -> None:
    """The index and normalizer are frozen once built (a full collection would walk them
    all, stopping every request); shutting down hands them back to the collector."""
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'gc.db'}",
                              secret_key="gc-freeze-test-key-0123"), normalizer=norm)
    gc.unfreeze()  # whatever an app of another test froze (one app per process in use)
    with TestClient(app) as client:
        assert client.get("/readyz").status_code == 200
        assert gc.get_freeze_count() > 100_000  # the sample market's index, at least
    assert gc.get_freeze_count() == 0


def test_workers_refuse_a_port_another_server_listens_on() -> None:
    """Another server on the port is reported, not joined (SO_REUSEPORT would share it
    with a server of the same user that set it too)."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert run_workers(2, "127.0.0.1", port) == 1
