"""The searchable index of a taxonomy's labels.

:class:`Lexicon` turns every label of a :class:`~matcher.taxonomy.Taxonomy` into a
cleaned key and answers three questions fast: which labels equal a string (a dict),
which labels are contained in it (substring look-ups), and which labels share enough
character bigrams (Chinese) or words (English) with it to be worth a fuzzy
comparison (inverted indexes scored with numpy). It also derives *stems* of official
names ("硫酸生产工" → "硫酸生产", "养老护理员" → "养老护理"), which is how people
name the activity rather than the worker.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from matcher.taxonomy import Taxonomy
from matcher.text import clean, is_latin

__all__ = ["Entry", "Lexicon", "english_tokens"]

#: How much a label of each kind is trusted when it matches exactly.
KIND_WEIGHTS = {
    "name": 1.0, "alt_name": 0.99, "colloquial": 0.99, "permit": 0.99, "certificate": 0.98,
    "skill": 0.98, "english": 1.0, "job_board": 0.96, "stem": 0.95,
}
# Only the worker suffixes: stems of "X工程技术人员" ("服装", "设备") name a field, not a job.
_GRAM_SCALE = 0.5  # character trigrams back words up; they must not outvote them
_STEM_SUFFIXES = ("工", "员", "师")
_EN_STOP = {"and", "of", "the", "for", "in", "a", "an", "to", "or", "with", "on", "at", "all",
            "other"}
_EN_WORD = re.compile(r"[a-z0-9]+")
_EN_SUFFIXES = ("ication", "ation", "ings", "ing", "ers", "ors", "er", "or", "ists", "ist",
                "ians", "ian", "es", "s")


def english_tokens(text: str) -> list[str]:
    """Lower-case English words, stop words dropped, lightly stemmed.

    Examples
    --------
    >>> english_tokens("Welding and Cutting Operators")
    ['weld', 'cutt', 'operat']
    """
    out = []
    for word in _EN_WORD.findall(text.lower()):
        if word in _EN_STOP:
            continue
        for suffix in _EN_SUFFIXES:
            if len(word) - len(suffix) >= 3 and word.endswith(suffix):
                word = word[: -len(suffix)]
                break
        out.append(word)
    return out


@dataclass(frozen=True, slots=True)
class Entry:
    """A label as indexed: its cleaned key and what it names."""

    key: str
    code: str
    kind: str
    label: str  #: the label as written in the taxonomy
    weight: float
    #: for permits, the permit's full name ("低压电工" → "低压电工作业"); else ``label``
    canonical: str = ""


def _english_features(text: str) -> set[str]:
    """Stemmed words, and the character trigrams of the words ("machin" ~ "machinist")."""
    tokens = english_tokens(text)
    grams = {f"#{w[i:i + 3]}" for w in (f"<{t}>" for t in _EN_WORD.findall(text.lower()))
             for i in range(len(w) - 2)}
    return set(tokens) | grams


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


class _InvertedIndex:
    """Feature → key ids, scored by overlap with numpy (Dice for bigrams, idf for words)."""

    def __init__(self, features: list[set[str]], *, idf: bool) -> None:
        postings: dict[str, list[int]] = defaultdict(list)
        for i, feats in enumerate(features):
            for feat in feats:
                postings[feat].append(i)
        n = max(len(features), 1)
        self._postings = {f: np.asarray(ids, dtype=np.int32) for f, ids in postings.items()}
        self._weight = {
            f: (math.log((n + 1) / (len(ids) + 0.5)) if idf else 1.0)
            * (_GRAM_SCALE if f.startswith("#") else 1.0)
            for f, ids in postings.items()
        }
        self._norm = np.array(
            [sum(self._weight[f] for f in sorted(feats)) for feats in features] or [0.0]
        )
        self._n = len(features)

    def search(self, feats: set[str], limit: int) -> list[tuple[int, float]]:
        # Sorted, so that float sums do not depend on the hash seed's set order.
        known = sorted(f for f in feats if f in self._postings)
        if not known:
            return []
        scores = np.zeros(self._n)
        for feat in known:
            scores[self._postings[feat]] += self._weight[feat]
        query_norm = sum(self._weight.get(f, 1.0) for f in sorted(feats))
        scores = 2 * scores / (self._norm + query_norm)
        hits = np.flatnonzero(scores)
        if len(hits) > limit:
            hits = hits[np.argpartition(-scores[hits], limit - 1)[:limit]]
        hits = hits[np.argsort(-scores[hits], kind="stable")]
        return [(int(i), float(scores[i])) for i in hits]


class Lexicon:
    """Every label of a taxonomy, cleaned and indexed for exact, substring and fuzzy search."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        exact: dict[str, list[Entry]] = defaultdict(list)
        for label in taxonomy.labels:
            key = clean(label.text)
            if len(key) < 2 and not key.isascii():
                continue  # one Chinese character names nothing reliably
            exact[key].append(
                Entry(key, label.code, label.kind, label.text, KIND_WEIGHTS.get(label.kind, 0.95))
            )
        self._canonical_permits(exact)
        for key, entries in list(exact.items()):
            for entry in entries:
                # Stems of official names only: a colloquial "反应工" would leave "反应".
                if entry.kind in ("name", "alt_name") and not is_latin(key):
                    self._add_stems(exact, entry)
                if entry.kind == "permit" and key.endswith("作业") and len(key) > 4:
                    stem = key[:-2]
                    if stem not in exact:
                        exact[stem].append(Entry(stem, entry.code, "permit", entry.label, 0.98,
                                                 entry.canonical))
        for entries in exact.values():
            entries.sort(key=lambda e: -e.weight)
        self.exact: dict[str, list[Entry]] = dict(exact)
        self.max_key_length = max((len(k) for k in self.exact), default=0)
        self._chinese = [k for k in self.exact if not is_latin(k)]
        # How specific each character is: "专", "员", "工" say little, "焊", "锂" a lot.
        df: dict[str, int] = defaultdict(int)
        for key in self._chinese:
            for ch in set(key):
                df[ch] += 1
        n = max(len(self._chinese), 1)
        self._char_idf = {ch: math.log((n + 1) / (count + 0.5)) for ch, count in df.items()}
        self._unseen_idf = math.log(n + 1)
        # A character in more than 2 % of the labels ("工", "员", "管") is generic; a tiny
        # taxonomy has too few labels to tell.
        self._generic_idf = math.log((n + 1) / (max(0.02 * n, 20) + 0.5))
        self._english = [k for k in self.exact if is_latin(k)]
        self._chinese_index = _InvertedIndex([_bigrams(k) for k in self._chinese], idf=False)
        self._english_index = _InvertedIndex(
            [_english_features(k) for k in self._english], idf=True
        )

    @staticmethod
    def _canonical_permits(exact: dict[str, list[Entry]]) -> None:
        """Point short permit forms at the full name of the same permit.

        People write "低压电工" for the permit 低压电工作业; both must count as one permit
        when a requirement is compared with what a trainee holds.
        """
        full: dict[str, list[str]] = defaultdict(list)
        for entries in exact.values():
            for e in entries:
                if e.kind == "permit" and e.label.endswith("作业"):
                    full[e.code].append(e.label)
        for key, entries in exact.items():
            exact[key] = [
                Entry(e.key, e.code, e.kind, e.label, e.weight,
                      next((f for f in full.get(e.code, ()) if f.startswith(e.label)), e.label)
                      if e.kind == "permit" else e.label)
                for e in entries
            ]

    @staticmethod
    def _add_stems(exact: dict[str, list[Entry]], entry: Entry) -> None:
        for suffix in _STEM_SUFFIXES:
            if entry.key.endswith(suffix):
                stem = entry.key[: -len(suffix)]
                if len(stem) >= 2 and stem not in exact:
                    exact[stem] = [Entry(stem, entry.code, "stem", entry.label,
                                         KIND_WEIGHTS["stem"], entry.label)]
                break

    def __len__(self) -> int:
        return len(self.exact)

    def lookup(self, key: str) -> list[Entry]:
        """Entries whose cleaned label equals ``key`` (best weight first)."""
        return self.exact.get(key, [])

    def contained(self, text: str, *, min_length: int = 2) -> list[tuple[int, int, str]]:
        """Every ``(start, end, key)`` where a key occurs inside ``text``."""
        found = []
        n = len(text)
        longest = min(self.max_key_length, n)
        for start in range(n):
            for end in range(start + min_length, min(n, start + longest) + 1):
                if text[start:end] in self.exact:
                    found.append((start, end, text[start:end]))
        return found

    def is_generic(self, text: str) -> bool:
        """Whether ``text`` is a two-character word of common characters ("工作", "管理")."""
        idf = self._char_idf
        return len(text) <= 2 and all(
            idf.get(ch, self._unseen_idf) < self._generic_idf for ch in text)

    def specificity(self, text: str) -> list[float]:
        """Per-character weights of ``text``: the inverse document frequency over keys."""
        return [self._char_idf.get(ch, self._unseen_idf) for ch in text]

    def similar(self, text: str, limit: int = 25) -> list[tuple[str, float]]:
        """Keys sharing the most bigrams (Chinese) or weighted words (English) with ``text``.

        Returns ``(key, similarity)`` pairs, most similar first; the similarity is a
        Dice coefficient (idf-weighted for English words) in 0–1.
        """
        if is_latin(text):
            hits = self._english_index.search(_english_features(text), limit)
            return [(self._english[i], s) for i, s in hits]
        hits = self._chinese_index.search(_bigrams(text), limit)
        return [(self._chinese[i], s) for i, s in hits]
