"""Personal numbers typed into free text: resident ID numbers and mobile phone numbers.

A trainee's skills and certificates are shown to enterprises; contact details are shown
only with the trainee's separate consent, and ID numbers never. People nevertheless type
them into any box ("电焊 身份证511702…  电话139…"). :func:`personal_numbers` finds them so
that such text is refused where it is entered, instead of leaking where it is shown.

An ID number counts when its check digit is valid (GB 11643-1999), so that the long
numbers of certificates rarely match, or when words before it say it is one (身份证…);
a mobile number is 1[3-9] and nine more digits (optionally after +86), not part of a
longer run of digits.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["ID_NUMBER", "MOBILE", "personal_numbers"]

ID_NUMBER = "身份证号"
MOBILE = "手机号"

_ID = re.compile(r"(?<!\d)[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
                 r"\d{3}[\dXx](?![\dXx])")
_MOBILE = re.compile(r"(?:(?<!\d)\+?86[ -]?|(?<!\d))1[3-9]\d(?:[ -]?\d{4}){2}(?!\d)")
#: Words that say the number after them is an ID number, whatever its check digit.
_ID_WORDS = re.compile(r"(?:身份证|证件|公民身份|ID|id)[^0-9]{0,8}$")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def _valid_id(number: str) -> bool:
    total = sum(int(d) * w for d, w in zip(number[:17], _WEIGHTS, strict=True))
    return _CHECK[total % 11] == number[17].upper()


def personal_numbers(text: str | None) -> list[str]:
    """The kinds of personal number in ``text`` (:data:`ID_NUMBER`, :data:`MOBILE`).

    Examples
    --------
    >>> personal_numbers("会氩弧焊，电话 139 1234 5678")
    ['手机号']
    >>> personal_numbers("身份证11010519491231002X")
    ['身份证号']
    >>> personal_numbers("身份证号：511702199001011234")  # a wrong check digit, still an ID
    ['身份证号']
    >>> personal_numbers("证书编号 1810000000300123，焊工四级")
    []
    """
    if not text:
        return []
    text = unicodedata.normalize("NFKC", text)  # full-width digits too
    found = []
    if any(_valid_id(m.group()) or _ID_WORDS.search(text[max(0, m.start() - 12):m.start()])
           for m in _ID.finditer(text)):
        found.append(ID_NUMBER)
    if _MOBILE.search(text):
        found.append(MOBILE)
    return found
