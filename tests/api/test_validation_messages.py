"""A request that fails validation says in Chinese which field and what to change."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

H = dict[str, dict[str, str]]


@pytest.mark.parametrize(("path", "field", "says"), [
    ("/api/v1/postings?page=0", "页码", "须 ≥ 1"),
    ("/api/v1/postings/P0000001/shortlist?k=0", "名单人数", "须 ≥ 1"),
    ("/api/v1/postings?page=abc", "页码", "须为整数"),
    ("/api/v1/postings/P0000001/shortlist?require_area=maybe", "限定意向区域",
     "须为 true 或 false"),
])
def test_a_bad_query_is_explained_in_chinese(client: TestClient, tokens: H, path: str,
                                             field: str, says: str) -> None:
    response = client.get(path, headers=tokens["counselor"])
    assert response.status_code == 422
    error = response.json()["error"]
    assert f"{field}：{says}" in error["message_zh"], error["message_zh"]
    assert all(d["message_zh"] for d in error["details"])


def test_a_bad_body_names_every_field(client: TestClient, tokens: H) -> None:
    response = client.post("/api/v1/trainees", headers=tokens["counselor"],
                           json={"id": "TV000001", "masked_name": "赵*", "area": "宣汉县",
                                 "graduation_date": "明年", "expected_wage": 50})
    assert response.status_code == 422
    message = response.json()["error"]["message_zh"]
    assert "培训班次：必填" in message and "结业日期：须为日期" in message
    assert "期望月薪：须 ≥ 1000" in message


def test_unreadable_json_and_a_body_that_is_no_object(client: TestClient, tokens: H) -> None:
    headers = tokens["counselor"] | {"Content-Type": "application/json"}
    broken = client.post("/api/v1/trainees", headers=headers, content=b'{"id": "T1",')
    assert broken.status_code == 422
    assert broken.json()["error"]["message_zh"].startswith("请求参数有误：请求体：JSON 格式有误")
    listed = client.post("/api/v1/trainees", headers=headers, content=b"[1, 2]")
    assert listed.status_code == 422
    assert "须为 JSON 对象" in listed.json()["error"]["message_zh"]


def test_the_error_of_a_hopeless_model_pickles() -> None:
    import pickle

    from matcher.learning import NotEnoughOutcomesError

    error = pickle.loads(pickle.dumps(NotEnoughOutcomesError("too few", "太少")))
    assert (str(error), error.zh) == ("too few", "太少")
    assert NotEnoughOutcomesError("only English").zh == "only English"


@pytest.mark.parametrize("path", ["/api/v1/metrics/placement"])
def test_a_day_to_come_has_no_placement_figures(client: TestClient, tokens: H,
                                                path: str) -> None:
    """Graduates of a day to come would count as graduated already: refused, saying why
    (supply takes a day to come: the postings announced to open by then)."""
    import datetime as dt

    later = dt.date.today() + dt.timedelta(days=30)
    response = client.get(f"{path}?as_of={later}", headers=tokens["admin"])
    assert response.status_code == 422, response.text
    assert "晚于今天" in response.json()["error"]["message_zh"]
    today = client.get(f"{path}?as_of={dt.date.today()}", headers=tokens["admin"])
    assert today.status_code == 200


def test_a_k_over_the_limit_is_named_in_chinese(client: TestClient, tokens: H) -> None:
    response = client.get("/api/v1/postings/P0000001/shortlist?k=100000",
                          headers=tokens["counselor"])
    assert response.status_code == 422
    assert response.json()["error"]["message_zh"].startswith("名单人数（k）最大为")


def test_suggestions_name_their_k_as_postings(client: TestClient, tokens: H) -> None:
    me = client.get("/api/v1/auth/me", headers=tokens["trainee1"]).json()["trainee_id"]
    response = client.get(f"/api/v1/trainees/{me}/suggestions?k=100000",
                          headers=tokens["trainee1"])
    assert response.status_code == 422
    assert response.json()["error"]["message_zh"].startswith("推荐岗位数（k）最大为")
