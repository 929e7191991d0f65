"""Fixtures of the service tests: settings on a temporary SQLite file (and a PostgreSQL
schema when the server is there), an app per store seeded with the sample market, a
client, and a token per demo role."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.app import create_app
from api.models import Posting, Trainee
from api.settings import Settings
from matcher import Normalizer

PG_SERVER = "postgresql://postgres@127.0.0.1:5432/test"
PASSWORDS = {"admin": "demo-admin-pass", "counselor": "demo-counselor-pass",
             "counselor_area": "demo-counselor-pass", "enterprise1": "demo-enterprise-pass",
             "enterprise2": "demo-enterprise-pass", "trainee1": "demo-trainee-pass",
             "trainee2": "demo-trainee-pass"}


def _pg_available() -> bool:
    try:
        with psycopg.connect(PG_SERVER, connect_timeout=2):
            return True
    except psycopg.Error:
        return False


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'talentmatch.db'}"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh schema in the test database, dropped at the end of the session."""
    if not _pg_available():
        pytest.skip("no PostgreSQL server at 127.0.0.1:5432 (database test)")
    schema = f"tm_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_SERVER, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield (f"postgresql+psycopg://postgres@127.0.0.1:5432/test"
               f"?options=-csearch_path%3D{schema}")
    finally:
        with psycopg.connect(PG_SERVER, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA "{schema}" CASCADE')


def make_settings(url: str, **overrides: object) -> Settings:
    return Settings(database_url=url, secret_key="test-secret-key-0123456789",
                    **overrides)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def settings(sqlite_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    model = Path(tmp_path_factory.mktemp("model")) / "scorer.json"
    return make_settings(sqlite_url, max_upload_bytes=64 * 1024, max_body_bytes=256 * 1024,
                         login_attempts=3, max_k=100, max_page_size=100,
                         model_path=str(model))


@pytest.fixture(scope="session")
def client(settings: Settings, norm: Normalizer) -> Iterator[TestClient]:
    with TestClient(create_app(settings, normalizer=norm)) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def app(client: TestClient) -> FastAPI:
    return client.app  # type: ignore[return-value]


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def store_app(request: pytest.FixtureRequest, norm: Normalizer,
              tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    """The service on each store (SQLite file; PostgreSQL schema, skipped when absent)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'store.db'}"
    else:
        url = request.getfixturevalue("postgres_url")
    application = create_app(make_settings(url), normalizer=norm)
    with TestClient(application):
        yield application


def login(client: TestClient, username: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/login",
                           json={"username": username, "password": PASSWORDS[username]})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture(scope="session")
def tokens(client: TestClient) -> dict[str, dict[str, str]]:
    """Authorization headers of each demo account, by user name."""
    return {name: login(client, name) for name in PASSWORDS}


@pytest.fixture(scope="module")
def fair(app: FastAPI) -> dict[str, list[str]]:
    """A job fair: open postings with places left, and every seeking, consented trainee."""
    with app.state.sessionmaker() as s:
        postings = s.scalars(select(Posting.id).where(
            Posting.status == "open", Posting.hired < Posting.headcount)
            .order_by(Posting.id).limit(80)).all()
        trainees = s.scalars(select(Trainee.id).where(
            Trainee.status == "seeking", Trainee.consent_recommend,
            Trainee.deleted_at.is_(None)).order_by(Trainee.id)).all()
    return {"posting_ids": list(postings), "trainee_ids": list(trainees)}
