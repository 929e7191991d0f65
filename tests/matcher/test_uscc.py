"""Unified social credit codes (GB 32100-2015) with their organization codes (GB 11714)."""

from __future__ import annotations

import numpy as np
import pytest

from matcher.uscc import CHARSET, check_uscc, generate_uscc, is_valid_uscc, organization_check

VALID = "91511722MA0000007E"


def test_charset_has_31_characters_without_confusables() -> None:
    assert len(CHARSET) == 31
    assert not set("IOSVZ") & set(CHARSET)


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91511722MA0000007", "has 17"),
        ("91511722MA0000007EE", "has 19"),
        ("91511722MA000000IE", "contains 'I'"),
        ("91511722ma0000007E", "contains"),
        ("9151172XMA0000007E", "division code"),
        ("91511722MA0000008E", "organization code check character .* should be '7'"),
        ("91511722MA0000007X", "check character .* should be 'E', not 'X'"),
    ],
    ids=["short", "long", "letter-I", "lowercase", "division", "org-check", "check"],
)
def test_check_uscc_says_what_is_wrong(code: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        check_uscc(code)
    assert not is_valid_uscc(code)


def test_check_uscc_accepts_and_strips() -> None:
    assert check_uscc(f" {VALID} ") == VALID
    assert is_valid_uscc(VALID)


def test_check_uscc_rejects_non_text() -> None:
    with pytest.raises(ValueError, match="is text"):
        check_uscc(915117)


def test_organization_check_gives_x_and_zero() -> None:
    checks = {organization_check(f"MA{i:06d}") for i in range(200)}
    assert {"X", "0"} <= checks


def test_organization_check_rejects_bad_body() -> None:
    with pytest.raises(ValueError, match="8 digits or capital letters"):
        organization_check("MA00")


def test_generated_codes_are_valid_and_seeded() -> None:
    adcodes = np.array(["511722", "511702", "511781"] * 400)
    codes = generate_uscc(np.random.default_rng(5), adcodes)
    assert all(is_valid_uscc(c) for c in codes)
    assert [c[2:8] for c in codes[:3]] == ["511722", "511702", "511781"]
    assert list(codes) == list(generate_uscc(np.random.default_rng(5), adcodes))
    assert len(set(codes)) == len(codes)


def test_generate_rejects_bad_division() -> None:
    with pytest.raises(ValueError, match="6 digits"):
        generate_uscc(np.random.default_rng(0), "5117")
