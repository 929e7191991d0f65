"""Pair features between postings and trainees, vectorized over many pairs.

Every feature is a number in 0–1 that a counselor can read back as a reason:

============  =================================================================
occupation    1 same occupation; 0.6 same 小类; 0.3 same 中类; 0.5 related through
              a skill both occupations list
level         1 at or above the posting's minimum (or none asked); 0.4 one rank short;
              0.5 when the trainee's level is unknown; else 0
skills        share of the required skills the trainee lists (1 when none required)
permits       share of the required permits the trainee holds (1 when none)
preferred     share of the preferred skills and permits (1 when none)
distance      1 − km / 150 between the trainee's area and the posting's (≥ 0)
area          1 when the trainee is willing to work in the posting's area
wage          1 when the expected wage is within the posting's maximum, falling to 0
              at 50 % above it (0.5 when unknown)
order         1 when the trainee graduated a course this enterprise ordered (订单式)
recency       exp(−days since graduation / 365) at the posting's opening (0.5 unknown)
industry      1 when the trainee's trained occupation belongs to the posting's industry
============  =================================================================

Gender, age, ethnicity and origin are not features and never will be: the profiles
do not hold them (China's Employment Promotion Law forbids that discrimination).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matcher.areas import distance_matrix, load_areas
from matcher.columns import RowLists
from matcher.profiles import Context, PostingProfiles, TraineeProfiles

__all__ = ["FEATURES", "FeatureBuilder", "FeatureTable", "occupation_similarity"]

FEATURES = ("occupation", "level", "skills", "permits", "preferred", "distance", "area",
            "wage", "order", "recency", "industry")
_MAX_KM = 150.0


@dataclass(frozen=True)
class FeatureTable:
    """Features of ``n`` pairs: ``values`` is n × len(FEATURES), plus raw details.

    ``level_gap`` (trainee rank − minimum; NaN when either is unknown), ``km`` and
    ``slot`` (which of the trainee's certificates matched best) explain the values.
    """

    posting: np.ndarray
    trainee: np.ndarray
    values: np.ndarray
    level_gap: np.ndarray
    km: np.ndarray
    slot: np.ndarray

    def __len__(self) -> int:
        return len(self.posting)

    def column(self, name: str) -> np.ndarray:
        return self.values[:, FEATURES.index(name)]

    def take(self, index: np.ndarray) -> FeatureTable:
        """The pairs at ``index`` (positions or a boolean mask)."""
        return FeatureTable(self.posting[index], self.trainee[index], self.values[index],
                            self.level_gap[index], self.km[index], self.slot[index])


def occupation_similarity(codes: list[str], related: dict[str, set[str]] | None = None
                          ) -> np.ndarray:
    """Occupation × occupation similarity: 1 same, 0.6 same 小类, 0.3 same 中类.

    ``related`` adds 0.5 between occupations that share a skill label.

    Examples
    --------
    >>> occupation_similarity(["6-18-02-04", "6-18-02-01", "6-18-01-01", "4-01-02-01"])[0]
    array([1. , 0.6, 0.3, 0. ], dtype=float32)
    """
    parts = [c.split("-") for c in codes]
    small = np.unique(["-".join(p[:3]) for p in parts], return_inverse=True)[1]
    middle = np.unique(["-".join(p[:2]) for p in parts], return_inverse=True)[1]
    sim = np.where(middle[:, None] == middle[None, :], 0.3, 0.0).astype(np.float32)
    sim[small[:, None] == small[None, :]] = 0.6
    if related:
        index = {c: i for i, c in enumerate(codes)}
        for code, others in related.items():
            a = index.get(code)
            for other in others:
                b = index.get(other)
                if a is not None and b is not None:
                    sim[a, b] = max(sim[a, b], 0.5)
                    sim[b, a] = max(sim[b, a], 0.5)
    np.fill_diagonal(sim, 1.0)
    return sim


def _coverage(required: list[frozenset[int]], have: list[frozenset[int]],
              trainee_rows_with: RowLists, p: np.ndarray, reading: np.ndarray, t: np.ndarray,
              n: int) -> np.ndarray:
    """Share of each of ``n`` pairs' required items that the trainee has (1 when none
    required). ``p`` holds one posting (shared by all pairs) or one per pair; ``reading``
    and ``t`` one trainee or one per pair.
    """
    if n == 0:
        return np.ones(0, dtype=np.float32)
    if len(p) == 1 or (p == p[0]).all():
        # One posting, many trainees: look each trainee up in each item's sorted rows.
        out = np.ones(n, dtype=np.float32)
        req = required[int(p[0])]
        if req:
            hits = np.zeros(n, dtype=np.float32)
            for rows in trainee_rows_with.parts(req):
                at = np.minimum(np.searchsorted(rows, t), len(rows) - 1)
                hits += rows[at] == t
            out[:] = hits / len(req)
        return out
    # One trainee and many postings, or mixed pairs: plain sets.
    readings = reading.tolist() * n if len(reading) == 1 else reading.tolist()
    return np.array([len(req & have[r]) / len(req) if req else 1.0
                     for req, r in zip([required[i] for i in p.tolist()], readings,
                                       strict=True)], dtype=np.float32)


class FeatureBuilder:
    """Computes :class:`FeatureTable` s for pairs of rows of the two profile tables."""

    def __init__(self, postings: PostingProfiles, trainees: TraineeProfiles) -> None:
        self.postings = postings
        self.trainees = trainees
        ctx = postings.context
        self.similarity = occupation_similarity(ctx.occupations.items, _related(ctx))
        self.km = distance_matrix(load_areas()).astype(np.float32)
        self._mean_km = float(self.km.mean())

    def willing(self, p: np.ndarray, t: np.ndarray) -> np.ndarray:
        """Whether each trainee is willing to work in the posting's area (``area``)."""
        area = self.postings.area[p]
        return self.trainees.anywhere[t] | np.where(
            area >= 0, self.trainees.preferred[t, np.maximum(area, 0)], False)

    def pairs(self, p: np.ndarray, t: np.ndarray) -> FeatureTable:
        """Features of the pairs ``(p[i], t[i])`` (posting and trainee rows)."""
        p = np.asarray(p, dtype=np.int64)
        t = np.asarray(t, dtype=np.int64)
        if len(p) != len(t):
            raise ValueError(f"{len(p)} postings but {len(t)} trainees")
        return self._table(p, t, p, t)

    def for_posting(self, p: int, t: np.ndarray) -> FeatureTable:
        """Features of one posting row with each of the trainee rows ``t``.

        The same values as ``pairs(np.full(len(t), p), t)``, with the posting's side
        computed once.
        """
        t = np.asarray(t, dtype=np.int64)
        return self._table(np.array([p], dtype=np.int64), t, np.full(len(t), p), t)

    def for_trainee(self, t: int, p: np.ndarray) -> FeatureTable:
        """Features of each of the posting rows ``p`` with one trainee row."""
        p = np.asarray(p, dtype=np.int64)
        return self._table(p, np.array([t], dtype=np.int64), p, np.full(len(p), t))

    def _table(self, p: np.ndarray, t: np.ndarray, posting: np.ndarray, trainee: np.ndarray
               ) -> FeatureTable:
        """Features of ``p`` × ``t`` broadcast (either side may hold one row); ``posting``
        and ``trainee`` are both sides spelled out for the table."""
        pp, tp = self.postings, self.trainees
        n = len(posting)
        reading = tp.reading[t]
        slots = tp.occupation[reading]
        levels = tp.level[reading].astype(np.float32)
        post_occ = pp.occupation[p]
        sim = np.where((slots >= 0) & (post_occ[:, None] >= 0),
                       self.similarity[np.maximum(post_occ, 0)[:, None], np.maximum(slots, 0)],
                       0.0)
        slot = np.argmax(sim * 10 + np.maximum(levels, 0) / 10, axis=1)
        pick = np.arange(n), slot
        occupation = sim[pick]
        level = np.broadcast_to(levels, sim.shape)[pick]
        minimum = pp.min_level[p].astype(np.float32)
        gap = np.where((level >= 0) & (minimum >= 0), level - minimum, np.nan)
        level_fit = np.where(minimum < 0, 1.0, np.where(
            level < 0, 0.5, np.where(gap >= 0, 1.0, np.where(gap == -1, 0.4, 0.0))))
        skills = _coverage(pp.skills, tp.skill_sets, tp.by_skill, p, reading, t, n)
        permits = _coverage(pp.permits, tp.permit_sets, tp.by_permit, p, reading, t, n)
        preferred = _coverage(pp.preferred_skills, tp.skill_sets, tp.by_skill, p, reading, t, n)
        # Preferred permits ("有叉车证优先") count beside preferred skills, by number.
        rows, inverse = (p, np.zeros(1, dtype=np.int64)) if len(p) == 1 else np.unique(
            p, return_inverse=True)
        n_skills = np.array([len(pp.preferred_skills[i]) for i in rows.tolist()],
                            dtype=np.float32)[inverse]
        n_permits = np.array([len(pp.preferred_permits[i]) for i in rows.tolist()],
                             dtype=np.float32)[inverse]
        if n_permits.any():
            permits_held = _coverage(pp.preferred_permits, tp.permit_sets, tp.by_permit, p,
                                     reading, t, n)
            both = (preferred * n_skills + permits_held * n_permits) / np.maximum(
                n_skills + n_permits, 1)
            preferred = np.where(n_permits == 0, preferred,
                                 np.where(n_skills == 0, permits_held, both))
        post_area, area_of = pp.area[p], tp.area[t]
        known = (post_area >= 0) & (area_of >= 0)
        km = np.where(known, self.km[np.maximum(post_area, 0), np.maximum(area_of, 0)],
                      self._mean_km)
        distance = np.clip(1 - km / _MAX_KM, 0, 1)
        area = self.willing(p, t)
        expected, top = tp.wage[t], pp.wage_max[p]
        over = (expected - top) / np.where(top > 0, top, np.nan)
        wage = np.where(np.isnan(over), 0.5, np.clip(1 - 2 * over, 0, 1))
        ordered_by = tp.order[t]
        order = (ordered_by >= 0) & (ordered_by == pp.enterprise[p])
        opened, graduated = pp.opened[p], tp.graduated[t]
        days = (opened - graduated).astype(np.float32)
        recency = np.where((opened >= 0) & (graduated >= 0),
                           np.exp(-np.maximum(days, 0) / 365), 0.5)
        industry = np.where(pp.industry[p] >= 0,
                            tp.industry[reading, np.maximum(pp.industry[p], 0)], False)
        values = np.empty((n, len(FEATURES)), dtype=np.float32)
        for j, column in enumerate((occupation, level_fit, skills, permits, preferred,
                                    distance, area, wage, order, recency, industry)):
            values[:, j] = column
        return FeatureTable(posting, trainee, values, gap.astype(np.float32, copy=False),
                            km.astype(np.float32, copy=False), slot)


def _related(ctx: Context) -> dict[str, set[str]]:
    """Occupations that list the same skill label are related."""
    codes_of: dict[str, set[str]] = {}
    for label in ctx.normalizer.taxonomy.labels:
        if label.kind == "skill":
            codes_of.setdefault(label.text, set()).add(label.code)
    related: dict[str, set[str]] = {}
    for codes in codes_of.values():
        if 1 < len(codes) <= 4:  # a skill shared by many occupations relates none
            for code in codes:
                related.setdefault(code, set()).update(codes - {code})
    return related
