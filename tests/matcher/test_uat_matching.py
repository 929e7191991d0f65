"""Acceptance defects seen through the matcher: gaps, areas, unlocks and wage reasons.

A small market built here: every posting and trainee isolates one defect.
"""

from __future__ import annotations

import pandas as pd
import pytest

from matcher.areas import split_areas
from matcher.matching import Matcher, Recommendation
from matcher.schemas import validate
from matcher.unlock import what_unlocks

_POSTINGS = [
    # id, title, requirements, area
    ("Q1", "电焊工", "不要求证书，会电焊即可，无需叉车证", "达川区"),
    ("Q2", "数控车工", "有数控车工证（高级工）优先", "达川区"),
    ("Q3", "化工总控工", "持危险化学品特种作业证", "达川区"),
    ("Q4", "饲料制粒工", "会制粒、配料混合", "达川区"),
    ("Q5", "饲料制粒工", "会制粒", "达川区"),
    ("Q6", "电焊工", "会电焊", "渠县"),
    ("Q7", "饲料制粒工", "会制粒，持叉车证", "达川区"),
]
_TRAINEES = [
    # id, certificates, skills, area, preferred areas, expected wage
    ("A1", "焊工 四级/中级工", "会电焊", "通川区", "达川区/渠县", 4000),
    ("A2", "车工 四级/中级工", "", "达川区", "不限", 5500),
    ("A3", "化工总控工 四级/中级工；危化品作业证", "", "达川区", "不限", 5500),
    ("A4", "化工总控工 四级/中级工；危险化学品特种作业证", "", "达川区", "不限", 5500),
    ("A5", "饲料加工工 四级/中级工", "", "达川区", "不限", 5500),
    ("A6", "焊工 四级/中级工", "会电焊", "达川区", "不限", 7000),
]


def postings() -> pd.DataFrame:
    ids, titles, requirements, areas = zip(*_POSTINGS, strict=True)
    n = len(ids)
    return pd.DataFrame({
        "posting_id": ids, "enterprise_id": ["E1"] * n, "title": titles,
        "requirements": requirements, "headcount": [1] * n, "wage_min": [5000] * n,
        "wage_max": [6000] * n, "area": areas, "min_level": [""] * n,
        "opened": ["2026-03-01"] * n, "closes": ["2026-06-01"] * n, "status": ["open"] * n,
    })


def trainees(**changes: object) -> pd.DataFrame:
    ids, certificates, skills, areas, preferred, wages = zip(*_TRAINEES, strict=True)
    n = len(ids)
    return pd.DataFrame({
        "trainee_id": ids, "masked_name": ["张*"] * n, "area": areas, "course_id": ["C1"] * n,
        "graduation_date": ["2026-01-15"] * n, "certificates": certificates, "skills": skills,
        "preferred_areas": preferred, "expected_wage": wages, "status": ["seeking"] * n,
        "consent": ["true"] * n, "contact": ["10090000001"] * n,
    }).assign(**changes)


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher.from_tables(trainees(), postings())


def recommendation(m: Matcher, posting_id: str, trainee_id: str) -> Recommendation:
    return next(r for r in m.shortlist(posting_id, k=20) if r.trainee_id == trainee_id)


# -- 1. negations -----------------------------------------------------------------------


def test_a_negated_permit_is_no_gap(matcher: Matcher) -> None:
    rec = recommendation(matcher, "Q1", "A1")
    assert not any(g.startswith("缺少证书") for g in rec.gaps)
    assert "具备技能：电焊" in rec.reasons


# -- 2. preferred areas -------------------------------------------------------------------

SEPARATED = ["达川区/渠县", "达川区／渠县", "达川区；渠县", "达川区;渠县", "达川区,渠县",
             "达川区，渠县", "达川区 渠县", "达川区、渠县", "达川区和渠县", "达川区及渠县",
             " 达川区 / 渠县 "]


SEPARATOR_IDS = ["slash", "fullwidth-slash", "fullwidth-semicolon", "semicolon", "comma",
                 "fullwidth-comma", "space", "enumeration-comma", "he", "ji", "padded"]


@pytest.mark.parametrize("text", SEPARATED, ids=SEPARATOR_IDS)
def test_areas_split_on_every_separator(text: str) -> None:
    assert split_areas(text) == ["达川区", "渠县"]


@pytest.mark.parametrize("text", SEPARATED, ids=SEPARATOR_IDS)
def test_the_validator_accepts_what_the_matcher_reads(text: str) -> None:
    report = validate("trainees", trainees(preferred_areas=text), synthetic=True)
    assert [p.column for p in report.problems] == []
    m = Matcher.from_tables(trainees(preferred_areas=text), postings())
    areas = m.trainees.context.areas
    row = m.trainees.row_of["A1"]
    named = {areas.items[i] for i, on in enumerate(m.trainees.preferred[row]) if on}
    assert named == {"达川区", "渠县"}


def test_an_area_outside_dazhou_is_still_refused() -> None:
    report = validate("trainees", trainees(preferred_areas="达川区/北京市"), synthetic=True)
    assert [p.column for p in report.problems] == ["preferred_areas"] * len(_TRAINEES)


def test_preferred_areas_with_slashes_are_honoured(matcher: Matcher) -> None:
    assert {"Q1", "Q6"} <= {r.posting_id for r in matcher.suggest("A1", k=10)}
    areas = [u.target for u in what_unlocks(matcher, "A1", limit=20) if u.kind == "area"]
    assert "达川区" not in areas and "渠县" not in areas


def test_any_area_among_others_means_anywhere() -> None:
    m = Matcher.from_tables(trainees(preferred_areas="达川区、不限"), postings())
    assert m.trainees.anywhere[m.trainees.row_of["A1"]]


# -- 3. preferred level -------------------------------------------------------------------


def test_a_preferred_level_does_not_empty_the_shortlist(matcher: Matcher) -> None:
    assert "A2" in [r.trainee_id for r in matcher.shortlist("Q2", k=10)]


# -- 5. two names of one permit ------------------------------------------------------------


def test_two_names_of_one_permit_match(matcher: Matcher) -> None:
    short, full = recommendation(matcher, "Q3", "A3"), recommendation(matcher, "Q3", "A4")
    for rec in (short, full):
        assert not any(g.startswith("缺少证书") for g in rec.gaps)
        assert any(r.startswith("具备证书") for r in rec.reasons)
        assert rec.contributions["permits"] > 0
    assert short.score == pytest.approx(full.score)


# -- 6. unlocks ---------------------------------------------------------------------------


def test_one_skill_unlocks_only_postings_it_completes(matcher: Matcher) -> None:
    unlocks = what_unlocks(matcher, "A5", limit=20)
    skills = {u.target: u for u in unlocks if u.kind == "skill"}
    assert (skills["制粒"].postings, skills["制粒"].examples) == (1, ("Q5",))
    assert "配料混合" not in skills  # alone it completes no posting
    both = next(u for u in skills.values() if "制粒" in u.target and "配料混合" in u.target)
    assert (both.postings, both.examples) == (1, ("Q4",))
    assert "制粒" in both.advice and "配料混合" in both.advice


def test_a_skill_or_permit_unlocks_only_postings_missing_nothing_else(matcher: Matcher
                                                                       ) -> None:
    unlocks = what_unlocks(matcher, "A5", limit=20)
    alone = {(u.kind, u.target): u for u in unlocks if u.kind in ("skill", "permit")}
    assert ("permit", "叉车") not in alone  # Q7 also asks for 制粒
    assert alone["skill", "制粒"].examples == ("Q5",)
    both = next(u for u in unlocks if u.kind == "skill_permit")
    assert (both.target, both.postings, both.examples) == ("制粒、叉车", 1, ("Q7",))
    assert both.advice == "掌握制粒并取得叉车证书，可满足 1 个岗位的技能和证书要求"


# -- 7. wage reasons ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("trainee", "reason", "gap"),
    [("A1", "期望月薪 4,000 元，岗位薪资高于期望（下限 5,000 元）", None),
     ("A6", None, "期望月薪 7,000 元，高于岗位上限 6,000 元")],
    ids=["below-range", "above-range"],
)
def test_wage_reason_tells_below_within_and_above(trainee: str, reason: str | None,
                                                  gap: str | None) -> None:
    m = Matcher.from_tables(trainees(preferred_areas="不限"), postings())
    rec = recommendation(m, "Q1", trainee)
    wage_reasons = [r for r in rec.reasons if r.startswith("期望月薪")]
    wage_gaps = [g for g in rec.gaps if g.startswith("期望月薪")]
    assert wage_reasons == ([reason] if reason else [])
    assert wage_gaps == ([gap] if gap else [])


def test_a_wage_within_the_range_is_said_to_be_within() -> None:
    m = Matcher.from_tables(trainees(expected_wage=5500, preferred_areas="不限"), postings())
    rec = recommendation(m, "Q1", "A1")
    assert "期望月薪 5,500 元，在岗位薪资范围内" in rec.reasons
