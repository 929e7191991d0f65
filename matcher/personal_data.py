"""Personal numbers typed into free text: resident ID numbers and mobile phone numbers.

A trainee's skills and certificates are shown to enterprises; contact details are shown
only with the trainee's separate consent, and ID numbers never. People nevertheless type
them into any box ("电焊 身份证511702…  电话139…"). :func:`personal_numbers` finds them so
that such text is refused where it is entered, instead of leaking where it is shown.

An ID number counts when words before it say it is one (身份证…), or when its check
digit is valid (GB 11643-1999) and no words before it say it is another number (编号,
证书号, 准考证 …): the long numbers of certificates then rarely match. A mobile number
has a mainland mobile prefix and eleven digits (optionally after +86), is not part of a
longer run of digits, and is not said to be another number. Digits written in groups
("139 1234 5678") are read whole.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["ID_NUMBER", "MOBILE", "personal_numbers"]

ID_NUMBER = "身份证号"
MOBILE = "手机号"

_ID = re.compile(r"(?<!\d)[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
                 r"\d{3}[\dXx](?![\dXx])")
#: The prefixes of mainland mobile numbers (13x, 145–149, 15x but 154, 162/165–167,
#: 170–178, 18x, 19x but 194).
_MOBILE = re.compile(r"(?<!\d)(?:\+?86)?(?:13\d|14[5-9]|15[0-35-9]|16[2567]|17[0-8]|18\d"
                     r"|19[0-35-9])\d{8}(?!\d)")
#: Digits written in groups ("139 1234 5678", "511702 19900101 1234") are read whole.
_GROUPED = re.compile(r"(?<=\d)[ \-](?=\d)")
#: Words that say the number after them is an ID number, whatever its check digit.
_ID_WORDS = re.compile(r"(?:身份证|证件号|公民身份|(?<![A-Za-z])ID(?![A-Za-z]))[^0-9]{0,8}$",
                       re.IGNORECASE)
#: Words that say the number after them is something else (a certificate's number, a
#: score, an exam ticket): such a number is neither.
_OTHER_NUMBER = re.compile(r"(?:编号|证号|证书号|准考证|流水号|订单号|成绩|分数|No\.?)[^0-9]{0,4}$",
                           re.IGNORECASE)
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def _valid_id(number: str) -> bool:
    total = sum(int(d) * w for d, w in zip(number[:17], _WEIGHTS, strict=True))
    return _CHECK[total % 11] == number[17].upper()


def _before(text: str, start: int) -> str:
    return text[max(0, start - 12):start]


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
    text = _GROUPED.sub("", unicodedata.normalize("NFKC", text))  # full-width digits too
    found = []
    for m in _ID.finditer(text):
        before = _before(text, m.start())
        if _ID_WORDS.search(before) or (_valid_id(m.group())
                                        and not _OTHER_NUMBER.search(before)):
            found.append(ID_NUMBER)
            break
    if any(not _OTHER_NUMBER.search(_before(text, m.start())) for m in _MOBILE.finditer(text)):
        found.append(MOBILE)
    return found
