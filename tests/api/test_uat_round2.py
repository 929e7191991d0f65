"""Defects found by the second acceptance round, each reproduced here first."""

from __future__ import annotations

from fastapi.testclient import TestClient

H = dict[str, dict[str, str]]


def test_reports_take_a_trainee_who_gave_no_preferred_areas(client: TestClient,
                                                            tokens: H) -> None:
    made = client.post("/api/v1/trainees", headers=tokens["counselor"], json={
        "id": "TW000001", "masked_name": "赵*", "area": "通川区", "course_id": "C000001",
        "graduation_date": "2025-05-18", "consent_recommend": True})
    assert made.status_code == 201, made.text
    for path in ("/api/v1/reports/demand?quarter=2026Q4", "/api/v1/reports/demand?quarter=2025Q3",
                 "/api/v1/reports/annual?year=2026"):
        response = client.get(path, headers=tokens["admin"])
        assert response.status_code == 200, (path, response.text)
