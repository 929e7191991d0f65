"""Unified social credit codes (统一社会信用代码, GB 32100-2015).

A code has 18 characters from :data:`CHARSET` (digits and capital letters without
I, O, S, V, Z): the registering authority (1, e.g. ``9`` for market regulation), the
kind of entity (1, ``1`` for an enterprise), the 6-digit administrative division
code (Dazhou's are 5117xx), the 9-character organization code (GB 11714-1997: eight
characters and a check character ``0``–``9`` or ``X``) and the check character of
the whole code. :func:`check_uscc` says what is wrong with a code, :func:`is_valid_uscc`
answers yes or no, and :func:`generate_uscc` makes valid codes for synthetic data.
"""

from __future__ import annotations

import re

import numpy as np

__all__ = ["CHARSET", "check_uscc", "generate_uscc", "is_valid_uscc", "organization_check"]

#: The 31 characters a code may contain; a character's value is its index here.
CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(CHARSET)}
_WEIGHTS = np.array([1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28])
_ORG_WEIGHTS = np.array([3, 7, 9, 10, 5, 8, 4, 2])
_ADCODE = re.compile(r"^[1-8]\d{5}$")


def _org_value(char: str) -> int:
    """GB 11714 value of a character: digits as such, letters A=10 … Z=35."""
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def organization_check(body: str) -> str:
    """The GB 11714 check character of an 8-character organization code body.

    Examples
    --------
    >>> organization_check("MA000000")
    '7'
    """
    if len(body) != 8 or not all(c.isdigit() or "A" <= c <= "Z" for c in body):
        raise ValueError(f"an organization code body is 8 digits or capital letters, got {body!r}")
    remainder = 11 - sum(w * _org_value(c) for w, c in zip(_ORG_WEIGHTS, body, strict=True)) % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def _check_char(first17: str) -> str:
    total = sum(int(w) * _VALUE[c] for w, c in zip(_WEIGHTS, first17, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def check_uscc(code: object, *, organization: bool = True) -> str:
    """Return ``code`` if it is a valid unified social credit code, else raise.

    Parameters
    ----------
    code : str
        The code as written; surrounding spaces are ignored, letters must be capitals.
    organization : bool, keyword-only
        Also check the GB 11714 check character of the embedded organization code.

    Raises
    ------
    ValueError
        Saying what is wrong: length, a character outside :data:`CHARSET`, the
        division code, the organization code's check character or the code's own.

    Examples
    --------
    >>> check_uscc("91511722MA0000007E")
    '91511722MA0000007E'
    >>> check_uscc("91511722MA0000007X")
    Traceback (most recent call last):
    ...
    ValueError: check character of '91511722MA0000007X' should be 'E', not 'X'
    """
    if not isinstance(code, str):
        raise ValueError(f"a unified social credit code is text, not {type(code).__name__}")
    text = code.strip()
    if len(text) != 18:
        raise ValueError(
            f"a unified social credit code has 18 characters, {text!r} has {len(text)}")
    bad = sorted({c for c in text if c not in _VALUE})
    if bad:
        raise ValueError(f"{text!r} contains {''.join(bad)!r}: only digits and capital letters "
                         "other than I, O, S, V, Z are allowed")
    if not _ADCODE.match(text[2:8]):
        raise ValueError(f"characters 3–8 of {text!r} must be a 6-digit division code")
    if organization and organization_check(text[8:16]) != text[16]:
        raise ValueError(f"organization code check character of {text!r} should be "
                         f"{organization_check(text[8:16])!r}, not {text[16]!r}")
    expected = _check_char(text[:17])
    if text[17] != expected:
        raise ValueError(f"check character of {text!r} should be {expected!r}, not {text[17]!r}")
    return text


def is_valid_uscc(code: object, *, organization: bool = True) -> bool:
    """Whether ``code`` is a valid unified social credit code (see :func:`check_uscc`).

    Examples
    --------
    >>> is_valid_uscc("91511722MA0000007E"), is_valid_uscc("91511722MA0000007X")
    (True, False)
    """
    try:
        check_uscc(code, organization=organization)
    except ValueError:
        return False
    return True


def generate_uscc(rng: np.random.Generator, adcodes: str | list[str] | np.ndarray,
                  size: int | None = None) -> np.ndarray:
    """Valid codes of enterprises (``91`` + division + organization code + check).

    Vectorized: one code per entry of ``adcodes`` (or ``size`` codes of one division).
    The organization code bodies are random characters of :data:`CHARSET`, so the
    codes are well formed but belong to no real enterprise.

    Parameters
    ----------
    rng : numpy.random.Generator
    adcodes : str or array of str
        6-digit division codes, e.g. ``511722`` (宣汉县).
    size : int, optional
        With a single ``adcodes`` string, how many codes to make.

    Returns
    -------
    ndarray of str (object dtype)

    Examples
    --------
    >>> codes = generate_uscc(np.random.default_rng(0), "511722", size=3)
    >>> [c[:8] for c in codes], all(is_valid_uscc(c) for c in codes)
    (['91511722', '91511722', '91511722'], True)
    """
    if isinstance(adcodes, str):
        adcodes = [adcodes] * (1 if size is None else size)
    divisions = np.asarray(adcodes, dtype=str)
    if not all(_ADCODE.match(a) for a in np.unique(divisions)):
        raise ValueError("division codes are 6 digits, the first 1–8")
    n = len(divisions)
    chars = np.array(list(CHARSET))
    body_values = rng.integers(0, len(CHARSET), size=(n, 8))
    org_values = np.array([_org_value(c) for c in CHARSET])[body_values]
    org_check = 11 - (org_values * _ORG_WEIGHTS).sum(axis=1) % 11
    org_chars = np.where(org_check == 10, "X", np.where(org_check == 11, "0",
                                                       org_check.astype(str)))
    head = np.char.add(np.char.add("91", divisions), np.array(["".join(r) for r in
                                                               chars[body_values]]))
    first17 = np.char.add(head, org_chars)
    values = np.array([[_VALUE[c] for c in s] for s in first17]).reshape(n, 17)
    check = (31 - (values * _WEIGHTS).sum(axis=1) % 31) % 31
    return np.char.add(first17, chars[check]).astype(object)
