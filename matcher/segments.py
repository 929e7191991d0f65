"""Scoring one segment of a phrase against the lexicon.

A :class:`SegmentScorer` proposes the occupations a segment ("数控车工", "电商运营专员",
"welder") may name and scores each 0–100+: an exact label scores its label's weight;
labels found inside the segment score by how much of the segment's *specific*
characters they cover; labels that contain the segment, or resemble it (rapidfuzz over
the candidates the lexicon's inverted index proposes), score lower; and the nearest
labels vote, so that an occupation several similar labels point to beats one reached
through a single lucky label. :class:`~matcher.normalize.Normalizer` combines the
segments of a phrase and turns the best hits into matches.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rapidfuzz import fuzz

from matcher.lexicon import Entry, Lexicon
from matcher.noise import Segment
from matcher.text import is_latin

__all__ = ["Hit", "SegmentScorer"]

_MAX_SEGMENT = 40
#: How many nearest labels vote, and how many points a unanimous vote adds.
_VOTERS = 10
_VOTE_POINTS = 10.0
# English titles share words across occupations ("operator", "technician"), so for them
# the neighbours' agreement counts for more than any single label's similarity.
_ENGLISH_VOTE_POINTS = 30.0


@dataclass(frozen=True, slots=True)
class Hit:
    """A label that may be what a segment names, with its score and how it was found."""

    entry: Entry
    score: float
    method: str  #: ``exact``, ``contains`` or ``fuzzy``
    segment: Segment


class SegmentScorer:
    """Scores the occupations a segment may name.

    Parameters
    ----------
    lexicon : Lexicon
        The indexed labels.
    scorer : callable, keyword-only
        The rapidfuzz scorer of the fuzzy stage.
    processor : callable or None, keyword-only
        Its processor (segments and keys are already cleaned).

    Examples
    --------
    >>> from matcher import Taxonomy
    >>> from matcher.noise import Segment
    >>> scorer = SegmentScorer(Lexicon(Taxonomy.default()))
    >>> best = max(scorer.score(Segment("电焊工", False, 0)), key=lambda h: h.score)
    >>> best.entry.code, best.method
    ('6-18-02-04', 'exact')
    """

    def __init__(self, lexicon: Lexicon, *, scorer: Callable[..., float] = fuzz.ratio,
                 processor: Callable[[str], str] | None = None) -> None:
        self.lexicon = lexicon
        self.scorer = scorer
        self.processor = processor

    def score(self, segment: Segment) -> list[Hit]:
        """Every occupation the segment may name, with a score (not yet capped at 100)."""
        text = segment.text[:_MAX_SEGMENT]
        exact = self.lexicon.lookup(text)
        if exact:
            ambiguous = len({e.code for e in exact if e.weight == exact[0].weight}) > 1
            return [Hit(e, 100 * e.weight - (5 if ambiguous else 0), "exact", segment)
                    for e in exact]
        if is_latin(text):
            neighbours = self.lexicon.similar(text)
            return self._vote(self._fuzzy(segment, text, neighbours), neighbours)
        # Labels inside the segment: each occupation scores by how much of the segment's
        # specific characters its labels cover together ("电商运营专员": 电商运营 beats
        # 运营专员, whose 专员 says little).
        weights = self.lexicon.specificity(text)
        total = sum(weights) or 1.0
        covered: dict[str, set[int]] = {}
        best_entry: dict[str, Entry] = {}
        for start, end, key in self.lexicon.contained(text):
            for e in self.lexicon.lookup(key):
                covered.setdefault(e.code, set()).update(range(start, end))
                held = best_entry.get(e.code)
                if held is None or (end - start, e.weight) > (len(held.key), held.weight):
                    best_entry[e.code] = e
        hits: list[Hit] = []
        for code, chars in covered.items():
            coverage = sum(weights[i] for i in chars) / total
            entry = best_entry[code]
            score = (60 + 36 * coverage + (2 if len(text) - 1 in chars else 0)) * entry.weight
            hits.append(Hit(entry, score, "contains", segment))
        neighbours = self.lexicon.similar(text)
        return self._vote(hits + self._fuzzy(segment, text, neighbours), neighbours)

    def _vote(self, hits: list[Hit], neighbours: list[tuple[str, float]]) -> list[Hit]:
        """Add the agreement of the nearest labels: an occupation that several similar
        labels point to is likelier than one reached through a single lucky label."""
        votes: dict[str, float] = {}
        for key, sim in neighbours[:_VOTERS]:
            for code in {e.code for e in self.lexicon.lookup(key)}:
                votes[code] = votes.get(code, 0.0) + sim * sim
        if not votes:
            return hits
        top = max(votes.values())
        english = bool(hits) and is_latin(hits[0].segment.text)
        points = _ENGLISH_VOTE_POINTS if english else _VOTE_POINTS
        return [Hit(h.entry, h.score + points * votes.get(h.entry.code, 0.0) / top,
                     h.method, h.segment) for h in hits]

    def _fuzzy(self, segment: Segment, text: str,
               neighbours: list[tuple[str, float]]) -> list[Hit]:
        hits: list[Hit] = []
        latin = is_latin(text)
        for key, sim in neighbours:
            if latin:
                # English: word overlap (idf-weighted, stemmed) decides; word order and
                # spelling much less.
                score = 100 * sim
                method = "fuzzy"
            elif text in key:
                if self.lexicon.is_generic(text):
                    continue  # "工作" inside "电工作业" is no evidence of anything
                weights = self.lexicon.specificity(key)
                start = key.index(text)
                share = sum(weights[start : start + len(text)]) / (sum(weights) or 1.0)
                # Two characters at the start of a long label ("办公" in 办公设备维修工)
                # are weak evidence: many words begin that way.
                score = 56 + 36 * share - (8 if len(text) <= 2 else 0)
                method = "contains"
            else:
                score = 0.92 * self.scorer(text, key, processor=self.processor)
                method = "fuzzy"
            hits.extend(Hit(e, score * e.weight, method, segment)
                        for e in self.lexicon.lookup(key))
        return hits

