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
import unicodedata
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import pandas as pd
from openpyxl.styles import Alignment, Font

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["workbook"]


def workbook(sheets: Sequence[tuple[str, pd.DataFrame]], *, fit_widths: bool = False,
             titles: Mapping[str, str] | None = None,
             number_formats: Mapping[str, str] | None = None,
             print_ready: bool = False) -> bytes:
    """An ``.xlsx`` of the named sheets (no index column), with no formula cells.

    ``fit_widths`` lays each sheet out to be read: columns sized to their contents
    (8–60 characters; longer text wraps), the header row frozen and given filter
    buttons; ``titles``
    (sheet name → text) puts a bold title row above that sheet's table; with
    ``number_formats`` (column header → Excel format, e.g. ``{"完成率": "0.0%"}``) the
    numbers of those columns are shown so (text cells are left alone); ``print_ready``
    sets each sheet to print on A4 landscape, one page wide, its header row repeated.

    Examples
    --------
    >>> import openpyxl
    >>> frame = pd.DataFrame({"区域": ["=达川区"], "完成率": [0.5]})
    >>> book = openpyxl.load_workbook(io.BytesIO(workbook(
    ...     [("表", frame)], titles={"表": "年度报告"}, number_formats={"完成率": "0%"})))
    >>> [[(c.value, c.data_type) for c in row] for row in book["表"].iter_rows(min_row=2)]
    [[('区域', 's'), ('完成率', 's')], [('=达川区', 's'), (0.5, 'n')]]
    >>> book["表"]["A1"].value, book["表"]["B3"].number_format
    ('年度报告', '0%')
    """
    titles, number_formats = titles or {}, number_formats or {}
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in sheets:
            header = 2 if name in titles else 1  # the table's header row
            frame.to_excel(writer, index=False, sheet_name=name, startrow=header - 1)
            sheet = writer.sheets[name]
            if name in titles:
                sheet.cell(row=1, column=1, value=titles[name]).font = Font(bold=True,
                                                                            size=14)
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type == "f":  # text starting with "=": keep it text
                        cell.data_type = "s"
            for i, column in enumerate(frame.columns, start=1):
                if column in number_formats:
                    for (cell,) in sheet.iter_rows(min_row=header + 1, min_col=i, max_col=i):
                        if cell.data_type == "n":
                            cell.number_format = number_formats[column]
            if print_ready:
                sheet.page_setup.orientation = "landscape"
                sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
                sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
                sheet.sheet_properties.pageSetUpPr.fitToPage = True
                sheet.print_title_rows = f"{header}:{header}"
            if fit_widths:
                _lay_out(sheet, frame, header)
    return buffer.getvalue()


#: The widest a fitted column gets, in Excel's character units; longer text wraps.
_MAX_WIDTH = 60


def _lay_out(sheet: Worksheet, frame: pd.DataFrame, header: int) -> None:
    """Columns sized to their contents, long text wrapped, the header frozen and
    filterable (``header``: the table's header row)."""
    for i, column in enumerate(frame.columns, start=1):
        width = max([_shown_width(str(column)),
                     *(_shown_width(str(v)) for v in frame[column])][:200])
        letter = sheet.cell(row=header, column=i).column_letter
        sheet.column_dimensions[letter].width = min(max(width + 2, 8), _MAX_WIDTH)
        if width + 2 > _MAX_WIDTH:
            for (cell,) in sheet.iter_rows(min_row=header + 1, min_col=i, max_col=i):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    if len(frame.columns):
        sheet.freeze_panes = sheet.cell(row=header + 1, column=1)
        last = sheet.cell(row=header + len(frame), column=len(frame.columns))
        sheet.auto_filter.ref = f"A{header}:{last.coordinate}"


def _shown_width(text: str) -> int:
    """The width of ``text`` in Excel's character units: a Chinese character (or any
    wide one) takes two.

    >>> _shown_width("焊工 L2"), _shown_width("四级/中级工")
    (7, 11)
    """
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
