"""parse_level and format_level: every way a skill level is written, and back."""

from __future__ import annotations

import pytest

from matcher import LADDER, format_level, parse_level

EIGHT_LEVEL_NAMES = [
    ("学徒工", 0),
    ("初级工", 1),
    ("中级工", 2),
    ("高级工", 3),
    ("技师", 4),
    ("高级技师", 5),
    ("特级技师", 6),
    ("首席技师", 7),
]

NATIONAL_GRADES = [
    ("五级", 1),
    ("四级", 2),
    ("三级", 3),
    ("二级", 4),
    ("一级", 5),
]

DIGITS = [
    (5, 1),
    (4, 2),
    (3, 3),
    (2, 4),
    (1, 5),
    ("5", 1),
    ("3", 3),
    ("1", 5),
    ("３", 3),  # full-width digit
    ("４级", 2),
]

QUALIFICATION_FORMS = [
    ("国家职业资格三级", 3),
    ("国家职业资格一级", 5),
    ("国家职业资格五级", 1),
    ("国家职业资格证书(高级)", 3),
    ("焊工证(四级)", 2),
]

TRADITIONAL = [
    ("高級技師", 5),
    ("中級工", 2),
    ("初級工", 1),
    ("技師", 4),
    ("一級", 5),
    ("五級", 1),
    ("國家職業資格三級", 3),
]

ENGLISH = [
    ("apprentice", 0),
    ("junior worker", 1),
    ("intermediate", 2),
    ("intermediate worker", 2),
    ("senior worker", 3),
    ("technician", 4),
    ("senior technician", 5),
    ("Senior Technician", 5),
    ("special-grade technician", 6),
    ("chief technician", 7),
]

MINIMUMS = [
    ("中级以上", 2),
    ("中级工及以上", 2),
    ("三级及以上", 3),
    ("四级以上", 2),
    ("高级工以上", 3),
]

NO_LEVEL = ["无", "不限", "", "  ", "none", "N/A", None]

OTHER_LADDERS = [
    "英语四级",
    "英語四級",
    "普通话二级甲等",
    "二级建造师",
    "二级 建造师",
    "一级建造师",
    "一级注册消防工程师",
    "计算机二级",
]

COMBINED = [
    ("四级/中级工", 2),
    ("高级工（三级）", 3),
    ("技师（二级）", 4),
    ("高级技师（一级）", 5),
]


def _ids(table: list[tuple[object, int]]) -> list[str]:
    return [repr(text) for text, _ in table]


@pytest.mark.parametrize(("text", "rank"), EIGHT_LEVEL_NAMES, ids=_ids(EIGHT_LEVEL_NAMES))
def test_eight_level_names(text: str, rank: int) -> None:
    assert parse_level(text) == rank


@pytest.mark.parametrize(("text", "rank"), NATIONAL_GRADES, ids=_ids(NATIONAL_GRADES))
def test_national_grades_count_downwards(text: str, rank: int) -> None:
    assert parse_level(text) == rank


@pytest.mark.parametrize(("text", "rank"), DIGITS, ids=_ids(DIGITS))
def test_digits_are_national_grades(text: str | int, rank: int) -> None:
    assert parse_level(text) == rank


@pytest.mark.parametrize(("text", "rank"), QUALIFICATION_FORMS, ids=_ids(QUALIFICATION_FORMS))
def test_qualification_certificate_forms(text: str, rank: int) -> None:
    assert parse_level(text) == rank


@pytest.mark.parametrize(("text", "rank"), TRADITIONAL, ids=_ids(TRADITIONAL))
def test_traditional_characters(text: str, rank: int) -> None:
    assert parse_level(text) == rank


@pytest.mark.parametrize(("text", "rank"), ENGLISH, ids=_ids(ENGLISH))
def test_english(text: str, rank: int) -> None:
    assert parse_level(text) == rank


@pytest.mark.parametrize(("text", "rank"), MINIMUMS, ids=_ids(MINIMUMS))
def test_minimum_reads_as_its_rank(text: str, rank: int) -> None:
    assert parse_level(text) == rank


@pytest.mark.parametrize("text", NO_LEVEL, ids=[repr(t) for t in NO_LEVEL])
def test_no_level(text: str | None) -> None:
    assert parse_level(text) is None


@pytest.mark.parametrize("text", OTHER_LADDERS, ids=OTHER_LADDERS)
def test_other_ladders_are_not_worker_grades(text: str) -> None:
    assert parse_level(text) is None


@pytest.mark.parametrize(("text", "rank"), COMBINED, ids=_ids(COMBINED))
def test_combined_forms(text: str, rank: int) -> None:
    assert parse_level(text) == rank


@pytest.mark.parametrize(
    "value",
    [["中级工"], 3.0, True, False, b"3", {"level": 3}],
    ids=["list", "float", "true", "false", "bytes", "dict"],
)
def test_parse_level_rejects_other_types(value: object) -> None:
    with pytest.raises(ValueError, match="a level is text or a grade number"):
        parse_level(value)


# --- format_level -----------------------------------------------------------------

FORMATTED = [
    (0, "学徒工", "学徒工", "apprentice"),
    (1, "五级/初级工", "初级工", "junior worker"),
    (2, "四级/中级工", "中级工", "intermediate worker"),
    (3, "三级/高级工", "高级工", "senior worker"),
    (4, "二级/技师", "技师", "technician"),
    (5, "一级/高级技师", "高级技师", "senior technician"),
    (6, "特级技师", "特级技师", "special-grade technician"),
    (7, "首席技师", "首席技师", "chief technician"),
]


@pytest.mark.parametrize(
    ("rank", "label", "name", "english"), FORMATTED, ids=[f"rank{row[0]}" for row in FORMATTED]
)
def test_format_level_styles(rank: int, label: str, name: str, english: str) -> None:
    assert format_level(rank) == label
    assert format_level(rank, style="label") == label
    assert format_level(rank, style="name") == name
    assert format_level(rank, style="english") == english


def test_ladder_ranks_match_positions() -> None:
    assert [level.rank for level in LADDER] == list(range(8))


@pytest.mark.parametrize(
    "rank",
    [-1, 8, 100, "2", 2.0, True, None],
    ids=["-1", "8", "100", "str", "float", "true", "none"],
)
def test_format_level_rejects_out_of_range(rank: object) -> None:
    with pytest.raises(ValueError, match="a rank is an integer from 0 to 7"):
        format_level(rank)  # type: ignore[arg-type]


@pytest.mark.parametrize("style", ["short", "", "LABEL"], ids=["short", "empty", "upper"])
def test_format_level_rejects_unknown_style(style: str) -> None:
    with pytest.raises(ValueError, match="style must be"):
        format_level(2, style=style)


@pytest.mark.parametrize("style", ["label", "name", "english"], ids=["label", "name", "english"])
@pytest.mark.parametrize("rank", range(8), ids=[f"rank{r}" for r in range(8)])
def test_round_trip(rank: int, style: str) -> None:
    assert parse_level(format_level(rank, style=style)) == rank


@pytest.mark.parametrize(
    ("text", "rank"),
    [("电焊学徒 三级/高级工", 3), ("三级 学徒", 3), ("焊工学徒", 0), ("学徒工", 0)],
    ids=["grade-after-apprentice", "grade-before-apprentice", "apprentice-only", "ladder-name"],
)
def test_a_grade_beside_apprentice_wins(text: str, rank: int) -> None:
    assert parse_level(text) == rank
