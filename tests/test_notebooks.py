"""The notebooks run from top to bottom and show what they promise.

Each notebook is executed in a fresh kernel with nbclient (its working directory is
``notebooks/``), then its tagged cells are checked for the outputs a reader expects.
"""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("matplotlib")

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
SYSTEMS = ("learned", "weighted", "occupation", "tfidf")


def _text(output: dict) -> str:
    """What a cell output shows as text (stream text or the plain/HTML rendering)."""
    if output.get("output_type") == "stream":
        return str(output.get("text", ""))
    data = output.get("data", {})
    return str(data.get("text/plain", "")) + str(data.get("text/html", ""))


def _tagged(nb: object, tag: str) -> dict:
    cells = [c for c in nb.cells if tag in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1, f"expected one cell tagged {tag!r}, found {len(cells)}"
    return cells[0]


@pytest.fixture(scope="module")
def matching_quality() -> object:
    path = NOTEBOOKS / "matching_quality.ipynb"
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()  # raises CellExecutionError on the first failing cell
    return nb


def test_matching_quality_runs_without_errors(matching_quality: object) -> None:
    errors = [o for c in matching_quality.cells if c.cell_type == "code"
              for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []


def test_matching_quality_table_has_the_four_systems(matching_quality: object) -> None:
    shown = "".join(_text(o) for o in _tagged(matching_quality, "metrics-table").outputs)
    for system in SYSTEMS:
        assert system in shown
    for metric in ("precision", "ndcg", "mrr", "recall", "auc", "coverage", "placements"):
        assert metric in shown


@pytest.mark.parametrize("tag", ["calibration", "waterfall"], ids=["calibration", "waterfall"])
def test_matching_quality_plots(matching_quality: object, tag: str) -> None:
    outputs = _tagged(matching_quality, tag).outputs
    assert any("image/png" in o.get("data", {}) for o in outputs)


def test_matching_quality_has_a_chart_per_figure(matching_quality: object) -> None:
    images = [o for c in matching_quality.cells if c.cell_type == "code"
              for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert len(images) >= 3  # metrics bars, reliability, waterfall
