"""Text cleaning shared by level parsing and normalization.

People write occupations, skills and certificates in full-width and half-width
forms, in traditional and simplified characters, with recruitment noise around them
(pay, benefits, shifts, company names). :func:`clean` brings any such string to one
canonical form: NFKC, simplified characters, lower case, one kind of punctuation,
single spaces. Everything downstream compares cleaned strings only.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

__all__ = ["MAX_TEXT_LENGTH", "clean", "is_latin", "spellings", "to_simplified"]

#: Longer inputs are cut here: no title, skill or certificate is this long, and the
#: cost of cleaning must stay bounded whatever a caller sends.
MAX_TEXT_LENGTH = 2000

_CONVERTER = opencc.OpenCC("t2s")
# Variant characters that OpenCC's t2s table keeps but that mean the simplified form.
_VARIANTS = str.maketrans({"銲": "焊", "鉗": "钳", "锺": "钟", "裡": "里", "僱": "雇"})
_PUNCTUATION = str.maketrans(
    {
        "【": "(", "】": ")", "[": "(", "]": ")", "{": "(", "}": ")", "〔": "(", "〕": ")",
        "《": "", "》": "", "<": "", ">": "", "“": "", "”": "", '"': "", "'": "",
        "‘": "", "’": "", "「": "", "」": "", "『": "", "』": "",
        "—": "-", "–": "-", "―": "-", "－": "-", "~": "-", "〜": "-", "～": "-",
        "、": ",", "，": ",", "；": ";", "。": ";", "｜": "|", "／": "/", "\\": "/",
        "·": " ", "•": " ", "・": " ", "　": " ", "\t": " ", "\n": ";", "\r": ";",
    }
)
_SPACES = re.compile(r"\s+")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]{0,15}(?:\s[^<>]{0,200})?/?>")
_SCRIPT = re.compile(r"<(script|style)\b[^<>]{0,200}>.{0,2000}?</\1\s*>", re.IGNORECASE | re.DOTALL)
_LETTER_SPACED = re.compile(
    r"(?<![\u4e00-\u9fff])[\u4e00-\u9fff](?: [\u4e00-\u9fff](?![\u4e00-\u9fff]))+"
)
# Control characters, private-use and unassigned code points, emoji and symbols.
_JUNK_CATEGORIES = {"Cc", "Cf", "Co", "Cn", "Cs", "So", "Sk"}


def to_simplified(text: str) -> str:
    """Convert traditional characters to simplified ones (OpenCC ``t2s`` and variants).

    Examples
    --------
    >>> to_simplified("焊工證（中級）")
    '焊工证（中级）'
    """
    return _CONVERTER.convert(text).translate(_VARIANTS)


@lru_cache(maxsize=1)
def _to_traditional() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


def spellings(text: str) -> set[str]:
    """``text`` in simplified and in traditional characters (and as given): what a search
    looks for, since postings are written in either.

    Examples
    --------
    >>> sorted(spellings("机器人"))
    ['机器人', '機器人']
    """
    return {text, to_simplified(text), _to_traditional().convert(text)}


def clean(text: str) -> str:
    """Return the canonical form of ``text`` that all matching works on.

    NFKC (full-width to half-width), traditional to simplified, lower case, unified
    punctuation (Chinese commas and pauses become ``,``), emoji and control
    characters dropped, whitespace collapsed. Inputs longer than
    :data:`MAX_TEXT_LENGTH` are cut.

    Examples
    --------
    >>> clean("  焊工證（中級） ")
    '焊工证(中级)'
    >>> clean("ＣＮＣ　操作工")
    'cnc 操作工'
    >>> clean("<b>焊工</b><br>四级")
    '焊工 四级'
    """
    if not isinstance(text, str):
        raise ValueError(f"expected a string, got {type(text).__name__}")
    return _clean(text)


@lru_cache(maxsize=65536)
def _clean(text: str) -> str:
    # NFKC can expand a character (ﷺ is 18 letters), so cut again after it.
    text = unicodedata.normalize("NFKC", text[:MAX_TEXT_LENGTH])[:MAX_TEXT_LENGTH]
    # Markup pasted from a web page (<br>, <b>…</b>, <script>…</script>) says nothing of a
    # trade; a tag becomes a space (script contents too). "<焊工>" is no tag and stays.
    text = _SCRIPT.sub(" ", text)
    text = _TAG.sub(" ", text)
    # Punctuation first: line breaks separate items and must become ";" before the
    # control characters among them are dropped.
    text = text.translate(_PUNCTUATION)
    text = "".join(
        (" " if unicodedata.category(ch) == "Cc" else "")
        if unicodedata.category(ch) in _JUNK_CATEGORIES
        else ch
        for ch in text
    )
    text = to_simplified(text).lower()
    text = _SPACES.sub(" ", text).strip()
    # A space between words separates them ("服装 卖手"), but letter-spaced characters
    # ("焊 工 证") are one word.
    return _LETTER_SPACED.sub(lambda m: m.group(0).replace(" ", ""), text)


def is_latin(text: str) -> bool:
    """Whether ``text`` is written in Latin letters (English) rather than Chinese.

    Examples
    --------
    >>> is_latin("cnc machinist"), is_latin("数控车工")
    (True, False)
    """
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return False
    latin = sum(1 for ch in letters if ch.isascii())
    return latin / len(letters) > 0.5
