"""Excel workbooks as every download (and the library's CLI) writes them: data cells,
never formulas.

Text that users typed (a posting's title, a trainee's skills) reaches counselors' and
enterprises' spreadsheets. Written as it is, text starting with ``=`` becomes a live
formula (``=HYPERLINK("http://…", "点击查看")``, or worse): "formula injection"
(OWASP's CSV injection). Every workbook the service serves is written here, and every
cell that would hold a formula is stored as the text it is.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import pandas as pd

__all__ = ["workbook"]


def workbook(sheets: Sequence[tuple[str, pd.DataFrame]], *, fit_widths: bool = False
             ) -> bytes:
    """An ``.xlsx`` of the named sheets (no index column), with no formula cells;
    ``fit_widths`` sizes each column to its contents (8–60 characters)."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets:
            frame.to_excel(writer, index=False, sheet_name=name)
            sheet = writer.sheets[name]
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type == "f":  # text starting with "=": keep it text
                        cell.data_type = "s"
            if fit_widths:
                for i, column in enumerate(frame.columns):
                    width = max([len(str(column)) * 2, *(len(str(v)) for v in frame[column])]
                                [:200])
                    letter = sheet.cell(row=1, column=i + 1).column_letter
                    sheet.column_dimensions[letter].width = min(max(width, 8), 60)
    return buffer.getvalue()
