"""Running a notebook in a fresh kernel and reading its tagged cells, for the tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def execute(name: str, timeout: int) -> Any:
    """Execute ``notebooks/<name>`` (working directory ``notebooks/``) and return it."""
    import nbclient
    import nbformat

    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()  # raises CellExecutionError on the first failing cell
    return nb


def text(output: dict) -> str:
    """What a cell output shows as text (stream text or the plain/HTML rendering)."""
    if output.get("output_type") == "stream":
        return str(output.get("text", ""))
    data = output.get("data", {})
    return str(data.get("text/plain", "")) + str(data.get("text/html", ""))


def tagged(nb: Any, tag: str) -> dict:
    """The one cell carrying ``tag``."""
    cells = [c for c in nb.cells if tag in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1, f"expected one cell tagged {tag!r}, found {len(cells)}"
    return cells[0]


def shown(nb: Any, tag: str) -> str:
    """All the text the cell tagged ``tag`` shows."""
    return "".join(text(o) for o in tagged(nb, tag).outputs)


def errors(nb: Any) -> list[dict]:
    """Error outputs of every code cell."""
    return [o for c in nb.cells if c.cell_type == "code"
            for o in c.get("outputs", []) if o.get("output_type") == "error"]
