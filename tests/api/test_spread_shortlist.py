"""The congestion-aware option of ordinary shortlists (``spread``): a trainee already on
other open postings' lists moves down, by score / (1 + 0.25 × those lists); scores stay
as they are; staff see the count, an enterprise only the order and the notice."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.models import Interaction, Posting
from api.services.matching import _OTHER_LISTS, SPREAD_PENALTY

H = dict[str, dict[str, str]]
POSTING = {"title": "数控车工", "requirements": "会数控车床操作", "headcount": 3,
           "wage_min": 4000, "wage_max": 6000, "area": "达川区", "closes": "2027-06-30"}
RELAXED = "level_tolerance=7&require_area=false"


@pytest.fixture(scope="module")
def busy(client: TestClient, tokens: H, app: FastAPI) -> dict[str, object]:
    """A new posting of enterprise1 whose best candidate is already on 8 other open
    postings' lists (new postings, open a while yet; logged as recommended there)."""
    closes = (dt.date.today() + dt.timedelta(days=60)).isoformat()
    pid, *others = [client.post("/api/v1/postings", json=POSTING | {"closes": closes},
                                headers=tokens["enterprise1"]).json()["id"]
                    for _ in range(9)]
    plain = client.get(f"/api/v1/postings/{pid}/shortlist?k=10&{RELAXED}",
                       headers=tokens["counselor"]).json()["items"]
    assert len(plain) >= 5
    star = plain[0]["trainee_id"]
    with app.state.sessionmaker() as s:
        app.state.writer.flush()
        s.add_all(Interaction(kind="recommended", posting_id=o, trainee_id=star)
                  for o in others)
        s.commit()
    return {"posting": pid, "star": star, "plain": plain, "others": others}


def _counted(app: FastAPI, ids: list[str], posting_id: str) -> dict[str, int]:
    with app.state.sessionmaker() as s:
        return dict(s.execute(_OTHER_LISTS, {"ids": ids, "posting_id": posting_id,
                                             "today": dt.date.today()}).all())


def _spread(client: TestClient, headers: dict[str, str], pid: str) -> dict:
    response = client.get(f"/api/v1/postings/{pid}/shortlist?k=10&{RELAXED}&spread=true",
                          headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_trainee_on_many_lists_moves_down_with_scores_unchanged(
        client: TestClient, tokens: H, app: FastAPI, busy: dict) -> None:
    body = _spread(client, tokens["counselor"], busy["posting"])
    items = {i["trainee_id"]: i for i in body["items"]}
    # the star was first; 8 other lists divide its score by 3: it is first no more (the
    # sample's scores are close, so it may leave the ten altogether)
    assert body["items"][0]["trainee_id"] != busy["star"]
    assert busy["star"] not in items or items[busy["star"]]["rank"] > 1
    plain = {i["trainee_id"]: i["score"] for i in busy["plain"]}
    assert all(i["score"] == pytest.approx(plain[t]) for t, i in items.items() if t in plain)
    weighted = [i["score"] / (1 + SPREAD_PENALTY * i["other_lists"]) for i in body["items"]]
    assert weighted == sorted(weighted, reverse=True)
    assert [n["code"] for n in body["notices"]] == ["spread"]
    # each count is the other open postings, not past closing, that the store has the
    # trainee recommended for, with no rejection or withdrawal since
    today = dt.date.today()
    with app.state.sessionmaker() as s:
        for t, item in items.items():
            pairs = set(s.execute(
                select(Interaction.posting_id, Interaction.kind).join(
                    Posting, Posting.id == Interaction.posting_id)
                .where(Interaction.trainee_id == t, Interaction.posting_id != busy["posting"],
                       Posting.status == "open", Posting.closes >= today)).all())
            ended = {p for p, kind in pairs if kind in ("rejected", "withdrawn")}
            running = {p for p, kind in pairs if kind == "recommended"} - ended
            assert item["other_lists"] == len(running)
    assert _counted(app, [busy["star"]], busy["posting"])[busy["star"]] >= 8


def test_ended_pairs_and_closed_dates_do_not_count(client: TestClient, tokens: H,
                                                   app: FastAPI, busy: dict) -> None:
    star, others = busy["star"], busy["others"]
    before = _counted(app, [star], busy["posting"])[star]
    rejected = client.post("/api/v1/interactions", headers=tokens["counselor"], json={
        "kind": "rejected", "posting_id": others[0], "trainee_id": star})
    assert rejected.status_code == 201, rejected.text
    with app.state.sessionmaker() as s:
        s.get(Posting, others[1]).closes = dt.date.today() - dt.timedelta(days=1)
        s.commit()
    assert _counted(app, [star], busy["posting"])[star] == before - 2


def test_a_shorter_spread_list_is_the_start_of_a_longer_one(client: TestClient, tokens: H,
                                                            busy: dict) -> None:
    lists = [[i["trainee_id"] for i in client.get(
        f"/api/v1/postings/{busy['posting']}/shortlist?k={k}&{RELAXED}&spread=true",
        headers=tokens["counselor"]).json()["items"]] for k in (3, 5, 20)]
    assert lists[0] == lists[1][:3] and lists[1] == lists[2][:5]


def test_without_spread_the_order_is_the_score_s(client: TestClient, tokens: H,
                                                busy: dict) -> None:
    body = client.get(f"/api/v1/postings/{busy['posting']}/shortlist?k=10&{RELAXED}",
                      headers=tokens["counselor"]).json()
    assert body["items"][0]["trainee_id"] == busy["star"]
    assert all(i["other_lists"] is None for i in body["items"]) and body["notices"] == []


def test_an_enterprise_gets_the_order_but_not_the_counts(client: TestClient, tokens: H,
                                                        busy: dict) -> None:
    staff = _spread(client, tokens["counselor"], busy["posting"])
    own = _spread(client, tokens["enterprise1"], busy["posting"])
    assert [i["trainee_id"] for i in own["items"]] == [
        i["trainee_id"] for i in staff["items"]]
    assert all(i["other_lists"] is None for i in own["items"])
    assert [n["code"] for n in own["notices"]] == ["spread"]


def test_the_spread_export_has_the_counts_for_staff(client: TestClient, tokens: H,
                                                   busy: dict) -> None:
    response = client.get(f"/api/v1/postings/{busy['posting']}/shortlist.xlsx?k=10&"
                          f"{RELAXED}&spread=true", headers=tokens["counselor"])
    assert response.status_code == 200
    header, *rows = list(openpyxl.load_workbook(io.BytesIO(response.content))["推荐名单"]
                         .values)
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert "分散推荐" in next(book["说明"].iter_rows(min_row=2, values_only=True))[0]
    counts = {r[1]: r[header.index("已在其他在招岗位名单数")] for r in rows}
    shown = _spread(client, tokens["counselor"], busy["posting"])["items"]
    assert counts == {i["trainee_id"]: i["other_lists"] for i in shown}


def test_a_bad_spread_value_is_refused(client: TestClient, tokens: H, busy: dict) -> None:
    response = client.get(f"/api/v1/postings/{busy['posting']}/shortlist?spread=maybe",
                          headers=tokens["counselor"])
    assert response.status_code == 422
    assert "分散推荐" in response.json()["error"]["message_zh"]


def test_an_area_filter_reads_an_area_s_other_name(client: TestClient, tokens: H) -> None:
    """达州 is 达州市 in the filter too, also for a counselor limited to 达州市."""
    posting = next(
        pid for pid in (f"P{i:07d}" for i in range(1, 200))
        if client.get(f"/api/v1/postings/{pid}/shortlist?k=5&{RELAXED}&area=达州市",
                      headers=tokens["admin"]).json().get("items"))
    for who in ("admin", "counselor_area"):
        lists = [[i["trainee_id"] for i in client.get(
            f"/api/v1/postings/{posting}/shortlist?k=10&{RELAXED}&area={area}",
            headers=tokens[who]).json()["items"]] for area in ("达州", "达州市")]
        assert lists[0] == lists[1] and lists[0], who
