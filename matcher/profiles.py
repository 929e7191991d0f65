"""Columnar profiles of trainees and postings, built from the import tables.

A prefecture holds 10^4–10^5 trainees and a province 10^6, so profiles are columns of
numpy arrays, not objects. Trainees who wrote the same certificates and skills after
the same course share one *reading* (what :func:`~matcher.reading.read_trainee` makes of
the text): each distinct certificates or skills text is read once, readings combine
those parts, and the trainee columns hold an index into the readings. Columns that
repeat a few values (areas, status, consent) are parsed once per distinct value.
:class:`TraineeProfiles` and :class:`PostingProfiles` grow by :meth:`add` (an id
already present is replaced: its old row is deactivated) and shrink by :meth:`remove`,
without rebuilding what is there; per-occupation and per-skill row lists make
retrieval a look-up.

No column holds gender, age, ethnicity or origin: the tables have none, and nothing
here may add them (China's Employment Promotion Law forbids matching on them).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from matcher import columns
from matcher.areas import anywhere, area_names, canonical_area, split_areas
from matcher.columns import RowLists, Vocabulary
from matcher.industries import industry_of_occupation, load_industries
from matcher.levels import parse_level
from matcher.normalize import Normalizer
from matcher.reading import (
    PostingReading,
    TraineeReading,
    combine_trainee,
    read_posting,
    read_trainee_text,
)

__all__ = ["SLOTS", "PostingProfiles", "TraineeProfiles", "Vocabulary"]

#: How many certified occupations a trainee profile keeps (strongest first).
SLOTS = 3
_EPOCH = np.datetime64("1970-01-01", "D")


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
        def index(name: str) -> int:
            return self.areas.get(canonical_area(name))
        return columns.per_value(names, index, np.int16)

    def area_indexes(self, names: Iterable[str]) -> list[int]:
        """Indexes of the known areas among ``names`` (aliases allowed, unknown ones left
        out: a filter naming an unknown area must not match every unknown area)."""
        found = (self.areas.get(canonical_area(str(n))) for n in names)
        return [a for a in found if a >= 0]

    def days(self, dates: pd.Series) -> np.ndarray:
        """Days since 1970 (-1 unknown) of dates as written."""
        parsed = pd.to_datetime(dates, errors="coerce").to_numpy("datetime64[D]")
        out = (parsed - _EPOCH).astype("timedelta64[D]").astype(np.int64)
        out[np.isnat(parsed)] = -1
        return out.astype(np.int32)


class _Rows:
    """What both profile tables share: rows by id, an active flag, removal."""

    row_of: dict[str, int]
    active: np.ndarray

    def __len__(self) -> int:
        return int(self.active.sum())

    def remove(self, ids: Iterable[str]) -> int:
        """Deactivate rows by id (consent withdrawn, deleted, closed); returns how many
        were found."""
        found = 0
        for key in ids:
            row = self.row_of.pop(str(key), None)
            if row is not None:
                self.active[row] = False
                found += 1
        return found


class TraineeProfiles(_Rows):
    """Trainees as columns, with their readings and retrieval lists.

    Columns (one entry per row; rows of removed or replaced trainees stay, inactive):
    ``ids``, ``reading`` (index into the reading columns ``occupation`` [R, SLOTS],
    ``level`` [R, SLOTS] (-1 unknown), ``certified`` [R, SLOTS] (a certificate names the
    occupation; else only the course trained it), ``skill_sets`` and ``permit_sets`` (frozensets
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
        # A reading is keyed by its certificates text, skills text, trained occupation
        # and level, packed in 64 bits (see _KEY_BITS); keys sorted, for searchsorted.
        self._reading_keys = np.empty(0, dtype=np.uint64)
        self._reading_index = np.empty(0, dtype=np.int32)
        # Readings repeat a few distinct sets and certificate lists: keep one of each.
        self._shared: dict[object, object] = {}
        self._texts = (_Texts(self._shared, certificates=True),
                       _Texts(self._shared, certificates=False))
        self._trained = Vocabulary([""])
        self.occupation = np.empty((0, SLOTS), dtype=np.int32)
        self.level = np.empty((0, SLOTS), dtype=np.int8)
        self.certified = np.empty((0, SLOTS), dtype=bool)
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
        self.by_occupation = RowLists()
        self.by_skill = RowLists()
        self.by_permit = RowLists()

    def rows_with(self, occupations: Iterable[int], skills: Iterable[int]) -> np.ndarray:
        """Sorted rows (active or not) holding any of the occupations or skills."""
        parts = self.by_occupation.parts(occupations) + self.by_skill.parts(skills)
        return columns.union_rows(parts)

    def add(self, trainees: pd.DataFrame, courses: pd.DataFrame | None = None) -> np.ndarray:
        """Add (or replace, by ``trainee_id``) trainees; returns their new rows."""
        ctx = self.context
        t = trainees.reset_index(drop=True)
        n = len(t)
        trained = np.zeros(n, dtype=np.int64)
        trained_level = np.full(n, -1, dtype=np.int64)
        order = np.full(n, -1, dtype=np.int32)
        if courses is not None and "course_id" in t and len(courses):
            # Ids as text on both sides: a course id typed as a number (7, or 7.0 in a
            # column with blanks) still finds its course.
            c = courses.assign(course_id=columns.text_values(courses, "course_id"))
            c = c.drop_duplicates("course_id").set_index("course_id")
            codes, keys = columns.factorize(t["course_id"])
            # One row per distinct course id, and a last one for trainees without.
            course = c.reindex([*keys, ""]).reset_index(drop=True)
            text = columns.text_values
            trained = np.array([self._trained.add(code) for code in
                                text(course, "occupation_code")], dtype=np.int64)[codes]
            trained_level = np.array([_rank(v) for v in text(course, "target_level")],
                                     dtype=np.int64)[codes]
            order = np.array([ctx.enterprises.add(e) if e else -1
                              for e in text(course, "order_enterprise_id")],
                             dtype=np.int32)[codes]
        certificates, skills = (texts.ids(columns.column_or_blank(t, column), ctx)
                                for texts, column in zip(self._texts, ("certificates", "skills"),
                                                         strict=True))
        reading = self._readings(columns.pack_keys(
            (certificates, skills, trained, trained_level + 1), _KEY_BITS))
        rows = np.arange(len(self.ids), len(self.ids) + n)
        ids = t["trainee_id"].astype(str).to_numpy(object)
        for tid in ids:
            old = self.row_of.get(tid)
            if old is not None:
                self.active[old] = False
        # An id listed twice in one table: its last row replaces the earlier ones.
        latest = ~pd.Index(ids).duplicated(keep="last")
        wishes = columns.column_or_blank(t, "preferred_areas")
        self.ids = np.concatenate([self.ids, ids])
        self.row_of.update(zip(ids, rows.tolist(), strict=True))
        self.reading = np.concatenate([self.reading, reading])
        self.area = np.concatenate([self.area, ctx.area(columns.column_or_blank(t, "area"))])
        self.anywhere = np.concatenate([self.anywhere, columns.per_value(wishes, anywhere, bool)])
        self.preferred = np.concatenate([self.preferred,
                                         columns.per_value(wishes, self._preferred, bool)])
        wage = columns.numbers(t, "expected_wage")
        self.wage = np.concatenate([self.wage, wage.to_numpy(np.float32)])
        status = columns.column_or_blank(t, "status")
        self.seeking = np.concatenate([self.seeking,
                                       columns.per_value(status, _is_seeking, bool)])
        self.consent = np.concatenate([self.consent, columns.flags(t.get("consent"), n)])
        self.active = np.concatenate([self.active, latest])
        self.order = np.concatenate([self.order, order])
        self.graduated = np.concatenate([self.graduated,
                                         ctx.days(t.get("graduation_date",
                                                        pd.Series(None, t.index)))])
        occ = self.occupation[reading]
        self.by_occupation.extend(columns.rows_by(occ.ravel(), np.repeat(rows, SLOTS)))
        for sets, lists in ((self.skill_sets, self.by_skill),
                            (self.permit_sets, self.by_permit)):
            lists.extend(columns.rows_by(*columns.members(sets, reading, rows)))
        return rows

    def _preferred(self, text: str) -> np.ndarray:
        """Which areas a preferred-areas text names (split as the validator splits it)."""
        named = np.zeros(len(self.context.areas), dtype=bool)
        for name in split_areas(text):
            a = self.context.areas.get(canonical_area(name))
            if a >= 0:
                named[a] = True
        return named

    def _readings(self, keys: np.ndarray) -> np.ndarray:
        """Reading index of each packed key, reading the keys not seen before."""
        unique, inverse = np.unique(keys, return_inverse=True)
        held = self._reading_keys
        pos = np.minimum(np.searchsorted(held, unique), max(len(held) - 1, 0))
        found = held[pos] == unique if len(held) else np.zeros(len(unique), dtype=bool)
        index = np.empty(len(unique), dtype=np.int32)
        index[found] = self._reading_index[pos[found]]
        new = np.flatnonzero(~found)
        index[new] = np.arange(len(self.skill_sets), len(self.skill_sets) + len(new))
        self._add_readings(unique[new])
        keys = np.concatenate([held, unique[new]])
        order = np.argsort(keys, kind="stable")
        self._reading_keys = keys[order]
        self._reading_index = np.concatenate([self._reading_index, index[new]])[order]
        return index[inverse]

    def _add_readings(self, keys: np.ndarray) -> None:
        """Append the reading columns of new packed keys, in their order."""
        ctx = self.context
        certificates, skills = self._texts
        occupation: list[int] = []
        level: list[int] = []
        certified: list[bool] = []
        industry: list[tuple[int, int]] = []
        industries_of: dict[str, list[int]] = {}
        fields = columns.unpack_keys(keys, _KEY_BITS)
        for i, (c, s, code, rank) in enumerate(zip(*fields, strict=True)):
            r = combine_trainee(certificates.parts[c], skills.parts[s],
                                self._trained.items[code] or None, None if rank == 0 else rank - 1)
            held = r.certificates[:SLOTS]
            named = dict(certificates.parts[c].certificates)
            for code_held, rank_held in held:
                occupation.append(ctx.occupations.get(code_held))
                level.append(-1 if rank_held is None else rank_held)
                certified.append(code_held in named)
                if code_held not in industries_of:
                    industries_of[code_held] = [ctx.industries.get(name) for name in
                                                ctx.industries_of.get(code_held, ())]
                industry.extend((i, j) for j in industries_of[code_held])
            occupation.extend([-1] * (SLOTS - len(held)))
            level.extend([-1] * (SLOTS - len(held)))
            certified.extend([False] * (SLOTS - len(held)))
            self.skill_sets.append(columns.share(self._shared,
                                          certificates.skills[c] | skills.skills[s]))
            self.permit_sets.append(columns.share(self._shared,
                                           certificates.permits[c] | skills.permits[s]))
        block = np.zeros((len(keys), len(ctx.industries)), dtype=bool)
        if industry:
            block[tuple(np.array(industry).T)] = True
        self.occupation = np.concatenate([self.occupation,
                                          np.array(occupation, dtype=np.int32).reshape(-1, SLOTS)])
        self.level = np.concatenate([self.level,
                                     np.array(level, dtype=np.int8).reshape(-1, SLOTS)])
        self.certified = np.concatenate([self.certified,
                                         np.array(certified, dtype=bool).reshape(-1, SLOTS)])
        self.industry = np.concatenate([self.industry, block])

class _Texts:
    """The distinct certificates (or skills) texts of trainees, each read once."""

    def __init__(self, shared: dict[Any, Any], *, certificates: bool) -> None:
        self.certificates = certificates
        self.shared = shared
        self.texts = Vocabulary()
        self.parts: list[TraineeReading] = []
        self.skills: list[frozenset[int]] = []
        self.permits: list[frozenset[int]] = []

    def ids(self, column: pd.Series, ctx: Context) -> np.ndarray:
        """The text id of each value of ``column`` ("" when missing)."""
        def text_id(text: str) -> int:
            index = self.texts.add(text)
            if index == len(self.parts):
                r = read_trainee_text(ctx.normalizer, text, certificates=self.certificates)
                # Only the certificates are kept as read; skills and permits as ids.
                self.parts.append(columns.share(self.shared, TraineeReading(
                    columns.share(self.shared, r.certificates), _NOTHING, _NOTHING)))
                self.skills.append(columns.share(self.shared, frozenset(
                    ctx.skills.add(s) for s in r.skills)))
                self.permits.append(columns.share(self.shared, frozenset(
                    ctx.permits.add(p) for p in r.permits)))
            return index
        return columns.per_value(column, text_id, np.int64)


_NOTHING: frozenset = frozenset()


#: Bits of a packed reading key: certificates text id, skills text id, trained
#: occupation id, trained level + 1.
_KEY_BITS = (24, 24, 12, 4)


class PostingProfiles(_Rows):
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
        self.readings: list[PostingReading] = []
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
        self.by_occupation = RowLists()
        self.by_skill = RowLists()

    def rows_with(self, occupations: Iterable[int], skills: Iterable[int]) -> np.ndarray:
        """Sorted rows (open or not) asking for any of the occupations or skills."""
        parts = self.by_occupation.parts(occupations) + self.by_skill.parts(skills)
        return columns.union_rows(parts)

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
        latest = ~pd.Index(ids).duplicated(keep="last")  # the last row of a repeated id
        cache: dict[tuple[str, str, str], PostingReading] = {}
        occupation = np.full(len(p), -1, dtype=np.int32)
        min_level = np.full(len(p), -1, dtype=np.int8)
        text = columns.text_values
        for i, key in enumerate(zip(text(p, "title"), text(p, "requirements"),
                                    text(p, "min_level"), strict=True)):
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
        enterprise = np.array([ctx.enterprises.add(e) for e in text(p, "enterprise_id")],
                              dtype=np.int32)
        industry = np.full(len(p), -1, dtype=np.int32)
        if enterprises is not None and len(enterprises):
            by_id = enterprises.assign(
                enterprise_id=columns.text_values(enterprises, "enterprise_id"))
            by_id = by_id.drop_duplicates("enterprise_id").set_index("enterprise_id")
            names = by_id["industry"].reindex(text(p, "enterprise_id"))
            industry = np.array([ctx.industries.get(n) for n in names], dtype=np.int32)
        status = text(p, "status")
        self.ids = np.concatenate([self.ids, ids])
        self.row_of.update(zip(ids, rows.tolist(), strict=True))
        self.occupation = np.concatenate([self.occupation, occupation])
        self.min_level = np.concatenate([self.min_level, min_level])
        self.area = np.concatenate([self.area, ctx.area(p.get("area", pd.Series("", p.index)))])
        for name in ("wage_min", "wage_max"):
            values = columns.numbers(p, name).to_numpy(np.float32)
            setattr(self, name, np.concatenate([getattr(self, name), values]))
        headcount = columns.numbers(p, "headcount").fillna(1)
        self.headcount = np.concatenate([self.headcount, headcount.to_numpy(np.int32)])
        self.open = np.concatenate([self.open, np.array([s in ("", "open") for s in status],
                                                        dtype=bool)])
        self.active = np.concatenate([self.active, latest])
        self.enterprise = np.concatenate([self.enterprise, enterprise])
        self.industry = np.concatenate([self.industry, industry])
        self.opened = np.concatenate([self.opened,
                                      ctx.days(p.get("opened", pd.Series(None, p.index)))])
        self.by_occupation.extend(columns.rows_by(occupation.astype(np.int64), rows))
        keys = [(s, r) for r in rows for s in self.skills[r] | self.preferred_skills[r]]
        if keys:
            sk = np.array(keys, dtype=np.int64)
            self.by_skill.extend(columns.rows_by(sk[:, 0], sk[:, 1]))
        return rows


def _is_seeking(text: str) -> bool:
    return text == "seeking"


def _rank(value: str) -> int:
    rank = parse_level(value)
    return -1 if rank is None else rank
