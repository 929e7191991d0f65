"""The eight-level skill ladder (新八级工) and parsing of level text.

Ranks run from 0 to 7: 学徒工, 初级工 (五级), 中级工 (四级), 高级工 (三级), 技师 (二级),
高级技师 (一级), 特级技师, 首席技师. The national skill-level certificates count the
other way round (五级 is the lowest graded level, 一级 the highest), the old
国家职业资格 certificates say 初级/中级/高级, and English rosters say junior,
intermediate or senior worker. :func:`parse_level` reads all of these; a minimum
("中级以上") reads as its rank, and "无" or "不限" as no level at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from matcher.text import clean

__all__ = ["LADDER", "Level", "find_level", "format_level", "parse_level"]


@dataclass(frozen=True, slots=True)
class Level:
    """One rung of the eight-level ladder."""

    rank: int
    name: str  #: the eight-level name, e.g. ``中级工``
    label: str  #: the certificate label, e.g. ``四级/中级工``
    english: str


LADDER: tuple[Level, ...] = (
    Level(0, "学徒工", "学徒工", "apprentice"),
    Level(1, "初级工", "五级/初级工", "junior worker"),
    Level(2, "中级工", "四级/中级工", "intermediate worker"),
    Level(3, "高级工", "三级/高级工", "senior worker"),
    Level(4, "技师", "二级/技师", "technician"),
    Level(5, "高级技师", "一级/高级技师", "senior technician"),
    Level(6, "特级技师", "特级技师", "special-grade technician"),
    Level(7, "首席技师", "首席技师", "chief technician"),
)

_NUMERALS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 3 + 1, "五": 5, "1": 1, "2": 2, "3": 3,
             "4": 4, "5": 5}
# National level n (五级 = 5 lowest … 一级 = 1 highest) is rank 6 - n.
_GRADE = r"(?P<grade>[一二三四五12345])\s*级"
# "英语四级", "普通话二级甲等", "一级建造师", "高级工程师" name other ladders (exams,
# professional titles 职称), never a worker's skill level.
_OTHER_LADDER_BEFORE = re.compile(r"(?:英语|英文|cet-?|普通话|计算机|日语|韩语|钢琴|舞蹈|书法)\s*$")
_OTHER_LADDER_AFTER = r"(?!\s*(?:建造师|造价|消防|注册|结构工程师|甲等|乙等|运动员|裁判|教师|律师))"
_TITLE_AFTER = (
    r"(?!\s*(?:工程师|会计|经济师|审计师|统计师|政工师|农艺师|兽医师|讲师|教师|职称|编辑|记者|"
    r"翻译|律师|专业技术|技术职务|管理师))"
)
_PATTERNS: tuple[tuple[re.Pattern[str], int | None], ...] = tuple(
    (re.compile(pattern), rank)
    for pattern, rank in (
        (r"首席技师|chief technician|principal technician", 7),
        (r"特级技师|special[- ]grade technician", 6),
        (r"高级技师|senior technician|advanced technician|master technician", 5),
        (r"技师|technician", 4),
        (r"高级" + _TITLE_AFTER + r"工?|senior worker|advanced worker|senior|advanced", 3),
        (r"中级" + _TITLE_AFTER + r"工?|intermediate worker|intermediate|middle[- ]level", 2),
        (r"初级" + _TITLE_AFTER + r"工?|junior worker|elementary worker|junior|entry[- ]level|"
         r"elementary|beginner", 1),
        (r"学徒工?|apprentice|trainee worker", 0),
        (_GRADE + _OTHER_LADDER_AFTER, None),
        (r"(?:level|grade)\s*(?P<grade>[12345])\b", None),
    )
)
_NO_LEVEL = re.compile(r"^(?:无|没有|不限|无要求|不要求|无等级|不限等级|none|n/?a|no|any|-)?$")
_BARE_DIGIT = re.compile(r"^(?:[一二三四五12345])$")


def find_level(text: str) -> tuple[int, int, int] | None:
    """Find the first level named in cleaned ``text``.

    Returns ``(rank, start, end)`` with the span of the words that named it, or
    ``None``. ``text`` must already be :func:`~matcher.text.clean`-ed; callers that
    strip the level out of a longer phrase use the span.

    Examples
    --------
    >>> find_level("焊工证(四级)")
    (2, 4, 6)
    """
    best: tuple[int, int, int] | None = None
    for pattern, rank in _PATTERNS:
        match = next(
            (m for m in pattern.finditer(text)
             if rank is not None or not _OTHER_LADDER_BEFORE.search(text[: m.start()])),
            None,
        )
        if match is None:
            continue
        if rank is None:
            rank = 6 - _NUMERALS[match.group("grade")]
        # "学徒" names an apprentice post; a grade written beside it ("电焊学徒 三级")
        # is the certificate, so it wins whatever comes first.
        found = (rank, match.start(), match.end())
        grade_over_apprentice = best is not None and best[0] == 0 and rank > 0
        earlier = best is not None and (rank > 0 or best[0] == 0) and found[1] < best[1]
        if best is None or grade_over_apprentice or earlier:
            best = found
    return best


def parse_level(text: object) -> int | None:
    """Read a skill level from text and return its rank 0–7, or ``None``.

    Understands the eight-level names (学徒工 … 首席技师), national grades (五级 … 一级,
    also as digits), 国家职业资格 forms, traditional characters, English (junior,
    intermediate or senior worker, technician, senior technician) and minimums
    ("中级以上" is 2). "无", "不限", an empty string and ``None`` give ``None``.

    Parameters
    ----------
    text : str or int or None
        The level as written. An int 1–5 is read as a national grade (5 = 五级).

    Returns
    -------
    int or None
        The rank on the ladder (0 = 学徒工, 1 = 初级工/五级 … 7 = 首席技师).

    Raises
    ------
    ValueError
        If ``text`` is neither a string, an int nor ``None``.

    Examples
    --------
    >>> parse_level("四级/中级工"), parse_level("高級技師"), parse_level("中级以上")
    (2, 5, 2)
    >>> parse_level("senior technician"), parse_level("不限") is None
    (5, True)
    """
    if text is None:
        return None
    if isinstance(text, bool) or not isinstance(text, str | int):
        raise ValueError(f"a level is text or a grade number, not {type(text).__name__}")
    cleaned = clean(str(text))
    if _NO_LEVEL.match(cleaned):
        return None
    if _BARE_DIGIT.match(cleaned):
        return 6 - _NUMERALS[cleaned]
    found = find_level(cleaned)
    return None if found is None else found[0]


def format_level(rank: int, *, style: str = "label") -> str:
    """The official label of a rank.

    Parameters
    ----------
    rank : int
        0–7.
    style : {"label", "name", "english"}
        ``label`` gives the certificate form (``四级/中级工``), ``name`` the
        eight-level name (``中级工``), ``english`` an English name.

    Examples
    --------
    >>> format_level(2), format_level(2, style="name"), format_level(5, style="english")
    ('四级/中级工', '中级工', 'senior technician')
    """
    if isinstance(rank, bool) or not isinstance(rank, int) or not 0 <= rank <= 7:
        raise ValueError(f"a rank is an integer from 0 to 7, got {rank!r}")
    if style not in ("label", "name", "english"):
        raise ValueError(f"style must be 'label', 'name' or 'english', got {style!r}")
    level = LADDER[rank]
    return str(getattr(level, style))
