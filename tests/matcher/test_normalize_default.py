"""The bundled normalizer on text as Dazhou's rosters and postings write it.

The strings here are written for these tests (never taken from the evaluation sets):
they pin behaviour a counselor relies on, not accuracy, which the benchmark measures.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher import Normalizer


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("急聘二保焊工5名 月薪6000-9000 包吃住", "6-18-02-04"),
        ("养老護理員（四級）", "4-10-01-05"),
        ("中式烹调师 三级/高级工", "4-03-02-01"),
        ("机修钳工（技师）", "6-31-01-02"),
        ("化工总控工", "6-11-01-03"),
        ("锂冶炼工", "6-17-07-07"),
        ("电子商务师", "4-01-06-01"),
    ],
    ids=["noisy-welder", "traditional-care", "cook-level", "fitter-technician",
         "chemical-control", "lithium", "ecommerce"],
)
def test_reads_common_dazhou_text(norm: Normalizer, text: str, code: str) -> None:
    m = norm.normalize(text)
    assert m is not None and m.code == code


@pytest.mark.parametrize(
    "text",
    ["身体健康", "责任心强", "服从管理", "有上进心", "学历不限", "踏实肯干", "沟通能力强",
     "适应倒班", "男女不限", "五险一金 包吃住", "月薪8000", "3名", "面议", "能长期稳定工作",
     "工作细心", "反应灵活", "身体健康无传染病"],
)
def test_requirement_boilerplate_names_nothing(norm: Normalizer, text: str) -> None:
    assert norm.normalize(text) is None


def test_levels_are_read_in_every_form(norm: Normalizer) -> None:
    levels = [m.level if m else None for m in norm.normalize_many(
        ["焊工（五级）", "焊工 初级工", "焊工证 国家职业资格四级", "焊工 高级工", "焊工技师",
         "焊工 一级/高级技师"])]
    assert levels == [1, 1, 2, 3, 4, 5]


def test_extract_reads_a_requirement(norm: Normalizer) -> None:
    found = norm.extract("持焊工证，中级以上，会氩弧焊优先；有叉车证者优先")
    named = {(m.code, m.kind, m.skill or m.permit or m.matched, m.level) for m in found}
    assert ("6-18-02-04", "certificate", "焊工", 2) in named
    assert ("6-18-02-04", "skill", "氩弧焊", None) in named
    assert any(kind == "permit" and code == "6-30-05-01" for code, kind, _, _ in named)


def test_confidence_orders_exact_over_fuzzy(norm: Normalizer) -> None:
    exact = norm.normalize("焊工")
    noisy = norm.candidates("焊管调试班长", k=1)
    assert exact is not None and exact.score == 100
    assert noisy and noisy[0].score < exact.score


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gives_a_match_or_none(text: str) -> None:
    norm = _shared()
    m = norm.normalize(text)
    assert m is None or (0 <= m.score <= 100 and m.code in norm.taxonomy)
    for found in norm.extract(text):
        assert found.code in norm.taxonomy


_NORMALIZER: list[Normalizer] = []


def _shared() -> Normalizer:
    # hypothesis cannot take function-scoped fixtures; build the normalizer once.
    if not _NORMALIZER:
        _NORMALIZER.append(Normalizer.default())
    return _NORMALIZER[0]


@pytest.mark.parametrize(
    ("text", "code"),
    [("某某公司招聘招聘主管", "4-07-03-08"), ("门店助理招聘专员 双休", "4-07-03-08"),
     ("某某公司招聘注塑工", "6-14-02-00")],
    ids=["recruiter-after-hiring-word", "recruiter-title", "hiring-word-still-noise"],
)
def test_recruiter_titles_survive_hiring_noise(norm: Normalizer, text: str, code: str) -> None:
    m = norm.normalize(text)
    assert m is not None and m.code == code


def test_candidates_are_ordered_by_their_shown_scores(norm: Normalizer) -> None:
    for text in ["人事部招聘专员 双休", "电气装配", "物业水电维修人员", "机械设备维修"]:
        scores = [m.score for m in norm.candidates(text, k=5)]
        assert scores == sorted(scores, reverse=True), text
