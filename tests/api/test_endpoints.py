"""Endpoints: postings with their reading, paging and limits, shortlists and export,
suggestions, interactions, metrics, the model and the normalization preview."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.models import Interaction

H = dict[str, dict[str, str]]
NEW_POSTING = {"title": "急招电焊工3名 包吃住",
               "requirements": "持焊工证，中级以上，会氩弧焊优先，会跳舞",
               "headcount": 2, "wage_min": 4000, "wage_max": 6500, "area": "宣汉县",
               "closes": "2027-06-30"}


def test_healthz_and_readyz(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["postings_indexed"] > 0


def test_creating_a_posting_returns_its_reading(client: TestClient, tokens: H) -> None:
    response = client.post("/api/v1/postings", json=NEW_POSTING, headers=tokens["enterprise1"])
    assert response.status_code == 201, response.text
    body = response.json()
    reading = body["reading"]
    assert reading["occupation"]["code"] == "6-18-02-04"
    assert (reading["min_level"], reading["min_level_label"]) == (2, "四级/中级工")
    assert reading["preferred_skills"] == ["氩弧焊"]
    assert reading["not_understood"] == ["会跳舞"]
    assert body["status_label"] == "招聘中" and body["occupation_name"] == "焊工"
    me = client.get("/api/v1/auth/me", headers=tokens["enterprise1"]).json()
    assert body["enterprise_id"] == me["enterprise_id"]
    shortlist = client.get(f"/api/v1/postings/{body['id']}/shortlist?k=5",
                           headers=tokens["enterprise1"])
    assert shortlist.status_code == 200


@pytest.mark.parametrize(("change", "field"), [
    ({"area": "成都市"}, "area"), ({"wage_min": 9000, "wage_max": 5000}, "wage_max"),
    ({"min_level": "很厉害"}, "min_level")], ids=["area", "wage-order", "level"])
def test_bad_posting_gets_422_naming_the_field(client: TestClient, tokens: H,
                                               change: dict, field: str) -> None:
    response = client.post("/api/v1/postings", json=NEW_POSTING | change,
                           headers=tokens["enterprise1"])
    assert response.status_code == 422
    error = response.json()["error"]
    assert field in {d["field"] for d in error["details"]}
    assert error["message_zh"] and error["message_en"]


def test_staff_must_name_the_enterprise(client: TestClient, tokens: H) -> None:
    response = client.post("/api/v1/postings", json=NEW_POSTING, headers=tokens["counselor"])
    assert response.status_code == 422


def test_paging_and_limits(client: TestClient, tokens: H) -> None:
    page = client.get("/api/v1/postings?page=2&page_size=10", headers=tokens["admin"]).json()
    assert (page["page"], page["page_size"], len(page["items"])) == (2, 10, 10)
    assert page["total"] >= 300
    assert client.get("/api/v1/postings?page_size=101",
                      headers=tokens["admin"]).status_code == 422
    assert client.get("/api/v1/postings/P0000001/shortlist?k=101",
                      headers=tokens["admin"]).status_code == 422
    filtered = client.get("/api/v1/postings?area=宣汉县&status=open",
                          headers=tokens["admin"]).json()["items"]
    assert filtered and {(p["area"], p["status"]) for p in filtered} == {("宣汉县", "open")}


def test_shortlist_explains_and_is_logged(client: TestClient, app: FastAPI, tokens: H) -> None:
    body = client.get("/api/v1/postings/P0000001/shortlist?k=5",
                      headers=tokens["counselor"]).json()
    assert body["items"]
    for item in body["items"]:
        assert sum(item["contributions"].values()) == pytest.approx(item["score"])
        assert item["reasons"]
    app.state.writer.flush()  # written behind the request (log_delay_ms)
    with app.state.sessionmaker() as s:
        logged = s.scalar(select(func.count()).select_from(Interaction).where(
            Interaction.posting_id == "P0000001", Interaction.kind == "recommended"))
    assert logged >= len(body["items"])


def test_shortlist_export_is_an_excel_file(client: TestClient, tokens: H) -> None:
    response = client.get("/api/v1/postings/P0000001/shortlist.xlsx?k=5",
                          headers=tokens["counselor"])
    assert response.status_code == 200
    frame = pd.read_excel(io.BytesIO(response.content))
    assert list(frame.columns)[:3] == ["排名", "学员编号", "姓名"]


def test_suggestions_for_the_trainee_include_unlocks(client: TestClient, tokens: H) -> None:
    tid = client.get("/api/v1/auth/me", headers=tokens["trainee1"]).json()["trainee_id"]
    body = client.get(f"/api/v1/trainees/{tid}/suggestions?k=5",
                      headers=tokens["trainee1"]).json()
    assert body["items"] and all(i["trainee_id"] == tid for i in body["items"])
    assert isinstance(body["unlocks"], list)
    assert client.get(f"/api/v1/trainees/{tid}/suggestions",
                      headers=tokens["enterprise1"]).status_code == 404


def test_interaction_and_placement_flow(client: TestClient, tokens: H) -> None:
    created = client.post("/api/v1/postings", json=NEW_POSTING | {"headcount": 1},
                          headers=tokens["enterprise2"]).json()
    pid = created["id"]
    items = client.get(f"/api/v1/postings/{pid}/shortlist?k=3&level_tolerance=7"
                       "&require_area=false", headers=tokens["enterprise2"]).json()["items"]
    assert len(items) >= 2
    first, second = items[0]["trainee_id"], items[1]["trainee_id"]
    step = client.post("/api/v1/interactions", headers=tokens["enterprise2"],
                       json={"kind": "interviewed", "posting_id": pid, "trainee_id": first})
    assert step.status_code == 201 and step.json()["kind_label"] == "已面试"
    hired = client.post("/api/v1/placements", headers=tokens["enterprise2"],
                        json={"posting_id": pid, "trainee_id": first})
    assert hired.status_code == 201 and hired.json()["through_matching"]
    full = client.post("/api/v1/placements", headers=tokens["enterprise2"],
                       json={"posting_id": pid, "trainee_id": second})
    assert full.status_code == 409 and full.json()["error"]["code"] == "headcount_reached"
    again = client.post("/api/v1/placements", headers=tokens["admin"],
                        json={"posting_id": "P0000003", "trainee_id": first})
    assert again.status_code == 409
    posting = client.get(f"/api/v1/postings/{pid}", headers=tokens["enterprise2"]).json()
    assert (posting["hired"], posting["status"], posting["status_label"]) == (1, "filled", "已招满")
    mine = client.get("/api/v1/placements", headers=tokens["enterprise2"]).json()["items"]
    assert pid in {p["posting_id"] for p in mine}


def test_idempotent_post_runs_once(client: TestClient, app: FastAPI, tokens: H) -> None:
    headers = tokens["admin"] | {"Idempotency-Key": "step-42"}
    body = {"kind": "contacted", "posting_id": "P0000004", "trainee_id": "T0000010"}
    first = client.post("/api/v1/interactions", json=body, headers=headers)
    second = client.post("/api/v1/interactions", json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second.headers.get("Idempotent-Replayed") == "true"
    with app.state.sessionmaker() as s:
        count = s.scalar(select(func.count()).select_from(Interaction).where(
            Interaction.kind == "contacted", Interaction.posting_id == "P0000004"))
    assert count == 1


@pytest.mark.parametrize("by", [None, "area", "course", "industry", "occupation", "period"])
def test_placement_metrics(client: TestClient, tokens: H, by: str | None) -> None:
    url = "/api/v1/metrics/placement" + (f"?by={by}" if by else "")
    body = client.get(url, headers=tokens["admin"]).json()
    overall = body["overall"]
    assert overall["goal"] == 0.8 and overall["graduates"] > 0
    assert overall["placed"] >= overall["placed_through_matching"]
    if by:
        assert sum(g["graduates"] for g in body["groups"]) == overall["graduates"]


def test_supply_and_training_metrics(client: TestClient, tokens: H) -> None:
    supply = client.get("/api/v1/metrics/supply", headers=tokens["admin"]).json()
    assert supply["overall"]["goal"] == 0.9 and len(supply["groups"]) == 8
    training = client.get("/api/v1/metrics/training", headers=tokens["counselor"]).json()
    assert training["overall"]["target"] == 10_000
    assert client.get("/api/v1/metrics/supply", headers=tokens["trainee1"]).status_code == 403


def test_model_info_and_training_without_outcomes(client: TestClient, tokens: H) -> None:
    info = client.get("/api/v1/model", headers=tokens["admin"]).json()
    assert info["scorer"] == "WeightedScorer" and info["reason_zh"]
    trained = client.post("/api/v1/model/train", headers=tokens["admin"])
    assert trained.status_code == 409
    error = trained.json()["error"]
    assert error["code"] == "not_enough_outcomes"
    assert "推荐后被录用的记录" in error["message_zh"] and "hires" not in error["message_zh"]
    assert client.post("/api/v1/model/train", headers=tokens["counselor"]).status_code == 403


def test_normalize_preview(client: TestClient, tokens: H) -> None:
    body = client.post("/api/v1/normalize", json={"texts": ["焊工证（中级）", "xyzzy"]},
                       headers=tokens["trainee1"]).json()
    assert (body[0]["occupation_code"], body[0]["level_label"]) == ("6-18-02-04", "四级/中级工")
    assert body[1]["occupation_code"] is None


def test_shortlists_label_their_contributions_in_chinese(client, tokens) -> None:
    posting = client.get("/api/v1/postings?status=open&page_size=50",
                         headers=tokens["counselor"]).json()["items"]
    for p in posting:
        body = client.get(f"/api/v1/postings/{p['id']}/shortlist?k=3",
                          headers=tokens["counselor"]).json()
        if body["items"]:
            labels = body["contribution_labels"]
            assert labels["occupation"] == "职业匹配" and labels["level"] == "技能等级"
            assert set(body["items"][0]["contributions"]) <= set(labels)
            return
    raise AssertionError("no open posting with candidates in the sample")
