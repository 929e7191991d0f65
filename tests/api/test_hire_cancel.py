"""A hire recorded by mistake can be cancelled by staff: the placement leaves the metrics,
the posting gets its place back, the trainee seeks again, the log says why."""

from __future__ import annotations

import threading
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.models import Interaction, Posting, Trainee
from tests.api.conftest import login

H = dict[str, dict[str, str]]
POSTING = {"title": "数控车工", "requirements": "会数控车床操作", "headcount": 1,
           "wage_min": 4000, "wage_max": 6000, "area": "达川区", "closes": "2027-06-30"}
RELAXED = "level_tolerance=7&require_area=false"


def _hired(client: TestClient, tokens: H, title: str) -> tuple[str, str, int]:
    """A new one-place posting, its best candidate hired by the enterprise: (posting,
    trainee, placement id)."""
    pid = client.post("/api/v1/postings", json=POSTING | {"title": title},
                      headers=tokens["enterprise1"]).json()["id"]
    tid = client.get(f"/api/v1/postings/{pid}/shortlist?k=1&{RELAXED}",
                     headers=tokens["enterprise1"]).json()["items"][0]["trainee_id"]
    hire = client.post("/api/v1/placements", headers=tokens["enterprise1"],
                       json={"posting_id": pid, "trainee_id": tid})
    assert hire.status_code == 201, hire.text
    return pid, tid, hire.json()["id"]


def _placed(client: TestClient, tokens: H) -> int:
    return int(client.get("/api/v1/metrics/placement", headers=tokens["admin"])
               .json()["overall"]["placed"])


def test_a_counselor_cancels_a_mistaken_hire_and_everything_is_as_before_it(
        client: TestClient, tokens: H) -> None:
    placed_before = _placed(client, tokens)
    pid, tid, placement = _hired(client, tokens, "数控车工（录错）")
    posting = client.get(f"/api/v1/postings/{pid}", headers=tokens["counselor"]).json()
    assert posting["status"] == "filled"
    trainee = client.get(f"/api/v1/trainees/{tid}", headers=tokens["counselor"]).json()
    assert trainee["status"] == "placed"
    counted = _placed(client, tokens) - placed_before  # 0 or 1: the trainee may be in training

    response = client.post(f"/api/v1/placements/{placement}/cancel",
                           headers=tokens["counselor"], json={"reason": "录入错误：学员未到岗"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["trainee_status"], body["posting_status"]) == ("seeking", "open")
    assert "已撤销" in body["message_zh"]

    assert client.get(f"/api/v1/placements?trainee_id={tid}",
                      headers=tokens["counselor"]).json()["total"] == 0
    assert client.get(f"/api/v1/postings/{pid}", headers=tokens["counselor"]).json()[
        "status"] == "open"
    assert client.get(f"/api/v1/trainees/{tid}", headers=tokens["counselor"]).json()[
        "status"] == "seeking"
    assert counted in (0, 1)
    assert _placed(client, tokens) == placed_before  # the hire counts no more
    # the log: no hire of the pair any more, the cancellation with its reason
    steps = client.get(f"/api/v1/interactions?posting_id={pid}&trainee_id={tid}",
                       headers=tokens["counselor"]).json()["items"]
    kinds = [s["kind"] for s in steps]
    # the history keeps who recorded the hire, then the cancellation
    assert kinds[-2:] == ["hired", "hire_cancelled"]
    assert steps[-2]["actor_id"] is not None
    cancelled = [s for s in steps if s["kind"] == "hire_cancelled"]
    assert len(cancelled) == 1
    assert cancelled[0]["note"] == "录入错误：学员未到岗"
    assert cancelled[0]["kind_label"] == "录用已撤销"
    # both are matched again: the trainee is back on the posting's shortlist
    # (many candidates tie on score here, and one re-entering the index goes after the
    # others of its score: look far enough down)
    again = client.get(f"/api/v1/postings/{pid}/shortlist?k=100&{RELAXED}",
                       headers=tokens["counselor"]).json()["items"]
    assert tid in [i["trainee_id"] for i in again]
    # and the place can be filled again (by the same trainee, now rightly)
    rehire = client.post("/api/v1/placements", headers=tokens["counselor"],
                         json={"posting_id": pid, "trainee_id": tid})
    assert rehire.status_code == 201, rehire.text


def test_only_staff_cancel_a_hire_and_only_once(client: TestClient, tokens: H) -> None:
    _, _, placement = _hired(client, tokens, "数控车工（撤销权限）")
    url = f"/api/v1/placements/{placement}/cancel"
    for role in ("enterprise1", "trainee1"):
        refused = client.post(url, headers=tokens[role], json={"reason": "不想要了"})
        assert refused.status_code == 403, (role, refused.text)
    assert client.post(url, headers=tokens["counselor"], json={"reason": "x"}
                       ).status_code == 422  # a reason of at least two characters
    assert client.post(url, headers=tokens["counselor"], json={}).status_code == 422
    assert client.post(url, headers=tokens["admin"], json={"reason": "重复录入"}
                       ).status_code == 200
    again = client.post(url, headers=tokens["admin"], json={"reason": "重复录入"})
    assert again.status_code == 404
    assert again.json()["error"]["message_zh"].startswith("未找到录用记录")


def test_an_area_counselor_cancels_no_hire_of_a_trainee_outside_their_areas(
        client: TestClient, app: FastAPI, tokens: H) -> None:
    _, tid, placement = _hired(client, tokens, "数控车工（区域）")
    areas = client.get("/api/v1/auth/me", headers=tokens["counselor_area"]).json()["areas"]
    with app.state.sessionmaker() as s:
        area = s.scalar(select(Trainee.area).where(Trainee.id == tid))
    url = f"/api/v1/placements/{placement}/cancel"
    assert area not in areas  # the demo's area counselor has 达州市 only
    response = client.post(url, headers=tokens["counselor_area"], json={"reason": "录入错误"})
    assert response.status_code == 403, response.text
    assert area in response.json()["error"]["message_zh"]
    assert "撤销本区域学员的录用" in response.json()["error"]["message_zh"]
    # the hire stands: a counselor of every area cancels it
    assert client.post(url, headers=tokens["counselor"], json={"reason": "录入错误"}
                       ).status_code == 200


def _hired_after(client: TestClient, tokens: H, change: tuple[str, dict[str, str]],
                 **posting: object) -> tuple[str, str, dict[str, Any]]:
    """A new posting's best candidate, hired by the counselor after one ``change`` (a
    PATCH of ``{pid}``/``{tid}`` in its path): (posting, trainee, the hire's answer)."""
    pid = client.post("/api/v1/postings", headers=tokens["enterprise1"],
                      json=POSTING | posting).json()["id"]
    tid = client.get(f"/api/v1/postings/{pid}/shortlist?k=1&{RELAXED}",
                     headers=tokens["counselor"]).json()["items"][0]["trainee_id"]
    changed = client.patch(change[0].format(pid=pid, tid=tid), headers=tokens["counselor"],
                           json=change[1])
    assert changed.status_code == 200, changed.text
    hire = client.post("/api/v1/placements", headers=tokens["counselor"],
                       json={"posting_id": pid, "trainee_id": tid})
    assert hire.status_code == 201, hire.text
    return pid, tid, hire.json()


def test_a_withdrawn_trainee_hired_by_mistake_is_withdrawn_again(
        client: TestClient, tokens: H) -> None:
    pid, tid, hire = _hired_after(client, tokens, ("/api/v1/trainees/{tid}",
                                                   {"status": "withdrawn"}),
                                  title="数控车工（已退出）")
    assert "withdrawn" in [w["code"] for w in hire["warnings"]]
    cancel = client.post(f"/api/v1/placements/{hire['id']}/cancel",
                         headers=tokens["counselor"], json={"reason": "学员已退出，误录"})
    assert cancel.status_code == 200, cancel.text
    assert cancel.json()["trainee_status"] == "withdrawn"
    assert client.get(f"/api/v1/trainees/{tid}", headers=tokens["counselor"]).json()[
        "status"] == "withdrawn"
    # so not recommended again
    again = client.get(f"/api/v1/postings/{pid}/shortlist?k=20&{RELAXED}",
                       headers=tokens["counselor"]).json()["items"]
    assert tid not in [i["trainee_id"] for i in again]


def test_a_posting_marked_filled_by_hand_stays_filled(client: TestClient, tokens: H) -> None:
    _, _, hire = _hired_after(client, tokens, ("/api/v1/postings/{pid}", {"status": "filled"}),
                              title="数控车工（手工招满）", headcount=3)
    cancel = client.post(f"/api/v1/placements/{hire['id']}/cancel",
                         headers=tokens["counselor"], json={"reason": "录入错误"})
    assert cancel.status_code == 200, cancel.text
    assert cancel.json()["posting_status"] == "filled"


def test_the_reason_is_checked_and_shown_to_staff_only(client: TestClient, tokens: H) -> None:
    pid, tid, placement = _hired(client, tokens, "数控车工（原因）")
    url = f"/api/v1/placements/{placement}/cancel"
    for reason in ("   ", " 错 ", "学员手机 13812345678 停机"):
        refused = client.post(url, headers=tokens["counselor"], json={"reason": reason})
        assert refused.status_code == 422, (reason, refused.text)
    assert client.post(url, headers=tokens["counselor"], json={"reason": "  录入错误  "}
                       ).status_code == 200
    query = f"/api/v1/interactions?posting_id={pid}&trainee_id={tid}&kind=hire_cancelled"
    staff = client.get(query, headers=tokens["counselor"]).json()["items"]
    assert [s["note"] for s in staff] == ["录入错误"]
    enterprise = client.get(query, headers=tokens["enterprise1"]).json()["items"]
    assert len(enterprise) == 1 and enterprise[0]["note"] is None


def test_two_cancels_of_one_hire_at_once_cancel_it_once(store_app: FastAPI) -> None:
    """On each store (PostgreSQL too): one cancel succeeds, the other finds nothing."""
    client = TestClient(store_app)
    tokens = {name: login(client, name) for name in ("enterprise1", "counselor", "admin")}
    pid, _, placement = _hired(client, tokens, "数控车工（并发撤销）")
    results: list[int] = []

    def cancel(who: str) -> None:
        results.append(client.post(f"/api/v1/placements/{placement}/cancel",
                                   headers=tokens[who], json={"reason": "录入错误"}).status_code)

    threads = [threading.Thread(target=cancel, args=(who,)) for who in ("counselor", "admin")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results) == [200, 404]
    with store_app.state.sessionmaker() as s:
        posting = s.get(Posting, pid)
        assert posting is not None and (posting.hired, posting.status) == (0, "open")
        assert s.scalar(select(func.count()).select_from(Interaction).where(
            Interaction.posting_id == pid, Interaction.kind == "hire_cancelled")) == 1


def test_a_cancelled_hire_s_id_is_never_given_to_another(client: TestClient,
                                                         tokens: H) -> None:
    """A repeated cancel (a double click, a retry, an old list) finds nothing: it never
    cancels the hire recorded after the first cancel."""
    _, _, first = _hired(client, tokens, "数控车工（编号一）")
    url = f"/api/v1/placements/{first}/cancel"
    assert client.post(url, headers=tokens["counselor"], json={"reason": "录入错误"}
                       ).status_code == 200
    _, tid, second = _hired(client, tokens, "数控车工（编号二）")
    assert second > first
    again = client.post(url, headers=tokens["counselor"], json={"reason": "录入错误"})
    assert again.status_code == 404
    assert client.get(f"/api/v1/placements?trainee_id={tid}", headers=tokens["counselor"]
                      ).json()["total"] == 1
