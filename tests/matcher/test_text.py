"""clean() brings every way of writing a string to one canonical form."""

from __future__ import annotations

import pytest

from matcher.text import MAX_TEXT_LENGTH, clean, is_latin, to_simplified

CLEANED = [
    # NFKC: full-width letters, digits, spaces and brackets become half-width
    ("ＣＮＣ　操作工", "cnc 操作工"),
    ("Ｗｅｌｄｅｒ", "welder"),
    ("１２３", "123"),
    ("焊工（中级）", "焊工(中级)"),
    # traditional to simplified, including variants OpenCC keeps
    ("焊工證（中級）", "焊工证(中级)"),
    ("叉車司機", "叉车司机"),
    ("銲工", "焊工"),
    # lower case
    ("ABC Welder", "abc welder"),
    # Chinese punctuation unified
    ("电工，焊工、钳工", "电工,焊工,钳工"),
    ("焊工。电工；", "焊工;电工;"),
    ("【急招】焊工", "(急招)焊工"),
    ("“焊工”", "焊工"),
    ("《焊工》", "焊工"),
    ("数控车工—中级", "数控车工-中级"),
    ("焊工｜电工", "焊工|电工"),
    # emoji, symbols and control / format characters dropped
    ("😀焊工证😀", "焊工证"),
    ("焊工©", "焊工"),
    ("welder👍", "welder"),
    ("焊工 😀 电工", "焊工 电工"),
    ("\x00焊工证\x07", "焊工证"),
    ("\u200b焊工证\ufeff", "焊工证"),
    # whitespace collapsed and stripped
    ("  焊工證（中級） ", "焊工证(中级)"),
    ("  a   b  ", "a b"),
    # letter-spaced Chinese characters are one word
    ("焊 工 证", "焊工证"),
    ("中 级 工", "中级工"),
    ("", ""),
]


@pytest.mark.parametrize(("text", "expected"), CLEANED, ids=[repr(t) for t, _ in CLEANED])
def test_clean(text: str, expected: str) -> None:
    assert clean(text) == expected


@pytest.mark.parametrize(
    "text",
    ["焊工證（中級）", "ＣＮＣ　操作工", "  a   b  ", "焊 工 证"],
    ids=["traditional", "full-width", "spaces", "letter-spaced"],
)
def test_clean_is_idempotent(text: str) -> None:
    once = clean(text)
    assert clean(once) == once


@pytest.mark.parametrize(
    ("text", "expected_length"),
    [("焊" * 10_000, MAX_TEXT_LENGTH), ("a" * 10_000, MAX_TEXT_LENGTH)],
    ids=["chinese", "latin"],
)
def test_very_long_input_is_cut(text: str, expected_length: int) -> None:
    assert len(clean(text)) == expected_length


def test_short_input_is_not_cut() -> None:
    text = "a" * (MAX_TEXT_LENGTH - 1)
    assert clean(text) == text


@pytest.mark.parametrize(
    "value", [None, 3, b"welder", ["焊工"]], ids=["none", "int", "bytes", "list"]
)
def test_clean_rejects_non_strings(value: object) -> None:
    with pytest.raises(ValueError, match="expected a string"):
        clean(value)  # type: ignore[arg-type]


def test_to_simplified_keeps_punctuation() -> None:
    assert to_simplified("焊工證（中級）") == "焊工证（中级）"


LATIN = [
    ("cnc machinist", True),
    ("welder", True),
    ("welder 焊工", True),
    ("CNC车工", True),
    ("数控车工", False),
    ("cnc操作工", False),  # half the letters Latin is not "more than half"
    ("123", False),
    ("", False),
    ("(-)", False),
]


@pytest.mark.parametrize(("text", "expected"), LATIN, ids=[repr(t) for t, _ in LATIN])
def test_is_latin(text: str, expected: bool) -> None:
    assert is_latin(text) is expected


def test_markup_pasted_from_a_web_page_says_nothing_of_a_trade() -> None:
    from matcher import Normalizer

    assert clean("<b>焊工</b><br/>四级") == "焊工 四级"
    assert clean("<焊工>") == "焊工"  # no tag: a bracket
    assert Normalizer.default().normalize("<script>alert(1)</script>") is None
