"""The matching engine: shortlists for postings, suggestions for trainees.

:class:`Matcher` holds the profiles of trainees and postings, retrieves candidates
through per-occupation and per-skill row lists (never scanning everyone), applies the
hard filters (seeking, consented, level at or above the minimum within a tolerance,
willing to work in the area), scores only the candidates with a
:class:`~matcher.scoring.Scorer`, takes the top ``k`` with a partition (ties to the
earlier row) and explains each result. A shortlist first ranks the trainees holding
the posting's occupation, computing exact features only for those whose ceiling
(:mod:`matcher.retrieval`) can reach the ``k`` best, and scores the other candidates
only when the ``k``-th best of them is within reach of the others' bound — the results
equal scoring every candidate. Trainees and postings can be added, replaced and
removed without a rebuild.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from matcher.errors import MatcherError
from matcher.explain import explain_pairs
from matcher.features import FEATURES, FeatureBuilder, FeatureTable
from matcher.normalize import Normalizer
from matcher.profiles import Context, PostingProfiles, TraineeProfiles
from matcher.retrieval import OccupationBlocks
from matcher.scoring import Scored, Scorer, WeightedScorer
from matcher.taxonomy import Taxonomy

__all__ = ["Filters", "Matcher", "Recommendation", "UnknownIdError"]

#: Occupations at least this similar are retrieved (same 小类, or sharing a skill).
_RETRIEVE_SIMILARITY = 0.5
#: Candidates are left out only when the k-th best score beats their bound by this much
#: (far above rounding in the scores, far below any difference a person would see).
_BOUND_MARGIN = 1e-6
#: The same for ceilings, whose features are worked out in float64 (the features are
#: float32: they may differ in the seventh digit).
_CEILING_MARGIN = 1e-3


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


@dataclass(frozen=True)
class _Ranked:
    """The ``k`` best pairs of a feature table: positions ``order``, best first."""

    features: FeatureTable
    scored: Scored
    order: np.ndarray

    @property
    def kth(self) -> float:
        """The lowest score kept (-inf when none)."""
        return float(self.scored.scores[self.order[-1]]) if len(self.order) else -np.inf


def _check_k(k: object) -> None:
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ValueError(f"k must be a positive integer, got {k!r}")


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
        self.blocks = OccupationBlocks(trainees, self.features.km)
        # The highest similarity of each occupation to any other: the most that the
        # occupation feature can give a trainee who does not hold the occupation.
        others = self.features.similarity.copy()
        np.fill_diagonal(others, 0.0)
        self._next_similarity = others.max(axis=1, initial=0.0)
        # The same for trainees holding no occupation retrieved with it.
        self._below_retrieval = np.where(others < _RETRIEVE_SIMILARITY, others, 0.0).max(
            axis=1, initial=0.0)

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
        """The ``k`` best trainees for a posting, best first.

        When the scorer can bound its scores (``score_bound``), trainees holding the
        posting's own occupation are ranked first; if their ``k``-th best score is above
        what anyone holding only another occupation could reach, the others are not
        scored at all. The results are the same as when every candidate is scored.
        """
        filters = filters or Filters()
        p = self._row(self.postings, posting_id, "posting")
        _check_k(k)
        occupation = int(self.postings.occupation[p])
        bound = getattr(self.scorer, "score_bound", None)
        if bound is not None and occupation >= 0:
            for held, beyond in self._tiers(occupation):
                high = np.ones(len(FEATURES))
                high[FEATURES.index("occupation")] = beyond
                # the most anyone holding none of ``held`` could score
                others = float(bound(high)) + _BOUND_MARGIN
                ranked = self._rank_holders(p, occupation, held, k, filters, bound, others)
                if ranked is not None:
                    return self._recommend(ranked)
        return self._recommend(self._rank_trainees(p, self._trainee_candidates(p), k,
                                                   filters))

    def suggest(self, trainee_id: str, k: int = 10, filters: Filters | None = None
                ) -> list[Recommendation]:
        """The ``k`` best open postings for a trainee, best first."""
        filters = filters or Filters()
        t = self._row(self.trainees, trainee_id, "trainee")
        _check_k(k)
        candidates = self._posting_candidates(t)
        p = candidates[self.postings.open[candidates] & self.postings.active[candidates]]
        if filters.areas is not None:
            wanted = self.postings.context.area_indexes(filters.areas)
            p = p[np.isin(self.postings.area[p], wanted)]
        if filters.require_area:
            p = p[self.features.willing(p, np.full(len(p), t))]
        features = self.features.for_trainee(t, p)
        return self._recommend(self._best(features, features.posting, k, filters))

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

    def _tiers(self, occupation: int) -> Iterator[tuple[np.ndarray, float]]:
        """Occupations whose holders a shortlist ranks first, and the most that the
        occupation feature gives any other candidate: the posting's own occupation, then
        every occupation retrieved with it."""
        yield np.array([occupation]), float(self._next_similarity[occupation])
        related = np.flatnonzero(self.features.similarity[occupation] >= _RETRIEVE_SIMILARITY)
        if len(related) > 1:
            yield related, float(self._below_retrieval[occupation])

    def _rank_holders(self, p: int, occupation: int, held: np.ndarray, k: int,
                      filters: Filters, bound: Callable[[np.ndarray], np.ndarray],
                      others: float) -> _Ranked | None:
        """The ``k`` best trainees for posting row ``p`` (of ``occupation``) if they all
        hold one of the occupations ``held``, scoring only those whose ceiling
        (:meth:`OccupationBlocks.select`) reaches the ``k``-th best; None when someone
        else could be among them (``others``: the most anyone else could score).

        A trainee holding several of them is selected through each; through the one
        the features match (the most similar), the ceiling bounds the score.
        """
        areas = (None if filters.areas is None else
                 self.trainees.context.area_indexes(filters.areas))
        similarity = self.features.similarity[occupation]
        selections = [self.blocks.select(
            int(o), self.postings, p, similarity=float(similarity[o]),
            consented_only=not filters.include_unconsented, areas=areas,
            willing_only=filters.require_area, level_tolerance=filters.level_tolerance)
            for o in held]
        rows = np.concatenate([s.rows for s in selections])
        high = np.concatenate([s.high for s in selections])
        ceiling = np.asarray(bound(high), dtype=np.float64) + _CEILING_MARGIN
        complete = filters.min_score > others  # nobody else can pass the minimum
        kth = np.partition(ceiling, len(rows) - k)[len(rows) - k] if len(rows) >= k else None
        if not complete and (kth is None or kth <= others):
            return None  # fewer than k here could beat everyone else: score nobody
        first = np.ones(len(rows), dtype=bool)
        if kth is not None and len(rows) > k:  # the k highest ceilings, and any within
            first = ceiling >= kth - _CEILING_MARGIN  # rounding of them
        # One occupation's rows are distinct and sorted already.
        distinct = np.unique if len(held) > 1 else np.asarray
        ranked = self._rank_trainees(p, distinct(rows[first]), k, filters, checked=True)
        floor = ranked.kth if len(ranked.order) == k else filters.min_score
        rest = ~first & (ceiling >= floor)
        if rest.any():  # some not scored yet could still make the k best
            ranked = self._rank_trainees(p, distinct(rows[first | rest]), k, filters,
                                         checked=True)
        if complete or (len(ranked.order) == k and ranked.kth > others):
            return ranked
        return None

    def _rank_trainees(self, p: int, candidates: np.ndarray, k: int, filters: Filters, *,
                       checked: bool = False) -> _Ranked:
        """The ``k`` best of ``candidates`` (trainee rows) for posting row ``p``;
        ``checked``: the candidates already passed the filters on trainees."""
        t = candidates
        if not checked:
            t = t[self._trainee_ok(t, filters)]
            if filters.require_area:  # what _best would drop, dropped before the features
                t = t[self.features.willing(np.array([p]), t)]
        features = self.features.for_posting(p, t)
        return self._best(features, features.trainee, k, filters)

    def _best(self, features: FeatureTable, key: np.ndarray, k: int, filters: Filters
              ) -> _Ranked:
        """Filter, score and take the ``k`` best pairs; ties go to the lower ``key`` row,
        so that results are stable across runs and whichever candidates were scored."""
        keep = ~(features.level_gap < -filters.level_tolerance)  # NaN (unknown) passes
        if filters.require_area:
            keep &= features.column("area") > 0
        if not keep.all():
            features = features.take(keep)
            key = key[keep]
        scored = self.scorer.score_pairs(features)
        scores = scored.scores
        order = np.flatnonzero(scores >= filters.min_score)
        if len(order) > k:  # the k best, and any that tie with the k-th
            kept = scores[order]
            order = order[kept >= np.partition(kept, len(kept) - k)[len(kept) - k]]
        order = order[np.lexsort((key[order], -scores[order]))][:k]
        return _Ranked(features, scored, order)

    def _recommend(self, ranked: _Ranked) -> list[Recommendation]:
        """Recommendations, with their reasons, of the ranked pairs."""
        features, scored, order = ranked.features, ranked.scored, ranked.order
        explained = explain_pairs(features, order, self.postings, self.trainees,
                                  self.taxonomy)
        terms = scored.terms
        # Positional arguments, in the order of the fields: a third faster for k objects.
        return [Recommendation(str(posting), str(trainee), rank, score,
                               dict(zip(terms, parts, strict=True)), reasons, gaps)
                for rank, (posting, trainee, score, parts, (reasons, gaps)) in enumerate(zip(
                    self.postings.ids[features.posting[order]].tolist(),
                    self.trainees.ids[features.trainee[order]].tolist(),
                    scored.scores[order].tolist(), scored.contributions[order].tolist(),
                    explained, strict=True), start=1)]

    def with_scorer(self, scorer: Scorer) -> Matcher:
        """The same profiles and indexes, scored by another scorer."""
        clone = Matcher.__new__(Matcher)
        clone.__dict__.update(self.__dict__)
        clone.scorer = scorer
        return clone

