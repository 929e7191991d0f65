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


def test_a_retry_is_the_same_request_whatever_its_bytes(client: TestClient, tokens: H) -> None:
    """JSON keys in another order, and an upload sent again under a new multipart
    boundary (clients pick one per try), replay the stored answer."""
    headers = tokens["admin"] | {"Idempotency-Key": "reuse-3"}
    first = client.post("/api/v1/interactions", headers=headers | {
        "Content-Type": "application/json"},
        content=b'{"kind": "contacted", "posting_id": "P0000008", "trainee_id": "T0000013"}')
    again = client.post("/api/v1/interactions", headers=headers | {
        "Content-Type": "application/json"},
        content=b'{"trainee_id":"T0000013","posting_id":"P0000008","kind":"contacted"}')
    assert first.status_code == again.status_code == 201, again.text
    assert again.headers.get("Idempotent-Replayed") == "true"

    roster = ("学员编号,姓名（脱敏）,所属区域,培训班次,结业日期,证书,其他技能,意向区域,"
              "期望月薪,状态,同意推荐\n"
              "TR000001,王*,通川区,C000001,2025-05-30,焊工 四级/中级工,,不限,5000,seeking,是\n")
    upload = tokens["admin"] | {"Idempotency-Key": "reuse-4"}
    answers = []
    for boundary in ("first-boundary-1234", "another-boundary-9876"):
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
                f"filename=\"r.csv\"\r\nContent-Type: text/csv\r\n\r\n{roster}\r\n"
                f"--{boundary}--\r\n").encode()
        answers.append(client.post(
            "/api/v1/imports/trainees?dry_run=true", content=body,
            headers=upload | {"Content-Type": f"multipart/form-data; boundary={boundary}"}))
    assert [a.status_code for a in answers] == [200, 200], answers[1].text
    assert answers[1].headers.get("Idempotent-Replayed") == "true"
