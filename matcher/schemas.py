"""Input schemas of the four import tables and their validation.

The tables a bureau, a training body or an enterprise hands over — ``enterprises``,
``postings``, ``courses`` and ``trainees`` — are described by one :class:`TableSchema`
each: columns with an English name, a Chinese label for Excel headers, a type, a
required flag and checks. :func:`validate` reads a DataFrame with either English or
Chinese headers and returns a :class:`ValidationReport` listing **every** bad cell
with its row (``row``: the 1-based data row; ``excel_row``: the spreadsheet row, with
the header in row 1), column, value and the reason in Chinese and English. It never
raises on bad data. :func:`validate_market` adds the links between tables (a
posting's enterprise exists, a trainee's course exists).

Personal data: names must be masked ("张*"); no identity number, gender, age,
ethnicity or origin column exists, and such columns are reported if present.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from matcher.schema_tables import FORBIDDEN_COLUMNS, SCHEMAS, Check, Column, TableSchema

__all__ = ["FORBIDDEN_COLUMNS", "SCHEMAS", "Check", "Column", "Problem", "TableSchema",
           "ValidationReport", "validate", "validate_market"]



@dataclass(frozen=True)
class Problem:
    """One bad cell (or a missing column, ``row`` None) of an import table."""

    table: str
    row: int | None
    column: str
    label: str
    value: str
    reason_zh: str
    reason_en: str

    @property
    def excel_row(self) -> int | None:
        """The row in a spreadsheet whose first row holds the headers."""
        return None if self.row is None else self.row + 1

    def __str__(self) -> str:
        where = "header" if self.row is None else f"row {self.row}"
        return (f"{self.table} {where}, column {self.column} ({self.label}): {self.value!r}: "
                f"{self.reason_en} / {self.reason_zh}")


@dataclass
class ValidationReport:
    """Every problem found, in table, row and column order.

    Attributes
    ----------
    table : the table checked (``market`` for :func:`validate_market`)
    rows : data rows read, blank ones included
    problems : every bad header and cell
    ignored_columns : headers that are not columns of the table (not imported)
    blank_rows : 1-based rows blank in every cell, skipped (:func:`validate` only)
    """

    table: str
    rows: int
    problems: list[Problem] = field(default_factory=list)
    ignored_columns: tuple[str, ...] = ()
    blank_rows: tuple[int, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether no problem was found (ignored columns and blank rows are fine)."""
        return not self.problems

    def to_frame(self) -> pd.DataFrame:
        """The problems as a table (for an Excel error report).

        Examples
        --------
        >>> report = validate("enterprises", pd.DataFrame({"企业编号": ["E 1"]}))
        >>> frame = report.to_frame()
        >>> frame["excel_row"].tolist()[-1], frame["column"].tolist()[-1]
        (2, 'enterprise_id')
        """
        columns = ["table", "row", "excel_row", "column", "label", "value", "reason_zh",
                   "reason_en"]
        frame = pd.DataFrame([[p.table, p.row, p.excel_row, p.column, p.label, p.value,
                               p.reason_zh, p.reason_en] for p in self.problems],
                             columns=columns)
        # header problems have no row: keep the row numbers whole, not 2.0
        return frame.astype({"row": "Int64", "excel_row": "Int64"})

    def __str__(self) -> str:
        head = f"{self.table}: {self.rows} rows, {len(self.problems)} problems"
        more = len(self.problems) - 50
        tail = [f"  … and {more} more"] if more > 0 else []
        return "\n".join([head, *(f"  {p}" for p in self.problems[:50]), *tail])


_TRUE = {"true", "1", "yes", "y", "t", "是", "同意", "√", "✓", "✔"}
_FALSE = {"false", "0", "no", "n", "f", "否", "不同意", "×", "✗", "✘"}
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
# A time of day after a date (Excel's "2025-03-01 00:00:00", ISO "…T08:00", an offset).
_TIME_OF_DAY = (r"^(\d{4}\D\d{1,2}\D\d{1,2}日?)[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
                r"(?:Z|[+-]\d{2}:?\d{2})?$")
_NULL_TEXT = ["", "nan", "nat", "none", "<na>", "null"]
_TYPE_REASON = {"int": ("须为整数", "must be a whole number"),
                "date": ("须为有效日期，如 2026-03-01（也可写 2026/3/1、2026年3月1日）",
                         "must be a real date, e.g. 2026-03-01"),
                "bool": ("须为 是/否 或 true/false", "must be 是/否 or true/false")}


def _text(raw: pd.Series) -> pd.Series:
    """Cells as trimmed text, the way a person reads them in the spreadsheet.

    Full-width forms are folded (NFKC: "１２３" → "123", "＊" → "*") and a whole
    number that Excel or pandas turned into a float reads as the integer it was
    ("10091234567.0" → "10091234567"), so ids, phone numbers and codes typed as
    numbers still match. A leading zero Excel already dropped cannot be restored.
    """
    text = raw.astype(str).str.normalize("NFKC").str.strip()
    floats = text.str.endswith(".0").to_numpy(dtype=bool)
    if floats.any():  # the regular expression only where it can apply: it is slow
        text = text.copy()
        text[floats] = text[floats].str.replace(r"^(-?\d+)\.0+$", r"\1", regex=True)
    return text


def _is_text(raw: pd.Series) -> bool:
    """Whether a column holds text (or mixed objects) rather than typed values."""
    return not (pd.api.types.is_numeric_dtype(raw) or pd.api.types.is_datetime64_any_dtype(raw))


def _lazy_text(raw: pd.Series, dtype: str) -> pd.Series:
    """The text of a typed column, when its type is not the one the schema expects."""
    typed = {"int": pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw),
             "date": pd.api.types.is_datetime64_any_dtype(raw),
             "bool": pd.api.types.is_bool_dtype(raw)}
    return raw.astype(str) if typed.get(dtype, False) else _text(raw)


def _parse(raw: pd.Series, text: pd.Series, dtype: str) -> tuple[pd.Series, np.ndarray]:
    """Parsed values (NaN/NaT where unreadable) and the mask of unreadable cells."""
    if dtype == "date":
        if pd.api.types.is_datetime64_any_dtype(raw):
            if isinstance(raw.dtype, pd.DatetimeTZDtype):
                raw = raw.dt.tz_localize(None)  # keep the local calendar date
            return raw, np.zeros(len(raw), dtype=bool)
        text = text.str.replace(_TIME_OF_DAY, r"\1", regex=True)
        parsed = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[s]")
        for fmt in _DATE_FORMATS:
            todo = parsed.isna()
            parsed[todo] = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        return parsed, parsed.isna().to_numpy()
    if dtype == "int":
        if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
            number = pd.to_numeric(raw, errors="coerce").astype(float)
        else:  # text, as read from a CSV: allow a thousands separator ("5,000")
            number = pd.to_numeric(text.str.replace(",", "", regex=False), errors="coerce")
            number = number.astype(float)
        bad = number.isna() | (number.round() != number)
        return number.where(~bad), bad.to_numpy()
    if dtype == "bool":
        if pd.api.types.is_bool_dtype(raw):
            return raw, np.zeros(len(raw), dtype=bool)
        lower = text.str.lower()
        parsed = lower.isin(_TRUE).where(lower.isin(_TRUE | _FALSE))
        return parsed, parsed.isna().to_numpy()
    return text, np.zeros(len(raw), dtype=bool)


def _header(name: object) -> str:
    """A header as compared: NFKC-folded, no spaces or required-marks, lower case."""
    if isinstance(name, tuple):  # a MultiIndex header: its non-empty levels
        name = "".join(str(part) for part in name
                       if str(part).strip() and not str(part).startswith("Unnamed:"))
    folded = unicodedata.normalize("NFKC", str(name))
    return re.sub(r"\s+", "", folded).rstrip("*").lower()


_FORBIDDEN = {_header(c) for c in FORBIDDEN_COLUMNS}


def _columns(table: str, schema: TableSchema, frame: pd.DataFrame,
             report: ValidationReport) -> dict[str, int]:
    """Position in ``frame`` of each schema column found; reports the other headers."""
    names = {_header(c.label): c.name for c in schema.columns}
    names |= {_header(c.name): c.name for c in schema.columns}
    position: dict[str, int] = {}
    ignored = []
    for i, header in enumerate(frame.columns):
        shown = str(header).strip()
        name = names.get(_header(header))
        if name is None:
            ignored.append(shown)
            if _header(header) in _FORBIDDEN:
                report.problems.append(Problem(table, None, shown, shown, "",
                                               "不得导入此类个人信息",
                                               "this personal attribute must not be imported"))
        elif name in position:
            label = schema.column(name).label
            report.problems.append(Problem(
                table, None, name, label, shown, "列重复，只读取第一列",
                "duplicate column: only the first one is read"))
        else:
            position[name] = i
    report.ignored_columns = tuple(ignored)
    return position


def _check(table: str, frame: pd.DataFrame,
           synthetic: bool) -> tuple[ValidationReport, pd.DataFrame, np.ndarray]:
    """Validate one table; also return its parsed values and the mask of kept rows."""
    if table not in SCHEMAS:
        raise ValueError(f"table must be one of {', '.join(SCHEMAS)}, got {table!r}")
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"validate needs a pandas DataFrame, not {type(frame).__name__}")
    schema = SCHEMAS[table]
    report = ValidationReport(table, len(frame))
    position = _columns(table, schema, frame, report)
    index = pd.RangeIndex(len(frame))
    columns = [frame.iloc[:, i].set_axis(index) for i in range(frame.shape[1])]
    # Typed columns (numbers, dates, booleans) are blank only where missing; text is
    # read only where needed, as reading a million cells as text takes a while.
    texts = [_text(cells) if _is_text(cells) else None for cells in columns]
    blanks = [(cells.isna() | (text.str.lower().isin(_NULL_TEXT) if text is not None
                               else False)).to_numpy(dtype=bool)
              for cells, text in zip(columns, texts, strict=True)]
    # Rows blank in every cell (Excel's trailing formatted rows) are skipped, not errors.
    kept = ~np.logical_and.reduce(blanks) if blanks else np.ones(len(frame), dtype=bool)
    report.blank_rows = tuple((np.flatnonzero(~kept) + 1).tolist())
    data = pd.DataFrame({name: columns[i] for name, i in position.items()}, index=index)
    parsed, empty, unreadable = {}, {}, {}
    for col in schema.columns:
        if col.name not in position:
            if col.required:
                report.problems.append(Problem(table, None, col.name, col.label, "",
                                               "缺少必填列", "required column is missing"))
            continue
        i = position[col.name]
        empty[col.name] = blanks[i]
        text = texts[i] if texts[i] is not None else _lazy_text(columns[i], col.dtype)
        parsed[col.name], unreadable[col.name] = _parse(columns[i], text, col.dtype)
        parsed[col.name] = parsed[col.name].where(~empty[col.name])
    values = pd.DataFrame(parsed, index=index)
    cells: list[tuple[int, int, str, str]] = []  # (row, column order, zh, en)
    for order, col in enumerate(schema.columns):
        if col.name not in parsed:
            continue
        blank = empty[col.name] & kept
        if col.required:
            cells += [(i, order, "必填项为空", "required value is empty")
                      for i in np.flatnonzero(blank).tolist()]
        bad_type = unreadable[col.name] & ~empty[col.name] & kept
        if col.dtype in _TYPE_REASON:
            cells += [(i, order, *_TYPE_REASON[col.dtype])
                      for i in np.flatnonzero(bad_type).tolist()]
        usable = ~empty[col.name] & ~bad_type & kept
        if col.name == schema.key or col.unique:
            repeated = values[col.name].where(usable).duplicated(keep="first").to_numpy() & usable
            zh, en = ("编号重复", "duplicate id") if col.name == schema.key else (
                "与前面的行重复", "repeats an earlier row")
            cells += [(i, order, zh, en) for i in np.flatnonzero(repeated).tolist()]
        rows = np.flatnonzero(usable)
        for check in col.checks if len(rows) else ():
            ok = check.test(values[col.name].iloc[rows], values.iloc[rows], synthetic)
            cells += [(int(rows[i]), order, check.reason_zh, check.reason_en)
                      for i in np.flatnonzero(~ok)]
    for row, order, zh, en in sorted(cells, key=lambda c: (c[0], c[1])):
        col = schema.columns[order]
        value = data.at[row, col.name]
        shown = "" if value is None or (isinstance(value, float) and np.isnan(value)) else value
        report.problems.append(Problem(table, int(row) + 1, col.name, col.label,
                                       str(shown)[:60], zh, en))
    return report, values, kept


def validate(table: str, frame: pd.DataFrame, *, synthetic: bool = False) -> ValidationReport:
    """Check an import table and report every bad cell; never raises on bad data.

    Headers may be English (``enterprise_id``) or Chinese (``企业编号``), in any case,
    with spaces, full-width forms or a trailing ``*``; unknown columns are listed in
    :attr:`ValidationReport.ignored_columns` (personal attributes such as 性别 are
    also reported), and a repeated column is reported and only its first copy read.
    Cells are read as a person reads them: trimmed, full-width forms folded, a float
    ``5000.0`` as ``5000``, dates typed or written ``2025-03-01``, ``2025/3/1``,
    ``2025年3月1日`` or ``20250301`` (a time of day is ignored), booleans as
    是/否, true/false, 1/0, y/n or √/×. Rows blank in every cell are skipped
    (:attr:`ValidationReport.blank_rows`) and keep their row numbers.

    Parameters
    ----------
    table : {"enterprises", "postings", "courses", "trainees"}
    frame : DataFrame
        Values as read from a file (text) or typed (numbers, dates, booleans).
    synthetic : bool, keyword-only
        Also require phone numbers to be in the fake range of the synthetic data.

    Returns
    -------
    ValidationReport

    Raises
    ------
    ValueError
        If ``table`` is not one of the four import tables or ``frame`` is not a
        DataFrame (bad arguments, not bad data).

    Examples
    --------
    >>> bad = pd.DataFrame({"企业编号": ["E1"], "企业名称": ["达州某公司"],
    ...                     "统一社会信用代码": ["91511722MA0000007X"], "所属行业": ["新材料"],
    ...                     "所在区域": ["宣汉县"], "重点企业": ["是"]})
    >>> report = validate("enterprises", bad)
    >>> [(p.row, p.excel_row, p.column) for p in report.problems]
    [(1, 2, 'uscc')]
    """
    return _check(table, frame, synthetic)[0]


_LINKS = (("postings", "enterprise_id", "enterprises"),
          ("courses", "order_enterprise_id", "enterprises"),
          ("trainees", "course_id", "courses"))


def validate_market(tables: Mapping[str, pd.DataFrame], *,
                    synthetic: bool = False) -> ValidationReport:
    """Validate each import table present, then the links between them.

    A posting's and an order-based course's enterprise, and a trainee's course, must
    exist in the tables given; ids are compared as :func:`validate` reads them
    (trimmed, ``1001.0`` as ``1001``). Tables other than the four import tables
    (e.g. the truth tables of :func:`matcher.sample.generate_market`) are ignored.

    Parameters
    ----------
    tables : mapping of table name to DataFrame
    synthetic : bool, keyword-only
        As in :func:`validate`.

    Returns
    -------
    ValidationReport
        Table ``market``; ``rows`` is the total over the tables checked.

    Examples
    --------
    >>> from matcher.sample import generate_market
    >>> validate_market(generate_market(200, seed=1), synthetic=True).ok
    True
    """
    report = ValidationReport("market", 0)
    checked: dict[str, tuple[pd.DataFrame, np.ndarray]] = {}
    for name in SCHEMAS:
        if name not in tables:
            continue
        single, values, kept = _check(name, tables[name], synthetic)
        report.rows += single.rows
        report.problems += single.problems
        checked[name] = values, kept
    for child, column, parent in _LINKS:
        if child not in checked or parent not in checked or column not in checked[child][0]:
            continue
        key = SCHEMAS[parent].key
        parents, parent_kept = checked[parent]
        known = set(parents[key][parent_kept].dropna()) if key in parents else set()
        refs, kept = checked[child]
        refs = refs[column]
        missing = kept & refs.notna().to_numpy() & ~refs.isin(known).to_numpy()
        label = SCHEMAS[child].column(column).label
        report.problems += [
            Problem(child, int(i) + 1, column, label, str(refs.iloc[i])[:60],
                    f"{SCHEMAS[parent].label}表中没有此编号", f"no such id in {parent}")
            for i in np.flatnonzero(missing)
        ]
    return report
