"""Normalization of messy occupation, skill and certificate text.

:class:`Normalizer` maps what people write ("急招数控车工3名 包吃住", "焊工證（中級）",
"持低压电工证", "welding") to an occupation of the taxonomy, with the level it names,
what kind of thing it is (occupation, skill, certificate, permit) and a confidence
score from 0 to 100. It looks labels up exactly first, then as substrings, then
fuzzily (rapidfuzz over the candidates an inverted index proposes), and answers
``None`` below its cutoff rather than guess. Strings it could not place are counted in
:attr:`Normalizer.unknown` so that a person can curate aliases for them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from rapidfuzz import fuzz

from matcher.levels import find_level
from matcher.lexicon import Lexicon
from matcher.noise import NoiseFilter, Segment
from matcher.segments import Hit, SegmentScorer
from matcher.taxonomy import Taxonomy
from matcher.text import clean

__all__ = ["DEFAULT_CUTOFF", "Match", "Normalizer"]

#: Scores under this are answered ``None``. On the development sets answers scoring
#: 60–70 were right less than one time in five, and requirement boilerplate that slips
#: past the noise filter ("反应灵活", "身体健康无传染病") scores there too, so a guess under
#: 70 is more likely to mislead a counselor than to help (benchmarks/normalize_quality.py
#: prints the reliability table).
DEFAULT_CUTOFF = 70.0
_KIND_OF_LABEL = {"skill": "skill", "permit": "permit", "certificate": "certificate"}
_EXTRACT_CUTOFF = 80.0
# Clauses end at punctuation; conjunctions inside ("电焊和氩弧焊", "焊接与热切割作业") are
# handled by the longest-label scan, which never cuts a label in two.
_CLAUSE = re.compile(r"[,;|/]")
#: Points a segment loses per position after the first, and for standing in brackets.
_POSITION_PENALTY = 1.5
_QUALIFIER_PENALTY = 6.0


@dataclass(frozen=True, slots=True)
class Match:
    """What a text was read as.

    Attributes
    ----------
    text : the input as given
    code, name : the occupation (细类) of the taxonomy
    level : the rank 0–7 named in the text, if any
    score : confidence 0–100
    kind : ``occupation``, ``skill``, ``certificate`` or ``permit``
    matched : the taxonomy label that matched
    method : ``exact``, ``contains`` or ``fuzzy``
    skill, permit : the skill or permit label, when the text named one
    """

    text: str
    code: str
    name: str
    level: int | None
    score: float
    kind: str
    matched: str
    method: str
    skill: str | None = None
    permit: str | None = None


class Normalizer:
    """Maps free text to taxonomy occupations, levels and kinds, with a confidence.

    Parameters
    ----------
    taxonomy : Taxonomy
        The occupations and labels to map onto.
    cutoff : float, keyword-only
        Matches scoring under it are answered ``None``.
    scorer : callable, keyword-only
        A rapidfuzz scorer for the fuzzy stage (``fuzz.ratio`` by default).
    processor : callable or None, keyword-only
        The rapidfuzz processor for the fuzzy stage. Keys and queries are already
        cleaned, so the default is none.
    cache_size : int, keyword-only
        How many distinct inputs to remember.

    Examples
    --------
    >>> norm = Normalizer.default()
    >>> m = norm.normalize("焊工证（中级）")
    >>> m.code, m.name, m.level, m.kind
    ('6-18-02-04', '焊工', 2, 'certificate')
    """

    def __init__(
        self,
        taxonomy: Taxonomy,
        *,
        cutoff: float = DEFAULT_CUTOFF,
        scorer: Callable[..., float] = fuzz.ratio,
        processor: Callable[[str], str] | None = None,
        cache_size: int = 200_000,
    ) -> None:
        if not 0 <= cutoff <= 100:
            raise ValueError(f"cutoff must be within 0–100, got {cutoff!r}")
        self.taxonomy = taxonomy
        self.cutoff = cutoff
        self.scorer = scorer
        self.processor = processor
        self.cache_size = cache_size
        self.lexicon = Lexicon(taxonomy)
        self.segment_scorer = SegmentScorer(self.lexicon, scorer=scorer, processor=processor)
        self.noise = NoiseFilter(
            (clean(t) for t in taxonomy.noise_terms), self.lexicon.exact.keys()
        )
        self.unknown: Counter[str] = Counter()
        self._cache: dict[str, tuple[Match, ...]] = {}
        self._extracted: dict[str, tuple[Match, ...]] = {}

    @classmethod
    def default(cls, **kwargs: Any) -> Normalizer:
        """A normalizer over the bundled 2022 taxonomy."""
        return cls(Taxonomy.default(), **kwargs)

    # -- public API ---------------------------------------------------------------------

    def normalize(self, text: object) -> Match | None:
        """The best match for ``text``, or ``None`` when it names nothing known.

        ``None``, empty and whitespace strings give ``None``; text that is not a
        string raises ``ValueError``.

        Examples
        --------
        >>> Normalizer.default().normalize("急招数控车工3名 包吃住").name
        '车工'
        """
        ranked = self._ranked(text)
        if ranked and ranked[0].score >= self.cutoff:
            return ranked[0]
        self._record_unknown(text if isinstance(text, str) else None)
        return None

    def normalize_many(self, texts: Iterable[object]) -> list[Match | None]:
        """:meth:`normalize` over many texts, in the same order (repeats cost nothing)."""
        seen: dict[str, Match | None] = {}
        out: list[Match | None] = []
        for text in texts:
            if text is None:
                out.append(None)
                continue
            if not isinstance(text, str):
                raise ValueError(
                    f"text to normalize must be a string, got {type(text).__name__}"
                )
            if text in seen:
                if seen[text] is None:
                    self._record_unknown(text)
                out.append(seen[text])
            else:
                seen[text] = self.normalize(text)
                out.append(seen[text])
        return out

    def candidates(self, text: object, k: int = 5) -> list[Match]:
        """The ``k`` best matches with distinct codes, best first, whatever their score."""
        if k < 1:
            raise ValueError(f"k must be at least 1, got {k!r}")
        return list(self._ranked(text)[:k])

    def _ranked(self, text: object) -> tuple[Match, ...]:
        if text is None:
            return ()
        if not isinstance(text, str):
            raise ValueError(f"text to normalize must be a string, got {type(text).__name__}")
        return self._remembered(self._cache, text, self._rank)

    def _record_unknown(self, text: str | None) -> None:
        if text:
            cleaned = clean(text)
            if cleaned:
                self.unknown[cleaned[:100]] += 1

    def extract(self, text: object) -> list[Match]:
        """Every distinct occupation, skill, certificate or permit named in free text.

        Examples
        --------
        >>> found = Normalizer.default().extract("会电焊、氩弧焊，持低压电工证")
        >>> [(m.name, m.kind, m.skill or m.permit) for m in found][1:]
        [('焊工', 'skill', '氩弧焊'), ('电工', 'permit', '低压电工作业')]

        A level standing alone qualifies the clause before it:

        >>> [(m.name, m.level) for m in Normalizer.default().extract("持焊工证，中级以上")]
        [('焊工', 2)]
        """
        if text is None:
            return []
        if not isinstance(text, str):
            raise ValueError(f"text to extract from must be a string, got {type(text).__name__}")
        return list(self._remembered(self._extracted, text, self._extract))

    def _remembered(self, cache: dict[str, tuple[Match, ...]], text: str,
                    compute: Callable[[str], tuple[Match, ...]]) -> tuple[Match, ...]:
        """``compute(text)``, remembered; the memory starts over when it is full."""
        found = cache.get(text)
        if found is None:
            found = compute(text)
            if len(cache) >= self.cache_size:
                cache.clear()
            cache[text] = found
        return found

    def _extract(self, text: str) -> tuple[Match, ...]:
        found: dict[tuple[str, str, str], Match] = {}
        previous: list[Match] = []
        for clause in _CLAUSE.split(clean(text)):
            level, matches = self._extract_clause(text, clause)
            if not matches and level is not None:
                # "持焊工证，中级以上": a level standing alone qualifies the clause before.
                matches = [replace(m, level=level) for m in previous if m.level is None]
            for match in matches:
                key = (match.code, match.kind, match.matched)
                if key not in found or found[key].score <= match.score:
                    found[key] = match
            previous = matches or previous
        return tuple(found.values())

    # -- matching -----------------------------------------------------------------------

    def _prepare(self, text: str) -> tuple[int | None, list[Segment]]:
        cleaned = clean(text)
        level = None
        found = find_level(cleaned)
        if found is not None:
            level, start, end = found
            cleaned = cleaned[:start] + " " + cleaned[end:]
        return level, self.noise.segments(self.noise.strip(cleaned))

    def _rank(self, text: str) -> tuple[Match, ...]:
        level, segments = self._prepare(text)
        hits: list[Hit] = []
        for segment in segments[:20]:
            hits.extend(self.segment_scorer.score(segment))
        best: dict[str, Hit] = {}
        for hit in hits:
            # The first segment is the head of a compound title; brackets hold qualifiers.
            segment = hit.segment
            penalty = _POSITION_PENALTY * segment.position + (
                _QUALIFIER_PENALTY if segment.qualifier else 0.0)
            hit = Hit(hit.entry, hit.score - penalty, hit.method, segment)
            held = best.get(hit.entry.code)
            if held is None or hit.score > held.score:
                best[hit.entry.code] = hit
        ordered = sorted(best.values(), key=lambda h: -h.score)
        if len(ordered) > 1 and ordered[0].method != "exact":
            # Two occupations almost equally likely: say so in the confidence, without
            # ranking the best below the runner-up.
            gap = ordered[0].score - ordered[1].score
            if gap < 3:
                score = max(ordered[0].score - (3 - gap) * 2, ordered[1].score)
                ordered[0] = Hit(ordered[0].entry, score, ordered[0].method,
                                 ordered[0].segment)
        return tuple(self._to_match(text, hit, level) for hit in ordered[:10])

    def _to_match(self, text: str, hit: Hit, level: int | None) -> Match:
        entry = hit.entry
        kind = _KIND_OF_LABEL.get(entry.kind, "occupation")
        if kind == "occupation" and hit.segment.certificate:
            kind = "certificate"
        return Match(
            text=text,
            code=entry.code,
            name=self.taxonomy[entry.code].name,
            level=level,
            score=round(max(0.0, min(100.0, hit.score)), 1),
            kind=kind,
            matched=entry.label,
            method=hit.method,
            skill=entry.label if kind == "skill" else None,
            permit=(entry.canonical or entry.label) if kind == "permit" else None,
        )

    def _extract_clause(self, text: str, clause: str) -> tuple[int | None, list[Match]]:
        level = None
        found = find_level(clause)
        if found is not None:
            level, start, end = found
            clause = clause[:start] + " " + clause[end:]
        clause, certificate = NoiseFilter.unwrap(self.noise.strip(clause))
        if not clause:
            return level, []
        segment = Segment(clause, certificate, 0)
        # Longest labels first, without overlaps: "低压电工" wins over "电工" inside it.
        spans = sorted(self.lexicon.contained(clause), key=lambda s: (s[0] - s[1], s[0]))
        taken = [False] * len(clause)
        out = []
        for start, end, key in spans:
            if any(taken[start:end]):
                continue
            taken[start:end] = [True] * (end - start)
            entry = self.lexicon.lookup(key)[0]
            whole = end - start == len(clause)
            # A two-character label inside longer text is the least certain find.
            score = 100 * entry.weight * (1.0 if whole or end - start > 2 else 0.9)
            out.append(self._to_match(
                text, Hit(entry, score, "exact" if whole else "contains", segment), level))
        if not out:
            # Free text names many things in passing: only a confident reading counts.
            best = self._ranked(clause)
            if best and best[0].score >= max(self.cutoff, _EXTRACT_CUTOFF):
                out.append(replace(best[0], text=text, level=level))
        return level, out
