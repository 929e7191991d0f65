"""Object-level access: enterprises, trainees, counselors' areas, contact and consent."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.models import AuditEntry, Posting, Trainee

H = dict[str, dict[str, str]]


def _me(client: TestClient, headers: dict[str, str]) -> dict:
    return client.get("/api/v1/auth/me", headers=headers).json()


def _other_posting(app: FastAPI, enterprise_id: str) -> str:
    with app.state.sessionmaker() as s:
        return s.scalar(select(Posting.id).where(Posting.enterprise_id != enterprise_id)
                        .order_by(Posting.id).limit(1))


def test_enterprise_lists_only_its_own_postings(client: TestClient, tokens: H) -> None:
    me = _me(client, tokens["enterprise1"])
    items = client.get("/api/v1/postings?page_size=100",
                       headers=tokens["enterprise1"]).json()["items"]
    assert items and {p["enterprise_id"] for p in items} == {me["enterprise_id"]}
    others = client.get("/api/v1/enterprises", headers=tokens["enterprise1"]).json()
    assert [e["id"] for e in others["items"]] == [me["enterprise_id"]]


def test_enterprise_never_reads_another_enterprises_posting_or_shortlist(
        client: TestClient, app: FastAPI, tokens: H) -> None:
    me = _me(client, tokens["enterprise1"])
    other = _other_posting(app, me["enterprise_id"])
    for path in (f"/api/v1/postings/{other}", f"/api/v1/postings/{other}/shortlist",
                 f"/api/v1/postings/{other}/shortlist.xlsx"):
        response = client.get(path, headers=tokens["enterprise1"])
        assert response.status_code == 403, path
        assert response.json()["error"]["code"] == "forbidden"
    patch = client.patch(f"/api/v1/postings/{other}", json={"headcount": 9},
                         headers=tokens["enterprise1"])
    assert patch.status_code == 403


def test_trainee_reads_only_themself(client: TestClient, tokens: H) -> None:
    mine = _me(client, tokens["trainee1"])["trainee_id"]
    other = _me(client, tokens["trainee2"])["trainee_id"]
    assert client.get(f"/api/v1/trainees/{mine}", headers=tokens["trainee1"]).status_code == 200
    for path in (f"/api/v1/trainees/{other}", f"/api/v1/trainees/{other}/suggestions"):
        # the same 404 as for an id that does not exist: ids cannot be enumerated
        assert client.get(path, headers=tokens["trainee1"]).status_code == 404
    listed = client.get("/api/v1/trainees", headers=tokens["trainee1"]).json()["items"]
    assert [t["id"] for t in listed] == [mine]


def test_enterprise_cannot_list_trainees(client: TestClient, tokens: H) -> None:
    assert client.get("/api/v1/trainees", headers=tokens["enterprise1"]).status_code == 403


def test_counselor_limited_to_areas(client: TestClient, app: FastAPI, tokens: H) -> None:
    areas = _me(client, tokens["counselor_area"])["areas"]
    listed = client.get("/api/v1/trainees?page_size=100",
                        headers=tokens["counselor_area"]).json()["items"]
    assert listed and {t["area"] for t in listed} <= set(areas)
    with app.state.sessionmaker() as s:
        outside = s.scalar(select(Trainee.id).where(Trainee.area.not_in(areas)).limit(1))
    response = client.get(f"/api/v1/trainees/{outside}", headers=tokens["counselor_area"])
    assert response.status_code == 403
    posting = client.get("/api/v1/postings?page_size=1&status=open",
                         headers=tokens["counselor"]).json()["items"][0]["id"]
    shortlist = client.get(f"/api/v1/postings/{posting}/shortlist?k=50&require_area=false",
                           headers=tokens["counselor_area"]).json()
    assert {i["trainee"]["area"] for i in shortlist["items"]} <= set(areas)


def test_contact_only_with_consent_to_share(client: TestClient, app: FastAPI,
                                            tokens: H) -> None:
    me = _me(client, tokens["enterprise1"])
    seen_hidden = seen_shown = False
    posts = client.get("/api/v1/postings?page_size=100",
                       headers=tokens["enterprise1"]).json()["items"]
    with app.state.sessionmaker() as s:
        for p in posts:
            items = client.get(f"/api/v1/postings/{p['id']}/shortlist?k=50"
                               "&require_area=false&level_tolerance=7",
                               headers=tokens["enterprise1"]).json()["items"]
            for item in items:
                trainee = s.get(Trainee, item["trainee_id"])
                assert trainee is not None
                if trainee.consent_share_contact:
                    assert item["trainee"]["contact"] == trainee.contact
                    seen_shown = True
                else:
                    assert item["trainee"]["contact"] is None
                    assert item["trainee"]["contact_hidden"]
                    seen_hidden = True
    app.state.writer.flush()  # written behind the requests (log_delay_ms)
    with app.state.sessionmaker() as s:
        audited = s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "shortlist"))
    assert me["enterprise_id"] and seen_hidden and seen_shown
    assert audited and audited > 0


def test_reading_a_trainee_is_audited(client: TestClient, app: FastAPI, tokens: H) -> None:
    tid = _me(client, tokens["trainee2"])["trainee_id"]
    body = client.get(f"/api/v1/trainees/{tid}", headers=tokens["counselor"]).json()
    assert body["contact"] and not body["contact_hidden"]
    with app.state.sessionmaker() as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.trainee_id == tid,
                                                   AuditEntry.action == "read")).first()
    assert entry is not None and entry.with_contact


def _first_candidate(client: TestClient, headers: dict[str, str]) -> tuple[str, str]:
    posts = client.get("/api/v1/postings?page_size=50&status=open", headers=headers).json()
    for p in posts["items"]:
        items = client.get(f"/api/v1/postings/{p['id']}/shortlist?k=5",
                           headers=headers).json()["items"]
        if items:
            return p["id"], items[0]["trainee_id"]
    raise AssertionError("no shortlist with candidates")


def test_withdrawn_consent_leaves_every_shortlist_at_once(client: TestClient,
                                                          tokens: H) -> None:
    pid, tid = _first_candidate(client, tokens["counselor"])
    response = client.patch(f"/api/v1/trainees/{tid}", json={"consent_recommend": False},
                            headers=tokens["counselor"])
    assert response.status_code == 200
    items = client.get(f"/api/v1/postings/{pid}/shortlist?k=100",
                       headers=tokens["counselor"]).json()["items"]
    assert tid not in {i["trainee_id"] for i in items}


def test_deleted_trainee_is_erased_and_gone(client: TestClient, app: FastAPI,
                                            tokens: H) -> None:
    pid, tid = _first_candidate(client, tokens["counselor"])
    assert client.delete(f"/api/v1/trainees/{tid}", headers=tokens["admin"]).status_code == 200
    assert client.get(f"/api/v1/trainees/{tid}", headers=tokens["admin"]).status_code == 404
    items = client.get(f"/api/v1/postings/{pid}/shortlist?k=100",
                       headers=tokens["counselor"]).json()["items"]
    assert tid not in {i["trainee_id"] for i in items}
    assert not app.state.index.holds_trainee(tid)
    with app.state.sessionmaker() as s:
        row = s.get(Trainee, tid)
        assert row is not None and row.contact is None and row.deleted_at is not None
