"""Reading postings and trainees: what a requirement was read as, and what was not."""

from __future__ import annotations

import pytest

from matcher import Normalizer
from matcher.reading import read_posting, read_trainee


@pytest.mark.parametrize(
    ("title", "requirements", "min_level", "code", "level"),
    [
        ("急招电焊工3名 包吃住", "持焊工证，中级以上", None, "6-18-02-04", 2),
        ("电焊工", "", "三级/高级工", "6-18-02-04", 3),
        ("高级电工", "", None, "6-31-01-03", 3),
        ("", "持电工证", None, "6-31-01-03", None),
        ("普工", "吃苦耐劳", None, None, None),
    ],
    ids=["level-in-text", "level-column", "level-in-title", "no-title", "nothing-known"],
)
def test_posting_occupation_and_level(norm: Normalizer, title: str, requirements: str,
                                      min_level: str | None, code: str | None,
                                      level: int | None) -> None:
    r = read_posting(norm, title, requirements, min_level)
    assert (r.occupation.code if r.occupation else None) == code
    assert r.min_level == level


def test_required_and_preferred_are_told_apart(norm: Normalizer) -> None:
    r = read_posting(norm, "焊工", "持低压电工证；会氩弧焊优先，熟悉二氧化碳气体保护焊")
    assert "低压电工作业" in r.permits
    assert "氩弧焊" in r.preferred_skills and "氩弧焊" not in r.skills
    assert r.skills  # the CO2 shielded welding clause is required


def test_clauses_not_understood_are_reported(norm: Normalizer) -> None:
    r = read_posting(norm, "焊工", "持焊工证，会开叉式飞艇，3年以上相关工作经验，等级不限")
    assert r.not_understood == ("会开叉式飞艇",)


def test_bad_values_read_as_nothing(norm: Normalizer) -> None:
    r = read_posting(norm, None, float("nan"), 3.5)
    assert r.occupation is None and r.min_level is None and not r.not_understood


def test_trainee_certificates_skills_and_permits(norm: Normalizer) -> None:
    r = read_trainee(norm, "焊工 四级/中级工；电工证（初级）；叉车证N1", "会氩弧焊、电焊")
    assert r.certificates[0] == ("6-18-02-04", 2)
    assert ("6-31-01-03", 1) in r.certificates
    assert "氩弧焊" in r.skills
    assert r.permits  # the forklift permit


def test_trained_occupation_counts_when_no_certificate_names_it(norm: Normalizer) -> None:
    r = read_trainee(norm, "", "", trained="6-17-07-07", trained_level=2)
    assert r.certificates == (("6-17-07-07", 2),)


def test_the_stronger_of_two_certificates_is_kept(norm: Normalizer) -> None:
    r = read_trainee(norm, "焊工 五级；焊工 三级/高级工")
    assert r.certificates == (("6-18-02-04", 3),)


def test_a_trade_written_in_the_certificate_column_is_certified(norm: Normalizer) -> None:
    r = read_trainee(norm, "电焊学徒 三级/高级工")
    assert r.certificates == (("6-18-02-04", 3),)
