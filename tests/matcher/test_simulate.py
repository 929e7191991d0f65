"""The outcome simulator: invariants, determinism, and that good lists place more people."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pandas as pd
import pytest

from matcher.sample import generate_market
from matcher.simulate import EVENTS, OutcomeSimulator, SimulationResult

LIST_LENGTH = 20


@pytest.fixture(scope="module")
def market() -> dict[str, pd.DataFrame]:
    return generate_market("plan", seed=3)


def random_lists(market: dict[str, pd.DataFrame], seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    postings, trainees = market["postings"], market["trainees"]
    n = len(postings)
    return pd.DataFrame({
        "posting_id": np.repeat(postings["posting_id"].to_numpy(object), LIST_LENGTH),
        "trainee_id": trainees["trainee_id"].to_numpy(object)[
            rng.integers(0, len(trainees), n * LIST_LENGTH)],
        "rank": np.tile(np.arange(1, LIST_LENGTH + 1), n),
        "day": np.repeat(rng.integers(0, 60, n), LIST_LENGTH),
    })


def same_occupation_lists(market: dict[str, pd.DataFrame], seed: int = 0) -> pd.DataFrame:
    """Trainees of the posting's true occupation: what a good ranker would find."""
    rng = np.random.default_rng(seed)
    truth = market["trainees_truth"]
    pool = truth.groupby("occupation_code")["trainee_id"].apply(np.array).to_dict()
    days = rng.integers(0, 60, len(market["postings"]))
    rows = []
    for posting, code, day in zip(market["postings"]["posting_id"],
                                  market["postings_truth"]["occupation_code"], days,
                                  strict=True):
        chosen = rng.permutation(pool.get(code, np.array([], dtype=object)))[:LIST_LENGTH]
        rows += [(posting, trainee, rank, day) for rank, trainee in enumerate(chosen, 1)]
    return pd.DataFrame(rows, columns=["posting_id", "trainee_id", "rank", "day"])


@pytest.fixture(scope="module")
def result(market: dict[str, pd.DataFrame]) -> SimulationResult:
    lists = pd.concat([random_lists(market), same_occupation_lists(market)])
    return OutcomeSimulator(market, random_state=5).simulate(lists)


def test_log_has_the_documented_columns_and_events(result: SimulationResult) -> None:
    assert list(result.log.columns) == ["event", "posting_id", "trainee_id", "timestamp",
                                        "actor"]
    assert set(result.log["event"]) == set(EVENTS)
    assert result.log["timestamp"].is_monotonic_increasing


def test_hires_respect_headcount(market: dict[str, pd.DataFrame],
                                 result: SimulationResult) -> None:
    hires = result.placements["posting_id"].value_counts()
    headcount = market["postings"].set_index("posting_id")["headcount"]
    assert (hires <= headcount[hires.index]).all()


def test_each_trainee_takes_at_most_one_job(result: SimulationResult) -> None:
    assert not result.placements["trainee_id"].duplicated().any()
    hired = result.log[result.log["event"] == "hired"]
    assert not hired["trainee_id"].duplicated().any()


def test_hires_only_after_recommendation_application_and_interview(
        result: SimulationResult) -> None:
    log = result.log
    steps = log.pivot_table(index=["posting_id", "trainee_id"], columns="event",
                            values="timestamp", aggfunc="min", observed=True)
    hired = steps[steps["hired"].notna()]
    assert len(hired) == len(result.placements) > 0
    for before, after in pairwise(EVENTS[:5]):
        assert (hired[before] <= hired[after]).all(), (before, after)
    assert hired["rejected"].isna().all()


def test_events_of_a_pair_are_in_order(result: SimulationResult) -> None:
    log = result.log.sort_values(["posting_id", "trainee_id", "timestamp"], kind="stable")
    codes = log["event"].cat.codes.to_numpy()
    same = (log["posting_id"].to_numpy()[1:] == log["posting_id"].to_numpy()[:-1]) & (
        log["trainee_id"].to_numpy()[1:] == log["trainee_id"].to_numpy()[:-1])
    assert (codes[1:][same] > codes[:-1][same]).all()


def test_rejections_follow_applications(result: SimulationResult) -> None:
    log = result.log
    applied = set(zip(*log.loc[log["event"] == "applied", ["posting_id", "trainee_id"]]
                      .to_numpy().T, strict=True))
    rejected = log[log["event"] == "rejected"]
    assert all(pair in applied for pair in zip(rejected["posting_id"], rejected["trainee_id"],
                                               strict=True))
    assert set(rejected["actor"]) <= {"trainee", "enterprise"}


def test_deterministic_with_random_state(market: dict[str, pd.DataFrame]) -> None:
    lists = random_lists(market, seed=1)
    a = OutcomeSimulator(market, random_state=7).simulate(lists)
    b = OutcomeSimulator(market, random_state=7).simulate(lists)
    pd.testing.assert_frame_equal(a.log, b.log)
    pd.testing.assert_frame_equal(a.placements, b.placements)
    c = OutcomeSimulator(market, random_state=8).simulate(lists)
    assert not a.log.equals(c.log)


def test_better_recommendations_place_more_people(market: dict[str, pd.DataFrame]) -> None:
    simulator = OutcomeSimulator(market, random_state=2)
    good = len(simulator.simulate(same_occupation_lists(market)).placements)
    bad = len(simulator.simulate(random_lists(market)).placements)
    print(f"placements: same-occupation lists {good}, random lists {bad}")
    assert good > 3 * bad


def test_hidden_preferences_are_private(market: dict[str, pd.DataFrame]) -> None:
    simulator = OutcomeSimulator(market, random_state=2)
    simulator.simulate(random_lists(market).head(50))
    public = {name for name in vars(simulator) if not name.startswith("_")}
    assert public == {"market", "random_state", "start", "noise"}


@pytest.mark.parametrize(
    ("frame", "message"),
    [(pd.DataFrame({"posting_id": ["P0000001"], "trainee_id": ["T0000001"], "rank": [1]}),
      "lack columns"),
     (pd.DataFrame({"posting_id": ["P9"], "trainee_id": ["T0000001"], "rank": [1], "day": [0]}),
      "not in the market")],
    ids=["missing-column", "unknown-id"],
)
def test_bad_recommendations(market: dict[str, pd.DataFrame], frame: pd.DataFrame,
                             message: str) -> None:
    with pytest.raises(ValueError, match=message):
        OutcomeSimulator(market, random_state=0).simulate(frame)


def test_nothing_happens_after_a_hire_but_recommendations(market: dict[str, pd.DataFrame],
                                                          result: SimulationResult) -> None:
    log, placements = result.log, result.placements
    hired_at = log["trainee_id"].map(placements.set_index("trainee_id")["hired_at"])
    own = log.set_index(["posting_id", "trainee_id"]).index.isin(
        placements.set_index(["posting_id", "trainee_id"]).index)
    later = log[(log["timestamp"] > hired_at) & ~own]
    assert set(later["event"]) <= {"recommended"}
    filled = placements.groupby("posting_id")["hired_at"].agg(["max", "size"])
    headcount = market["postings"].set_index("posting_id")["headcount"]
    filled = filled[filled["size"] == headcount[filled.index]]["max"]
    after_filled = log[log["timestamp"] > log["posting_id"].map(filled)]
    assert set(after_filled["event"]) <= {"recommended"}


def test_withdrawn_trainees_and_closed_postings_place_nobody(
        market: dict[str, pd.DataFrame], result: SimulationResult) -> None:
    status = market["trainees"].set_index("trainee_id")["status"]
    posting_status = market["postings"].set_index("posting_id")["status"]
    assert (status[result.placements["trainee_id"]] != "withdrawn").all()
    assert (posting_status[result.placements["posting_id"]] == "open").all()
    acted = result.log[result.log["event"].isin(["viewed", "applied"])]
    assert (status[acted["trainee_id"]] != "withdrawn").all()
    assert (posting_status[result.log.loc[result.log["event"] == "interviewed", "posting_id"]]
            == "open").all()


def test_no_recommendations_no_events(market: dict[str, pd.DataFrame]) -> None:
    empty = pd.DataFrame(columns=["posting_id", "trainee_id", "rank", "day"])
    result = OutcomeSimulator(market, random_state=0).simulate(empty)
    assert result.log.empty and result.placements.empty
    assert list(result.log.columns) == ["event", "posting_id", "trainee_id", "timestamp", "actor"]


@pytest.mark.parametrize(
    ("column", "value"),
    [("rank", 0), ("rank", "first"), ("day", -1), ("day", np.nan), ("day", 1e12)],
    ids=["rank-0", "rank-text", "day-negative", "day-nan", "day-huge"],
)
def test_bad_rank_or_day(market: dict[str, pd.DataFrame], column: str, value: object) -> None:
    recs = random_lists(market).head(5).astype({column: object})
    recs.loc[2, column] = value
    with pytest.raises(ValueError, match=f"recommendation {column} must be a number"):
        OutcomeSimulator(market, random_state=0).simulate(recs)


def test_a_star_candidate_takes_one_job(market: dict[str, pd.DataFrame]) -> None:
    """Recommended to every posting of their trade, a trainee is wanted by several."""
    truth = market["trainees_truth"].set_index("trainee_id")
    seeking = market["trainees"].set_index("trainee_id")["status"] == "seeking"
    star = truth[seeking & truth["level"].notna()].index[0]
    same = market["postings_truth"]["occupation_code"] == truth.loc[star, "occupation_code"]
    recs = pd.DataFrame({"posting_id": market["postings_truth"]["posting_id"][same],
                         "trainee_id": star, "rank": 1, "day": 0})
    result = OutcomeSimulator(market, random_state=1, noise=0.1).simulate(recs)
    assert (result.log["event"] == "interviewed").sum() >= 2  # several enterprises wanted them
    assert len(result.placements) == 1


def one_to_one_pairs(market: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Each open posting with one trainee of its true occupation, none listed twice."""
    truth = market["trainees_truth"].merge(market["trainees"][["trainee_id", "status"]])
    seeking = truth[truth["status"] == "seeking"]
    pool = {code: list(ids) for code, ids in seeking.groupby("occupation_code")["trainee_id"]}
    postings = market["postings"].merge(market["postings_truth"], on="posting_id")
    rows = [(posting, pool[code].pop(), 1, 0)
            for posting, code, status in zip(postings["posting_id"],
                                             postings["occupation_code"],
                                             postings["status"], strict=True)
            if status == "open" and pool.get(code)]
    return pd.DataFrame(rows, columns=["posting_id", "trainee_id", "rank", "day"])


def test_oracle_hire_model_predicts_the_hires_of_pairs_without_competition(
        market: dict[str, pd.DataFrame]) -> None:
    pairs = one_to_one_pairs(market)
    assert len(pairs) > 200
    expected = realized = 0.0
    for state in range(6):
        simulator = OutcomeSimulator(market, random_state=state)
        model = simulator.oracle_hire_model(pairs["posting_id"], pairs["trainee_id"])
        ones = np.ones(len(pairs))
        p = model(np.arange(len(pairs)), ones, ones)
        assert ((p >= 0) & (p < 1)).all()
        expected += p.sum()
        realized += len(simulator.simulate(pairs).placements)
    assert expected > 30
    assert abs(realized - expected) < 4 * np.sqrt(expected)


def test_oracle_hire_model_falls_down_a_list_and_on_many_lists(
        market: dict[str, pd.DataFrame]) -> None:
    pairs = one_to_one_pairs(market).head(50)
    model = OutcomeSimulator(market, random_state=1).oracle_hire_model(
        pairs["posting_id"], pairs["trainee_id"])
    pair, one = np.arange(50), np.ones(50)
    top = model(pair, one, one)
    assert (model(pair, one * 10, one) <= top).all()
    assert (model(pair, one * 10, one) < top).any()
    assert np.allclose(model(pair, one, one * 8), top)  # attention lasts for 8 lists
    assert np.allclose(model(pair, one, one * 16), top / 2)
    with pytest.raises(ValueError, match="all in the market"):
        OutcomeSimulator(market, random_state=1).oracle_hire_model(["P-nope"], ["T0000001"])
