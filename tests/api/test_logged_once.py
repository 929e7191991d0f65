"""A pair is logged as recommended the first time it is shown; every view is audited.

The views here are further apart than the log writer's delay (its rows committed in
between, as ``_later`` does): two views within it may both log the pair.
"""

from __future__ import annotations

import datetime as dt

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.models import AuditEntry, Interaction, utcnow

H = dict[str, dict[str, str]]
POSTING = {"title": "数控车工", "requirements": "会数控车床操作", "headcount": 3,
           "wage_min": 4000, "wage_max": 6000, "area": "达川区", "closes": "2027-06-30"}
RELAXED = "level_tolerance=7&require_area=false"


def _recommended(app: FastAPI, *, posting_id: str | None = None,
                 trainee_id: str | None = None) -> dict[tuple[str, str], int]:
    """Rows of kind recommended per (posting, trainee), after this process's writer."""
    app.state.writer.flush()
    query = select(Interaction.posting_id, Interaction.trainee_id, func.count()).where(
        Interaction.kind == "recommended").group_by(Interaction.posting_id,
                                                    Interaction.trainee_id)
    if posting_id is not None:
        query = query.where(Interaction.posting_id == posting_id)
    if trainee_id is not None:
        query = query.where(Interaction.trainee_id == trainee_id)
    with app.state.sessionmaker() as s:
        return {(p, t): n for p, t, n in s.execute(query).all()}


def _later(app: FastAPI) -> None:
    """What the service has logged so far is in the store (as after the writer's delay)."""
    app.state.writer.flush()


def _audited(app: FastAPI, action: str, trainee_ids: list[str], since: dt.datetime) -> int:
    """Audit entries of ``action`` on these trainees since ``since``."""
    app.state.writer.flush()
    with app.state.sessionmaker() as s:
        return s.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == action, AuditEntry.trainee_id.in_(trainee_ids),
            AuditEntry.at >= since)) or 0


def test_opening_a_shortlist_again_logs_only_the_pairs_not_shown_before(
        client: TestClient, app: FastAPI, tokens: H) -> None:
    pid = client.post("/api/v1/postings", json=POSTING,
                      headers=tokens["enterprise1"]).json()["id"]
    since = utcnow()  # other tests' shortlists may show the same trainees
    three = client.get(f"/api/v1/postings/{pid}/shortlist?k=3&{RELAXED}",
                       headers=tokens["counselor"]).json()["items"]
    _later(app)
    five = client.get(f"/api/v1/postings/{pid}/shortlist?k=5&{RELAXED}",
                      headers=tokens["enterprise1"]).json()["items"]
    assert len(three) == 3 and len(five) == 5
    assert [i["trainee_id"] for i in five][:3] == [i["trainee_id"] for i in three]
    _later(app)
    again = client.get(f"/api/v1/postings/{pid}/shortlist?k=5&{RELAXED}",
                       headers=tokens["counselor"]).json()["items"]
    shown = [i["trainee_id"] for i in five]
    assert [i["trainee_id"] for i in again] == shown  # the list is unchanged by the log
    assert _recommended(app, posting_id=pid) == {(pid, t): 1 for t in shown}
    # every view of a trainee's data is in the audit log: the first three were seen 3 times
    assert _audited(app, "shortlist", shown[:3], since) == 9
    assert _audited(app, "shortlist", shown[3:], since) == 4


def test_suggestions_viewed_again_log_each_pair_once(
        client: TestClient, app: FastAPI, tokens: H) -> None:
    me = client.get("/api/v1/auth/me", headers=tokens["trainee1"]).json()["trainee_id"]
    url = f"/api/v1/trainees/{me}/suggestions?k=5"
    since = utcnow()
    first = client.get(url, headers=tokens["trainee1"]).json()["items"]
    assert first
    _later(app)
    client.get(url, headers=tokens["trainee1"])
    _later(app)
    client.get(url, headers=tokens["counselor"])
    logged = _recommended(app, trainee_id=me)
    assert {(i["posting_id"], me) for i in first} <= set(logged)
    assert set(logged.values()) == {1}
    # the counselor's read is audited; the trainee's own reads are not reads of others' data
    assert _audited(app, "suggestions", [me], since) == 1


def test_a_plan_does_not_log_again_what_a_shortlist_showed(
        client: TestClient, app: FastAPI, tokens: H) -> None:
    pid = client.post("/api/v1/postings", json=POSTING | {"title": "数控车床操作工"},
                      headers=tokens["enterprise1"]).json()["id"]
    shown = [i["trainee_id"] for i in client.get(
        f"/api/v1/postings/{pid}/shortlist?k=2&{RELAXED}",
        headers=tokens["counselor"]).json()["items"]]
    assert len(shown) == 2
    # no _later: the plan route writes the rows its process has pending before it reads
    plan = client.post("/api/v1/plans", headers=tokens["counselor"], json={
        "posting_ids": [pid], "trainee_ids": shown, "level_tolerance": 7,
        "require_area": False})
    assert plan.status_code == 200, plan.text
    planned = [i["trainee_id"] for p in plan.json()["postings"] for i in p["items"]]
    assert sorted(planned) == sorted(shown)
    assert _recommended(app, posting_id=pid) == {(pid, t): 1 for t in shown}


def test_a_hire_after_a_repeated_view_still_counts_through_matching(
        client: TestClient, app: FastAPI, tokens: H) -> None:
    pid = client.post("/api/v1/postings", json=POSTING | {"title": "数控车工（二）"},
                      headers=tokens["enterprise1"]).json()["id"]
    url = f"/api/v1/postings/{pid}/shortlist?k=1&{RELAXED}"
    tid = client.get(url, headers=tokens["counselor"]).json()["items"][0]["trainee_id"]
    _later(app)
    assert client.get(url, headers=tokens["counselor"]).json()["items"][0]["trainee_id"] == tid
    hire = client.post("/api/v1/placements", headers=tokens["enterprise1"],
                       json={"posting_id": pid, "trainee_id": tid})
    assert hire.status_code == 201, hire.text
    assert hire.json()["through_matching"] is True
