"""A re-imported roster does not undo a trainee's withdrawn consent or their placement."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.models import Trainee
from tests.api.test_endpoints import NEW_POSTING

H = dict[str, dict[str, str]]
HEADER = ("学员编号,姓名（脱敏）,所属区域,培训班次,结业日期,证书,其他技能,意向区域,"
          "期望月薪,状态,同意推荐,联系电话")
SHARE = ",同意向企业提供联系方式"


def _row(tid: str, *, share: str | None = None, status: str = "seeking") -> str:
    line = (f"{tid},王*,宣汉县,C000001,2025-05-18,焊工 四级/中级工,会氩弧焊,不限,5000,"
            f"{status},是,10091234567")
    return line + (f",{share}" if share is not None else "")


def _import(client: TestClient, tokens: H, lines: list[str], *, share: bool = False,
            dry_run: bool = False) -> dict:
    text = "\n".join([HEADER + (SHARE if share else ""), *lines]) + "\n"
    response = client.post(f"/api/v1/imports/trainees?dry_run={str(dry_run).lower()}",
                           headers=tokens["counselor"],
                           files={"file": ("roster.csv", text.encode("utf-8-sig"), "text/csv")})
    assert response.status_code == 200, response.text
    return response.json()


def _stored(app: FastAPI, tid: str) -> Trainee:
    with app.state.sessionmaker() as s:
        trainee = s.get(Trainee, tid)
        assert trainee is not None
        return trainee


def test_a_withdrawn_consent_is_not_given_back_by_a_reimport(
        client: TestClient, app: FastAPI, tokens: H) -> None:
    first = _import(client, tokens, [_row("TK000001", share="是")], share=True)
    assert first["stored"] and not first["kept"]
    assert _stored(app, "TK000001").consent_recommend
    withdrawn = client.patch("/api/v1/trainees/TK000001", headers=tokens["counselor"],
                             json={"consent_recommend": False})
    assert withdrawn.status_code == 200, withdrawn.text

    dry = _import(client, tokens, [_row("TK000001", share="是")], share=True, dry_run=True)
    assert [(k["row"], k["column"]) for k in dry["kept"]] == [(1, "consent")]
    assert dry["kept"][0]["reason_zh"] and dry["kept"][0]["reason_en"]
    again = _import(client, tokens, [_row("TK000001", share="是")], share=True)
    assert again["stored"] and again["kept"] == dry["kept"]
    trainee = _stored(app, "TK000001")
    assert not trainee.consent_recommend and trainee.consent_share_contact


def test_a_roster_without_the_share_column_keeps_the_stored_consent(
        client: TestClient, app: FastAPI, tokens: H) -> None:
    _import(client, tokens, [_row("TK000002", share="是")], share=True)
    assert _stored(app, "TK000002").consent_share_contact
    again = _import(client, tokens, [_row("TK000002")])  # the template has no such column
    assert again["stored"] and not again["kept"]
    assert _stored(app, "TK000002").consent_share_contact
    _import(client, tokens, [_row("TK000003")])
    assert not _stored(app, "TK000003").consent_share_contact  # new: no consent unless given


def test_a_placed_trainee_stays_placed(client: TestClient, app: FastAPI, tokens: H) -> None:
    _import(client, tokens, [_row("TK000004")])
    posting = client.post("/api/v1/postings", json=NEW_POSTING | {"headcount": 1},
                          headers=tokens["enterprise2"]).json()["id"]
    hired = client.post("/api/v1/placements", headers=tokens["counselor"],
                        json={"posting_id": posting, "trainee_id": "TK000004"})
    assert hired.status_code == 201, hired.text
    again = _import(client, tokens, [_row("TK000004", status="seeking")])
    assert [(k["row"], k["column"], k["value"]) for k in again["kept"]] == [
        (1, "status", "求职中")]
    assert _stored(app, "TK000004").status == "placed"
    shortlist = client.get(f"/api/v1/postings/{posting}/shortlist?k=100&level_tolerance=7"
                           "&require_area=false", headers=tokens["counselor"]).json()
    assert "TK000004" not in {i["trainee_id"] for i in shortlist["items"]}


def test_a_roster_may_give_a_consent_never_given_but_not_one_withdrawn_by_roster(
        client: TestClient, app: FastAPI, tokens: H) -> None:
    no = _row("TK000010").replace(",是,", ",否,")
    _import(client, tokens, [no])
    assert not _stored(app, "TK000010").consent_recommend
    given = _import(client, tokens, [_row("TK000010")])  # the paper form came in: 是
    assert given["stored"] and not given["kept"]
    assert _stored(app, "TK000010").consent_recommend
    _import(client, tokens, [no])  # withdrawn, recorded by a roster
    assert not _stored(app, "TK000010").consent_recommend
    stale = _import(client, tokens, [_row("TK000010")])  # an older roster again
    assert [k["column"] for k in stale["kept"]] == ["consent"]
    assert not _stored(app, "TK000010").consent_recommend
    regiven = client.patch("/api/v1/trainees/TK000010", headers=tokens["counselor"],
                           json={"consent_recommend": True})  # on the record, by word
    assert regiven.status_code == 200
    assert not _import(client, tokens, [_row("TK000010")])["kept"]
