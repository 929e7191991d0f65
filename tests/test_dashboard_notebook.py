"""The placement dashboard notebook runs from top to bottom and shows its three goals.

Executed in a fresh kernel with nbclient (working directory ``notebooks/``), against the
bundled synthetic sample on a temporary database; its tagged cells are then checked
for the tables and charts a reader expects.
"""

from __future__ import annotations

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("matplotlib")

from tests.notebooks import errors, execute, shown, tagged  # noqa: E402


@pytest.fixture(scope="module")
def dashboard() -> object:
    return execute("placement_dashboard.ipynb", timeout=180)


def test_dashboard_runs_without_errors(dashboard: object) -> None:
    assert errors(dashboard) == []


def test_dashboard_says_the_data_is_synthetic(dashboard: object) -> None:
    assert "Synthetic data" in "".join(tagged(dashboard, "synthetic-note").source)


def test_dashboard_records_a_simulated_round(dashboard: object) -> None:
    table = shown(dashboard, "simulated-round")
    for column in ("through matching", "outside matching", "stored", "refused_409"):
        assert column in table


@pytest.mark.parametrize(("tag", "expected"), [
    ("placement-table", ["goal_share", "through_matching_share", "宣汉县", "goal 80%"]),
    ("supply-table", ["demand", "met", "satisfaction", "磷硫化工", "电子商务"]),
    ("training-table", ["trained", "target", "2025", "2027", "通川区"]),
], ids=["placement", "supply", "training"])
def test_dashboard_tables(dashboard: object, tag: str, expected: list[str]) -> None:
    table = shown(dashboard, tag)
    for item in expected:
        assert item in table


@pytest.mark.parametrize("tag", ["placement-plot", "supply-plot", "training-plot"],
                         ids=["placement", "supply", "training"])
def test_dashboard_plots(dashboard: object, tag: str) -> None:
    outputs = tagged(dashboard, tag).outputs
    assert any("image/png" in o.get("data", {}) for o in outputs)
