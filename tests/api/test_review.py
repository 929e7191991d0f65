"""Review findings: each test pins a defect a user could hit (500s, access, audit, locks)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event, func, select

from api.models import AuditEntry, Enterprise, Posting, Trainee

H = dict[str, dict[str, str]]
TRAINEE_HEADER = ("学员编号,姓名（脱敏）,所属区域,培训班次,结业日期,证书,其他技能,意向区域,"
                  "期望月薪,状态,同意推荐,联系电话\n")


@pytest.fixture
def quiet(app: FastAPI) -> TestClient:
    """A client that answers 500 as a response instead of raising the server's error."""
    return TestClient(app, raise_server_exceptions=False)


def _first(app: FastAPI, query: object) -> object:
    with app.state.sessionmaker() as s:
        return s.scalar(query)  # type: ignore[call-overload]


def _audits(app: FastAPI) -> int:
    return int(_first(app, select(func.count()).select_from(AuditEntry)))  # type: ignore[arg-type]


@pytest.mark.parametrize("signature", [b"\xe9", "\u00e9".encode("latin-1") + b"abc"],
                         ids=["latin1-byte", "latin1-prefix"])
def test_tampered_token_with_non_ascii_is_401_not_500(quiet: TestClient, signature: bytes
                                                      ) -> None:
    token = b"Bearer 1.9999999999." + signature
    assert quiet.get("/api/v1/auth/me", headers={"Authorization": token}).status_code == 401
    keyed = quiet.post("/api/v1/interactions", json={},
                       headers={"Authorization": token, "Idempotency-Key": "k-non-ascii"})
    assert keyed.status_code == 401


def test_patch_trainee_with_null_flag_is_422_not_500(quiet: TestClient, app: FastAPI,
                                                     tokens: H) -> None:
    tid = _first(app, select(Trainee.id).where(Trainee.deleted_at.is_(None))
                 .order_by(Trainee.id))
    for field in ("consent_share_contact", "consent_recommend"):
        response = quiet.patch(f"/api/v1/trainees/{tid}", json={field: None},
                               headers=tokens["admin"])
        assert response.status_code == 422, (field, response.text)


def test_duplicate_uscc_is_409_or_422_not_500(quiet: TestClient, tokens: H) -> None:
    a = tokens["admin"]
    first, second = quiet.get("/api/v1/enterprises?page_size=2", headers=a).json()["items"]
    created = quiet.post("/api/v1/enterprises", headers=a, json={
        "id": "EREVIEW1", "name": "复核公司", "uscc": first["uscc"], "industry": "新材料",
        "area": "宣汉县"})
    assert created.status_code == 409, created.text
    patched = quiet.patch(f"/api/v1/enterprises/{second['id']}", json={"uscc": first["uscc"]},
                          headers=a)
    assert patched.status_code == 409, patched.text
    csv = ("企业编号,企业名称,统一社会信用代码,所属行业,所在区域,重点企业\n"
           f"EREVIEW2,复核公司,{first['uscc']},新材料,宣汉县,否\n")
    imported = quiet.post("/api/v1/imports/enterprises?dry_run=false", headers=a,
                          files={"file": ("e.csv", csv.encode(), "text/csv")})
    assert imported.status_code in (409, 422), imported.text


def test_patch_trainee_response_is_audited(client: TestClient, app: FastAPI,
                                           tokens: H) -> None:
    tid = _first(app, select(Trainee.id).where(Trainee.deleted_at.is_(None),
                                                Trainee.contact.is_not(None))
                 .order_by(Trainee.id))
    before = _audits(app)
    response = client.patch(f"/api/v1/trainees/{tid}", json={}, headers=tokens["counselor"])
    assert response.status_code == 200 and response.json()["contact"]
    assert _audits(app) == before + 1


def test_idempotent_replay_of_an_excel_export_is_not_500(quiet: TestClient, app: FastAPI,
                                                          tokens: H) -> None:
    pid = _first(app, select(Posting.id).where(Posting.status == "open").order_by(Posting.id))
    tid = _first(app, select(Trainee.id).where(Trainee.deleted_at.is_(None))
                 .order_by(Trainee.id))
    headers = {**tokens["admin"], "Idempotency-Key": "review-plan-xlsx"}
    body = {"posting_ids": [pid], "trainee_ids": [tid]}
    first = quiet.post("/api/v1/plans.xlsx", json=body, headers=headers)
    again = quiet.post("/api/v1/plans.xlsx", json=body, headers=headers)
    assert first.status_code == again.status_code == 200, again.text
    assert again.content[:2] == b"PK"  # an xlsx (zip) file, not a broken JSON replay


def test_area_counselor_cannot_import_trainees_outside_their_areas(
        client: TestClient, app: FastAPI, tokens: H) -> None:
    areas = client.get("/api/v1/auth/me", headers=tokens["counselor_area"]).json()["areas"]
    outside = _first(app, select(Trainee).where(Trainee.area.not_in(areas),
                                                 Trainee.deleted_at.is_(None))
                     .order_by(Trainee.id))
    assert isinstance(outside, Trainee)
    # an existing trainee of another area, re-imported into the counselor's own area
    csv = TRAINEE_HEADER + (f"{outside.id},改*,{areas[0]},{outside.course_id},2025-05-18,,,,"
                            "5000,seeking,是,10090000000\n"
                            f"TREVIEW1,新*,{'通川区' if areas[0] != '通川区' else '渠县'},"
                            f"{outside.course_id},2025-05-18,,,,5000,seeking,是,\n")
    response = client.post("/api/v1/imports/trainees?dry_run=false",
                           files={"file": ("t.csv", csv.encode("utf-8-sig"), "text/csv")},
                           headers=tokens["counselor_area"])
    assert response.status_code in (403, 422), response.text
    with app.state.sessionmaker() as s:
        assert s.get(Trainee, outside.id).contact == outside.contact  # type: ignore[union-attr]
        assert s.get(Trainee, "TREVIEW1") is None


@pytest.fixture
def concurrent_writer(app: FastAPI) -> Iterator[list[str]]:
    """Commit another connection's write right after the request's first read (its user
    look-up): what a concurrent request (e.g. a shortlist's audit rows) does under load."""
    if app.state.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    path = app.state.engine.url.database
    armed: list[str] = []

    def after(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if armed and statement.lstrip().upper().startswith("SELECT"):
            armed.clear()
            other = sqlite3.connect(path, isolation_level=None, timeout=1)
            other.execute("INSERT INTO audit_log (actor_id, trainee_id, action, with_contact,"
                          " at) VALUES (NULL, 'x', 'probe', 0, '2026-01-01 00:00:00')")
            other.close()

    event.listen(app.state.engine, "after_cursor_execute", after)
    yield armed
    event.remove(app.state.engine, "after_cursor_execute", after)


def test_writes_do_not_fail_with_database_locked_under_concurrent_writes(
        quiet: TestClient, app: FastAPI, tokens: H, concurrent_writer: list[str]) -> None:
    tid = _first(app, select(Trainee.id).where(Trainee.deleted_at.is_(None))
                 .order_by(Trainee.id))
    eid = _first(app, select(Enterprise.id).order_by(Enterprise.id))
    pid = _first(app, select(Posting.id).order_by(Posting.id))
    a = tokens["admin"]
    for method, path, body in (
            ("GET", f"/api/v1/trainees/{tid}", None),
            ("GET", "/api/v1/trainees?page_size=3", None),
            ("PATCH", f"/api/v1/trainees/{tid}", {"expected_wage": 4100}),
            ("PATCH", f"/api/v1/enterprises/{eid}", {"name": "复核改名公司"}),
            ("PATCH", f"/api/v1/postings/{pid}", {"wage_max": 9000}),
            ("POST", "/api/v1/interactions", {"kind": "viewed", "posting_id": pid,
                                              "trainee_id": tid})):
        concurrent_writer.append("armed")
        response = quiet.request(method, path, json=body, headers=a)
        assert response.status_code in (200, 201), (method, path, response.text)
