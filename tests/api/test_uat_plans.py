"""Acceptance: a job-fair plan given a limit of lists per trainee keeps it, also when
``fill`` tops short lists up, in the JSON and in the Excel export; short lists are
still topped up with the trainees under the limit, and the summary counts the places
left empty. With no limit given, the allocation spreads the places evenly and the
top-up fills every list while it has candidates.

(Reported: with every open posting and trainee, ``length=1, per_trainee=1`` answered
``per_trainee: 1, method: exact+fill`` with T0000989 on 7 lists.)
"""

from __future__ import annotations

import io
from collections import Counter

import openpyxl
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.models import Posting, Trainee
from api.services.plan_schemas import MAX_LENGTH

H = dict[str, dict[str, str]]

#: (length, per_trainee) of the requests with a limit; None: the service's default.
SHAPES = [(1, 1), (2, 1), (3, 2), (5, 3), (None, 2)]
SHAPE_IDS = ["len1-per1", "len2-per1", "len3-per2", "len5-per3", "default-len-per2"]


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
    assert plan["per_trainee"] == plan["spread"] == per_trainee
    assert plan["most_lists"] == max(_lists(plan).values())
    over = {t: n for t, n in _lists(plan).items() if n > per_trainee}
    assert not over, f"on more than {per_trainee} lists: {over}"
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


@pytest.mark.parametrize("length", [None, 2], ids=["default-len", "len2"])
def test_without_a_limit_every_list_is_filled_from_its_candidates(
        client: TestClient, tokens: H, market: dict, candidates: dict[str, set[str]],
        length: int | None) -> None:
    """The default: the allocation keeps each trainee to the even spread, then the
    top-up fills each list while it has candidates, past the spread where needed."""
    body = market | _options(length, None)
    plan = _plan(client, tokens, body)
    strict = _plan(client, tokens, body | {"fill": False})
    assert plan["per_trainee"] is None and plan["spread"] == strict["spread"] >= 1
    assert max(_lists(strict).values()) <= strict["spread"]
    lists = _lists(plan)
    assert plan["most_lists"] == max(lists.values()) > plan["spread"]  # binds here
    for posting in plan["postings"]:
        assert len(posting["items"]) == min(posting["capacity"],
                                            len(candidates[posting["posting_id"]]))
    summary = plan["summary"]
    assert summary["places_empty_at_limit"] == 0
    assert summary["places_empty"] < strict["summary"]["places_empty"]
    assert summary["pairs_chosen"] == (strict["summary"]["pairs_chosen"]
                                       + summary["pairs_topped_up"])
    # the top-up only adds: everyone the spread listed is still listed
    assert summary["trainees_listed"] >= strict["summary"]["trainees_listed"]


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
    lists = Counter(row[header.index("学员编号")] for row in rows
                    if row[header.index("学员编号")] is not None)
    facts = dict(list(book["方案概要"].values)[1:])
    if per_trainee is None:
        assert facts["每名学员名单数上限"] == "不设硬上限"
    else:
        assert facts["每名学员名单数上限"] == per_trainee == plan["per_trainee"]
        over = {t: n for t, n in lists.items() if n > per_trainee}
        assert not over, f"on more than {per_trainee} lists: {over}"
    assert facts["分配时每名学员最多名单数"] == plan["spread"]
    assert facts["单个学员实际最多列入名单数"] == plan["most_lists"] == max(lists.values())
    empty = [p for p in plan["postings"] if not p["items"]]
    assert len(rows) == plan["summary"]["pairs_chosen"] + len(empty)
    # every posting is in the sheet, an empty list's row saying why
    assert {row[0] for row in rows} == {p["posting_id"] for p in plan["postings"]}
    for posting in plan["postings"]:
        if len(posting["items"]) < posting["capacity"]:
            assert posting["short_reason"] in ("no_candidate", "ended", "few_candidates",
                                               "at_limit", "not_filled")
            if per_trainee is None:
                assert posting["short_reason"] in ("no_candidate", "ended", "few_candidates")
        else:
            assert posting["short_reason"] is None
    summary = plan["summary"]
    assert facts["名单总名额"] == summary["places"]
    assert facts["空缺名额"] == summary["places_empty"] > 0
    assert facts["其中：候选学员均已达每人名单数上限而空缺的名额"] == summary[
        "places_empty_at_limit"]
    assert facts["补足名单时增补的配对数"] == summary["pairs_topped_up"]
