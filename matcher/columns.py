"""Building blocks of the columnar profiles: vocabularies, row lists, per-value parsing.

Import tables repeat a few values in many rows (an area, a status, the same
certificate text), so :func:`per_value` parses each distinct value once and spreads
the result with numpy. :class:`RowLists` hold the rows listed under each key (an
occupation, a skill) and :func:`union_rows` merges them for retrieval.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from matcher.errors import MatcherError

T = TypeVar("T")

__all__ = ["RowLists", "Vocabulary", "as_text", "column_or_blank", "factorize", "flags",
           "members", "numbers", "pack_keys", "per_value", "rows_by", "share", "text_values",
           "union_rows", "unpack_keys"]


class Vocabulary:
    """A growing string ↔ integer mapping (skills, permits, enterprises …)."""

    def __init__(self, items: Iterable[str] = ()) -> None:
        self.items: list[str] = []
        self.index: dict[str, int] = {}
        for item in items:
            self.add(item)

    def add(self, item: str) -> int:
        if item not in self.index:
            self.index[item] = len(self.items)
            self.items.append(item)
        return self.index[item]

    def get(self, item: object) -> int:
        return self.index.get(item, -1) if isinstance(item, str) else -1

    def __len__(self) -> int:
        return len(self.items)


def rows_by(keys: np.ndarray, rows: np.ndarray) -> dict[int, np.ndarray]:
    """Group ``rows`` by ``keys`` (ignoring keys < 0) into sorted arrays."""
    keep = keys >= 0
    keys, rows = keys[keep], rows[keep]
    order = np.lexsort((rows, keys))
    keys, rows = keys[order], rows[order]
    bounds = np.flatnonzero(np.diff(keys)) + 1
    return {int(k[0]): r for k, r in zip(np.split(keys, bounds), np.split(rows, bounds),
                                         strict=True) if len(k)}


class RowLists:
    """Per-occupation (and per-skill) row lists that accept appends.

    Rows come in ascending batches, so the parts of one key concatenate into a sorted
    list; they are merged on first look-up.
    """

    def __init__(self) -> None:
        self._parts: dict[int, list[np.ndarray]] = defaultdict(list)

    def extend(self, groups: dict[int, np.ndarray]) -> None:
        for key, rows in groups.items():
            self._parts[key].append(rows)

    def parts(self, keys: Iterable[int]) -> list[np.ndarray]:
        """The sorted row list of each key that has rows."""
        out = []
        for key in keys:
            parts = self._parts.get(key)
            if parts:
                if len(parts) > 1:
                    parts[:] = [np.concatenate(parts)]
                out.append(parts[0])
        return out

    def rows(self, keys: Iterable[int]) -> np.ndarray:
        """Sorted rows listed under any of ``keys``."""
        return union_rows(self.parts(keys))


def union_rows(parts: list[np.ndarray]) -> np.ndarray:
    """Sorted distinct rows of sorted row lists."""
    if len(parts) == 1:
        return parts[0].copy()
    if not parts:
        return np.empty(0, dtype=np.int64)
    rows = np.concatenate(parts)
    size = int(max(p[-1] for p in parts if len(p))) + 1 if len(rows) else 0
    if len(rows) * 300 < size:  # few rows: sorting them beats scanning a mask of all
        rows.sort()
        return rows[np.concatenate([[True], rows[1:] != rows[:-1]])]
    mask = np.zeros(size, dtype=bool)
    mask[rows] = True
    return np.flatnonzero(mask)


def share(shared: dict[Any, Any], value: T) -> T:
    """The one kept instance equal to ``value`` (immutable values only)."""
    kept: T = shared.setdefault(value, value)
    return kept


def members(sets: list[frozenset[int]], reading: np.ndarray, rows: np.ndarray
             ) -> tuple[np.ndarray, np.ndarray]:
    """(item, row) pairs of the rows' sets, the sets given per reading."""
    used, inverse = np.unique(reading, return_inverse=True)
    sizes = np.array([len(sets[r]) for r in used.tolist()], dtype=np.int64)
    items = np.fromiter((i for r in used.tolist() for i in sets[r]), dtype=np.int64,
                        count=int(sizes.sum()))
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    count = sizes[inverse]
    offset = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    return items[np.repeat(starts[inverse], count) + offset], np.repeat(rows, count)


def as_text(value: object) -> str:
    """A cell as text: "" when missing, and a whole number that a spreadsheet turned
    into a float as the integer it was (ids 7.0 → "7", grades 3.0 → "3")."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def text_values(table: pd.DataFrame, column: str) -> list[str]:
    if column not in table:
        return [""] * len(table)
    return [as_text(v) for v in table[column].tolist()]


def numbers(table: pd.DataFrame, column: str) -> pd.Series:
    """A column as numbers (NaN when missing or not a number, or when there is no column)."""
    if column not in table:
        return pd.Series(np.nan, index=table.index, dtype=float)
    return pd.to_numeric(table[column], errors="coerce")


def factorize(column: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Codes of ``column`` into its distinct values as text (-1 missing)."""
    codes, uniques = pd.factorize(column)
    return codes, [as_text(v) for v in uniques]


def column_or_blank(table: pd.DataFrame, name: str) -> pd.Series:
    return table[name] if name in table else pd.Series("", index=table.index)


def per_value(column: pd.Series, parse: Callable[[str], object], dtype: Any
               ) -> np.ndarray:
    """``parse`` of each value as text ("" when missing), once per distinct value."""
    codes, texts = factorize(column)
    return np.array([parse(v) for v in texts] + [parse("")], dtype=dtype)[codes]


_TRUTHY = {"true", "1", "yes", "y", "是", "同意", "t"}


def flags(values: pd.Series | None, n: int) -> np.ndarray:
    if values is None:
        return np.zeros(n, dtype=bool)
    codes, uniques = pd.factorize(values)
    flags = [as_text(v).strip().lower() in _TRUTHY or v is True for v in uniques]
    return np.array([*flags, False], dtype=bool)[codes]


def pack_keys(fields: tuple[np.ndarray, ...], bits: tuple[int, ...]) -> np.ndarray:
    """Pack non-negative integer columns into one uint64 key (``bits`` each, ≤ 64 in all)."""
    key = np.zeros(len(fields[0]), dtype=np.uint64)
    for values, width in zip(fields, bits, strict=True):
        if len(values) and (int(values.min()) < 0 or int(values.max()) >= 1 << width):
            raise MatcherError(f"a key field outside 0–{(1 << width) - 1:,}: too many distinct "
                               "values in one index")
        key = (key << np.uint64(width)) | values.astype(np.uint64)
    return key


def unpack_keys(keys: np.ndarray, bits: tuple[int, ...]) -> list[list[int]]:
    """The integer columns that :func:`pack_keys` packed."""
    fields = []
    for width in reversed(bits):
        fields.append((keys & np.uint64((1 << width) - 1)).astype(np.int64).tolist())
        keys = keys >> np.uint64(width)
    return fields[::-1]
