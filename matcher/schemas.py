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
    """Every problem found, in table, row and column order."""

    table: str
    rows: int
    problems: list[Problem] = field(default_factory=list)
    ignored_columns: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_frame(self) -> pd.DataFrame:
        """The problems as a table (for an Excel error report)."""
        columns = ["table", "row", "excel_row", "column", "label", "value", "reason_zh",
                   "reason_en"]
        return pd.DataFrame([[p.table, p.row, p.excel_row, p.column, p.label, p.value,
                              p.reason_zh, p.reason_en] for p in self.problems], columns=columns)

    def __str__(self) -> str:
        head = f"{self.table}: {self.rows} rows, {len(self.problems)} problems"
        return "\n".join([head, *(f"  {p}" for p in self.problems[:50])])


_TRUE = {"true", "1", "yes", "y", "是", "同意", "t"}
_FALSE = {"false", "0", "no", "n", "否", "不同意", "f"}
_DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")
_TYPE_REASON = {"int": ("须为整数", "must be a whole number"),
                "date": ("日期格式应为 YYYY-MM-DD", "dates are written YYYY-MM-DD"),
                "bool": ("须为 是/否 或 true/false", "must be 是/否 or true/false")}


def _parse(raw: pd.Series, dtype: str) -> tuple[pd.Series, np.ndarray]:
    """Parsed values (NaN/NaT where unreadable) and the mask of unreadable cells."""
    if dtype == "date":
        if pd.api.types.is_datetime64_any_dtype(raw):
            return raw, np.zeros(len(raw), dtype=bool)
        text = raw.astype(str).str.strip()
        parsed = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[s]")
        for fmt in _DATE_FORMATS:
            todo = parsed.isna()
            parsed[todo] = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        return parsed, parsed.isna().to_numpy()
    if dtype == "int":
        number = pd.to_numeric(raw, errors="coerce")
        bad = number.isna() | (number.round() != number)
        return number.where(~bad), bad.to_numpy()
    if dtype == "bool":
        if pd.api.types.is_bool_dtype(raw):
            return raw, np.zeros(len(raw), dtype=bool)
        text = raw.astype(str).str.strip().str.lower()
        parsed = text.isin(_TRUE).where(text.isin(_TRUE | _FALSE))
        return parsed, parsed.isna().to_numpy()
    return raw.astype(str).str.strip(), np.zeros(len(raw), dtype=bool)


def _empty(raw: pd.Series) -> np.ndarray:
    return (raw.isna() | raw.astype(str).str.strip().isin(["", "nan", "NaT", "None"])).to_numpy()


def validate(table: str, frame: pd.DataFrame, *, synthetic: bool = False) -> ValidationReport:
    """Check an import table and report every bad cell; never raises on bad data.

    Parameters
    ----------
    table : {"enterprises", "postings", "courses", "trainees"}
    frame : DataFrame
        Headers in English (``enterprise_id``) or Chinese (``企业编号``); values as
        read from a file (text) or typed.
    synthetic : bool, keyword-only
        Also require phone numbers to be in the fake range of the synthetic data.

    Returns
    -------
    ValidationReport

    Raises
    ------
    ValueError
        If ``table`` is not one of the four import tables.

    Examples
    --------
    >>> bad = pd.DataFrame({"企业编号": ["E1"], "企业名称": ["达州某公司"],
    ...                     "统一社会信用代码": ["91511722MA0000007X"], "所属行业": ["新材料"],
    ...                     "所在区域": ["宣汉县"], "重点企业": ["是"]})
    >>> report = validate("enterprises", bad)
    >>> [(p.row, p.excel_row, p.column) for p in report.problems]
    [(1, 2, 'uscc')]
    """
    if table not in SCHEMAS:
        raise ValueError(f"table must be one of {', '.join(SCHEMAS)}, got {table!r}")
    schema = SCHEMAS[table]
    names = {c.label: c.name for c in schema.columns} | {c.name: c.name for c in schema.columns}
    renamed = {col: names.get(str(col).strip().rstrip("*＊"), str(col)) for col in frame.columns}
    data = frame.rename(columns=renamed).reset_index(drop=True)
    known = {c.name for c in schema.columns}
    report = ValidationReport(table, len(data), ignored_columns=tuple(
        str(c) for c in data.columns if c not in known))
    for extra in report.ignored_columns:
        if extra.lower() in FORBIDDEN_COLUMNS:
            report.problems.append(Problem(table, None, extra, extra, "", "不得导入此类个人信息",
                                           "this personal attribute must not be imported"))
    parsed, empty, unreadable = {}, {}, {}
    for col in schema.columns:
        if col.name not in data.columns:
            if col.required:
                report.problems.append(Problem(table, None, col.name, col.label, "",
                                               "缺少必填列", "required column is missing"))
            continue
        empty[col.name] = _empty(data[col.name])
        parsed[col.name], unreadable[col.name] = _parse(data[col.name], col.dtype)
        parsed[col.name] = parsed[col.name].where(~empty[col.name])
    values = pd.DataFrame(parsed, index=data.index)
    cells: list[tuple[int, int, str, str]] = []  # (row, column order, zh, en)
    for order, col in enumerate(schema.columns):
        if col.name not in parsed:
            continue
        blank = empty[col.name]
        if col.required:
            cells += [(i, order, "必填项为空", "required value is empty")
                      for i in np.flatnonzero(blank).tolist()]
        bad_type = unreadable[col.name] & ~blank
        if col.dtype in _TYPE_REASON:
            cells += [(i, order, *_TYPE_REASON[col.dtype])
                      for i in np.flatnonzero(bad_type).tolist()]
        usable = ~blank & ~bad_type
        if col.name == schema.key:
            duplicated = values[col.name].duplicated(keep="first").to_numpy() & usable
            cells += [(i, order, "编号重复", "duplicate id")
                      for i in np.flatnonzero(duplicated).tolist()]
        for check in col.checks:
            rows = np.flatnonzero(usable)
            if not len(rows):
                continue
            ok = check.test(values[col.name].iloc[rows], values.iloc[rows], synthetic)
            cells += [(int(rows[i]), order, check.reason_zh, check.reason_en)
                      for i in np.flatnonzero(~ok)]
    for row, order, zh, en in sorted(cells, key=lambda c: (c[0], c[1])):
        col = schema.columns[order]
        value = data.at[row, col.name]
        text = "" if value is None or (isinstance(value, float) and np.isnan(value)) else value
        report.problems.append(Problem(table, int(row) + 1, col.name, col.label, str(text)[:60],
                                       zh, en))
    return report


_LINKS = (("postings", "enterprise_id", "enterprises"),
          ("courses", "order_enterprise_id", "enterprises"),
          ("trainees", "course_id", "courses"))


def validate_market(tables: Mapping[str, pd.DataFrame], *,
                    synthetic: bool = False) -> ValidationReport:
    """Validate each import table present, then the links between them.

    Examples
    --------
    >>> from matcher.sample import generate_market
    >>> validate_market(generate_market(200, seed=1), synthetic=True).ok
    True
    """
    report = ValidationReport("market", 0)
    english: dict[str, pd.DataFrame] = {}
    for name, schema in SCHEMAS.items():
        if name not in tables:
            continue
        single = validate(name, tables[name], synthetic=synthetic)
        report.rows += single.rows
        report.problems += single.problems
        labels = {c.label: c.name for c in schema.columns}
        english[name] = tables[name].rename(
            columns={c: labels.get(str(c).strip(), c) for c in tables[name].columns})
    for child, column, parent in _LINKS:
        if child not in english or parent not in english or column not in english[child]:
            continue
        key = SCHEMAS[parent].key
        known = set(english[parent][key].astype(str)) if key in english[parent] else set()
        refs = english[child][column].reset_index(drop=True)
        missing = ~_empty(refs) & ~refs.astype(str).isin(known).to_numpy()
        label = SCHEMAS[child].column(column).label
        report.problems += [
            Problem(child, int(i) + 1, column, label, str(refs.iloc[i]),
                    f"{SCHEMAS[parent].label}表中没有此编号", f"no such id in {parent}")
            for i in np.flatnonzero(missing)
        ]
    return report
