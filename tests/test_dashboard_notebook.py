"""The placement dashboard notebook runs from top to bottom and shows its three goals.

Executed in a fresh kernel with nbclient (working directory ``notebooks/``), against the
bundled synthetic sample on a temporary database; its tagged cells are then checked
for the tables and charts a reader expects.
"""

from __future__ import annotations

from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("matplotlib")

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


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


def _shown(nb: object, tag: str) -> str:
    return "".join(_text(o) for o in _tagged(nb, tag).outputs)


@pytest.fixture(scope="module")
def dashboard() -> object:
    nb = nbformat.read(NOTEBOOKS / "placement_dashboard.ipynb", as_version=4)
    client = nbclient.NotebookClient(nb, timeout=180, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()  # raises CellExecutionError on the first failing cell
    return nb


def test_dashboard_runs_without_errors(dashboard: object) -> None:
    errors = [o for c in dashboard.cells if c.cell_type == "code"
              for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []


def test_dashboard_says_the_data_is_synthetic(dashboard: object) -> None:
    assert "Synthetic data" in "".join(_tagged(dashboard, "synthetic-note").source)


def test_dashboard_records_a_simulated_round(dashboard: object) -> None:
    shown = _shown(dashboard, "simulated-round")
    for column in ("through matching", "outside matching", "stored", "refused_409"):
        assert column in shown


@pytest.mark.parametrize(("tag", "expected"), [
    ("placement-table", ["through_matching_share", "placement_rate", "宣汉县", "goal 80%"]),
    ("supply-table", ["demand", "met", "satisfaction", "磷硫化工", "电子商务"]),
    ("training-table", ["trained", "target", "2025", "2027", "通川区"]),
], ids=["placement", "supply", "training"])
def test_dashboard_tables(dashboard: object, tag: str, expected: list[str]) -> None:
    shown = _shown(dashboard, tag)
    for text in expected:
        assert text in shown


@pytest.mark.parametrize("tag", ["placement-plot", "supply-plot", "training-plot"],
                         ids=["placement", "supply", "training"])
def test_dashboard_plots(dashboard: object, tag: str) -> None:
    outputs = _tagged(dashboard, tag).outputs
    assert any("image/png" in o.get("data", {}) for o in outputs)
