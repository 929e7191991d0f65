"""An enterprise hires from a shortlist one worker served a moment ago, through another."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from matcher import Normalizer
from tests.api.conftest import login, make_settings


@pytest.mark.parametrize("kind", ["interviewed", "hired"])
def test_a_step_waits_for_the_other_process_to_write_what_it_served(
        store_app: FastAPI, norm: Normalizer, kind: str) -> None:
    url = store_app.state.settings.database_url
    with TestClient(create_app(make_settings(url, log_delay_ms=500),
                               normalizer=norm)) as a, \
            TestClient(create_app(make_settings(url), normalizer=norm)) as b:
        headers = login(a, "enterprise1")
        made = a.post("/api/v1/postings", headers=headers, json={
            "title": "招聘电焊工", "requirements": "持焊工证", "headcount": 3,
            "wage_min": 4000, "wage_max": 6000, "area": "达川区", "closes": "2030-01-01"})
        assert made.status_code == 201, made.text
        pid = made.json()["id"]
        items = a.get(f"/api/v1/postings/{pid}/shortlist?k=20&require_area=false"
                      "&level_tolerance=7", headers=headers).json()["items"]
        # someone from elsewhere: the few welders of 达川区 are other tests' candidates
        items = [i for i in items if i["trainee"]["area"] != "达川区"][-1:]
        assert items
        # served by a, whose writer holds the recommendations for up to 0.5 s
        step = (b.post("/api/v1/placements", headers=headers,
                       json={"posting_id": pid, "trainee_id": items[0]["trainee_id"]})
                if kind == "hired" else
                b.post("/api/v1/interactions", headers=headers, json={
                    "kind": kind, "posting_id": pid, "trainee_id": items[0]["trainee_id"]}))
        assert step.status_code == 201, step.text
