"""Allocation plans: capacities and list lengths, reasons as in shortlists, bad ids,
roles, and the Excel export."""

from __future__ import annotations

import io
from collections import Counter

import openpyxl
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.models import Posting, Trainee

H = dict[str, dict[str, str]]


def _plan(client: TestClient, tokens: H, body: dict, who: str = "admin") -> dict:
    response = client.post("/api/v1/plans", json=body, headers=tokens[who])
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("options", [
    {"length": 2, "per_trainee": 1, "fill": False},
    {"length": 3, "per_trainee": 1},
    {},
    {"mode": "assignment"},
], ids=["shortlists-strict", "shortlists-fill", "defaults", "assignment"])
def test_plan_respects_capacities_and_list_lengths(client: TestClient, tokens: H,
                                                   fair: dict, options: dict) -> None:
    plan = _plan(client, tokens, fair | options)
    assert plan["summary"]["pairs_chosen"] > 0
    assert plan["method"].startswith("exact")
    lists = Counter()
    for posting in plan["postings"]:
        assert len(posting["items"]) <= posting["capacity"]
        assert len(posting["items"]) <= posting["candidates"]
        assert [i["rank"] for i in posting["items"]] == list(
            range(1, len(posting["items"]) + 1))
        lists.update(i["trainee_id"] for i in posting["items"])
        if options.get("mode") == "assignment":
            assert posting["capacity"] == posting["remaining"] <= posting["headcount"]
        elif "length" in options:
            assert posting["capacity"] == options["length"]
    if options.get("mode") == "assignment":
        assert max(lists.values()) == 1 and plan["gap"] == 0.0
    elif options.get("fill") is False:
        assert max(lists.values()) <= options["per_trainee"]
    objective = sum(min(i["score"] / 100, 1) for p in plan["postings"] for i in p["items"])
    assert plan["objective"] == pytest.approx(objective, abs=1e-3)
    unlisted = {u["trainee_id"] for u in plan["unlisted"]}
    assert unlisted == set(fair["trainee_ids"]) - set(lists)
    assert plan["summary"]["trainees_unlisted"] == len(unlisted)


def test_allocation_spreads_exposure_over_independent_lists(client: TestClient, tokens: H,
                                                            fair: dict) -> None:
    plan = _plan(client, tokens, fair | {"length": 2, "per_trainee": 1})
    assert plan["summary"]["trainees_listed"] >= plan["independent_topk"]["trainees_listed"]


def test_pairs_carry_the_reasons_of_the_shortlist(client: TestClient, tokens: H,
                                                  fair: dict) -> None:
    plan = _plan(client, tokens, fair | {"length": 3})
    checked = 0
    for posting in [p for p in plan["postings"] if p["items"]][:5]:
        shortlist = client.get(f"/api/v1/postings/{posting['posting_id']}/shortlist?k=100",
                               headers=tokens["admin"]).json()["items"]
        by_trainee = {i["trainee_id"]: i for i in shortlist}
        for item in posting["items"]:
            expected = by_trainee[item["trainee_id"]]
            assert item["reasons"] == expected["reasons"] and item["reasons"]
            assert item["gaps"] == expected["gaps"]
            assert item["score"] == pytest.approx(expected["score"])
            assert sum(item["contributions"].values()) == pytest.approx(item["score"])
            checked += 1
    assert checked >= 3


def test_unknown_ids_are_listed(client: TestClient, tokens: H, fair: dict) -> None:
    body = {"posting_ids": [*fair["posting_ids"][:2], "P9999999"],
            "trainee_ids": [fair["trainee_ids"][0], "T9999998", "T9999999"]}
    response = client.post("/api/v1/plans", json=body, headers=tokens["counselor"])
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["details"] == {"unknown_posting_ids": ["P9999999"],
                                "unknown_trainee_ids": ["T9999998", "T9999999"]}
    assert "P9999999" in error["message_zh"] and "T9999999" in error["message_zh"]


def test_closed_postings_are_refused(client: TestClient, tokens: H, app: FastAPI,
                                     fair: dict) -> None:
    with app.state.sessionmaker() as s:
        closed = s.scalar(select(Posting.id).where(Posting.status != "open").limit(1))
    response = client.post("/api/v1/plans", headers=tokens["admin"],
                           json=fair | {"posting_ids": [closed]})
    assert response.status_code == 422
    assert response.json()["error"]["details"] == {"not_open_posting_ids": [closed]}


@pytest.mark.parametrize("change", [
    {"posting_ids": []},
    {"posting_ids": [f"P{i:07d}" for i in range(301)]},
    {"trainee_ids": [f"T{i:07d}" for i in range(5001)]},
    {"length": 51},
    {"mode": "assignment", "length": 3},
    {"mode": "lottery"},
    {"posting_ids": ["P 1; drop"]},
    {"surprise": True},
    {"length": True},
    {"fill": "no"},
    {"per_trainee": "2"},
], ids=["empty", "too-many-postings", "too-many-trainees", "long-lists",
        "assignment-with-length", "mode", "bad-id", "extra-field", "length-bool",
        "fill-text", "per-trainee-text"])
def test_bad_requests_get_422(client: TestClient, tokens: H, fair: dict,
                              change: dict) -> None:
    response = client.post("/api/v1/plans", json=fair | change, headers=tokens["admin"])
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["message_en"]
    # in Chinese, naming the field by its Chinese name where it has one
    labels = {"length": "名单长度", "fill": "补足名单", "per_trainee": "每人名单数上限",
              "mode": "方案类型"}
    for field, label in labels.items():
        if set(change) == {field}:
            assert label in error["message_zh"], error["message_zh"]
    if "assignment" in change.values():  # the rule in Chinese, not only in English
        assert "只用于推荐名单" in error["message_zh"]


@pytest.mark.parametrize("who", ["enterprise1", "trainee1"])
def test_enterprises_and_trainees_may_not_plan(client: TestClient, tokens: H, fair: dict,
                                               who: str) -> None:
    for path in ("/api/v1/plans", "/api/v1/plans.xlsx"):
        response = client.post(path, json=fair, headers=tokens[who])
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"


def test_counselor_only_plans_for_their_areas(client: TestClient, tokens: H, app: FastAPI,
                                              fair: dict) -> None:
    area = client.get("/api/v1/auth/me", headers=tokens["counselor_area"]).json()
    with app.state.sessionmaker() as s:
        areas = {t: a for t, a in s.execute(select(Trainee.id, Trainee.area).where(
            Trainee.id.in_(fair["trainee_ids"])))}
    mine = sorted(t for t, a in areas.items() if a == _first_area(app))
    other = sorted(t for t, a in areas.items() if a != _first_area(app))[:2]
    assert area["role"] == "counselor" and mine and other
    refused = client.post("/api/v1/plans", json=fair | {"trainee_ids": mine + other},
                          headers=tokens["counselor_area"])
    assert refused.status_code == 403
    assert refused.json()["error"]["details"] == {"forbidden_trainee_ids": other}
    assert client.post("/api/v1/plans", json=fair | {"trainee_ids": mine},
                       headers=tokens["counselor_area"]).status_code == 200


def _first_area(app: FastAPI) -> str:
    with app.state.sessionmaker() as s:
        return s.scalar(select(Trainee.area).order_by(Trainee.id).limit(1))


def test_plan_exports_to_xlsx_with_chinese_headers(client: TestClient, tokens: H,
                                                   fair: dict) -> None:
    plan = _plan(client, tokens, fair | {"length": 2})
    response = client.post("/api/v1/plans.xlsx", json=fair | {"length": 2},
                           headers=tokens["counselor"])
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["分配方案", "未列入名单学员", "方案概要"]
    pairs = list(book["分配方案"].values)
    assert pairs[0][:9] == ("岗位编号", "岗位名称", "企业编号", "岗位区域", "待招人数",
                            "截止日期", "名单说明", "名次", "学员编号")
    # a row per pair, and one for each posting whose list is empty, saying why
    empty = [p for p in plan["postings"] if not p["items"]]
    assert len(pairs) - 1 == plan["summary"]["pairs_chosen"] + len(empty)
    notes = {r[0]: r[6] for r in pairs[1:] if r[7] is None}
    assert notes == {p["posting_id"]: p["short_reason_label"] for p in empty}
    assert all(notes.values())
    # the closing date, marked where it has passed, as the JSON says
    closes = {p["posting_id"]: p["closes"] + ("（已过）" if p["past_closing"] else "")
              for p in plan["postings"]}
    assert {r[0]: r[5] for r in pairs[1:]} == closes
    assert plan["summary"]["postings_past_closing"] == sum(
        p["past_closing"] for p in plan["postings"])
    assert next(book["未列入名单学员"].values)[0] == "学员编号"


def test_a_pair_that_ended_is_reported_as_ended(client: TestClient, tokens: H) -> None:
    """A trainee the enterprise turned down is neither planned for the posting nor
    reported as matching nothing: both the posting's empty list and the trainee say the
    pair ended."""
    c = tokens["counselor"]
    posting = client.post("/api/v1/postings", headers=tokens["enterprise1"], json={
        "title": "数控车工", "requirements": "会数控车床操作", "headcount": 1,
        "wage_min": 4000, "wage_max": 6000, "area": "达川区", "closes": "2027-06-30"}
    ).json()["id"]
    trainee = client.get(f"/api/v1/postings/{posting}/shortlist?k=1&level_tolerance=7"
                         "&require_area=false", headers=c).json()["items"][0]["trainee_id"]
    assert client.post("/api/v1/interactions", headers=c, json={
        "kind": "rejected", "posting_id": posting, "trainee_id": trainee}).status_code == 201
    plan = _plan(client, tokens, {"posting_ids": [posting], "trainee_ids": [trainee],
                                  "level_tolerance": 7, "require_area": False})
    [planned] = plan["postings"]
    assert planned["items"] == [] and planned["short_reason"] == "ended"
    assert "婉拒" in planned["short_reason_label"]
    assert [(u["trainee_id"], u["reason"]) for u in plan["unlisted"]] == [(trainee, "ended")]
