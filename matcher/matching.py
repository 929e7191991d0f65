"""The matching engine: shortlists for postings, suggestions for trainees.

:class:`Matcher` holds the profiles of trainees and postings, retrieves candidates
through per-occupation and per-skill row lists (never scanning everyone), applies the
hard filters (seeking, consented, level at or above the minimum within a tolerance,
willing to work in the area), scores only the candidates with a
:class:`~matcher.scoring.Scorer`, takes the top ``k`` with ``argpartition`` and
explains each result. Trainees and postings can be added, replaced and removed
without a rebuild.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from matcher.errors import MatcherError
from matcher.explain import explain_pair
from matcher.features import FeatureBuilder, FeatureTable
from matcher.normalize import Normalizer
from matcher.profiles import Context, PostingProfiles, TraineeProfiles
from matcher.scoring import Scorer, WeightedScorer
from matcher.taxonomy import Taxonomy

__all__ = ["Filters", "Matcher", "Recommendation", "UnknownIdError"]

#: Occupations at least this similar are retrieved (same 小类, or sharing a skill).
_RETRIEVE_SIMILARITY = 0.5


class UnknownIdError(MatcherError, KeyError):
    """A posting or trainee id that the matcher does not hold (or no longer holds)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown id"


@dataclass(frozen=True)
class Filters:
    """Hard filters of a shortlist or of suggestions.

    Attributes
    ----------
    level_tolerance : ranks below the posting's minimum still shown (0: none)
    require_area : only trainees willing to work in the posting's area
    areas : only trainees (shortlist) or postings (suggest) in these areas
    min_score : drop results scoring under this
    include_unconsented : also trainees who did not consent (never for enterprises)
    """

    level_tolerance: int = 0
    require_area: bool = True
    areas: tuple[str, ...] | None = None
    min_score: float = 0.0
    include_unconsented: bool = False

    def __post_init__(self) -> None:
        if not 0 <= self.level_tolerance <= 7:
            raise ValueError(f"level_tolerance is 0–7, got {self.level_tolerance!r}")


@dataclass(frozen=True)
class Recommendation:
    """One ranked pair, with the parts of its score and the reasons behind them."""

    posting_id: str
    trainee_id: str
    rank: int
    score: float
    contributions: dict[str, float]
    reasons: tuple[str, ...]
    gaps: tuple[str, ...]


class Matcher:
    """Shortlists trainees for postings and suggests postings to trainees.

    Examples
    --------
    >>> from matcher.sample import generate_market
    >>> market = generate_market(400, seed=3)
    >>> m = Matcher.from_tables(market["trainees"], market["postings"],
    ...                         enterprises=market["enterprises"], courses=market["courses"])
    >>> recs = m.shortlist(market["postings"]["posting_id"][0], k=5)
    >>> all(abs(sum(r.contributions.values()) - r.score) < 1e-6 for r in recs)
    True
    """

    def __init__(self, postings: PostingProfiles, trainees: TraineeProfiles,
                 scorer: Scorer | None = None) -> None:
        self.postings = postings
        self.trainees = trainees
        self.scorer: Scorer = scorer if scorer is not None else WeightedScorer()
        self.features = FeatureBuilder(postings, trainees)
        self.taxonomy: Taxonomy = postings.context.normalizer.taxonomy

    @classmethod
    def from_tables(cls, trainees: pd.DataFrame, postings: pd.DataFrame, *,
                    enterprises: pd.DataFrame | None = None,
                    courses: pd.DataFrame | None = None,
                    normalizer: Normalizer | None = None, scorer: Scorer | None = None
                    ) -> Matcher:
        """Build profiles and indexes from the import tables (see :mod:`matcher.schemas`)."""
        context = Context(normalizer if normalizer is not None else Normalizer.default())
        trainee_profiles = TraineeProfiles(context)
        trainee_profiles.add(trainees, courses)
        posting_profiles = PostingProfiles(context)
        posting_profiles.add(postings, enterprises)
        return cls(posting_profiles, trainee_profiles, scorer)

    # -- updates -------------------------------------------------------------------------

    def add_trainees(self, trainees: pd.DataFrame, courses: pd.DataFrame | None = None) -> None:
        """Add trainees, or replace those whose ``trainee_id`` is already held."""
        self.trainees.add(trainees, courses)

    def add_postings(self, postings: pd.DataFrame,
                     enterprises: pd.DataFrame | None = None) -> None:
        """Add postings, or replace those whose ``posting_id`` is already held."""
        self.postings.add(postings, enterprises)

    def remove_trainees(self, trainee_ids: list[str]) -> int:
        """Remove trainees (consent withdrawn, deleted): they appear in no result again."""
        return self.trainees.remove(trainee_ids)

    def remove_postings(self, posting_ids: list[str]) -> int:
        """Remove postings (closed, withdrawn)."""
        return self.postings.remove(posting_ids)

    # -- queries -------------------------------------------------------------------------

    def shortlist(self, posting_id: str, k: int = 20, filters: Filters | None = None
                  ) -> list[Recommendation]:
        """The ``k`` best trainees for a posting, best first."""
        filters = filters or Filters()
        p = self._row(self.postings, posting_id, "posting")
        candidates = self._trainee_candidates(p)
        t = candidates[self._trainee_ok(candidates, filters)]
        if filters.require_area:  # what _top would drop, dropped before the features
            t = t[self.features.willing(np.full(len(t), p), t)]
        features = self.features.pairs(np.full(len(t), p), t)
        return self._top(features, k, filters)

    def suggest(self, trainee_id: str, k: int = 10, filters: Filters | None = None
                ) -> list[Recommendation]:
        """The ``k`` best open postings for a trainee, best first."""
        filters = filters or Filters()
        t = self._row(self.trainees, trainee_id, "trainee")
        candidates = self._posting_candidates(t)
        p = candidates[self.postings.open[candidates] & self.postings.active[candidates]]
        if filters.areas is not None:
            wanted = self.postings.context.area_indexes(filters.areas)
            p = p[np.isin(self.postings.area[p], wanted)]
        if filters.require_area:
            p = p[self.features.willing(p, np.full(len(p), t))]
        features = self.features.pairs(p, np.full(len(p), t))
        return self._top(features, k, filters)

    def pair_features(self, posting_ids: list[str], trainee_ids: list[str]) -> FeatureTable:
        """Features of given (posting, trainee) pairs, e.g. to learn from outcomes."""
        p = np.array([self._row(self.postings, i, "posting") for i in posting_ids])
        t = np.array([self._row(self.trainees, i, "trainee") for i in trainee_ids])
        return self.features.pairs(p, t)

    # -- internals -----------------------------------------------------------------------

    @staticmethod
    def _row(profiles: PostingProfiles | TraineeProfiles, key: object, what: str) -> int:
        row = profiles.row_of.get(str(key)) if key is not None else None
        if row is None or not profiles.active[row]:
            raise UnknownIdError(f"no {what} with id {key!r}")
        return row

    def _trainee_candidates(self, p: int) -> np.ndarray:
        occupation = int(self.postings.occupation[p])
        related: list[int] = []
        if occupation >= 0:
            related = np.flatnonzero(
                self.features.similarity[occupation] >= _RETRIEVE_SIMILARITY).tolist()
        wanted = self.postings.skills[p] | self.postings.preferred_skills[p]
        return self.trainees.rows_with(related, wanted)

    def _posting_candidates(self, t: int) -> np.ndarray:
        reading = self.trainees.reading[t]
        held = self.trainees.occupation[reading]
        held = held[held >= 0]
        related: list[int] = []
        if len(held):
            related = np.flatnonzero(
                (self.features.similarity[held] >= _RETRIEVE_SIMILARITY).any(axis=0)).tolist()
        return self.postings.rows_with(related, self.trainees.skill_sets[reading])

    def _trainee_ok(self, t: np.ndarray, filters: Filters) -> np.ndarray:
        tp = self.trainees
        ok = tp.active[t] & tp.seeking[t]
        if not filters.include_unconsented:
            ok &= tp.consent[t]
        if filters.areas is not None:
            wanted = tp.context.area_indexes(filters.areas)
            ok &= np.isin(tp.area[t], wanted)
        return ok

    def _top(self, features: FeatureTable, k: int, filters: Filters) -> list[Recommendation]:
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise ValueError(f"k must be a positive integer, got {k!r}")
        keep = np.ones(len(features), dtype=bool)
        gap = features.level_gap
        keep &= ~(gap < -filters.level_tolerance)  # NaN (unknown) passes
        if filters.require_area:
            keep &= features.column("area") > 0
        if not keep.all():
            features = features.take(keep)
        scored = self.scorer.score_pairs(features)
        scores = scored.scores
        order = np.flatnonzero(scores >= filters.min_score)
        if len(order) > k:
            order = order[np.argpartition(-scores[order], k - 1)[:k]]
        # Ties go to the earlier row, so that results are stable across runs.
        order = order[np.lexsort((order, -scores[order]))]
        out = []
        for rank, i in enumerate(order.tolist(), start=1):
            reasons, gaps = explain_pair(features, i, self.postings, self.trainees,
                                         self.taxonomy)
            parts = {term: float(v) for term, v in
                     zip(scored.terms, scored.contributions[i].tolist(), strict=True)}
            out.append(Recommendation(
                posting_id=str(self.postings.ids[features.posting[i]]),
                trainee_id=str(self.trainees.ids[features.trainee[i]]),
                rank=rank, score=float(scores[i]), contributions=parts,
                reasons=reasons, gaps=gaps))
        return out

    def with_scorer(self, scorer: Scorer) -> Matcher:
        """The same profiles and indexes, scored by another scorer."""
        clone = Matcher.__new__(Matcher)
        clone.__dict__.update(self.__dict__)
        clone.scorer = scorer
        return clone

