"""The notebooks run from top to bottom and show what they promise.

Each notebook is executed in a fresh kernel with nbclient (its working directory is
``notebooks/``), then its tagged cells are checked for the outputs a reader expects.
"""

from __future__ import annotations

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("matplotlib")

from tests.notebooks import errors, execute, tagged, text  # noqa: E402

SYSTEMS = ("learned", "weighted", "occupation", "tfidf")


@pytest.fixture(scope="module")
def matching_quality() -> object:
    return execute("matching_quality.ipynb", timeout=120)


def test_matching_quality_runs_without_errors(matching_quality: object) -> None:
    assert errors(matching_quality) == []


def test_matching_quality_table_has_the_four_systems(matching_quality: object) -> None:
    shown = "".join(text(o) for o in tagged(matching_quality, "metrics-table").outputs)
    for system in SYSTEMS:
        assert system in shown
    for metric in ("precision", "ndcg", "mrr", "recall", "auc", "coverage", "placements"):
        assert metric in shown


@pytest.mark.parametrize("tag", ["calibration", "waterfall"], ids=["calibration", "waterfall"])
def test_matching_quality_plots(matching_quality: object, tag: str) -> None:
    outputs = tagged(matching_quality, tag).outputs
    assert any("image/png" in o.get("data", {}) for o in outputs)


def test_matching_quality_has_a_chart_per_figure(matching_quality: object) -> None:
    images = [o for c in matching_quality.cells if c.cell_type == "code"
              for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert len(images) >= 3  # metrics bars, reliability, waterfall
