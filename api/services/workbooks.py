"""The service's downloads are written by :func:`matcher.workbooks.workbook` (no formula
cells: see there)."""

from __future__ import annotations

from matcher.workbooks import workbook

__all__ = ["workbook"]
