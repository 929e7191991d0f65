"""Found in user acceptance testing: each failed before its fix.

An enterprise recorded the hire of a trainee it was never shown (and learnt which trainee
ids exist); an enterprise changed the bureau's fields of its own record; the account of
a deleted trainee kept working.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.models import Enterprise, Interaction, Placement, Trainee, User, utcnow
from api.security import hash_password
from tests.api.conftest import login

H = dict[str, str]


@pytest.fixture(scope="module")
def uat(store_app: FastAPI) -> tuple[TestClient, dict[str, H]]:
    """A client of the service on each store and the headers of the accounts used here."""
    client = TestClient(store_app)
    return client, {name: login(client, name)
                    for name in ("admin", "counselor", "enterprise1", "enterprise2")}


def _enterprise_of(client: TestClient, headers: H) -> str:
    return str(client.get("/api/v1/auth/me", headers=headers).json()["enterprise_id"])


def _new_posting(client: TestClient, headers: H) -> str:
    """A fresh open posting of the enterprise signed in with ``headers``, room for 10."""
    response = client.post("/api/v1/postings", headers=headers, json={
        "title": "招聘电焊工", "requirements": "持焊工证", "headcount": 10, "wage_min": 4000,
        "wage_max": 6000, "area": "达川区", "closes": "2030-01-01"})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _free_trainees(app: FastAPI, n: int) -> list[str]:
    """``n`` seeking, consenting, unplaced trainees without an account."""
    with app.state.sessionmaker() as s:
        return list(s.scalars(select(Trainee.id).where(
            Trainee.status == "seeking", Trainee.consent_recommend,
            Trainee.deleted_at.is_(None), ~Trainee.id.in_(select(Placement.trainee_id)),
            ~Trainee.id.in_(select(User.trainee_id).where(User.trainee_id.is_not(None))))
            .order_by(Trainee.id).offset(40).limit(n)))


def _recommend(app: FastAPI, posting_id: str, *trainee_ids: str) -> None:
    with app.state.sessionmaker() as s:
        s.add_all(Interaction(kind="recommended", posting_id=posting_id, trainee_id=t,
                              at=utcnow()) for t in trainee_ids)
        s.commit()


def _status(app: FastAPI, trainee_id: str) -> tuple[str, bool]:
    with app.state.sessionmaker() as s:
        trainee = s.get(Trainee, trainee_id)
        assert trainee is not None
        placed = s.scalar(select(Placement.id).where(Placement.trainee_id == trainee_id))
        return trainee.status, placed is not None


# -- 1. an enterprise records hires only of trainees shown to it ---------------------------

def test_enterprise_cannot_hire_a_trainee_never_shown_and_learns_nothing(
        store_app: FastAPI, uat: tuple[TestClient, dict[str, H]]) -> None:
    client, tokens = uat
    pid = _new_posting(client, tokens["enterprise1"])
    (tid,) = _free_trainees(store_app, 1)
    unknown = client.post("/api/v1/placements", headers=tokens["enterprise1"],
                          json={"posting_id": pid, "trainee_id": "TNOSUCH99"})
    for path, body in (("/api/v1/placements", {"posting_id": pid, "trainee_id": tid}),
                       ("/api/v1/interactions",
                        {"kind": "hired", "posting_id": pid, "trainee_id": tid})):
        response = client.post(path, headers=tokens["enterprise1"], json=body)
        assert response.status_code == 404, (path, response.text)
        assert response.json() == unknown.json(), "the answer tells the id exists"
        error = response.json()["error"]
        assert "就业指导员" in error["message_zh"] and "counselor" in error["message_en"]
    assert _status(store_app, tid) == ("seeking", False)


def test_enterprise_cannot_hire_a_deleted_trainee_but_one_who_withdrew_consent_since(
        store_app: FastAPI, uat: tuple[TestClient, dict[str, H]]) -> None:
    """Consent is about being recommended: a trainee shown, interviewed and hired who
    withdrew it meanwhile (no more offers, please) is still recorded as hired."""
    client, tokens = uat
    pid = _new_posting(client, tokens["enterprise1"])
    withdrew, deleted = _free_trainees(store_app, 2)
    _recommend(store_app, pid, withdrew, deleted)
    assert client.patch(f"/api/v1/trainees/{withdrew}", json={"consent_recommend": False},
                        headers=tokens["counselor"]).status_code == 200
    assert client.delete(f"/api/v1/trainees/{deleted}",
                         headers=tokens["admin"]).status_code == 200
    response = client.post("/api/v1/placements", headers=tokens["enterprise1"],
                           json={"posting_id": pid, "trainee_id": deleted})
    assert response.status_code == 404, response.text
    assert not _status(store_app, deleted)[1]
    response = client.post("/api/v1/placements", headers=tokens["enterprise1"],
                           json={"posting_id": pid, "trainee_id": withdrew})
    assert response.status_code == 201, response.text


def test_enterprise_logs_steps_only_of_trainees_it_was_shown(
        store_app: FastAPI, uat: tuple[TestClient, dict[str, H]]) -> None:
    client, tokens = uat
    pid = _new_posting(client, tokens["enterprise1"])
    shown, never = _free_trainees(store_app, 2)
    _recommend(store_app, pid, shown)
    for kind in ("contacted", "interviewed"):
        step = {"kind": kind, "posting_id": pid}
        refused = client.post("/api/v1/interactions", headers=tokens["enterprise1"],
                              json=step | {"trainee_id": never})
        missing = client.post("/api/v1/interactions", headers=tokens["enterprise1"],
                              json=step | {"trainee_id": "T9999999"})
        assert refused.status_code == missing.status_code == 404
        assert refused.json() == missing.json()  # nothing told about which ids exist
        logged = client.post("/api/v1/interactions", headers=tokens["enterprise1"],
                             json=step | {"trainee_id": shown})
        assert logged.status_code == 201, logged.text
    staff = client.post("/api/v1/interactions", headers=tokens["counselor"],
                        json={"kind": "contacted", "posting_id": pid, "trainee_id": never})
    assert staff.status_code == 201, staff.text


def test_enterprise_cannot_hire_for_a_posting_a_trainee_was_shown_for_elsewhere(
        store_app: FastAPI, uat: tuple[TestClient, dict[str, H]]) -> None:
    client, tokens = uat
    mine, other = _new_posting(client, tokens["enterprise1"]), \
        _new_posting(client, tokens["enterprise2"])
    (tid,) = _free_trainees(store_app, 1)
    _recommend(store_app, other, tid)
    response = client.post("/api/v1/placements", headers=tokens["enterprise1"],
                           json={"posting_id": mine, "trainee_id": tid})
    assert response.status_code == 404, response.text
    response = client.post("/api/v1/placements", headers=tokens["enterprise1"],
                           json={"posting_id": other, "trainee_id": tid})
    assert response.status_code == 403, response.text
    assert _status(store_app, tid) == ("seeking", False)


def test_enterprise_hires_a_trainee_from_its_shortlist_just_served(
        store_app: FastAPI, uat: tuple[TestClient, dict[str, H]]) -> None:
    """The shortlist's recommendations are written behind the request: the hire flushes
    the log writer before it looks."""
    client, tokens = uat
    pid = _new_posting(client, tokens["enterprise1"])
    items = client.get(f"/api/v1/postings/{pid}/shortlist?k=20",
                       headers=tokens["enterprise1"]).json()["items"]
    assert items, "the shortlist of a welder posting is empty"
    placed = {t for t in (i["trainee_id"] for i in items) if _status(store_app, t)[1]}
    tid = next(i["trainee_id"] for i in items if i["trainee_id"] not in placed)
    response = client.post("/api/v1/interactions", headers=tokens["enterprise1"],
                           json={"kind": "hired", "posting_id": pid, "trainee_id": tid})
    assert response.status_code == 201, response.text
    assert response.json()["through_matching"] is True
    assert _status(store_app, tid) == ("placed", True)


def test_staff_still_record_the_hire_of_a_trainee_never_shown(
        store_app: FastAPI, uat: tuple[TestClient, dict[str, H]]) -> None:
    client, tokens = uat
    pid = _new_posting(client, tokens["enterprise1"])
    (tid,) = _free_trainees(store_app, 1)
    response = client.post("/api/v1/placements", headers=tokens["counselor"],
                           json={"posting_id": pid, "trainee_id": tid})
    assert response.status_code == 201, response.text
    assert response.json()["through_matching"] is False
    response = client.post("/api/v1/placements", headers=tokens["counselor"],
                           json={"posting_id": pid, "trainee_id": "TNOSUCH99"})
    assert response.status_code == 404


# -- 2. the bureau's fields of an enterprise ----------------------------------------------

@pytest.mark.parametrize(("field", "label", "value"), [
    ("key_enterprise", "重点企业", None), ("industry", "所属行业", "电子商务"),
    ("uscc", "统一社会信用代码", "91511722MA0000007X"), ("area", "所在区域", "通川区")])
def test_enterprise_cannot_change_the_bureaus_fields_of_its_record(
        store_app: FastAPI, uat: tuple[TestClient, dict[str, H]], field: str, label: str,
        value: object) -> None:
    client, tokens = uat
    eid = _enterprise_of(client, tokens["enterprise1"])
    before = client.get(f"/api/v1/enterprises/{eid}", headers=tokens["enterprise1"]).json()
    new = (not before[field]) if value is None else value
    response = client.patch(f"/api/v1/enterprises/{eid}", headers=tokens["enterprise1"],
                            json={"name": "改名企业", field: new})
    assert response.status_code == 403, response.text
    error = response.json()["error"]
    assert label in error["message_zh"] and field in error["message_en"]
    assert error["details"] == [{"field": field, "label": label}]
    after = client.get(f"/api/v1/enterprises/{eid}", headers=tokens["enterprise1"]).json()
    assert after == before


def test_enterprise_may_still_rename_itself_and_staff_set_the_bureaus_fields(
        store_app: FastAPI, uat: tuple[TestClient, dict[str, H]]) -> None:
    client, tokens = uat
    eid = _enterprise_of(client, tokens["enterprise1"])
    with store_app.state.sessionmaker() as s:
        enterprise = s.get(Enterprise, eid)
        assert enterprise is not None
        name, key, industry = enterprise.name, enterprise.key_enterprise, enterprise.industry
    response = client.patch(f"/api/v1/enterprises/{eid}", headers=tokens["enterprise1"],
                            json={"name": f"{name}（新）"})
    assert response.status_code == 200, response.text
    response = client.patch(f"/api/v1/enterprises/{eid}", headers=tokens["counselor"],
                            json={"key_enterprise": not key, "industry": "其他"})
    assert response.status_code == 200, response.text
    assert response.json()["key_enterprise"] is (not key)
    response = client.patch(f"/api/v1/enterprises/{eid}", headers=tokens["admin"],
                            json={"name": name, "key_enterprise": key, "industry": industry})
    assert response.status_code == 200, response.text


# -- 3. deleting a trainee closes their account -------------------------------------------

def _trainee_account(app: FastAPI, trainee_id: str) -> tuple[str, str]:
    username, password = f"uat-{uuid.uuid4().hex[:10]}", "uat-trainee-pass"
    with app.state.sessionmaker() as s:
        s.add(User(username=username, password_hash=hash_password(password), role="trainee",
                   trainee_id=trainee_id))
        s.commit()
    return username, password


def _sign_in(client: TestClient, username: str, password: str) -> tuple[int, dict]:
    response = client.post("/api/v1/auth/login",
                           json={"username": username, "password": password})
    return response.status_code, response.json()


def _assert_closed(client: TestClient, headers: H) -> None:
    for path in ("/api/v1/auth/me", "/api/v1/postings", "/api/v1/interactions"):
        response = client.get(path, headers=headers)
        assert response.status_code == 401, (path, response.text)
        error = response.json()["error"]
        assert error["code"] == "account_closed"
        assert "注销" in error["message_zh"] and "closed" in error["message_en"]


def test_deleting_a_trainee_closes_their_account(
        store_app: FastAPI, uat: tuple[TestClient, dict[str, H]]) -> None:
    client, tokens = uat
    (tid,) = _free_trainees(store_app, 1)
    username, password = _trainee_account(store_app, tid)
    status, body = _sign_in(client, username, password)
    assert status == 200, body
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    assert client.get("/api/v1/auth/me", headers=headers).status_code == 200
    assert client.delete(f"/api/v1/trainees/{tid}", headers=tokens["admin"]).status_code == 200
    _assert_closed(client, headers)
    status, body = _sign_in(client, username, password)
    assert status == 401 and body["error"]["code"] == "account_closed", body
    status, body = _sign_in(client, username, "a-wrong-password")
    assert status == 401 and body["error"]["code"] == "unauthorized", body
    with store_app.state.sessionmaker() as s:
        assert s.scalar(select(User.active).where(User.username == username)) is False


def test_the_account_of_a_trainee_deleted_earlier_is_closed_too(
        store_app: FastAPI, uat: tuple[TestClient, dict[str, H]]) -> None:
    """A trainee deleted before accounts were closed with the record: still active."""
    client, _tokens = uat
    (tid,) = _free_trainees(store_app, 1)
    username, password = _trainee_account(store_app, tid)
    status, body = _sign_in(client, username, password)
    assert status == 200, body
    with store_app.state.sessionmaker() as s:
        trainee = s.get(Trainee, tid)
        assert trainee is not None
        trainee.deleted_at = dt.datetime(2025, 1, 1)
        s.commit()
    _assert_closed(client, {"Authorization": f"Bearer {body['access_token']}"})
    assert _sign_in(client, username, password)[0] == 401


_TRAINEE = {"id": "TP000009", "masked_name": "赵*", "area": "宣汉县",
            "course_id": "C000001", "graduation_date": "2025-06-30"}


def test_the_id_of_a_deleted_trainee_is_said_to_be_one(client: TestClient,
                                                       tokens: dict[str, H]) -> None:
    made = client.post("/api/v1/trainees", headers=tokens["counselor"],
                       json=_TRAINEE)
    assert made.status_code == 201, made.text
    assert client.delete("/api/v1/trainees/TP000009",
                         headers=tokens["counselor"]).status_code in (200, 204)
    again = client.post("/api/v1/trainees", headers=tokens["counselor"],
                        json=_TRAINEE)
    assert again.status_code == 409
    assert "已删除" in again.json()["error"]["message_zh"]


def test_a_trainee_is_told_in_chinese_which_fields_are_not_theirs(
        client: TestClient, tokens: dict[str, H]) -> None:
    me = client.get("/api/v1/auth/me", headers=tokens["trainee2"]).json()["trainee_id"]
    refused = client.patch(f"/api/v1/trainees/{me}", headers=tokens["trainee2"],
                           json={"status": "placed", "skills": "电工"})
    assert refused.status_code == 403
    message = refused.json()["error"]["message_zh"]
    assert "状态" in message and "其他技能" in message and "status" not in message
