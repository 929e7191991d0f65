"""What would unlock more jobs: the next level, a missing permit, another area."""

from __future__ import annotations

import pandas as pd
import pytest

from matcher.matching import Matcher
from matcher.unlock import what_unlocks
from tests.matcher.market import COURSES, ENTERPRISES, POSTINGS, TRAINEES


@pytest.fixture
def matcher() -> Matcher:
    extra = POSTINGS.iloc[[1]].assign(posting_id="P4", title="电焊工",
                                      requirements="持熔化焊接与热切割作业证")
    return Matcher.from_tables(TRAINEES, pd.concat([POSTINGS, extra]),
                               enterprises=ENTERPRISES, courses=COURSES)


def test_next_level_is_advised(matcher: Matcher) -> None:
    unlocks = what_unlocks(matcher, "T2")
    level = next(u for u in unlocks if u.kind == "level")
    assert level.target == "焊工四级/中级工"
    assert level.advice == "考取焊工四级/中级工证书，可多匹配 1 个岗位"
    assert level.examples == ("P1",)


def test_missing_permit_is_advised(matcher: Matcher) -> None:
    permit = next(u for u in what_unlocks(matcher, "T1") if u.kind == "permit")
    assert permit.target == "熔化焊接与热切割作业"
    assert permit.examples == ("P4",)


def test_another_area_is_advised(matcher: Matcher) -> None:
    area = next(u for u in what_unlocks(matcher, "T4") if u.kind == "area")
    assert (area.target, area.postings) == ("达川区", 2)


def test_limit_is_checked(matcher: Matcher) -> None:
    assert len(what_unlocks(matcher, "T2", limit=1)) == 1
    with pytest.raises(ValueError, match="limit must be at least 1"):
        what_unlocks(matcher, "T2", limit=0)
