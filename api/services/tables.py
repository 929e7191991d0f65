"""Between the import tables (:mod:`matcher.schemas`) and the SQL rows.

:func:`rows_from_frame` turns a validated import table into model values (ids, typed
dates, numbers and flags; :func:`numbered_rows` also the rows' positions, leaving out
rows the validator refused); :func:`upsert` stores them, updating rows whose id exists
(re-importing never duplicates); :func:`market_frames` reads the store back as the
import tables the matcher is built from; :func:`read_sample` loads the bundled sample.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Collection, Iterable, Sequence
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.models import Base, Course, Enterprise, Posting, Trainee
from matcher import Normalizer
from matcher.areas import canonical_area
from matcher.reading import read_posting
from matcher.sample import generate_market
from matcher.schemas import SCHEMAS
from matcher.taxonomy import data_dir

__all__ = ["MODELS", "OccupationError", "course_occupation_code", "market_frames",
           "missing_columns", "numbered_rows", "read_sample", "rows_from_frame", "upsert"]

MODELS: dict[str, type[Base]] = {"enterprises": Enterprise, "postings": Posting,
                                 "courses": Course, "trainees": Trainee}
#: Import column → model attribute, where they differ.
_RENAMED = {"consent": "consent_recommend"}
#: Free text kept as written (only trimmed): the matcher reads it itself.
_FREE_TEXT = {"name", "title", "requirements", "provider", "occupation", "certificates",
              "skills", "masked_name"}


def _attr(table: str, column: str) -> str:
    """The model attribute of an import column (the table's key is ``id``)."""
    return "id" if column == SCHEMAS[table].key else _RENAMED.get(column, column)
#: Optional columns whose absence from a file keeps what is stored (a roster without
#: the column says nothing of the consent), not an empty value.
_KEPT_WHEN_ABSENT = {"consent_share_contact"}
_TRUE = {"true", "1", "yes", "y", "t", "是", "同意", "√", "✓", "✔"}
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


def _text(value: Any, *, fold: bool = True) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    text = unicodedata.normalize("NFKC", text) if fold else text
    return None if text.lower() in ("", "nan", "nat", "none", "<na>", "null") else text


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime | pd.Timestamp):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    if text is None:
        return None
    text = text.split(" ")[0].split("T")[0]
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"not a date: {text!r}")


def _int(value: Any) -> int | None:
    text = _text(value)
    return None if text is None else int(float(text.replace(",", "")))


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value)
    return text is not None and text.lower() in _TRUE


def _header(name: object) -> str:
    """A header as compared (as :func:`matcher.schemas.validate` does): NFKC-folded, no
    spaces or required-marks, lower case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(name))).rstrip("*").lower()


def missing_columns(table: str, frame: pd.DataFrame) -> list[str]:
    """The required columns of ``table`` that no header of ``frame`` names (English name
    or Chinese label): the file is not the table's template.

    Examples
    --------
    >>> missing_columns("enterprises", pd.DataFrame(columns=["企业编号", "企业名称"]))
    ['uscc', 'industry', 'area', 'key_enterprise']
    """
    headers = {_header(c) for c in frame.columns}
    return [c.name for c in SCHEMAS[table].columns if c.required
            and _header(c.label) not in headers and _header(c.name) not in headers]


def _first_column(frame: pd.DataFrame, *names: str) -> int | None:
    """The position in ``frame`` of the first header that is one of ``names`` (a
    column's English name or Chinese label, compared as :func:`_header` does), None when
    none is. A repeated column is read from its first copy, the one
    :func:`matcher.schemas.validate` checks (and reports the others of).

    Examples
    --------
    >>> frame = pd.DataFrame([["2025-03-01", "明天"]], columns=["opened", "发布日期"])
    >>> _first_column(frame, "发布日期", "opened"), _first_column(frame, "截止日期")
    (0, None)
    """
    wanted = {_header(n) for n in names}
    return next((i for i, c in enumerate(frame.columns) if _header(c) in wanted), None)


def numbered_rows(table: str, frame: pd.DataFrame, *, skip: Collection[int] = ()
                  ) -> list[tuple[int, dict[str, Any]]]:
    """Model values of each non-blank row of an import table, with its position in
    ``frame`` (0-based), leaving out the positions in ``skip`` (rows the validator
    refused: only checked cells can be read as their types). A repeated column is read
    from its first copy, the one the validator checks (see :func:`_first_column`).

    Examples
    --------
    >>> frame = pd.DataFrame({"企业编号": ["E1", "", "E3"], "重点企业": ["是", "", "bad"]})
    >>> [(i, r["id"], r["key_enterprise"]) for i, r in numbered_rows(
    ...     "enterprises", frame, skip={2})]
    [(0, 'E1', True)]
    """
    schema = SCHEMAS[table]
    sources = {col.name: _first_column(frame, col.label, col.name) for col in schema.columns}
    out = []
    for position, (_, raw) in enumerate(frame.iterrows()):
        if position in skip or all(_text(v) is None for v in raw.tolist()):
            continue
        row: dict[str, Any] = {}
        for col in schema.columns:
            source = sources[col.name]
            if source is None and col.name in _KEPT_WHEN_ABSENT:
                continue
            value = raw.iloc[source] if source is not None else None
            if col.name in _FREE_TEXT:
                row[col.name] = _text(value, fold=False)
                continue
            parse = {"int": _int, "date": _date, "bool": _bool}.get(col.dtype, _text)
            parsed = parse(value)
            if col.name == "area" and isinstance(parsed, str):  # 达州 is stored as 达州市
                parsed = canonical_area(parsed)
            # 招聘中 / OPEN / open are all the code "open" (a label stored as it was
            # matched no filter, no status rule and no index)
            row[_attr(table, col.name)] = (col.code_of(parsed) if isinstance(parsed, str)
                                           else parsed)
        out.append((position, row))
    return out


def rows_from_frame(table: str, frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Model values of each non-blank row of a validated import table."""
    return [row for _, row in numbered_rows(table, frame)]


class OccupationError(ValueError):
    """Why a course's occupation gives no code: the column at fault and the reason."""

    def __init__(self, column: str, value: str | None, reason_zh: str, reason_en: str
                 ) -> None:
        super().__init__(reason_en)
        self.column = column
        self.label = SCHEMAS["courses"].column(column).label
        self.value = value
        self.reason_zh = reason_zh
        self.reason_en = reason_en


def course_occupation_code(normalizer: Normalizer, occupation: str | None,
                           code: str | None) -> str:
    """The occupation code of a course whose occupation text is ``occupation`` and whose
    code, when staff gave one, is ``code``.

    A code given is kept, even when the text reads as another occupation: staff know the
    course (the text is often a local or an older name), so their code wins over a guess.
    It must be an occupation (细类) of the taxonomy. Without a code the text is read with
    the normalizer (its cutoff applies: no guess); text it cannot read raises, asking
    for the code. Raises :class:`OccupationError`.
    """
    taxonomy = normalizer.taxonomy
    if code is not None:
        if code not in taxonomy or taxonomy[code].level != 4:
            raise OccupationError(
                "occupation_code", code,
                f"职业编码 {code} 不在职业分类大典中，请核对后重新填写（如 6-18-02-04）",
                f"the occupation code {code} is not in the occupation taxonomy: check it "
                "(e.g. 6-18-02-04)")
        return code
    match = normalizer.normalize(occupation) if occupation else None
    if match is None:
        raise OccupationError(
            "occupation", occupation,
            f"未能识别培训职业“{occupation or ''}”，请填写职业编码（如焊工 6-18-02-04）",
            f"the occupation {occupation!r} was not understood: give its occupation "
            "code (occupation_code, 职业编码, e.g. 6-18-02-04 for 焊工)")
    return match.code


def upsert(session: Session, table: str, rows: Sequence[dict[str, Any]],
           normalizer: Normalizer | None = None) -> tuple[int, int]:
    """Insert new rows and update existing ones (by id); returns (created, updated)."""
    model = MODELS[table]
    ids = [r["id"] for r in rows]
    existing = {o.id: o for o in _chunked_get(session, model, ids)}  # type: ignore[attr-defined]
    created = updated = 0
    for row in rows:
        if table == "postings" and normalizer is not None:
            reading = read_posting(normalizer, row["title"], row.get("requirements") or "",
                                   row.get("min_level"))
            row = {**row, "occupation_code": reading.occupation.code
                   if reading.occupation else None}
        obj = existing.get(row["id"])
        if obj is None:
            session.add(model(**row))
            created += 1
        else:
            for key, value in row.items():
                setattr(obj, key, value)
            updated += 1
    session.flush()
    return created, updated


def _chunked_get(session: Session, model: type[Base], ids: Sequence[str]) -> Iterable[Any]:
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        yield from session.scalars(select(model).where(model.id.in_(chunk)))  # type: ignore[attr-defined]


def _frame(objects: Iterable[Any], table: str) -> pd.DataFrame:
    columns = [c.name for c in SCHEMAS[table].columns]
    records = []
    for o in objects:
        rec = {}
        for name in columns:
            value = getattr(o, _attr(table, name))
            if isinstance(value, bool):
                value = "true" if value else "false"
            elif isinstance(value, dt.date):
                value = value.isoformat()
            rec[name] = "" if value is None else str(value)
        records.append(rec)
    return pd.DataFrame.from_records(records, columns=columns)


def enterprise_frame(objects: Iterable[Enterprise]) -> pd.DataFrame:
    return _frame(objects, "enterprises")


def course_frame(objects: Iterable[Course]) -> pd.DataFrame:
    return _frame(objects, "courses")


def posting_frame(objects: Iterable[Posting]) -> pd.DataFrame:
    return _frame(objects, "postings")


def trainee_frame(objects: Iterable[Trainee]) -> pd.DataFrame:
    return _frame(objects, "trainees")


def indexable_trainees(session: Session, ids: Sequence[str] | None = None) -> list[Trainee]:
    """Trainees the index may hold: not deleted, consented to be recommended."""
    query = select(Trainee).where(Trainee.deleted_at.is_(None),
                                  Trainee.consent_recommend.is_(True))
    if ids is not None:
        query = query.where(Trainee.id.in_(list(ids)))
    # populate_existing: the rows may have been changed by UPDATE statements meanwhile
    return list(session.scalars(query.order_by(Trainee.id)
                                .execution_options(populate_existing=True)))


def market_frames(session: Session) -> dict[str, pd.DataFrame]:
    """The store as the four import tables (trainees: only those the index may hold)."""
    return {
        "enterprises": enterprise_frame(
            session.scalars(select(Enterprise).order_by(Enterprise.id))),
        "courses": course_frame(session.scalars(select(Course).order_by(Course.id))),
        "postings": posting_frame(session.scalars(select(Posting).order_by(Posting.id))),
        "trainees": trainee_frame(indexable_trainees(session)),
    }


def read_sample() -> dict[str, pd.DataFrame]:
    """The bundled synthetic sample market (``data/sample``), or the same one generated."""
    folder = data_dir() / "sample"
    if all((folder / f"{t}.csv").is_file() for t in SCHEMAS):
        return {t: pd.read_csv(folder / f"{t}.csv", dtype=str, keep_default_na=False,
                               encoding="utf-8-sig") for t in SCHEMAS}
    market = generate_market("demo")
    return {t: market[t] for t in SCHEMAS}
