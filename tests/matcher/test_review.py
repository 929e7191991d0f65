"""Regression tests for defects found in review: legal inputs that crashed or misled."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from matcher.features import FEATURES
from matcher.learning import NotEnoughOutcomesError, train_scorer
from matcher.matching import Filters, Matcher
from matcher.scoring import LearnedScorer
from matcher.unlock import what_unlocks
from tests.matcher.market import COURSES, ENTERPRISES, POSTINGS, TRAINEES

LOOSE = Filters(level_tolerance=7, require_area=False)


def build(trainees: pd.DataFrame = TRAINEES, postings: pd.DataFrame = POSTINGS,
          courses: pd.DataFrame = COURSES, enterprises: pd.DataFrame = ENTERPRISES) -> Matcher:
    return Matcher.from_tables(trainees, postings, enterprises=enterprises, courses=courses)


# -- optional columns -------------------------------------------------------------------


def test_trainees_without_the_optional_expected_wage_column() -> None:
    m = build(trainees=TRAINEES.drop(columns="expected_wage"))
    recs = m.shortlist("P1", k=5)
    assert [r.trainee_id for r in recs] == ["T1"]
    assert not any("期望月薪" in reason for reason in recs[0].reasons)


@pytest.mark.parametrize("dropped", [["wage_min", "wage_max"], ["headcount"]],
                         ids=["no-wage", "no-headcount"])
def test_postings_without_wage_or_headcount_columns(dropped: list[str]) -> None:
    m = build(postings=POSTINGS.drop(columns=dropped))
    assert [r.trainee_id for r in m.shortlist("P1", k=5)] == ["T1"]
    assert m.postings.headcount.tolist() == ([3, 1, 2] if "headcount" not in dropped
                                             else [1, 1, 1])


# -- duplicate ids within one add() -----------------------------------------------------


def test_a_trainee_listed_twice_in_one_table_keeps_only_the_last_row() -> None:
    twice = pd.concat([TRAINEES, TRAINEES.iloc[[0]].assign(status="placed")],
                      ignore_index=True)
    m = build(trainees=twice)
    assert "T1" not in [r.trainee_id for r in m.shortlist("P1", k=10, filters=LOOSE)]
    assert len(m.trainees) == len(TRAINEES)


def test_a_posting_listed_twice_in_one_table_keeps_only_the_last_row() -> None:
    twice = pd.concat([POSTINGS, POSTINGS.iloc[[0]].assign(status="closed")],
                      ignore_index=True)
    m = build(postings=twice)
    assert "P1" not in [r.posting_id for r in m.suggest("T1", k=10, filters=LOOSE)]
    assert len(m.postings) == len(POSTINGS)


# -- empty tables -----------------------------------------------------------------------


def test_adding_an_empty_postings_table_changes_nothing() -> None:
    m = build()
    before = [r.posting_id for r in m.suggest("T1", k=5)]
    m.add_postings(POSTINGS.iloc[:0], ENTERPRISES)
    assert m.postings.open.dtype == bool
    assert [r.posting_id for r in m.suggest("T1", k=5)] == before
    assert what_unlocks(m, "T2")


def test_a_matcher_built_empty_accepts_postings_later() -> None:
    m = build(trainees=TRAINEES.iloc[:0], postings=POSTINGS.iloc[:0])
    m.add_trainees(TRAINEES, COURSES)
    m.add_postings(POSTINGS, ENTERPRISES)
    assert [r.posting_id for r in m.suggest("T1", k=5)] == ["P1"]


# -- ids and codes typed as numbers -----------------------------------------------------


def test_numeric_course_and_enterprise_ids_still_join() -> None:
    courses = COURSES.assign(course_id=[1, 2], order_enterprise_id=[7.0, np.nan])
    trainees = TRAINEES.assign(course_id=[1.0, 1.0, 1.0, 1.0, 2.0, np.nan])
    enterprises = ENTERPRISES.assign(enterprise_id=[6, 7])
    postings = POSTINGS.assign(enterprise_id=[7, 7, 6])
    m = build(trainees, postings, courses, enterprises)
    plain = build()
    got = m.pair_features(["P1"] * 6, list(TRAINEES["trainee_id"])).values
    want = plain.pair_features(["P1"] * 6, list(TRAINEES["trainee_id"])).values
    np.testing.assert_array_equal(got, want)
    assert "本企业订单班学员" in m.shortlist("P1", k=1)[0].reasons


def test_a_minimum_level_typed_as_a_number_is_read() -> None:
    # A column of grades with a blank reads as floats (3.0): 三级 = rank 3.
    postings = POSTINGS.assign(min_level=[3.0, np.nan, np.nan])
    m = build(postings=postings)
    assert int(m.postings.min_level[0]) == 3


def test_consent_typed_as_a_number_is_read() -> None:
    m = build(trainees=TRAINEES.assign(consent=[1.0, 1.0, 1.0, 1.0, 0.0, np.nan]))
    assert m.trainees.consent.tolist() == [True, True, True, True, False, False]


# -- area filters -----------------------------------------------------------------------


@pytest.fixture
def with_unknown_areas() -> Matcher:
    odd_trainee = TRAINEES.iloc[[0]].assign(trainee_id="TX", area="", preferred_areas="不限")
    odd_posting = POSTINGS.iloc[[0]].assign(posting_id="PX", area="")
    return build(pd.concat([TRAINEES, odd_trainee], ignore_index=True),
                 pd.concat([POSTINGS, odd_posting], ignore_index=True))


@pytest.mark.parametrize("areas", [("火星",), ("达川区", "火星")], ids=["only", "mixed"])
def test_an_area_filter_naming_an_unknown_area_lets_no_unknown_area_through(
        with_unknown_areas: Matcher, areas: tuple[str, ...]) -> None:
    filters = Filters(level_tolerance=7, require_area=False, areas=areas)
    shortlisted = [r.trainee_id for r in with_unknown_areas.shortlist("P1", 10, filters)]
    suggested = [r.posting_id for r in with_unknown_areas.suggest("T1", 10, filters)]
    assert "TX" not in shortlisted
    assert "PX" not in suggested


def test_an_area_filter_accepts_the_aliases_the_tables_accept() -> None:
    m = build(trainees=TRAINEES.assign(area=["达州"] * 6))
    filters = Filters(level_tolerance=7, require_area=False, areas=("市本级",))
    assert len(m.shortlist("P1", 10, filters)) == 3


# -- unlock ------------------------------------------------------------------------------


def test_unlock_never_names_an_occupation_the_trainee_does_not_hold() -> None:
    courses = pd.concat([COURSES, pd.DataFrame({
        "course_id": ["C9"], "occupation_code": ["6-99-99-99"], "target_level": ["五级/初级工"],
        "order_enterprise_id": [""]})], ignore_index=True)
    trainees = TRAINEES.copy()
    trainees.loc[0, ["course_id", "certificates"]] = ["C9", ""]
    m = build(trainees=trainees, courses=courses)
    assert all(u.kind != "level" for u in what_unlocks(m, "T1"))


# -- preferred permits -------------------------------------------------------------------


def test_a_preferred_permit_counts_and_is_explained() -> None:
    postings = POSTINGS.assign(requirements=["持焊工证", "电工证，有低压电工证优先", "三级以上"])
    m = build(postings=postings)
    filters = Filters(level_tolerance=7, require_area=False, include_unconsented=True)
    recs = {r.trainee_id: r for r in m.shortlist("P2", k=10, filters=filters)}
    assert m.postings.preferred_permits[1]  # the reading found the preferred permit
    holder = recs["T5"]
    assert holder.contributions["preferred"] > 0
    assert "具备优先条件：低压电工作业" in holder.reasons
    features = m.pair_features(["P2", "P2"], ["T5", "T6"])
    assert features.column("preferred").tolist() == [1.0, 0.0]


# -- learned scorer ----------------------------------------------------------------------


def test_learned_scorer_fits_the_pairs_of_a_single_posting() -> None:
    rng = np.random.default_rng(0)
    X = rng.random((40, len(FEATURES)))
    y = (X[:, 0] > 0.5).astype(int)
    scorer = LearnedScorer(random_state=0).fit(X, y, groups=np.zeros(40))
    assert np.isfinite(scorer.coef_).all()


def small_log(postings: list[str]) -> pd.DataFrame:
    pairs = {"P1": ["T1", "T2", "T4"], "P2": ["T5", "T1", "T2"]}
    rows = []
    for pid in postings:
        rows += [("recommended", pid, t) for t in pairs[pid]]
        rows.append(("hired", pid, pairs[pid][0]))
    return pd.DataFrame(rows, columns=["event", "posting_id", "trainee_id"])


def test_train_scorer_on_one_posting_says_there_are_too_few_outcomes() -> None:
    with pytest.raises(NotEnoughOutcomesError, match="at least two are needed"):
        train_scorer(build(), small_log(["P1"]), min_hires=1)


def test_train_scorer_on_two_postings_learns_on_one_and_tests_on_the_other() -> None:
    scorer, metrics = train_scorer(build(), small_log(["P1", "P2"]), min_hires=1)
    assert metrics["postings_train"] == metrics["postings_test"] == 1
    assert np.isfinite(scorer.coef_).all()


# -- a course is not a certificate -------------------------------------------------------


def test_a_trainee_with_a_course_but_no_certificate_is_not_said_to_hold_one() -> None:
    trainees = TRAINEES.copy()
    trainees.loc[0, "certificates"] = ""
    m = build(trainees=trainees)
    reasons = m.shortlist("P1", k=1)[0].reasons
    assert not any(reason.startswith("持焊工") for reason in reasons)
    assert "参加焊工四级/中级工培训，与岗位职业一致" in reasons
    # One who holds the certificate is still said to hold it.
    assert "持焊工四级/中级工证书，与岗位职业一致" in build().shortlist("P1", k=1)[0].reasons


def test_a_trainee_with_neither_certificate_nor_course_gets_no_occupation_reason() -> None:
    bare = TRAINEES.iloc[[0]].assign(trainee_id="T0", certificates="", course_id="",
                                     skills="会氩弧焊")
    m = build(trainees=pd.concat([TRAINEES, bare], ignore_index=True))
    rec = next(r for r in m.shortlist("P1", k=10, filters=LOOSE) if r.trainee_id == "T0")
    assert not any(reason.startswith(("持", "参加")) for reason in rec.reasons)
    assert sum(rec.contributions.values()) == pytest.approx(rec.score)
