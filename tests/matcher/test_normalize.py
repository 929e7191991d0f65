"""The Normalizer's contract: what it answers, with which kind, level and confidence."""

from __future__ import annotations

import pytest

from matcher import Match, Normalizer, Taxonomy


@pytest.mark.parametrize(
    ("text", "code", "kind", "level"),
    [
        ("焊工", "6-18-02-04", "occupation", None),
        ("电焊工", "6-18-02-04", "occupation", None),
        ("氩弧焊", "6-18-02-04", "skill", None),
        ("焊工证（中级）", "6-18-02-04", "certificate", 2),
        ("焊工證（四級）", "6-18-02-04", "certificate", 2),
        ("持低压电工作业证", "6-31-01-03", "permit", None),
        ("低压电工", "6-31-01-03", "permit", None),
        ("急招电焊工3名 包吃住 5000-8000 长白班", "6-18-02-04", "occupation", None),
        ("某某机械有限公司招聘机修钳工", "6-31-01-02", "occupation", None),
        ("高级电工", "6-31-01-03", "occupation", 3),
        ("welder", "6-18-02-04", "occupation", None),
        ("ＷＥＬＤＥＲ", "6-18-02-04", "occupation", None),
    ],
    ids=["name", "colloquial", "skill", "cert-level", "traditional", "permit-cert",
         "permit-stem", "noisy-title", "company-title", "level-title", "english",
         "full-width-english"],
)
def test_normalize_reads_text(tiny: Normalizer, text: str, code: str, kind: str,
                              level: int | None) -> None:
    m = tiny.normalize(text)
    assert m is not None
    assert (m.code, m.kind, m.level) == (code, kind, level)
    assert m.name == tiny.taxonomy[code].name
    assert m.text == text
    assert 0 <= m.score <= 100


@pytest.mark.parametrize(
    "text",
    [None, "", "   ", "吃苦耐劳", "包吃住 长白班", "😀😀😀", "\x00\x01\x02", "x" * 10_000,
     "焊" , "的的的的"],
    ids=["none", "empty", "spaces", "noise", "only-noise", "emoji", "control", "long-junk",
         "one-character", "filler"],
)
def test_normalize_answers_none_for_nothing(tiny: Normalizer, text: object) -> None:
    assert tiny.normalize(text) is None


@pytest.mark.parametrize("value", [3, 4.5, b"\xff\xfe", ["焊工"], {"t": 1}],
                         ids=["int", "float", "bytes", "list", "dict"])
def test_wrong_types_raise_value_error(tiny: Normalizer, value: object) -> None:
    with pytest.raises(ValueError, match="must be a string"):
        tiny.normalize(value)
    with pytest.raises(ValueError, match="must be a string"):
        tiny.extract(value)


def test_long_text_is_bounded_and_still_read(tiny: Normalizer) -> None:
    m = tiny.normalize("电焊工 " + "好" * 10_000)
    assert m is not None and m.code == "6-18-02-04"


def test_exact_beats_fuzzy_and_fuzzy_scores_lower(tiny: Normalizer) -> None:
    exact = tiny.normalize("设备维修钳工")
    fuzzy = tiny.candidates("设备维钳工", k=1)[0]
    assert exact is not None and exact.method == "exact"
    assert fuzzy.code == exact.code and fuzzy.method != "exact"
    assert fuzzy.score < exact.score


def test_cutoff_turns_weak_matches_into_none(tiny_taxonomy: Taxonomy) -> None:
    weak = Normalizer(tiny_taxonomy, cutoff=0).normalize("维修")
    assert weak is not None and weak.score < 90
    assert Normalizer(tiny_taxonomy, cutoff=weak.score + 1).normalize("维修") is None


def test_cutoff_must_be_a_score() -> None:
    with pytest.raises(ValueError, match="cutoff"):
        Normalizer(Taxonomy.from_table([{"code": "1", "label": "焊工"}]), cutoff=120)


def test_unknown_texts_are_collected(tiny_taxonomy: Taxonomy) -> None:
    norm = Normalizer(tiny_taxonomy)
    for text in ["普通话标准", "普通话标准", "焊工"]:
        norm.normalize(text)
    assert norm.unknown == {"普通话标准": 2}


def test_normalize_many_keeps_order_and_nones(tiny: Normalizer) -> None:
    texts = ["焊工", None, "普通话", "电工", "焊工"]
    out = tiny.normalize_many(texts)
    assert [m.code if m else None for m in out] == [
        "6-18-02-04", None, None, "6-31-01-03", "6-18-02-04"]


def test_candidates_are_distinct_codes_best_first(tiny: Normalizer) -> None:
    ranked = tiny.candidates("电工钳工", k=5)
    codes = [m.code for m in ranked]
    assert len(codes) == len(set(codes)) >= 2
    assert [m.score for m in ranked] == sorted((m.score for m in ranked), reverse=True)
    with pytest.raises(ValueError, match="k must be"):
        tiny.candidates("电工", k=0)


def test_extract_finds_every_thing_named(tiny: Normalizer) -> None:
    found = tiny.extract("会电焊工、氩弧焊，持低压电工作业证；熟悉机修钳工")
    got = {(m.code, m.kind, m.matched) for m in found}
    assert got == {
        ("6-18-02-04", "occupation", "电焊工"),
        ("6-18-02-04", "skill", "氩弧焊"),
        ("6-31-01-03", "permit", "低压电工作业"),
        ("6-31-01-02", "occupation", "机修钳工"),
    }
    skill = next(m for m in found if m.kind == "skill")
    assert skill.skill == "氩弧焊" and skill.permit is None


def test_extract_prefers_the_longest_label(tiny: Normalizer) -> None:
    found = tiny.extract("持低压电工作业证")
    assert [(m.kind, m.matched) for m in found] == [("permit", "低压电工作业")]


def test_extract_attaches_levels_per_clause(tiny: Normalizer) -> None:
    found = {m.code: m.level for m in tiny.extract("焊工四级，电工")}
    assert found == {"6-18-02-04": 2, "6-31-01-03": None}


def test_match_is_immutable(tiny: Normalizer) -> None:
    m = tiny.normalize("焊工")
    assert isinstance(m, Match)
    with pytest.raises(AttributeError):
        m.code = "x"  # type: ignore[misc]


def test_default_reads_the_documented_example(norm: Normalizer) -> None:
    m = norm.normalize("焊工证（中级）")
    assert m is not None
    assert (m.code, m.name, m.level, m.kind) == ("6-18-02-04", "焊工", 2, "certificate")
    assert m.score >= 90
