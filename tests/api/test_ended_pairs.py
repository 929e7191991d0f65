"""A pair that has ended (rejected, withdrawn) is not recommended again, on either side."""

from __future__ import annotations

from fastapi.testclient import TestClient

H = dict[str, dict[str, str]]
POSTING = {"title": "数控车工", "requirements": "会数控车床操作", "headcount": 3,
           "wage_min": 4000, "wage_max": 6000, "area": "达川区", "closes": "2027-06-30"}
RELAXED = "k=5&level_tolerance=7&require_area=false"


def _ids(items: list[dict[str, object]]) -> list[object]:
    return [i["trainee_id"] for i in items]


def test_a_rejected_trainee_leaves_the_shortlist_and_the_next_best_fills_it(
        client: TestClient, tokens: H) -> None:
    pid = client.post("/api/v1/postings", json=POSTING,
                      headers=tokens["enterprise1"]).json()["id"]
    url = f"/api/v1/postings/{pid}/shortlist?{RELAXED}"
    before = client.get(url, headers=tokens["enterprise1"]).json()["items"]
    assert len(before) == 5
    step = client.post("/api/v1/interactions", headers=tokens["enterprise1"],
                       json={"kind": "rejected", "posting_id": pid,
                             "trainee_id": before[0]["trainee_id"]})
    assert step.status_code == 201, step.text
    after = client.get(url, headers=tokens["enterprise1"]).json()["items"]
    assert before[0]["trainee_id"] not in _ids(after)
    assert _ids(after)[:4] == _ids(before)[1:]  # the others move up, one more comes in
    assert [i["rank"] for i in after] == [1, 2, 3, 4, 5]
    # the counselor's view of the posting too
    counselor = client.get(url, headers=tokens["counselor"]).json()["items"]
    assert before[0]["trainee_id"] not in _ids(counselor)


def test_a_posting_the_trainee_withdrew_from_is_not_suggested_again(
        client: TestClient, tokens: H) -> None:
    me = client.get("/api/v1/auth/me", headers=tokens["trainee1"]).json()["trainee_id"]
    url = f"/api/v1/trainees/{me}/suggestions?k=5"
    before = client.get(url, headers=tokens["trainee1"]).json()["items"]
    assert len(before) >= 2
    first = before[0]["posting_id"]
    step = client.post("/api/v1/interactions", headers=tokens["trainee1"],
                       json={"kind": "withdrawn", "posting_id": first, "trainee_id": me})
    assert step.status_code == 201, step.text
    after = client.get(url, headers=tokens["trainee1"]).json()["items"]
    assert first not in [i["posting_id"] for i in after]
    assert [i["posting_id"] for i in after][:len(before) - 1] == [
        i["posting_id"] for i in before[1:]]
    assert [i["rank"] for i in after] == list(range(1, len(after) + 1))
    # and the trainee is off that posting's shortlist
    shortlist = client.get(f"/api/v1/postings/{first}/shortlist?k=100&level_tolerance=7"
                           "&require_area=false", headers=tokens["counselor"]).json()
    assert me not in _ids(shortlist["items"])


def test_a_job_fair_plan_leaves_out_a_rejected_pair(client: TestClient, tokens: H) -> None:
    pid = client.post("/api/v1/postings", json=POSTING | {"title": "数控车床操作工"},
                      headers=tokens["enterprise1"]).json()["id"]
    first = client.get(f"/api/v1/postings/{pid}/shortlist?{RELAXED}",
                       headers=tokens["enterprise1"]).json()["items"][0]["trainee_id"]
    request = {"posting_ids": [pid], "trainee_ids": [first], "level_tolerance": 7,
               "require_area": False}
    plan = client.post("/api/v1/plans", json=request, headers=tokens["counselor"])
    assert plan.status_code == 200, plan.text
    listed = [i["trainee_id"] for p in plan.json()["postings"] for i in p["items"]]
    assert listed == [first]
    client.post("/api/v1/interactions", headers=tokens["enterprise1"],
                json={"kind": "rejected", "posting_id": pid, "trainee_id": first})
    plan = client.post("/api/v1/plans", json=request, headers=tokens["counselor"]).json()
    assert [i for p in plan["postings"] for i in p["items"]] == []
