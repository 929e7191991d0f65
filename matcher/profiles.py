"""Columnar profiles of trainees and postings, built from the import tables.

A prefecture holds 10^4–10^5 trainees and a province 10^6, so profiles are columns of
numpy arrays, not objects. Trainees who wrote the same certificates and skills after
the same course share one *reading* (what :func:`~matcher.reading.read_trainee` made of
the text): text is normalized once per distinct reading, and the trainee columns hold
an index into the readings. :class:`TraineeProfiles` and :class:`PostingProfiles` grow
by :meth:`add` (an id already present is replaced: its old row is deactivated) and
shrink by :meth:`remove`, without rebuilding what is there; per-occupation and
per-skill row lists make retrieval a look-up.

No column holds gender, age, ethnicity or origin: the tables have none, and nothing
here may add them (China's Employment Promotion Law forbids matching on them).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import numpy as np
import pandas as pd

from matcher.areas import AREA_ALIASES, area_names
from matcher.industries import industry_of_occupation, load_industries
from matcher.levels import parse_level
from matcher.normalize import Normalizer
from matcher.reading import read_posting, read_trainee

__all__ = ["SLOTS", "PostingProfiles", "TraineeProfiles", "Vocabulary"]

#: How many certified occupations a trainee profile keeps (strongest first).
SLOTS = 3
_EPOCH = np.datetime64("1970-01-01", "D")


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


class Context:
    """What trainee and posting profiles share: the normalizer and the vocabularies."""

    def __init__(self, normalizer: Normalizer) -> None:
        self.normalizer = normalizer
        codes = sorted(c for c, o in normalizer.taxonomy.occupations.items() if o.level == 4)
        self.occupations = Vocabulary(codes)
        self.skills = Vocabulary()
        self.permits = Vocabulary()
        self.enterprises = Vocabulary()
        self.areas = Vocabulary(area_names())
        self.industries = Vocabulary(i.name for i in load_industries())
        self.industries_of = industry_of_occupation()

    def area(self, names: pd.Series) -> np.ndarray:
        """Area indexes (-1 unknown) of area names, aliases allowed."""
        cleaned = names.fillna("").astype(str).str.strip().replace(AREA_ALIASES)
        return np.array([self.areas.get(a) for a in cleaned], dtype=np.int16)

    def days(self, dates: pd.Series) -> np.ndarray:
        """Days since 1970 (-1 unknown) of dates as written."""
        parsed = pd.to_datetime(dates, errors="coerce").to_numpy("datetime64[D]")
        out = (parsed - _EPOCH).astype("timedelta64[D]").astype(np.int64)
        out[np.isnat(parsed)] = -1
        return out.astype(np.int32)


def _rows_by(keys: np.ndarray, rows: np.ndarray) -> dict[int, np.ndarray]:
    """Group ``rows`` by ``keys`` (ignoring keys < 0) into sorted arrays."""
    keep = keys >= 0
    keys, rows = keys[keep], rows[keep]
    order = np.lexsort((rows, keys))
    keys, rows = keys[order], rows[order]
    bounds = np.flatnonzero(np.diff(keys)) + 1
    return {int(k[0]): r for k, r in zip(np.split(keys, bounds), np.split(rows, bounds),
                                         strict=True) if len(k)}


class _RowLists:
    """Per-occupation (and per-skill) row lists that accept appends."""

    def __init__(self) -> None:
        self._parts: dict[int, list[np.ndarray]] = defaultdict(list)

    def extend(self, groups: dict[int, np.ndarray]) -> None:
        for key, rows in groups.items():
            self._parts[key].append(rows)

    def rows(self, keys: Iterable[int]) -> np.ndarray:
        parts = [p for k in keys for p in self._parts.get(k, ())]
        if not parts:
            return np.empty(0, dtype=np.int64)
        return np.unique(np.concatenate(parts))


class TraineeProfiles:
    """Trainees as columns, with their readings and retrieval lists.

    Columns (one entry per row; rows of removed or replaced trainees stay, inactive):
    ``ids``, ``reading`` (index into the reading columns ``occupation`` [R, SLOTS],
    ``level`` [R, SLOTS] (-1 unknown), ``skill_sets`` and ``permit_sets`` (frozensets
    of vocabulary ids), ``industry`` [R, n_industries]), ``area``, ``anywhere`` (willing
    to work in any area), ``preferred`` [n, n_areas], ``wage`` (expected, NaN unknown),
    ``seeking``, ``consent``, ``active``, ``order`` (enterprise that ordered the
    trainee's course, -1), ``graduated`` (days since 1970, -1).
    """

    def __init__(self, context: Context) -> None:
        self.context = context
        n_areas, n_industries = len(context.areas), len(context.industries)
        self.ids = np.empty(0, dtype=object)
        self.row_of: dict[str, int] = {}
        self._reading_of: dict[tuple[str, str, str, int], int] = {}
        self.occupation = np.empty((0, SLOTS), dtype=np.int32)
        self.level = np.empty((0, SLOTS), dtype=np.int8)
        self.skill_sets: list[frozenset[int]] = []
        self.permit_sets: list[frozenset[int]] = []
        self.industry = np.empty((0, n_industries), dtype=bool)
        self.reading = np.empty(0, dtype=np.int32)
        self.area = np.empty(0, dtype=np.int16)
        self.anywhere = np.empty(0, dtype=bool)
        self.preferred = np.empty((0, n_areas), dtype=bool)
        self.wage = np.empty(0, dtype=np.float32)
        self.seeking = np.empty(0, dtype=bool)
        self.consent = np.empty(0, dtype=bool)
        self.active = np.empty(0, dtype=bool)
        self.order = np.empty(0, dtype=np.int32)
        self.graduated = np.empty(0, dtype=np.int32)
        self.by_occupation = _RowLists()
        self.by_skill = _RowLists()
        self.by_permit = _RowLists()

    def __len__(self) -> int:
        return int(self.active.sum())

    def add(self, trainees: pd.DataFrame, courses: pd.DataFrame | None = None) -> np.ndarray:
        """Add (or replace, by ``trainee_id``) trainees; returns their new rows."""
        ctx = self.context
        t = trainees.reset_index(drop=True)
        course_occ = [""] * len(t)
        course_level = [-1] * len(t)
        order = np.full(len(t), -1, dtype=np.int32)
        if courses is not None and "course_id" in t and len(courses):
            c = courses.drop_duplicates("course_id").set_index("course_id")
            course = c.reindex(_text(t, "course_id")).reset_index(drop=True)
            course_occ = _text(course, "occupation_code")
            course_level = [_rank(v) for v in _text(course, "target_level")]
            order = np.array([ctx.enterprises.add(e) if e else -1
                              for e in _text(course, "order_enterprise_id")], dtype=np.int32)
        keys = list(zip(_text(t, "certificates"), _text(t, "skills"), course_occ,
                        course_level, strict=True))
        pending: list[tuple] = []
        reading = np.array([self._reading(k, pending) for k in keys], dtype=np.int32)
        if pending:
            occ, lvl, industry = zip(*pending, strict=True)
            self.occupation = np.concatenate([self.occupation, np.array(occ, dtype=np.int32)])
            self.level = np.concatenate([self.level, np.array(lvl, dtype=np.int8)])
            self.industry = np.concatenate([self.industry, np.array(industry, dtype=bool)])
        rows = np.arange(len(self.ids), len(self.ids) + len(t))
        ids = t["trainee_id"].astype(str).to_numpy(object)
        for tid in ids:
            old = self.row_of.get(tid)
            if old is not None:
                self.active[old] = False
        pref = _text(t, "preferred_areas")
        anywhere = np.array([p.strip() in ("", "不限", "any") for p in pref])
        preferred = np.zeros((len(t), len(ctx.areas)), dtype=bool)
        for i, p in enumerate(pref):
            for name in p.replace("，", "、").replace(",", "、").replace(";", "、").split("、"):
                a = ctx.areas.get(AREA_ALIASES.get(name.strip(), name.strip()))
                if a >= 0:
                    preferred[i, a] = True
        status = _text(t, "status")
        self.ids = np.concatenate([self.ids, ids])
        self.row_of.update(zip(ids, rows.tolist(), strict=True))
        self.reading = np.concatenate([self.reading, reading])
        self.area = np.concatenate([self.area, ctx.area(t.get("area", pd.Series("", t.index)))])
        self.anywhere = np.concatenate([self.anywhere, anywhere])
        self.preferred = np.concatenate([self.preferred, preferred])
        wage = pd.to_numeric(t.get("expected_wage"), errors="coerce")
        self.wage = np.concatenate([self.wage, np.asarray(wage, dtype=np.float32)])
        self.seeking = np.concatenate([self.seeking, np.array([s == "seeking" for s in status])])
        self.consent = np.concatenate([self.consent, _flags(t.get("consent"), len(t))])
        self.active = np.concatenate([self.active, np.ones(len(t), dtype=bool)])
        self.order = np.concatenate([self.order, order])
        self.graduated = np.concatenate([self.graduated,
                                         ctx.days(t.get("graduation_date",
                                                        pd.Series(None, t.index)))])
        occ = self.occupation[reading]
        self.by_occupation.extend(_rows_by(occ.ravel(), np.repeat(rows, SLOTS)))
        for sets, lists in ((self.skill_sets, self.by_skill),
                            (self.permit_sets, self.by_permit)):
            keys = [(s, r) for r, rd in zip(rows, reading, strict=True) for s in sets[rd]]
            if keys:
                pairs = np.array(keys, dtype=np.int64)
                lists.extend(_rows_by(pairs[:, 0], pairs[:, 1]))
        return rows

    def remove(self, trainee_ids: Iterable[str]) -> int:
        """Deactivate trainees (withdrawn consent, deleted); returns how many were found."""
        found = 0
        for tid in trainee_ids:
            row = self.row_of.pop(str(tid), None)
            if row is not None:
                self.active[row] = False
                found += 1
        return found

    def _reading(self, key: tuple[str, str, str, int], pending: list[tuple]) -> int:
        index = self._reading_of.get(key)
        if index is not None:
            return index
        ctx = self.context
        certificates, skills, trained, trained_level = key
        r = read_trainee(ctx.normalizer, certificates, skills, trained or None,
                         None if trained_level < 0 else trained_level)
        occ = [-1] * SLOTS
        lvl = [-1] * SLOTS
        industry = np.zeros(len(ctx.industries), dtype=bool)
        for i, (code, level) in enumerate(r.certificates[:SLOTS]):
            occ[i] = ctx.occupations.get(code)
            lvl[i] = -1 if level is None else level
            for name in ctx.industries_of.get(code, ()):
                industry[ctx.industries.get(name)] = True
        pending.append((occ, lvl, industry))
        self.skill_sets.append(frozenset(ctx.skills.add(s) for s in r.skills))
        self.permit_sets.append(frozenset(ctx.permits.add(p) for p in r.permits))
        index = len(self.skill_sets) - 1
        self._reading_of[key] = index
        return index


class PostingProfiles:
    """Postings as columns: occupation, minimum level, skill and permit requirements.

    Columns: ``ids``, ``reading`` (the :class:`~matcher.reading.PostingReading` of each
    row), ``occupation`` (-1 unknown), ``min_level`` (-1 none), ``skills``,
    ``preferred_skills``, ``permits`` (frozensets of vocabulary ids per row), ``area``,
    ``wage_min``, ``wage_max``, ``headcount``, ``open``, ``active``, ``enterprise``,
    ``industry`` (-1), ``opened`` (days since 1970).
    """

    def __init__(self, context: Context) -> None:
        self.context = context
        self.ids = np.empty(0, dtype=object)
        self.row_of: dict[str, int] = {}
        self.readings: list = []
        self.skills: list[frozenset[int]] = []
        self.preferred_skills: list[frozenset[int]] = []
        self.permits: list[frozenset[int]] = []
        self.preferred_permits: list[frozenset[int]] = []
        self.occupation = np.empty(0, dtype=np.int32)
        self.min_level = np.empty(0, dtype=np.int8)
        self.area = np.empty(0, dtype=np.int16)
        self.wage_min = np.empty(0, dtype=np.float32)
        self.wage_max = np.empty(0, dtype=np.float32)
        self.headcount = np.empty(0, dtype=np.int32)
        self.open = np.empty(0, dtype=bool)
        self.active = np.empty(0, dtype=bool)
        self.enterprise = np.empty(0, dtype=np.int32)
        self.industry = np.empty(0, dtype=np.int32)
        self.opened = np.empty(0, dtype=np.int32)
        self.by_occupation = _RowLists()
        self.by_skill = _RowLists()

    def __len__(self) -> int:
        return int(self.active.sum())

    def add(self, postings: pd.DataFrame, enterprises: pd.DataFrame | None = None
            ) -> np.ndarray:
        """Add (or replace, by ``posting_id``) postings; returns their new rows."""
        ctx = self.context
        p = postings.reset_index(drop=True)
        rows = np.arange(len(self.ids), len(self.ids) + len(p))
        ids = p["posting_id"].astype(str).to_numpy(object)
        for pid in ids:
            old = self.row_of.get(pid)
            if old is not None:
                self.active[old] = False
        cache: dict[tuple[str, str, str], object] = {}
        occupation = np.full(len(p), -1, dtype=np.int32)
        min_level = np.full(len(p), -1, dtype=np.int8)
        for i, key in enumerate(zip(_text(p, "title"), _text(p, "requirements"),
                                    _text(p, "min_level"), strict=True)):
            r = cache.get(key)
            if r is None:
                r = cache[key] = read_posting(ctx.normalizer, *key)
            self.readings.append(r)
            occupation[i] = ctx.occupations.get(r.occupation.code) if r.occupation else -1
            min_level[i] = -1 if r.min_level is None else r.min_level
            self.skills.append(frozenset(ctx.skills.add(s) for s in r.skills))
            self.preferred_skills.append(frozenset(ctx.skills.add(s)
                                                   for s in r.preferred_skills))
            self.permits.append(frozenset(ctx.permits.add(s) for s in r.permits))
            self.preferred_permits.append(frozenset(ctx.permits.add(s)
                                                    for s in r.preferred_permits))
        enterprise = np.array([ctx.enterprises.add(e) for e in _text(p, "enterprise_id")],
                              dtype=np.int32)
        industry = np.full(len(p), -1, dtype=np.int32)
        if enterprises is not None and len(enterprises):
            by_id = enterprises.drop_duplicates("enterprise_id").set_index("enterprise_id")
            names = by_id["industry"].reindex(_text(p, "enterprise_id"))
            industry = np.array([ctx.industries.get(n) for n in names], dtype=np.int32)
        status = _text(p, "status")
        self.ids = np.concatenate([self.ids, ids])
        self.row_of.update(zip(ids, rows.tolist(), strict=True))
        self.occupation = np.concatenate([self.occupation, occupation])
        self.min_level = np.concatenate([self.min_level, min_level])
        self.area = np.concatenate([self.area, ctx.area(p.get("area", pd.Series("", p.index)))])
        for name in ("wage_min", "wage_max"):
            values = pd.to_numeric(p.get(name), errors="coerce")
            setattr(self, name, np.concatenate([getattr(self, name),
                                                np.asarray(values, dtype=np.float32)]))
        headcount = pd.to_numeric(p.get("headcount"), errors="coerce").fillna(1)
        self.headcount = np.concatenate([self.headcount, headcount.to_numpy(np.int32)])
        self.open = np.concatenate([self.open, np.array([s in ("", "open") for s in status])])
        self.active = np.concatenate([self.active, np.ones(len(p), dtype=bool)])
        self.enterprise = np.concatenate([self.enterprise, enterprise])
        self.industry = np.concatenate([self.industry, industry])
        self.opened = np.concatenate([self.opened,
                                      ctx.days(p.get("opened", pd.Series(None, p.index)))])
        self.by_occupation.extend(_rows_by(occupation.astype(np.int64), rows))
        keys = [(s, r) for r in rows for s in self.skills[r] | self.preferred_skills[r]]
        if keys:
            sk = np.array(keys, dtype=np.int64)
            self.by_skill.extend(_rows_by(sk[:, 0], sk[:, 1]))
        return rows

    def remove(self, posting_ids: Iterable[str]) -> int:
        """Deactivate postings (closed, withdrawn); returns how many were found."""
        found = 0
        for pid in posting_ids:
            row = self.row_of.pop(str(pid), None)
            if row is not None:
                self.active[row] = False
                found += 1
        return found


def _text(table: pd.DataFrame, column: str) -> list[str]:
    if column not in table:
        return [""] * len(table)
    return ["" if v is None or (isinstance(v, float) and v != v) else str(v)
            for v in table[column].tolist()]


def _flags(values: object, n: int) -> np.ndarray:
    if values is None:
        return np.zeros(n, dtype=bool)
    truthy = {"true", "1", "yes", "y", "是", "同意", "t"}
    return np.array([str(v).strip().lower() in truthy or v is True for v in values], dtype=bool)


def _rank(value: str) -> int:
    rank = parse_level(value)
    return -1 if rank is None else rank
