"""Areas, distances and industries of Dazhou."""

from __future__ import annotations

import numpy as np
import pytest

from matcher.areas import AREA_ALIASES, area_names, distance_km, distance_matrix, load_areas
from matcher.industries import KEY_INDUSTRIES, industry_of_occupation, load_industries

AREAS = {a.name: a for a in load_areas()}


def test_ten_areas_with_zones_as_proxies() -> None:
    assert len(AREAS) == 10
    assert {a.name for a in load_areas() if a.proxy} == {"达州高新区", "达州东部经开区"}
    assert all(a.adcode and a.adcode.startswith("5117") for a in load_areas() if not a.proxy)


@pytest.mark.parametrize(
    ("a", "b", "low", "high"),
    [("通川区", "通川区", 0, 0), ("通川区", "达川区", 0, 5), ("通川区", "万源市", 90, 120),
     ("渠县", "万源市", 150, 190)],
    ids=["same", "neighbours", "north", "across"],
)
def test_distance_km(a: str, b: str, low: float, high: float) -> None:
    assert low <= distance_km(AREAS[a], AREAS[b]) <= high


def test_distance_matrix_is_symmetric_and_matches_pairs() -> None:
    areas = load_areas()
    d = distance_matrix(areas)
    assert np.allclose(d, d.T)
    assert d[1, 7] == pytest.approx(distance_km(areas[1], areas[7]))


def test_aliases_point_at_areas() -> None:
    assert set(AREA_ALIASES.values()) <= set(area_names())


def test_industries_cover_the_key_industries_with_areas() -> None:
    industries = {i.name: i for i in load_industries()}
    assert set(KEY_INDUSTRIES) <= set(industries)
    for industry in industries.values():
        assert set(industry.areas) <= set(area_names()), industry.name
        assert sum(industry.areas.values()) == pytest.approx(1.0)
        assert industry.codes
    assert "宣汉县" in industries["锂钾综合利用"].areas


def test_industry_of_occupation_lists_every_industry() -> None:
    assert "智能装备制造" in industry_of_occupation()["6-18-02-04"]
