"""What a short or closed shortlist says, suggestions' enterprise names, hire warnings."""

from __future__ import annotations

import datetime as dt

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.models import Course, Enterprise, Interaction, Posting, Trainee

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
    # the sample posting's own dates may add a posting warning (tested below)
    codes = [w["code"] for w in hired.json()["warnings"]]
    assert [c for c in codes if not c.startswith("posting_")] == ["in_training"]
    assert later in hired.json()["warnings"][0]["message_zh"]
    plain = client.post("/api/v1/interactions", headers=c, json={
        "kind": "hired", "posting_id": posting.id, "trainee_id": "TWARN2"})
    assert plain.status_code == 201, plain.text
    assert "through_matching" in plain.json()
    assert [w["code"] for w in plain.json()["warnings"]] == [
        c for c in codes if c.startswith("posting_")]


def test_a_hire_into_a_posting_marked_filled_is_recorded_with_a_warning(
        client: TestClient, tokens: H, app: FastAPI) -> None:
    e, c = tokens["enterprise1"], tokens["counselor"]
    posting = client.post("/api/v1/postings", headers=e, json=STRICT | {
        "min_level": None, "closes": (dt.date.today() + dt.timedelta(days=30)).isoformat()})
    assert posting.status_code == 201, posting.text
    pid = posting.json()["id"]
    assert client.patch(f"/api/v1/postings/{pid}", json={"status": "filled"},
                        headers=e).status_code == 200
    first, second = [i["trainee_id"] for i in client.get(
        f"/api/v1/postings/{pid}/shortlist?k=2&level_tolerance=7&require_area=false",
        headers=e).json()["items"]]
    hired = client.post("/api/v1/placements", headers=c,
                        json={"posting_id": pid, "trainee_id": first})
    assert hired.status_code == 201, hired.text
    warnings = {w["code"]: w for w in hired.json()["warnings"]}
    assert "posting_marked_filled" in warnings
    assert "0/2" in warnings["posting_marked_filled"]["message_zh"]
    assert "posting_past_closing" not in warnings and "posting_not_yet_open" not in warnings
    # the enterprise hiring into its own posting is told about the posting too, and not
    # what staff are told of the trainee (still in training here)
    with app.state.sessionmaker() as s:
        s.get(Trainee, second).graduation_date = dt.date.today() + dt.timedelta(days=60)
        s.commit()
    own = client.post("/api/v1/placements", headers=e,
                      json={"posting_id": pid, "trainee_id": second})
    assert own.status_code == 201, own.text
    assert [w["code"] for w in own.json()["warnings"]] == ["posting_marked_filled"]


def test_hire_warnings_about_the_posting_s_dates() -> None:
    from api.models import Posting
    from api.services.outcomes import hire_warnings

    today = dt.date(2026, 6, 1)

    def codes(opened: str, closes: str, status: str = "open") -> list[str]:
        posting = Posting(opened=dt.date.fromisoformat(opened), hired=0, headcount=3,
                          closes=dt.date.fromisoformat(closes), status=status)
        return [w.code for w in hire_warnings(None, posting, today)]

    assert codes("2026-05-01", "2026-06-30") == []
    assert codes("2026-05-01", "2026-06-01") == []  # the closing day itself still counts
    assert codes("2026-07-01", "2026-09-30") == ["posting_not_yet_open"]
    assert codes("2026-01-01", "2026-05-31") == ["posting_past_closing"]
    assert codes("2026-05-01", "2026-06-30", "filled") == ["posting_marked_filled"]
