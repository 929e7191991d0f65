"""An Idempotency-Key names one request: sent again with another body it is refused."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.models import Interaction

H = dict[str, dict[str, str]]


def _contacted(app: FastAPI, posting: str, trainee: str) -> int:
    with app.state.sessionmaker() as s:
        return s.scalar(select(func.count()).select_from(Interaction).where(
            Interaction.kind == "contacted", Interaction.posting_id == posting,
            Interaction.trainee_id == trainee))


def test_a_key_sent_with_another_body_is_refused_and_nothing_replayed(
        client: TestClient, app: FastAPI, tokens: H) -> None:
    headers = tokens["admin"] | {"Idempotency-Key": "reuse-1"}
    body = {"kind": "contacted", "posting_id": "P0000005", "trainee_id": "T0000011"}
    first = client.post("/api/v1/interactions", json=body, headers=headers)
    assert first.status_code == 201, first.text
    other = client.post("/api/v1/interactions", headers=headers,
                        json=body | {"posting_id": "P0000006"})
    assert other.status_code == 422
    error = other.json()["error"]
    assert error["code"] == "key_reused" and "Idempotency-Key" in error["message_zh"]
    assert _contacted(app, "P0000006", "T0000011") == 0  # not run, not answered as if run
    again = client.post("/api/v1/interactions", json=body, headers=headers)
    assert again.status_code == 201 and again.headers.get("Idempotent-Replayed") == "true"
    assert again.json() == first.json() and _contacted(app, "P0000005", "T0000011") == 1


def test_the_same_key_of_another_user_is_theirs(client: TestClient, tokens: H) -> None:
    body = {"kind": "contacted", "posting_id": "P0000007", "trainee_id": "T0000012"}
    for who in ("admin", "counselor"):
        response = client.post("/api/v1/interactions", json=body,
                               headers=tokens[who] | {"Idempotency-Key": "reuse-2"})
        assert response.status_code == 201, response.text
        assert "Idempotent-Replayed" not in response.headers
