"""Sign-in, tokens, the login rate limit and the error shape of 401/429."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.security import hash_password, issue_token, read_token, verify_password


def test_password_hash_round_trip() -> None:
    stored = hash_password("s3cret")
    assert stored.startswith("scrypt$") and "s3cret" not in stored
    assert verify_password("s3cret", stored)
    assert not verify_password("S3cret", stored)
    assert not verify_password("s3cret", "garbage")


def test_token_expires_and_is_signed() -> None:
    token = issue_token("k" * 20, 7, 60, now=1000)
    assert read_token("k" * 20, token, now=1030) == 7
    assert read_token("k" * 20, token, now=2000) is None
    assert read_token("x" * 20, token, now=1030) is None
    assert read_token("k" * 20, "7.9999999999.forged", now=1030) is None


def test_login_and_me(client: TestClient, tokens: dict[str, dict[str, str]]) -> None:
    me = client.get("/api/v1/auth/me", headers=tokens["enterprise1"]).json()
    assert (me["role"], me["role_label"]) == ("enterprise", "企业")
    assert me["enterprise_id"]


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer nonsense"},
                                     {"Authorization": "Basic abc"}],
                         ids=["missing", "forged", "not-bearer"])
def test_requests_without_a_valid_token_get_401(client: TestClient,
                                                headers: dict[str, str]) -> None:
    response = client.get("/api/v1/postings", headers=headers)
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == "unauthorized" and error["message_zh"] and error["message_en"]


def test_failed_logins_are_rate_limited(client: TestClient) -> None:
    body = {"username": "counselor", "password": "wrong"}
    statuses = [client.post("/api/v1/auth/login", json=body).status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    limited = client.post("/api/v1/auth/login",
                          json={"username": "counselor", "password": "demo-counselor-pass"})
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0
    assert "秒后再试" in limited.json()["error"]["message_zh"]
