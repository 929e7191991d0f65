"""Recruitment noise: what postings and rosters wrap around an occupation.

"急招数控车工3名 包吃住 5000-8000 长白班" names one occupation; the rest is hiring
words, headcounts, pay, benefits and shifts. :class:`NoiseFilter` removes those
(from the taxonomy's curated noise terms and a few patterns), takes the part after
"…招聘" in titles such as "某某公司招聘焊工", strips certificate markers (证, 证书,
操作证 …) and the verbs of requirement text (持, 会, 熟悉 …), and splits compounds
("收料员/仓库管理员") into segments that are matched one by one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from matcher.text import is_latin

__all__ = ["NoiseFilter", "Segment"]

_PAY = (
    r"\d+(?:\.\d+)?\s*[kw千万]?\s*(?:-|至|到)\s*\d+(?:\.\d+)?\s*[kw千万]?\s*(?:元|块)?"
    r"(?:/(?:月|天|日|时|小时|年)|每月|每天|一个月|起)?"
    r"|\d+(?:\.\d+)?\s*(?:[kw千万]|元|块)\+?(?:/(?:月|天|日|时|小时|年)|每月|每天|起)?"
    r"|(?:月薪|底薪|年薪|日薪|时薪|工资|薪资|综合薪资|高薪)\s*\d+(?:\.\d+)?\s*[kw千万]?\+?"
)
_HEADCOUNT = r"(?:\d+|[一两二三四五六七八九十]+)\s*(?:名|人|位)|若干名?|数名"
_HIRING_PREFIX = re.compile(
    r"^[^,;|/+ ]{0,30}?(?:招聘|诚聘|急聘|高薪诚聘|招募|直招)(?=[\u4e00-\u9fffa-z\ue000-\uf8ff])"
)
# Labels that contain a hiring word ("招聘专员" is a recruiter) are masked with
# private-use characters while noise is removed, then put back.
_MASK_BASE = 0xE000
_HIRING_WORDS = r"急招|急聘|诚聘|招聘|直招|招募|高薪|长期招|热招|聘"
_COMPANY = re.compile(
    r"[\u4e00-\u9fffa-z0-9]{2,}?(?:股份有限公司|有限责任公司|有限公司|分公司|公司|集团|工作室)"
)
_CERT_MARKER = re.compile(
    r"(?:特种作业)?(?:职业资格|技能等级|职业技能等级|操作|上岗|资格|等级|执业|岗位)?(?:证书|证|执照)$"
)
_LEADING = re.compile(
    r"^(?:持有|持|具有|具备|拥有|取得|有|会|懂|熟悉|熟练掌握|熟练使用|熟练|掌握|精通|能够|能|可以|"
    r"从事过?|负责|擅长|了解)+"
)
_TRAILING = re.compile(
    r"(?:者优先|优先考虑|优先|相关工作经验|工作经验|相关经验|经验丰富|经验|等相关|相关|岗位|职位|方向)+$"
)
_SPLIT = re.compile(r"[,;|/+()&]|\s+|-(?=\D)|(?<=\D)-|及|和|与|或|以及|并且")
# English words are separated by spaces, so only punctuation separates English items.
_SPLIT_LATIN = re.compile(r"[,;|/+()&]| - ")
_EDGE_PUNCTUATION = " .:_*#!?-"  # a set of characters to trim from both ends
_EMPTY_BRACKETS = re.compile(r"\(\s*\)")
_BRACKETED = re.compile(r"\(([^()]*)(?:\)|$)")


@dataclass(frozen=True, slots=True)
class Segment:
    """One piece of a cleaned phrase that may name a single thing."""

    text: str
    certificate: bool  #: written as a certificate (焊工证, 电工操作证 …)
    position: int  #: index among the phrase's segments
    qualifier: bool = False  #: written in brackets: a place, brand or note, rarely the job


class NoiseFilter:
    """Removes recruitment noise and splits a cleaned phrase into segments.

    Parameters
    ----------
    terms : iterable of str
        Noise terms (cleaned). Terms that occur inside one of ``protected`` are not
        removed, so that noise never cuts a real label in two.
    protected : iterable of str
        Cleaned labels of the taxonomy.
    """

    def __init__(self, terms: Iterable[str], protected: Iterable[str] = ()) -> None:
        labels = [p for p in protected if p]
        self._protected = frozenset(labels)
        joined = "\n".join(labels)
        safe = sorted(
            {t for t in terms if len(t) >= 2 and t not in joined}, key=len, reverse=True
        )
        parts = [_PAY, _HEADCOUNT, _HIRING_WORDS, *map(re.escape, safe)]
        self._noise = re.compile("|".join(parts))
        hiring = re.compile(_HIRING_WORDS)
        masked = sorted((p for p in labels if hiring.search(p) and not hiring.fullmatch(p)),
                        key=len, reverse=True)
        self._masked = masked
        self._mask = re.compile("|".join(map(re.escape, masked))) if masked else None

    def strip(self, text: str) -> str:
        """Remove hiring prefixes, company names, pay, headcounts and noise terms."""
        kept: list[str] = []
        if self._mask is not None and self._mask.search(text):
            def hide(match: re.Match[str]) -> str:
                kept.append(match.group(0))
                return chr(_MASK_BASE + len(kept) - 1)

            text = self._mask.sub(hide, text)
        text = _HIRING_PREFIX.sub("", text)
        text = _COMPANY.sub(" ", text)
        text = self._noise.sub(" ", text)
        for i, label in enumerate(kept):
            text = text.replace(chr(_MASK_BASE + i), label)
        return _EMPTY_BRACKETS.sub(" ", text).strip()

    def segments(self, text: str) -> list[Segment]:
        """Split a stripped phrase into the segments worth matching, in order.

        Text in brackets comes last and is marked as a qualifier: "药店店员(妇幼保健站店)"
        is a shop assistant, whatever the bracket names.
        """
        qualifiers = [m.group(1) for m in _BRACKETED.finditer(text)]
        main = _BRACKETED.sub(" ", text)
        out: list[Segment] = []
        for part, qualifier in [(main, False)] + [(q, True) for q in qualifiers]:
            splitter = _SPLIT_LATIN if is_latin(part) else _SPLIT
            # A label that contains a separator ("玻璃纤维及制品工") stays whole.
            pieces = [part.strip()] if part.strip() in self._protected else splitter.split(part)
            for piece in pieces:
                piece = piece.strip(_EDGE_PUNCTUATION)
                if not piece:
                    continue
                piece, certificate = self.unwrap(piece)
                if piece:
                    out.append(Segment(piece, certificate, len(out), qualifier))
        return out

    @staticmethod
    def unwrap(piece: str) -> tuple[str, bool]:
        """Strip requirement verbs and certificate markers; say whether one was there."""
        piece = _LEADING.sub("", piece)
        piece = _TRAILING.sub("", piece)
        stripped = _CERT_MARKER.sub("", piece)
        return stripped.strip(), stripped != piece
