"""Acceptance defects in reading requirement text: negations, preferences, permit names."""

from __future__ import annotations

import pytest

from matcher import Normalizer
from matcher.reading import canonical_label, read_posting, read_trainee

# -- negated requirements ----------------------------------------------------------------


def test_a_permit_after_a_negation_is_not_required(norm: Normalizer) -> None:
    r = read_posting(norm, "电焊工", "不要求证书，会电焊即可，无需叉车证")
    assert "电焊" in r.skills
    assert not r.permits and not r.preferred_permits
    assert r.not_understood == ()  # "不要求证书" says what is not needed: nothing to check


@pytest.mark.parametrize(
    "negation", ["无需", "不需", "不要求", "不需要", "免", "无须"],
    ids=["wuxu", "buxu", "buyaoqiu", "buxuyao", "mian", "wuxu2"])
def test_every_negation_word_cancels_what_follows_it(norm: Normalizer, negation: str) -> None:
    r = read_posting(norm, "电焊工", f"{negation}叉车证")
    assert not r.permits and not r.preferred_permits


def test_without_the_negation_the_same_permit_is_required(norm: Normalizer) -> None:
    assert read_posting(norm, "电焊工", "持叉车证").permits


@pytest.mark.parametrize(
    "requirements",
    ["无需经验会电焊即可", "会电焊无需叉车证", "不限专业，会电焊"],
    ids=["after-negated-object", "before-negation", "other-clause"],
)
def test_a_negation_leaves_the_rest_of_the_text_required(norm: Normalizer,
                                                          requirements: str) -> None:
    r = read_posting(norm, "电焊工", requirements)
    assert "电焊" in r.skills
    assert not r.permits


@pytest.mark.parametrize(
    ("requirements", "skills", "permits"),
    [("经验不限会电焊", {"电焊"}, set()),
     ("学历不限持叉车证", set(), {"叉车"})],
    ids=["experience-unrestricted", "schooling-unrestricted"],
)
def test_unrestricted_is_no_negation(norm: Normalizer, requirements: str, skills: set[str],
                                     permits: set[str]) -> None:
    # "经验不限" says experience is unrestricted: what follows is still asked for.
    r = read_posting(norm, "电焊工", requirements)
    assert (r.skills, r.permits) == (skills, permits)


@pytest.mark.parametrize(
    ("requirements", "skills", "permits"),
    [("会电焊，叉车证不需要", {"电焊"}, set()),
     ("叉车证不要求", set(), set()),
     ("叉车证不需要会电焊", {"电焊"}, set()),
     ("经验不需要会电焊", {"电焊"}, set()),
     ("无需叉车证", set(), set()),
     ("不要求有叉车证", set(), set()),
     ("持焊工证不要求有叉车证", set(), set()),
     ("会电焊无需叉车证", {"电焊"}, set()),
     ("无需经验会电焊即可", {"电焊"}, set())],
    ids=["negation-ends-clause", "negation-ends-text", "negation-then-affirmation",
         "negated-experience-then-affirmation", "forward", "forward-with-verb",
         "affirmed-then-forward", "skill-then-forward", "forward-then-affirmation"],
)
def test_a_negation_cancels_the_object_it_names(norm: Normalizer, requirements: str,
                                                skills: set[str], permits: set[str]) -> None:
    r = read_posting(norm, "电焊工", requirements)
    assert (r.skills, r.permits) == (skills, permits)
    assert not r.preferred_skills and not r.preferred_permits


def test_what_a_forward_negation_leaves_before_it_is_still_asked_for(norm: Normalizer) -> None:
    r = read_posting(norm, "仓管员", "持焊工证不要求有叉车证")
    assert "6-18-02-04" in r.occupations  # the welder certificate is still asked for
    assert not r.permits


def test_a_negated_level_is_no_minimum(norm: Normalizer) -> None:
    assert read_posting(norm, "电焊工", "会电焊，不要求高级工").min_level is None


# -- preferred clauses -------------------------------------------------------------------


@pytest.mark.parametrize(
    "marker", ["更好", "为佳", "加分", "更佳", "最好", "者优先考虑"],
    ids=["genghao", "weijia", "jiafen", "gengjia", "zuihao", "youxian"])
def test_a_preferred_permit_is_not_required(norm: Normalizer, marker: str) -> None:
    r = read_posting(norm, "仓管员", f"会开叉车{marker}")
    assert "叉车" in r.preferred_permits
    assert not r.permits


@pytest.mark.parametrize(
    ("requirements", "level"),
    [("有数控车工证（高级工）优先", None),
     ("中级以上，高级工优先", 2),
     ("高级工优先，中级以上", 2),
     ("持数控车工证（高级工）", 3),
     ("持焊工中级证有经验者优先", 2),
     ("最好持有数控车工中级证", None)],
    ids=["preferred-only", "required-then-preferred", "preferred-then-required", "required",
         "required-level-beside-preferred-experience", "preferred-before-the-level"],
)
def test_a_preferred_level_is_not_the_minimum(norm: Normalizer, requirements: str,
                                              level: int | None) -> None:
    assert read_posting(norm, "数控车工", requirements).min_level == level


# -- two names of one permit -------------------------------------------------------------


@pytest.mark.parametrize(
    ("asked", "held"),
    [("持危险化学品特种作业证", "危化品作业证"),
     ("持危化品特种作业证", "危险化学品安全作业证"),
     ("持高压电工操作证", "高压电工作业证"),
     ("会叉车操作", "叉车证")],
    ids=["hazchem-long-short", "hazchem-short-long", "high-voltage", "forklift"],
)
def test_two_names_of_one_permit_read_as_one(norm: Normalizer, asked: str, held: str) -> None:
    required = read_posting(norm, "化工总控工", asked).permits
    assert required and required == read_trainee(norm, held).permits


@pytest.mark.parametrize(
    ("asked", "held"),
    [("持低压电工证", "高压电工证"), ("持叉车证", "起重机司机证")],
    ids=["low-vs-high-voltage", "forklift-vs-crane"],
)
def test_different_permits_stay_different(norm: Normalizer, asked: str, held: str) -> None:
    required = read_posting(norm, "电工", asked).permits
    assert required and not required & read_trainee(norm, held).permits


def test_canonical_label_leaves_unknown_labels_and_checks_the_kind(norm: Normalizer) -> None:
    assert canonical_label(norm, "permit", "会开飞艇") == "会开飞艇"
    with pytest.raises(ValueError, match="kind must be 'skill' or 'permit'"):
        canonical_label(norm, "occupation", "焊工")
