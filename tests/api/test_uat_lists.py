"""What a short or closed shortlist says, suggestions' enterprise names, hire warnings."""

from __future__ import annotations

import datetime as dt

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.models import Course, Enterprise, Interaction, Posting

H = dict[str, dict[str, str]]
#: A posting few trainees qualify for: a high minimum level, in one area.
STRICT = {"title": "数控车工", "requirements": "会数控车床操作", "headcount": 2,
          "wage_min": 4000, "wage_max": 6000, "area": "通川区", "min_level": "二级/技师",
          "closes": "2027-06-30"}


def test_an_empty_shortlist_says_which_relaxed_filter_would_show_someone(
        client: TestClient, tokens: H) -> None:
    e = tokens["enterprise1"]
    pid = client.post("/api/v1/postings", json=STRICT, headers=e).json()["id"]
    body = client.get(f"/api/v1/postings/{pid}/shortlist?k=20", headers=e).json()
    assert body["items"] == []
    relaxations = {r["parameter"]: r for r in body["relaxations"]}
    assert list(relaxations) == ["level_tolerance=7&require_area=false"], body
    for parameter, relaxation in relaxations.items():
        assert relaxation["results"] > len(body["items"]) and relaxation["label"]
        relaxed = client.get(f"/api/v1/postings/{pid}/shortlist?k=20&{parameter}",
                             headers=e).json()
        assert len(relaxed["items"]) == relaxation["results"]  # what it promised
    assert body["notices"] == []
    # a list with anyone on it has nothing to relax (the extra matcher call is too dear
    # for every short list)
    full = client.get(f"/api/v1/postings/{pid}/shortlist?k=20&level_tolerance=7"
                      "&require_area=false", headers=e).json()
    assert full["items"] and full["relaxations"] == []


def test_a_closed_posting_s_shortlist_says_it_is_closed(client: TestClient, app: FastAPI,
                                                        tokens: H) -> None:
    e = tokens["enterprise1"]
    pid = client.post("/api/v1/postings", json=STRICT | {"min_level": None},
                      headers=e).json()["id"]
    assert client.patch(f"/api/v1/postings/{pid}", json={"status": "closed"},
                        headers=e).status_code == 200
    body = client.get(f"/api/v1/postings/{pid}/shortlist?level_tolerance=7"
                      "&require_area=false", headers=e).json()
    assert [n["code"] for n in body["notices"]] == ["posting_closed"]
    assert "已关闭" in body["notices"][0]["message_zh"] and body["relaxations"] == []
    assert body["items"] == []  # as the notice says: no one is recommended, nothing logged
    with app.state.sessionmaker() as s:
        assert s.scalar(select(func.count()).select_from(Interaction).where(
            Interaction.posting_id == pid)) == 0


def test_suggestions_name_the_enterprise(client: TestClient, app: FastAPI,
                                         tokens: H) -> None:
    me = client.get("/api/v1/auth/me", headers=tokens["trainee1"]).json()["trainee_id"]
    items = client.get(f"/api/v1/trainees/{me}/suggestions?k=5",
                       headers=tokens["trainee1"]).json()["items"]
    assert items
    with app.state.sessionmaker() as s:
        names = dict(s.execute(select(Enterprise.id, Enterprise.name)).all())
    assert all(i["enterprise_name"] == names[i["enterprise_id"]] for i in items)


def test_a_hire_of_a_trainee_still_in_training_is_recorded_with_a_warning(
        client: TestClient, app: FastAPI, tokens: H) -> None:
    c = tokens["counselor"]
    with app.state.sessionmaker() as s:
        course = s.scalar(select(Course).order_by(Course.id))
        posting = s.scalar(select(Posting).where(
            Posting.status == "open", Posting.hired + 2 <= Posting.headcount)
            .order_by(Posting.id))
    assert course is not None and posting is not None
    later = (dt.date.today() + dt.timedelta(days=90)).isoformat()
    for tid, graduation in (("TWARN1", later), ("TWARN2", "2025-05-18")):
        created = client.post("/api/v1/trainees", headers=c, json={
            "id": tid, "masked_name": "预*", "area": course.area, "course_id": course.id,
            "graduation_date": graduation, "consent_recommend": True})
        assert created.status_code == 201, created.text
    hired = client.post("/api/v1/placements", headers=c,
                        json={"posting_id": posting.id, "trainee_id": "TWARN1"})
    assert hired.status_code == 201, hired.text
    assert [w["code"] for w in hired.json()["warnings"]] == ["in_training"]
    assert later in hired.json()["warnings"][0]["message_zh"]
    plain = client.post("/api/v1/interactions", headers=c, json={
        "kind": "hired", "posting_id": posting.id, "trainee_id": "TWARN2"})
    assert plain.status_code == 201, plain.text
    assert plain.json()["warnings"] == [] and "through_matching" in plain.json()
