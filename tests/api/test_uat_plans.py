"""Acceptance: a job-fair plan keeps its limit of lists per trainee, also when ``fill``
tops short lists up, in the JSON and in the Excel export; short lists are still topped
up with the trainees under the limit, and the summary counts the places left empty.

(Reported: with every open posting and trainee, ``length=1, per_trainee=1`` answered
``per_trainee: 1, method: exact+fill`` with T0000989 on 7 lists.)
"""

from __future__ import annotations

import io
from collections import Counter

import numpy as np
import openpyxl
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.models import Posting, Trainee
from api.services.plan_schemas import MAX_LENGTH

H = dict[str, dict[str, str]]

#: (length, per_trainee) of the requests; None: the service's default.
SHAPES = [(1, 1), (2, 1), (3, 2), (5, 3), (None, 2), (None, None)]
SHAPE_IDS = ["len1-per1", "len2-per1", "len3-per2", "len5-per3", "default-len-per2",
             "defaults"]


@pytest.fixture(scope="module")
def market(app: FastAPI) -> dict[str, list[str]]:
    """As the tester asked: every open posting with places left, and every trainee."""
    with app.state.sessionmaker() as s:
        postings = s.scalars(select(Posting.id).where(
            Posting.status == "open", Posting.hired < Posting.headcount)
            .order_by(Posting.id)).all()
        trainees = s.scalars(select(Trainee.id).where(Trainee.deleted_at.is_(None))
                             .order_by(Trainee.id)).all()
    return {"posting_ids": list(postings), "trainee_ids": list(trainees)}


@pytest.fixture(scope="module")
def candidates(client: TestClient, tokens: H, market: dict) -> dict[str, set[str]]:
    """Each posting's candidates among the market's trainees: a plan with room for all."""
    plan = _plan(client, tokens, market | {"length": MAX_LENGTH, "per_trainee": MAX_LENGTH,
                                           "fill": False})
    assert plan["summary"]["pairs_chosen"] == plan["summary"]["candidate_pairs"] > 0
    return {p["posting_id"]: {i["trainee_id"] for i in p["items"]} for p in plan["postings"]}


def _plan(client: TestClient, tokens: H, body: dict) -> dict:
    response = client.post("/api/v1/plans", json=body, headers=tokens["admin"])
    assert response.status_code == 200, response.text
    return response.json()


def _options(length: int | None, per_trainee: int | None) -> dict:
    return {k: v for k, v in (("length", length), ("per_trainee", per_trainee))
            if v is not None}


def _lists(plan: dict) -> Counter[str]:
    return Counter(i["trainee_id"] for p in plan["postings"] for i in p["items"])


@pytest.mark.parametrize(("length", "per_trainee"), SHAPES, ids=SHAPE_IDS)
def test_fill_keeps_the_per_trainee_limit(client: TestClient, tokens: H, market: dict,
                                          length: int | None, per_trainee: int | None
                                          ) -> None:
    plan = _plan(client, tokens, market | _options(length, per_trainee))
    assert plan["summary"]["pairs_chosen"] > 0
    if per_trainee is not None:
        assert plan["per_trainee"] == per_trainee
    over = {t: n for t, n in _lists(plan).items() if n > plan["per_trainee"]}
    assert not over, f"on more than {plan['per_trainee']} lists: {over}"
    for posting in plan["postings"]:
        assert len(posting["items"]) <= posting["capacity"]
        if length is not None:
            assert posting["capacity"] == length


@pytest.mark.parametrize(("length", "per_trainee"), SHAPES, ids=SHAPE_IDS)
def test_short_lists_are_topped_up_with_trainees_under_the_limit(
        client: TestClient, tokens: H, market: dict, candidates: dict[str, set[str]],
        length: int | None, per_trainee: int | None) -> None:
    """A list stays short only where every candidate left off it is at the limit; the
    summary counts the places, those left empty, and those empty for the limit."""
    plan = _plan(client, tokens, market | _options(length, per_trainee))
    lists, limit = _lists(plan), plan["per_trainee"]
    places = empty = at_limit = 0
    for posting in plan["postings"]:
        on_list = {i["trainee_id"] for i in posting["items"]}
        off_list = candidates[posting["posting_id"]] - on_list
        assert posting["candidates"] == len(candidates[posting["posting_id"]])
        short = posting["capacity"] - len(posting["items"])
        if short > 0:
            under = sorted(t for t in off_list if lists[t] < limit)
            assert not under, (f"{posting['posting_id']} has {short} empty places, yet "
                               f"{under} are under the limit of {limit}")
        places += posting["capacity"]
        empty += short
        at_limit += min(short, len(off_list))
    summary = plan["summary"]
    assert summary["places"] == places
    assert summary["places_empty"] == empty == places - summary["pairs_chosen"]
    assert summary["places_empty_at_limit"] == at_limit
    assert at_limit > 0  # the limit binds on this market: some lists stay short
    # Filling never loses a pair the allocation chose without it.
    strict = _plan(client, tokens, market | _options(length, per_trainee) | {"fill": False})
    assert summary["pairs_chosen"] >= strict["summary"]["pairs_chosen"]
    assert summary["pairs_chosen"] == (strict["summary"]["pairs_chosen"]
                                       + summary["pairs_topped_up"])


def test_the_reported_trainee_is_on_one_list(client: TestClient, tokens: H) -> None:
    body = {"posting_ids": ["P0000013", "P0000019"], "trainee_ids": ["T0000989"],
            "per_trainee": 1}
    plan = _plan(client, tokens, body)
    assert [p["candidates"] for p in plan["postings"]] == [1, 1]  # both want T0000989
    assert _lists(plan) == {"T0000989": 1}
    summary = plan["summary"]
    assert summary["places_empty"] == sum(p["capacity"] for p in plan["postings"]) - 1
    assert summary["places_empty_at_limit"] == 1


def test_the_top_up_adds_only_trainees_under_the_limit() -> None:
    """The top-up itself, from an allocation that left room (as an approximate or
    near-zero-score solution can): trainees under the limit, least-listed first."""
    from api.services.plans import _Candidates, _top_up
    from matcher import Allocation

    # Postings 0 and 1 both want trainees 0, 1, 2; posting 0 already lists trainee 0.
    rows = np.array([0, 0, 0, 1, 1, 1])
    cols = np.array([0, 1, 2, 0, 1, 2])
    probability = np.array([0.9, 0.8, 0.5, 0.9, 0.8, 0.7])
    cand = _Candidates(rows, cols, probability, {}, [[0, 1, 2], [0, 1, 2]])
    core = Allocation(np.array([0]), np.array([0]), np.array([0.9]), 0.9, 0.9, "sparse",
                      (2, 3))
    plan, added = _top_up(core, cand, np.array([2, 2]), per_trainee=1)
    assert added == 2 and plan.method == "sparse+fill" and plan.bound is None
    # Posting 0 picks first (ties by index): trainee 1; posting 1 gets only trainee 2.
    assert [r.tolist() for r in plan.lists()] == [[0, 1], [2]]
    assert plan.objective == pytest.approx(0.9 + 0.8 + 0.7)
    plan, added = _top_up(core, cand, np.array([2, 2]), per_trainee=2)
    # Congestion: posting 1 takes trainee 2 (0.7) over trainee 1 (0.8 / 1.25 = 0.64).
    assert added == 3 and [r.tolist() for r in plan.lists()] == [[0, 1], [0, 2]]
    assert np.bincount(plan.trainee).max() <= 2
    plan, added = _top_up(plan, cand, np.array([2, 2]), per_trainee=2)
    assert added == 0 and plan.method == "sparse+fill"  # full lists: nothing to add


@pytest.mark.parametrize(("length", "per_trainee"), [(1, 1), (3, 2), (None, None)],
                         ids=["len1-per1", "len3-per2", "defaults"])
def test_xlsx_keeps_the_limit_and_counts_empty_places(client: TestClient, tokens: H,
                                                      market: dict, length: int | None,
                                                      per_trainee: int | None) -> None:
    body = market | _options(length, per_trainee)
    plan = _plan(client, tokens, body)
    response = client.post("/api/v1/plans.xlsx", json=body, headers=tokens["admin"])
    assert response.status_code == 200, response.text
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    header, *rows = list(book["分配方案"].values)
    lists = Counter(row[header.index("学员编号")] for row in rows)
    facts = dict(list(book["方案概要"].values)[1:])
    limit = facts["每名学员最多列入名单数"]
    assert limit == plan["per_trainee"]
    if per_trainee is not None:
        assert limit == per_trainee
    over = {t: n for t, n in lists.items() if n > limit}
    assert not over, f"on more than {limit} lists: {over}"
    assert len(rows) == plan["summary"]["pairs_chosen"]
    summary = plan["summary"]
    assert facts["名单总名额"] == summary["places"]
    assert facts["空缺名额"] == summary["places_empty"] > 0
    assert facts["其中：候选学员均已达每人名单数上限而空缺的名额"] == summary[
        "places_empty_at_limit"]
    assert facts["补足名单时增补的配对数"] == summary["pairs_topped_up"]
