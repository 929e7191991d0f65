"""Hardening: the signing key, body and login limits, deleted trainees, trainee writes."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.app import create_app
from api.db import make_engine, make_sessionmaker, migrate
from api.models import Course, Trainee
from api.security import issue_token
from api.services.logins import StoredLoginLimiter
from api.settings import Settings
from matcher import Normalizer

H = dict[str, dict[str, str]]
OLD_PUBLIC_DEFAULT = "talentmatch-demo-secret-change-me"
TRAINEE_HEADER = ("学员编号,姓名（脱敏）,所属区域,培训班次,结业日期,证书,其他技能,意向区域,"
                  "期望月薪,状态,同意推荐,联系电话\n")


# -- 1. the signing key ---------------------------------------------------------------------

def _keyless_app(path: Path, norm: Normalizer, secret_key: str | None = None) -> FastAPI:
    """An app on the SQLite file ``path`` with only the demo accounts and no key set."""
    return create_app(Settings(database_url=f"sqlite:///{path}", secret_key=secret_key,
                               seed_sample=False, demo_accounts=True), normalizer=norm)


@pytest.fixture
def keyless(tmp_path: Path, norm: Normalizer) -> Iterator[dict[str, TestClient]]:
    """Two apps sharing a database (two processes, or a restart) and one on another."""
    with (TestClient(_keyless_app(tmp_path / "shared.db", norm)) as first,
          TestClient(_keyless_app(tmp_path / "shared.db", norm)) as second,
          TestClient(_keyless_app(tmp_path / "other.db", norm)) as other):
        yield {"first": first, "second": second, "other": other}


def _admin_token(client: TestClient) -> dict[str, str]:
    response = client.post("/api/v1/auth/login",
                           json={"username": "admin", "password": "demo-admin-pass"})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_without_a_configured_key_apps_on_one_database_share_a_generated_key(
        keyless: dict[str, TestClient]) -> None:
    headers = _admin_token(keyless["first"])
    assert keyless["second"].get("/api/v1/auth/me", headers=headers).status_code == 200
    assert keyless["other"].get("/api/v1/auth/me", headers=headers).status_code == 401
    back = _admin_token(keyless["second"])
    assert keyless["first"].get("/api/v1/auth/me", headers=back).status_code == 200


def test_a_token_signed_with_the_old_public_default_is_rejected(
        keyless: dict[str, TestClient]) -> None:
    forged = issue_token(OLD_PUBLIC_DEFAULT, 1, 3600)
    for client in keyless.values():
        response = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {forged}"})
        assert response.status_code == 401


def test_a_configured_key_wins_over_the_stored_one(tmp_path: Path, norm: Normalizer) -> None:
    with TestClient(_keyless_app(tmp_path / "t.db", norm)) as generated:
        stored = _admin_token(generated)
    explicit = "an-explicit-key-0123456789"
    with TestClient(_keyless_app(tmp_path / "t.db", norm, explicit)) as configured:
        token = issue_token(explicit, 1, 3600)
        assert configured.get("/api/v1/auth/me",
                              headers={"Authorization": f"Bearer {token}"}).status_code == 200
        assert configured.get("/api/v1/auth/me", headers=stored).status_code == 401


# -- 2. a streamed body over the limit ------------------------------------------------------

def _chunks(total: int, size: int = 16 * 1024) -> Iterator[bytes]:
    yield b'{"x": "'
    for _ in range(total // size):
        yield b"a" * size
    yield b'"}'


def _multipart_chunks(total: int) -> Iterator[bytes]:
    yield (b'--BOUNDARY\r\nContent-Disposition: form-data; name="file"; filename="t.csv"\r\n'
           b"Content-Type: text/csv\r\n\r\n")
    yield from (b"x" * 16 * 1024 for _ in range(total // (16 * 1024)))
    yield b"\r\n--BOUNDARY--\r\n"


@pytest.mark.parametrize(("path", "content_type", "body"), [
    ("/api/v1/normalize", "application/json", _chunks),
    ("/api/v1/imports/trainees?dry_run=true", "multipart/form-data; boundary=BOUNDARY",
     _multipart_chunks),
], ids=["json", "multipart"])
def test_streamed_body_over_the_limit_is_413(client: TestClient, settings: Settings, tokens: H,
                                             path: str, content_type: str,
                                             body: Callable[[int], Iterator[bytes]]) -> None:
    response = client.post(path, content=body(settings.max_body_bytes + 64 * 1024),
                           headers={**tokens["admin"], "Content-Type": content_type})
    assert "content-length" not in {k.lower() for k in response.request.headers}
    assert response.status_code == 413, response.text
    assert response.json()["error"]["code"] == "too_large"


# -- 3. the login limiter: bounded, shared by every process ----------------------------------

T0 = dt.datetime(2026, 1, 1, 8, 0, 0)


def _at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


@pytest.fixture()
def limiter_store(tmp_path: Path) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(f"sqlite:///{tmp_path / 'limits.db'}")
    migrate(engine)
    yield make_sessionmaker(engine)
    engine.dispose()


def test_login_failures_of_past_windows_are_deleted(
        limiter_store: sessionmaker[Session]) -> None:
    limiter = StoredLoginLimiter(attempts=2, window_seconds=10)
    with limiter_store() as s:
        for i in range(200):  # made-up user names
            limiter.failed(s, f"user{i}|10.0.0.1", now=_at(1))
        assert limiter.tracked(s) == 200
        limiter.failed(s, "late", now=_at(20))
        assert limiter.tracked(s) == 1
        assert limiter.retry_after(s, "other|10.0.0.1", now=_at(21)) == 0
        assert limiter.tracked(s) == 1  # merely asking tracks nothing


def test_login_limiter_still_blocks_within_the_window(
        limiter_store: sessionmaker[Session]) -> None:
    limiter = StoredLoginLimiter(attempts=3, window_seconds=10)
    with limiter_store() as s:
        for t in (1, 2, 3):
            limiter.failed(s, "victim", now=_at(t))
        assert limiter.retry_after(s, "victim", now=_at(4)) == 7
        for t in (4, 5):
            limiter.failed(s, "victim", now=_at(t))
        assert limiter.retry_after(s, "victim", now=_at(6)) == 7  # the 3rd newest (t=3)
        assert limiter.retry_after(s, "victim", now=_at(12.5)) == 1
        assert limiter.retry_after(s, "victim", now=_at(13)) == 0
        limiter.failed(s, "victim", now=_at(14))
        limiter.succeeded(s, "victim")
        assert limiter.retry_after(s, "victim", now=_at(14)) == 0
        assert limiter.tracked(s) == 0


def test_one_limit_for_every_process_on_the_store(
        limiter_store: sessionmaker[Session]) -> None:
    """Two limiters (two worker processes) on one store count the same failures."""
    first, second = (StoredLoginLimiter(attempts=3, window_seconds=60) for _ in range(2))
    with limiter_store() as a, limiter_store() as b:
        first.failed(a, "ann|10.0.0.9", now=_at(1))
        second.failed(b, "ann|10.0.0.9", now=_at(2))
        first.failed(a, "ann|10.0.0.9", now=_at(3))
        assert second.retry_after(b, "ann|10.0.0.9", now=_at(4)) == 57

# -- 4. re-importing a deleted trainee ------------------------------------------------------

def test_reimporting_a_deleted_trainee_is_refused_and_writes_nothing(
        client: TestClient, app: FastAPI, tokens: H) -> None:
    a = tokens["admin"]
    with app.state.sessionmaker() as s:
        course = s.scalar(select(Course).order_by(Course.id))
    assert course is not None
    created = client.post("/api/v1/trainees", headers=a, json={
        "id": "THARD1", "masked_name": "删*", "area": course.area, "course_id": course.id,
        "graduation_date": "2025-05-18", "contact": "13800000001",
        "consent_recommend": True})
    assert created.status_code == 201, created.text
    assert client.delete("/api/v1/trainees/THARD1", headers=a).status_code == 200
    csv = TRAINEE_HEADER + (f"THARD1,删*,{course.area},{course.id},2025-05-18,,,,5000,seeking,"
                            "是,13800000001\n"
                            f"THARD2,新*,{course.area},{course.id},2025-05-18,,,,5000,seeking,"
                            "是,13800000002\n")
    for dry_run in ("true", "false"):
        response = client.post(f"/api/v1/imports/trainees?dry_run={dry_run}", headers=a,
                               files={"file": ("t.csv", csv.encode("utf-8-sig"), "text/csv")})
        report = response.json() if dry_run == "true" else response.json()["error"]["details"]
        assert response.status_code == (200 if dry_run == "true" else 422), response.text
        assert not report["ok"] and not report["stored"]
        [problem] = report["problems"]
        assert (problem["row"], problem["column"], problem["value"]) == (1, "trainee_id",
                                                                         "THARD1")
        assert "删除" in problem["reason_zh"] and "deleted" in problem["reason_en"]
    with app.state.sessionmaker() as s:
        erased = s.get(Trainee, "THARD1")
        assert erased is not None and erased.deleted_at is not None
        assert (erased.contact, erased.masked_name, erased.consent_recommend) == (
            None, "已删除", False)
        assert s.get(Trainee, "THARD2") is None


# -- 5. who may change what about a trainee -------------------------------------------------

def _trainee_in(app: FastAPI, areas: list[str]) -> Trainee:
    with app.state.sessionmaker() as s:
        t = s.scalar(select(Trainee).where(Trainee.area.in_(areas),
                                           Trainee.deleted_at.is_(None)).order_by(Trainee.id))
    assert t is not None
    return t


def test_area_counselor_cannot_move_a_trainee_out_of_their_areas(
        client: TestClient, app: FastAPI, tokens: H) -> None:
    areas = client.get("/api/v1/auth/me", headers=tokens["counselor_area"]).json()["areas"]
    t = _trainee_in(app, areas)
    elsewhere = "渠县" if "渠县" not in areas else "通川区"
    response = client.patch(f"/api/v1/trainees/{t.id}", json={"area": elsewhere},
                            headers=tokens["counselor_area"])
    assert response.status_code == 403, response.text
    assert elsewhere in response.json()["error"]["message_zh"]
    assert client.get(f"/api/v1/trainees/{t.id}",
                      headers=tokens["admin"]).json()["area"] == t.area
    same = client.patch(f"/api/v1/trainees/{t.id}", json={"area": t.area},
                        headers=tokens["counselor_area"])
    assert same.status_code == 200, same.text


@pytest.mark.parametrize("field", [
    {"status": "placed"}, {"status": "withdrawn"}, {"area": "渠县"}, {"course_id": "C0001"},
    {"graduation_date": "2020-01-01"}, {"certificates": "焊工（高级工）"},
    {"skills": "数控编程"}, {"masked_name": "改*"},
], ids=["status-placed", "status-withdrawn", "area", "course", "graduation", "certificates",
        "skills", "name"])
def test_trainee_cannot_change_their_records(client: TestClient, tokens: H,
                                             field: dict[str, str]) -> None:
    mine = client.get("/api/v1/auth/me", headers=tokens["trainee1"]).json()["trainee_id"]
    before = client.get(f"/api/v1/trainees/{mine}", headers=tokens["admin"]).json()
    response = client.patch(f"/api/v1/trainees/{mine}", json=field, headers=tokens["trainee1"])
    assert response.status_code == 403, response.text
    assert client.get(f"/api/v1/trainees/{mine}", headers=tokens["admin"]).json() == before


def test_trainee_changes_their_wishes_consent_and_contact(client: TestClient,
                                                          tokens: H) -> None:
    mine = client.get("/api/v1/auth/me", headers=tokens["trainee1"]).json()["trainee_id"]
    before = client.get(f"/api/v1/trainees/{mine}", headers=tokens["trainee1"]).json()
    fields = ("preferred_areas", "expected_wage", "consent_recommend",
              "consent_share_contact", "contact")
    changed = {"preferred_areas": "通川区", "expected_wage": 6100, "contact": "13900000009"}
    response = client.patch(f"/api/v1/trainees/{mine}", json=changed,
                            headers=tokens["trainee1"])
    assert response.status_code == 200, response.text
    assert {k: response.json()[k] for k in changed} == changed
    restored = client.patch(f"/api/v1/trainees/{mine}", json={k: before[k] for k in fields},
                            headers=tokens["trainee1"])
    assert restored.status_code == 200, restored.text


def test_concurrent_guesses_cannot_pass_one_check(store_app: FastAPI) -> None:
    """Checked and counted in one locked transaction: at most ``attempts`` get through."""
    limiter = StoredLoginLimiter(attempts=3, window_seconds=60)
    key = f"race-{uuid.uuid4().hex[:8]}|10.0.0.7"
    barrier = threading.Barrier(12)
    admitted: list[int] = []

    def guess() -> None:
        with store_app.state.sessionmaker() as s:
            barrier.wait(timeout=30)
            admitted.append(limiter.admit(s, key))

    threads = [threading.Thread(target=guess) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(admitted) == 12 and admitted.count(0) == 3
