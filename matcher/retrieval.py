"""Occupation blocks: what a shortlist needs of the trainees holding an occupation, together.

A province holds 10^6 trainees; the ten thousand who hold a posting's occupation sit
anywhere in the profile columns, and reading a dozen columns at ten thousand scattered
rows costs more than all the arithmetic done on them. :class:`OccupationBlocks` keeps,
per occupation, short columns of the seeking trainee rows holding it: the hard-filter
columns (consent, area, areas wished for), the level held in that occupation, and
enough of the rest (wage, graduation, order-based course, 64-bit signatures of the
skills and permits held, industries) to bound from above every feature of a pair.
:meth:`OccupationBlocks.select` applies the hard filters and gives those ceilings, so
that the exact features are computed only for trainees who could make the shortlist.

Blocks hold only what never changes for a row (a trainee whose status, consent or
wishes change is re-added, as a new row); whether a row is still active is read from
the profiles at query time. Rows added to the profiles join on the next query.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matcher import columns
from matcher.errors import MatcherError
from matcher.features import _MAX_KM, FEATURES
from matcher.profiles import PostingProfiles, TraineeProfiles

__all__ = ["OccupationBlocks", "Selection"]

#: Columns of a block. ``skills`` and ``permits`` set bit ``id % 64`` for each item held:
#: a required item whose bit is unset is surely missing (a set bit may collide).
FIELDS = {"row": np.int64, "skills": np.uint64, "permits": np.uint64, "wage": np.float32,
          "graduated": np.int32, "order": np.int32, "area": np.int16, "wishes": np.uint16,
          "industries": np.uint16, "level": np.int8, "consent": bool, "anywhere": bool}
Block = dict[str, np.ndarray]


@dataclass(frozen=True)
class Selection:
    """Trainee rows of one block that pass the hard filters, with score ceilings."""

    rows: np.ndarray
    high: np.ndarray  # len(rows) × len(FEATURES): each feature's upper bound


class OccupationBlocks:
    """Per-occupation columns of the seeking trainee rows holding each occupation.

    Parameters
    ----------
    trainees : TraineeProfiles
        The profiles to follow; rows added to them later join on the next query.
    km : ndarray
        Distances between areas (the features' matrix).

    Examples
    --------
    >>> from matcher.sample import generate_market
    >>> from matcher.matching import Matcher
    >>> market = generate_market(300, seed=1)
    >>> m = Matcher.from_tables(market["trainees"], market["postings"])
    >>> row = int(np.flatnonzero(m.trainees.seeking)[0])
    >>> occupation = int(m.trainees.occupation[m.trainees.reading[row], 0])
    >>> row in m.blocks.block(occupation)["row"]
    True
    """

    def __init__(self, trainees: TraineeProfiles, km: np.ndarray) -> None:
        if max(trainees.preferred.shape[1], trainees.industry.shape[1]) > 16:
            raise MatcherError("occupation blocks keep areas and industries in 16 bits")
        self.trainees = trainees
        self.km = km
        self._mean_km = float(km.mean())
        self._parts: dict[int, list[Block]] = {}
        self._rows = 0  # rows of the profiles already in blocks
        self._readings = 0  # readings whose signatures are computed
        self._skills = np.empty(0, dtype=np.uint64)
        self._permits = np.empty(0, dtype=np.uint64)
        self._industries = np.empty(0, dtype=np.uint16)
        self.sync()

    def sync(self) -> None:
        """Add the rows added to the profiles since the last call."""
        tp = self.trainees
        n = len(tp.ids)
        if n == self._rows:
            return
        self._sync_readings()
        rows = np.arange(self._rows, n)
        rows = rows[tp.seeking[rows]]  # nobody else is ever shortlisted
        reading = tp.reading[rows]
        slots = tp.occupation[reading]
        held = slots >= 0
        count = held.sum(axis=1)
        entry_rows, entry_reading = np.repeat(rows, count), np.repeat(reading, count)
        wishes = tp.preferred[rows].astype(np.uint16) @ (
            np.uint16(1) << np.arange(tp.preferred.shape[1], dtype=np.uint16))
        block: Block = {
            "row": entry_rows, "level": tp.level[reading][held],
            "skills": self._skills[entry_reading], "permits": self._permits[entry_reading],
            "industries": self._industries[entry_reading],
            "wishes": np.repeat(wishes.astype(np.uint16), count)}
        for name in ("wage", "graduated", "order", "area", "consent", "anywhere"):
            block[name] = getattr(tp, name)[entry_rows]
        for key, part in columns.rows_by(slots[held].astype(np.int64),
                                         np.arange(len(entry_rows))).items():
            self._parts.setdefault(key, []).append(
                {name: block[name][part].astype(dtype, copy=False)
                 for name, dtype in FIELDS.items()})
        self._rows = n

    def _sync_readings(self) -> None:
        tp = self.trainees
        new = range(self._readings, len(tp.skill_sets))
        self._skills = np.concatenate([self._skills, _signatures(tp.skill_sets, new)])
        self._permits = np.concatenate([self._permits, _signatures(tp.permit_sets, new)])
        bits = tp.industry[self._readings:].astype(np.uint16) @ (
            np.uint16(1) << np.arange(tp.industry.shape[1], dtype=np.uint16))
        self._industries = np.concatenate([self._industries, bits.astype(np.uint16)])
        self._readings = len(tp.skill_sets)

    def block(self, occupation: int) -> Block:
        """The columns of the seeking rows (active or not) holding ``occupation``, by row."""
        self.sync()
        parts = self._parts.get(occupation)
        if not parts:
            return {name: np.empty(0, dtype=dtype) for name, dtype in FIELDS.items()}
        if len(parts) > 1:
            parts[:] = [{name: np.concatenate([part[name] for part in parts])
                         for name in FIELDS}]
        return parts[0]

    def select(self, occupation: int, postings: PostingProfiles, p: int, *,
               similarity: float, consented_only: bool, areas: list[int] | None,
               willing_only: bool, level_tolerance: int) -> Selection:
        """Active seeking rows holding ``occupation`` that pass the hard filters of
        posting ``p``, each with the ceilings of its features for ``p``.

        ``similarity`` is the occupation feature of ``occupation`` for ``p``. The level
        held in ``occupation`` is the one filtered and bounded: for a trainee holding
        several occupations, that of the occupation the features pick (the most similar
        to the posting's) decides."""
        b = self.block(occupation)
        post_area = int(postings.area[p])
        minimum = int(postings.min_level[p])
        ok = b["consent"].copy() if consented_only else np.ones(len(b["row"]), dtype=bool)
        if areas is not None:
            ok &= np.isin(b["area"], areas)
        if willing_only:
            ok &= (b["anywhere"] | ((b["wishes"] & np.uint16(1 << post_area)) > 0)
                   if post_area >= 0 else b["anywhere"])
        if minimum >= 0:
            ok &= ~((b["level"] >= 0) & (b["level"] < minimum - level_tolerance))
        index = np.flatnonzero(ok)
        index = index[self.trainees.active[b["row"][index]]]
        return Selection(b["row"][index], self._ceilings(
            b, index, postings, p, similarity=similarity, willing_only=willing_only))

    def _ceilings(self, b: Block, index: np.ndarray, postings: PostingProfiles, p: int, *,
                  similarity: float, willing_only: bool) -> np.ndarray:
        """Upper bounds of the features of posting ``p`` with the rows ``index`` of ``b``."""
        high = np.empty((len(index), len(FEATURES)), dtype=np.float64)
        column = FEATURES.index
        high[:, column("occupation")] = similarity
        # Small tables indexed by a column's value; -1 (unknown) picks the last entry.
        minimum = int(postings.min_level[p])
        if minimum < 0:
            high[:, column("level")] = 1.0
        else:
            fit = np.zeros(9)
            fit[minimum:8] = 1.0
            fit[max(minimum - 1, 0):minimum] = 0.4
            fit[-1] = 0.5
            high[:, column("level")] = fit[b["level"][index]]
        skills = b["skills"][index] if postings.skills[p] or postings.preferred_skills[p] \
            else None
        permits = b["permits"][index] if postings.permits[p] or postings.preferred_permits[p] \
            else None
        high[:, column("skills")] = _covered(skills, postings.skills[p])
        high[:, column("permits")] = _covered(permits, postings.permits[p])
        preferred = _covered(skills, postings.preferred_skills[p])
        n_skills, n_permits = len(postings.preferred_skills[p]), len(postings.preferred_permits[p])
        if n_permits:
            held = _covered(permits, postings.preferred_permits[p])
            preferred = (held if n_skills == 0 else
                         (preferred * n_skills + held * n_permits) / (n_skills + n_permits))
        high[:, column("preferred")] = preferred
        post_area = int(postings.area[p])
        km = np.full(len(self.km) + 1, self._mean_km)
        if post_area >= 0:
            km[:-1] = self.km[post_area]
        high[:, column("distance")] = np.clip(1 - km / _MAX_KM, 0, 1)[b["area"][index]]
        if willing_only:
            high[:, column("area")] = 1.0
        else:
            willing = b["anywhere"][index]
            if post_area >= 0:
                willing = willing | ((b["wishes"][index] & np.uint16(1 << post_area)) > 0)
            high[:, column("area")] = willing
        top = float(postings.wage_max[p])
        over = (b["wage"][index].astype(np.float64) - top) / (top if top > 0 else np.nan)
        high[:, column("wage")] = np.where(np.isnan(over), 0.5, np.clip(1 - 2 * over, 0, 1))
        enterprise = int(postings.enterprise[p])
        high[:, column("order")] = b["order"][index] == enterprise if enterprise >= 0 else 0.0
        opened = int(postings.opened[p])
        if opened >= 0:
            graduated = b["graduated"][index]
            days = np.maximum(opened - graduated.astype(np.float64), 0)
            high[:, column("recency")] = np.where(graduated >= 0, np.exp(-days / 365), 0.5)
        else:
            high[:, column("recency")] = 0.5
        industry = int(postings.industry[p])
        high[:, column("industry")] = (
            (b["industries"][index] & np.uint16(1 << industry)) > 0 if industry >= 0 else 0.0)
        return high


def _signatures(sets: list[frozenset[int]], indexes: range) -> np.ndarray:
    """64-bit signature of each set: bit ``item % 64`` for each item."""
    out = np.zeros(len(indexes), dtype=np.uint64)
    for i, j in enumerate(indexes):
        bits = 0
        for item in sets[j]:
            bits |= 1 << (item % 64)
        out[i] = bits
    return out


def _covered(signatures: np.ndarray | None, required: frozenset[int]) -> np.ndarray | float:
    """Upper bound of the share of ``required`` items held (1 when none required)."""
    if not required or signatures is None:
        return 1.0
    hits = np.zeros(len(signatures))
    for item in required:
        hits += (signatures >> np.uint64(item % 64)) & np.uint64(1)
    return hits / len(required)

