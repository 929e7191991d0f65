"""Allocation quality on the sample market: independent top-k vs congestion-aware vs allocation.

One year of Dazhou at plan scale (~3,500 trainees, ~1,000 postings). Every *open*
posting asks the matcher (weighted scorer) for ``CANDIDATES`` = 100 candidates; their
scores / 100 are the hire probabilities every system works from, so all systems see
the same candidates and scores. Three systems make lists of the same length ``k``:

- ``topk``: the matcher's own top-k (independent lists);
- ``congestion``: :func:`~matcher.allocation.rerank_by_congestion` with λ = 0.25,
  postings with fewer candidates picking first;
- ``allocation``: :func:`~matcher.allocation.allocate_shortlists` — the b-matching
  with ``capacity = k`` per posting and ``r`` lists per trainee, topped up to ``k`` by
  the congestion-aware re-ranking (λ = 0.25) — where ``r`` is fixed *a priori* by a
  rule that uses only the candidate pairs: the number of list places the top-k lists
  fill, divided by the number of trainees who are anyone's candidate, rounded up —
  what each trainee would get if exposure were spread evenly. This is what a job-fair
  plan (``POST /plans``, ``api.services.plans``) serves when the counselor sets no
  ``per_trainee``;
- ``allocation (no fill)``: the b-matching alone (:func:`~matcher.allocation.allocate`),
  whose lists are shorter where candidates are few and shared. The top-up was added
  after this variant was seen to shorten the lists (a property of the lists, not of
  the simulator's outcomes). It is what a plan with a hard ``per_trainee`` equal to
  ``r`` gives: the top-up within the limit finds no room after a b-matching under the
  same limit;
- ``placements``: :func:`~matcher.allocation.allocate_shortlists` with
  ``objective="placements"`` — lazy greedy maximizing the expected number of
  trainees placed, Σ_t 1 − Π (1 − q) over each trainee's lists (≥ ½ of the optimum
  under the list lengths) — with **no** cap per trainee (the objective's diminishing
  returns do the spreading) and the probabilities scaled per posting by
  min(1, headcount / Σ p of its k best candidates), the posting's ``headcount`` from
  the postings table (no remaining-headcount field exists for open postings);
- ``placements r``: the same with the even-spread cap ``r`` per trainee (≥ ⅓ of the
  optimum), topped up like ``allocation``;
- ``placements no-hc``: the same as ``placements`` without the headcount scaling
  (q = p), to show what the posting-side capacity contributes.

What was fixed when (the ``placements`` rows). Before the new objective's lists were
ever simulated, all of the following were fixed from the principle and written here:
p = score / 100 (as for the other systems; no calibration), the independence model
1 − Π (1 − q), the headcount scaling rule above (one shot, from the k best candidates
— an a-priori upper bound on any list's expected hires), no trainee cap for the
primary ``placements`` row, the even-spread ``r`` for ``placements r``, the top-up
λ = 0.25, the ordering within a list (by score, as every system), that all three
rows are reported, and the ``model`` column. ``placements`` was named the primary
variant at the same time. The simulator had been run beforehand only on the existing
systems (to reproduce the baseline); nothing was changed after seeing the new rows'
outcomes.

Test phase with learned hire probabilities (the second table). score / 100 overstates
hires about threefold (``model`` vs ``placements``). The open postings are split at
:func:`ranking_quality.default_cutoff` (the month boundary nearest the median opening
date, as in the ranking benchmark): the *logging* postings get independent top-``LOG_K``
(20) lists, a fresh simulator plays them, and two calibrations are fitted on those
outcomes only (:mod:`matcher.calibration`; a hire is a positive,
:func:`~matcher.learning.outcome_labels`): :class:`~matcher.calibration.ScoreCalibrator`
(isotonic, score → P(hire)) and :class:`~matcher.calibration.ExposureModel` (logistic
in score / 100, log rank, log of the lists the trainee is on; C = 1). All systems are
then run on the *test* postings only, against top-k on the same postings:
``placements cal`` is ``placements`` with the isotonic probabilities; ``exposure`` is
:func:`~matcher.allocation_exposure.optimize_exposure` (block-coordinate ascent on the
expected trainees placed under the exposure model, lists in the planned order, a list
may end shorter) started from the ``placements`` lists, ``SWEEPS`` = 3;
``exposure topk start`` the same from top-k; ``exposure score order`` the ``exposure``
lists re-sorted by score (how much of the gain is the order). Column ``exposure``: the
expected trainees placed under the fitted exposure model (a property of the lists).

What was fixed when (the test phase; session of issue 6). Fixed before any simulation:
the split, the logging policy (top-20, as ``ranking_quality.LOG_K``), the calibrations'
forms (the exposure model's features were chosen knowing that the simulator discounts
views by position and by the number of lists — an informed guess at *which* effects
to learn, not at their size, which is learned from the log), C = 1, and that every
test-phase row is reported. Chosen on seeds 101–103 only (never on 1–3): the start of
``exposure`` (the ``placements`` lists: k = 20 +7.7 % vs +6.6 % from top-k there, within
noise), ``SWEEPS`` = 3 (later sweeps changed F by < 0.1 %), and reporting
``--level-tolerance 1`` as a separate run (on 101–103 the wider pool raised top-k
itself by ~10 % at k = 20, and allocation over top-k on the same pool stayed at +4–5 %).
One slip to record: an exploratory script once ran the prototype on the test phase of
seed 1 (by an argument mix-up); nothing was chosen from it.

Rows added in the session of 2026-11-28 (same test phase, same candidates): the
learned scorer as the service trains it (:func:`~matcher.learning.train_scorer` on the
logging phase's log) gives every candidate pair a P(hire); ``learned topk`` ranks by
it, ``learned placements`` is ``placements`` with it, ``learned exposure`` is
``exposure`` with it (an exposure model refitted with it in place of score / 100,
started from ``learned placements``). ``oracle (not a system)``, in both tables, plans with the
simulator's *own* hire probabilities
(:meth:`~matcher.simulate.OutcomeSimulator.oracle_hire_model`, its hidden preferences,
its true view curve; :func:`~matcher.allocation_exposure.optimize_exposure` from the
top-k lists): not something any system can know, it shows how much of the gap to a
target better probabilities could close. Fixed before running them on seeds 1–3: these
definitions, the learned scorer's defaults, and that all four rows are reported. On
seeds 101–103 (development) a funnel variant was also tried: a view model learned from
the logged views (rank and lists in log₂ bins) times P(hire | viewed); it gained
+6–9 %, within the noise of ``exposure``, and was not kept.

List lengths (session of 2026-11-29). ``--k`` takes a number of names per list, or
``Nh`` for N × the posting's headcount (its remaining headcount at plan time: the
sample's open postings have no hires yet), at most 50 names as in a plan. ``3h`` is
the job-fair plan's default length (``api.services.plans.LIST_MULTIPLE`` = 3, set
when plans were built on 2026-11-28, the usual 1:3 interview ratio); it was added to
the defaults so that the benchmark measures the lengths the service serves. No system
or setting was changed with it. It was run first on seeds 101–103, then once on 1–3,
then on the fresh seeds 4–10 for a tighter estimate (the cap of 50 was added after a
review; it shortens 2 of ~700 lists in a year). The per-seed table at the end gives
``allocation`` against ``topk`` in every world.

Each system's lists are shown on their posting's opening day and played forward by a
*fresh* :class:`~matcher.simulate.OutcomeSimulator` with the same ``random_state``
(the same world); only its public results are read. Metrics: ``placements``;
``share`` = placements / the seeking, consented trainees (the pool every system
ranks); ``unseen`` = share of that pool on no list; ``gini`` = Gini coefficient of the
number of lists each pool member is on; ``objective`` = summed probabilities of the
listed pairs; ``model`` = the expected number of trainees placed under the
independence model, Σ_t 1 − Π (1 − p) with the unscaled p (a property of the lists,
not an outcome); ``length`` = mean list length over postings with a candidate;
``gain`` = placements relative to ``topk`` in the same seed. The defaults (λ, the
rule for r) were fixed before any simulation; ``--sweep`` prints the sensitivity to
them, which is *not* used to choose them.

Usage::

    python benchmarks/allocation_quality.py [--scale plan] [--seeds 1 2 3] [--k 10 20 3h]
                                            [--sweep] [--level-tolerance 1]
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
from ranking_quality import LOG_K, default_cutoff
from scipy import sparse

from matcher import Matcher, OutcomeSimulator, SimulationResult, generate_market
from matcher.allocation import (
    CONGESTION_PENALTY,
    allocate,
    allocate_shortlists,
    rerank_by_congestion,
)
from matcher.allocation_exposure import expected_placed, optimize_exposure
from matcher.calibration import ExposureModel, ScoreCalibrator
from matcher.learning import outcome_labels, train_scorer
from matcher.matching import Filters
from matcher.scoring import LearnedScorer

CANDIDATES = 100
#: The longest list a job-fair plan gives (``api.services.plan_schemas.MAX_LENGTH``).
MAX_LENGTH = 50
PENALTY = CONGESTION_PENALTY  # 0.25, fixed before any simulation
#: Sweeps of :func:`~matcher.allocation_exposure.optimize_exposure` (fixed on seeds 101–103).
SWEEPS = 3
METRICS = ("placements", "gain", "share", "unseen", "gini", "objective", "model", "exposure",
           "length", "r")


@dataclass
class World:
    """One seeded market with its candidate pairs, indexed postings × pool."""

    seed: int
    market: dict[str, pd.DataFrame]
    posting_ids: np.ndarray
    pool_ids: np.ndarray
    scores: sparse.csr_array
    headcount: np.ndarray
    topk_order: dict[int, np.ndarray]
    day: np.ndarray
    start: pd.Timestamp
    matcher: Matcher


def build_world(scale: str | int, seed: int, filters: Filters | None = None) -> World:
    """The market, the matcher's candidates for every open posting, and their scores."""
    market = generate_market(scale, seed=seed)
    matcher = Matcher.from_tables(market["trainees"], market["postings"],
                                  enterprises=market["enterprises"], courses=market["courses"])
    t = matcher.trainees
    pool_ids = np.array([str(i) for i in t.ids[t.active & t.seeking & t.consent]], dtype=object)
    column = {tid: j for j, tid in enumerate(pool_ids)}
    postings = market["postings"]
    open_ = postings[postings["status"].astype(str).str.strip() == "open"].reset_index(drop=True)
    opened = pd.to_datetime(open_["opened"])
    start = opened.min()
    rows, cols, values, topk_order = [], [], [], {}
    for i, pid in enumerate(open_["posting_id"].astype(str)):
        recs = matcher.shortlist(pid, k=CANDIDATES, filters=filters)
        topk_order[i] = np.array([column[r.trainee_id] for r in recs], dtype=np.int64)
        rows += [i] * len(recs)
        cols += topk_order[i].tolist()
        values += [r.score / 100 for r in recs]
    scores = sparse.csr_array((values, (rows, cols)), shape=(len(open_), len(pool_ids)))
    scores.sort_indices()
    headcount = open_["headcount"].to_numpy(dtype=np.int64)
    return World(seed, market, open_["posting_id"].astype(str).to_numpy(object), pool_ids,
                 scores, headcount, topk_order, (opened - start).dt.days.to_numpy(), start,
                 matcher)


def list_lengths(world: World, spec: str) -> np.ndarray:
    """Names per list for every posting: ``"20"`` gives 20 each, ``"3h"`` three times
    the posting's headcount, at most ``MAX_LENGTH`` (the job-fair plan's default,
    ``api.services.plans``)."""
    if spec.endswith("h"):
        return np.minimum(int(spec[:-1]) * world.headcount, MAX_LENGTH)
    return np.full(len(world.posting_ids), int(spec), dtype=np.int64)


def topk_lists(world: World, k: int | np.ndarray) -> list[np.ndarray]:
    k = np.broadcast_to(np.asarray(k, dtype=np.int64), (len(world.posting_ids),))
    return [world.topk_order[i][:k[i]] for i in range(len(world.posting_ids))]


def even_spread(world: World, k: np.ndarray) -> int:
    """r: list places the top-k lists fill / trainees who are anyone's candidate, rounded up."""
    places = sum(min(int(k[i]), len(o)) for i, o in world.topk_order.items())
    reachable = len(np.unique(world.scores.indices))
    return max(1, math.ceil(places / reachable))


def play(world: World, lists: list[np.ndarray]) -> SimulationResult:
    """The lists, each shown on its posting's opening day, played by a fresh simulator."""
    rows = [(world.posting_ids[i], world.pool_ids[j], rank, int(world.day[i]))
            for i, ranking in enumerate(lists) for rank, j in enumerate(ranking.tolist(), 1)]
    recs = pd.DataFrame(rows, columns=["posting_id", "trainee_id", "rank", "day"])
    simulator = OutcomeSimulator(world.market, random_state=world.seed,
                                 start=str(world.start.date()))
    return simulator.simulate(recs)


def simulate(world: World, lists: list[np.ndarray]) -> pd.DataFrame:
    return play(world, lists).placements


def split_world(world: World) -> tuple[World, World, pd.Timestamp]:
    """The postings opened before the cutoff (logging) and on or after it (test).

    The cutoff is :func:`ranking_quality.default_cutoff`, as in the ranking benchmark;
    each side keeps its own opening-day clock and pool (trainees are not split).
    """
    opened = world.start + pd.to_timedelta(world.day, unit="D")
    cut = default_cutoff(pd.Series(opened))
    early = np.asarray(opened < cut)

    def part(keep: np.ndarray) -> World:
        rows = np.flatnonzero(keep)
        start = opened[rows].min()
        return World(world.seed, world.market, world.posting_ids[rows], world.pool_ids,
                     sparse.csr_array(world.scores[rows]), world.headcount[rows],
                     {n: world.topk_order[i] for n, i in enumerate(rows.tolist())},
                     np.asarray((opened[rows] - start).days), start, world.matcher)

    return part(early), part(~early), cut


def listed_pairs(world: World, lists: list[np.ndarray]) -> pd.DataFrame:
    """Posting, trainee (indices), rank, score and the trainee's number of lists."""
    posting = np.repeat(np.arange(len(lists)), [len(r) for r in lists])
    trainee = np.concatenate(lists).astype(np.int64)
    rank = np.concatenate([np.arange(1, len(r) + 1) for r in lists])
    score = np.asarray(world.scores[posting, trainee]).ravel()
    load = np.bincount(trainee, minlength=len(world.pool_ids))[trainee]
    return pd.DataFrame({"posting": posting, "trainee": trainee, "rank": rank,
                         "score": score, "lists": load})


@dataclass
class Learned:
    """What the logging phase taught: calibrations of the score and the learned scorer."""

    model: ExposureModel
    calibrator: ScoreCalibrator
    scorer: LearnedScorer
    scorer_model: ExposureModel
    facts: dict[str, float]


def pair_probabilities(world: World, scorer: LearnedScorer) -> sparse.csr_array:
    """The learned scorer's P(hire) of every candidate pair (the candidates unchanged)."""
    coo = world.scores.tocoo()
    features = world.matcher.pair_features(world.posting_ids[coo.row].tolist(),
                                           world.pool_ids[coo.col].tolist())
    q = sparse.csr_array((scorer.predict_proba(features.values)[:, 1], (coo.row, coo.col)),
                         shape=world.scores.shape)
    q.sort_indices()
    return q


def learn_from_log(early: World) -> Learned:
    """Top-``LOG_K`` lists of the logging postings, simulated; the calibrations and the
    learned scorer fitted on their outcomes (a hire is a positive, anything else a
    negative; the scorer as the service trains it, :func:`~matcher.learning.train_scorer`)."""
    lists = topk_lists(early, LOG_K)
    logged = listed_pairs(early, lists)
    log = play(early, lists).log
    labels = outcome_labels(log)
    hires = labels[(labels["label"] == 1) & (labels["weight"] == 1.0)]
    hired_keys = set(zip(hires["posting_id"], hires["trainee_id"], strict=True))
    hired = np.array([(early.posting_ids[i], early.pool_ids[t]) in hired_keys
                      for i, t in zip(logged["posting"], logged["trainee"], strict=True)])
    model = ExposureModel().fit(logged["score"], logged["rank"], logged["lists"], hired)
    calibrator = ScoreCalibrator().fit(logged["score"], hired)
    scorer, metrics = train_scorer(early.matcher, log)
    q = np.asarray(pair_probabilities(early, scorer)[logged["posting"], logged["trainee"]])
    scorer_model = ExposureModel().fit(q.ravel(), logged["rank"], logged["lists"], hired)
    facts = {"pairs": float(len(logged)), "hires": float(hired.sum()),
             "score": model.coef_[0], "log rank": model.coef_[1],
             "log lists": model.coef_[2], "intercept": model.intercept_,
             "learned AUC": metrics["auc"], "weighted AUC": metrics["auc_weighted"],
             "q": scorer_model.coef_[0], "q log rank": scorer_model.coef_[1],
             "q log lists": scorer_model.coef_[2]}
    return Learned(model, calibrator, scorer, scorer_model, facts)


def gini(x: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0: all equal; → 1: one holds all)."""
    x = np.sort(np.asarray(x, dtype=float))
    n, total = len(x), x.sum()
    if n == 0 or total == 0:
        return 0.0
    return float((2 * np.arange(1, n + 1) - n - 1) @ x / (n * total))


def measure(world: World, lists: list[np.ndarray], r: float = float("nan"),
            model: ExposureModel | None = None) -> dict[str, float]:
    placements = simulate(world, lists)
    exposure = np.bincount(np.concatenate(lists), minlength=len(world.pool_ids))
    objective = 0.0
    miss = np.zeros(len(world.pool_ids))  # Σ log(1 − p) per pool member
    for i, ranking in enumerate(lists):
        lo, hi = world.scores.indptr[i], world.scores.indptr[i + 1]
        at = np.searchsorted(world.scores.indices[lo:hi], ranking)
        p = world.scores.data[lo:hi][at]
        objective += float(p.sum())
        np.add.at(miss, ranking, np.log(np.maximum(1 - p, 1e-300)))
    with_candidates = np.diff(world.scores.indptr) > 0
    return {"placements": float(len(placements)),
            "share": len(placements) / len(world.pool_ids),
            "unseen": float((exposure == 0).mean()),
            "gini": gini(exposure),
            "objective": objective,
            "model": float((1 - np.exp(miss)).sum()),
            "exposure": float("nan") if model is None else exposure_objective(world, lists, model),
            "length": float(np.mean([len(lists[i]) for i in np.flatnonzero(with_candidates)])),
            "r": float(r)}


def exposure_objective(world: World, lists: list[np.ndarray], model: ExposureModel) -> float:
    """Expected trainees placed by the lists under the fitted exposure model."""
    pairs = listed_pairs(world, lists)
    return expected_placed(pairs["score"].to_numpy(), pairs["posting"].to_numpy(),
                           pairs["trainee"].to_numpy(), pairs["rank"].to_numpy(),
                           model.predict_proba)


def test_systems(test: World, spec: str, learned: Learned) -> list[dict[str, object]]:
    """The systems on the test postings, with probabilities learned on the logging ones."""
    k = list_lengths(test, spec)
    model, calibrator = learned.model, learned.calibrator
    r = even_spread(test, k)
    calibrated = test.scores.copy()
    calibrated.data = calibrator.predict_proba(calibrated.data)
    placements = allocate_shortlists(test.scores, k, objective="placements",
                                     headcount=test.headcount)
    exposure = optimize_exposure(test.scores, k, probability=model.predict_proba,
                                 start=placements, sweeps=SWEEPS)
    from_topk = optimize_exposure(test.scores, k, probability=model.predict_proba,
                                  sweeps=SWEEPS)
    by_score = [ranking[np.argsort(-np.asarray(test.scores[[i] * len(ranking), ranking]).ravel(),
                                   kind="stable")] if len(ranking) else ranking
                for i, ranking in enumerate(exposure.lists())]
    out = [
        {"system": "topk", **measure(test, topk_lists(test, k), model=model)},
        {"system": "allocation", **measure(
            test, allocate_shortlists(test.scores, k, per_trainee=r).lists(), r, model)},
        {"system": "placements", **measure(test, placements.lists(), model=model)},
        {"system": "placements cal", **measure(
            test, allocate_shortlists(calibrated, k, objective="placements",
                                      headcount=test.headcount).lists(), model=model)},
        {"system": "exposure", **measure(test, exposure.lists(), model=model)},
        {"system": "exposure topk start", **measure(test, from_topk.lists(), model=model)},
        {"system": "exposure score order", **measure(test, by_score, model=model)},
        *learned_systems(test, k, learned),
        {"system": "oracle (not a system)", **measure(test, oracle_lists(test, k),
                                                      model=model)},
    ]
    base = out[0]["placements"]
    for row in out:
        row["gain"] = row["placements"] / base - 1
    return out


def oracle_lists(world: World, k: np.ndarray) -> list[np.ndarray]:
    """Lists planned with the simulator's own hire probabilities (its hidden preferences):
    how much better probabilities could gain at most, not a system."""
    order = world.scores.tocoo()
    pair = sparse.csr_array((np.arange(1, order.nnz + 1, dtype=float), (order.row, order.col)),
                            shape=world.scores.shape)
    pair.sort_indices()
    number = pair.data.astype(np.int64) - 1
    simulator = OutcomeSimulator(world.market, random_state=world.seed,
                                 start=str(world.start.date()))
    model = simulator.oracle_hire_model(world.posting_ids[order.row[number]].tolist(),
                                        world.pool_ids[order.col[number]].tolist())
    by_pair = np.empty(order.nnz, dtype=np.int64)
    by_pair[number] = np.arange(order.nnz)

    def probability(s: np.ndarray, rank: np.ndarray, lists: np.ndarray) -> np.ndarray:
        return model(by_pair[s.astype(np.int64) - 1], rank, lists)

    return optimize_exposure(pair, k, probability=probability, start=topk_lists(world, k),
                             sweeps=SWEEPS).lists()


def learned_systems(test: World, k: np.ndarray, learned: Learned) -> list[dict[str, object]]:
    """The same candidates, with the learned scorer's P(hire) in place of score / 100."""
    q = pair_probabilities(test, learned.scorer)
    placements = allocate_shortlists(q, k, objective="placements", headcount=test.headcount)
    exposure = optimize_exposure(q, k, probability=learned.scorer_model.predict_proba,
                                 start=placements, sweeps=SWEEPS)
    by_q = [q.indices[q.indptr[i]:q.indptr[i + 1]][
        np.argsort(-q.data[q.indptr[i]:q.indptr[i + 1]], kind="stable")][:k[i]]
        for i in range(q.shape[0])]
    return [
        {"system": "learned topk", **measure(test, by_q, model=learned.model)},
        {"system": "learned placements", **measure(test, placements.lists(),
                                                   model=learned.model)},
        {"system": "learned exposure", **measure(test, exposure.lists(), model=learned.model)},
    ]


def systems(world: World, spec: str, sweep: bool) -> list[dict[str, object]]:
    k = list_lengths(world, spec)
    r = even_spread(world, k)
    out = [
        {"system": "topk", **measure(world, topk_lists(world, k))},
        {"system": "congestion", **measure(
            world, rerank_by_congestion(world.scores, k, penalty=PENALTY).lists())},
        {"system": "allocation", **measure(
            world, allocate_shortlists(world.scores, k, per_trainee=r).lists(), r)},
        {"system": "allocation (no fill)", **measure(
            world, allocate(world.scores, k, trainee_capacity=r).lists(), r)},
        {"system": "placements", **measure(
            world, allocate_shortlists(world.scores, k, objective="placements",
                                       headcount=world.headcount).lists())},
        {"system": "placements r", **measure(
            world, allocate_shortlists(world.scores, k, objective="placements",
                                       per_trainee=r, headcount=world.headcount).lists(),
            r)},
        {"system": "placements no-hc", **measure(
            world, allocate_shortlists(world.scores, k, objective="placements").lists())},
        {"system": "oracle (not a system)", **measure(world, oracle_lists(world, k))},
    ]
    if sweep:
        for penalty in (0.1, 1.0):
            out.append({"system": f"congestion λ={penalty}", **measure(
                world, rerank_by_congestion(world.scores, k, penalty=penalty).lists())})
        for r_other in sorted({1, 2, 3, 5, 8} - {r}):
            out.append({"system": f"allocation r={r_other}", **measure(
                world, allocate_shortlists(world.scores, k, per_trainee=r_other).lists(),
                r_other)})
    base = out[0]["placements"]
    for row in out:
        row["gain"] = row["placements"] / base - 1
    return out


def summarize(table: pd.DataFrame, n_seeds: int) -> pd.DataFrame:
    grouped = table.groupby(["k", "system"], sort=False)[list(METRICS)]
    mean, sd = grouped.mean(), grouped.std(ddof=1)
    out = pd.DataFrame(index=mean.index)
    for column in METRICS:
        digits = {"placements": 1, "objective": 1, "model": 1, "exposure": 1, "length": 1,
                  "r": 0}.get(column, 3)
        out[column] = [
            f"{m:.{digits}f}" + ("" if n_seeds < 2 or np.isnan(s) else f" ± {s:.{digits}f}")
            for m, s in zip(mean[column], sd[column], strict=True)]
    return out


def per_seed(table: pd.DataFrame, system: str) -> pd.DataFrame:
    """Placements of ``topk`` → ``system`` and the gain, a column per k, a row per seed,
    with the gain of the pooled placements over all seeds at the bottom."""
    wide = table.pivot_table(index="seed", columns=["k", "system"], values="placements",
                             sort=False)
    columns = {}
    for k in table["k"].unique():
        base, ours = wide[(k, "topk")], wide[(k, system)]
        pairs = [*zip(base, ours, strict=True), (base.sum(), ours.sum())]
        columns[k] = [f"{b:.0f} → {o:.0f} ({o / b - 1:+.1%})" if b else f"{b:.0f} → {o:.0f}"
                      for b, o in pairs]
    return pd.DataFrame(columns, index=[*wide.index, "pooled"])


def parse_length(spec: str) -> str:
    """A ``--k`` value: a whole number ≥ 1, or ``Nh`` (N × the headcount)."""
    digits = spec[:-1] if spec.endswith("h") else spec
    if not digits.isdigit() or int(digits) < 1:
        raise argparse.ArgumentTypeError(f"list length must be a number ≥ 1 or Nh, got {spec!r}")
    return spec


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="plan")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--k", type=parse_length, nargs="+", default=["10", "20", "3h"],
                        help="list lengths: a number of names, or Nh for N × the "
                             "posting's headcount")
    parser.add_argument("--sweep", action="store_true",
                        help="also other λ and r (sensitivity; not used to pick defaults)")
    parser.add_argument("--level-tolerance", type=int, default=0,
                        help="the matcher's level tolerance for the candidate pool (all "
                             "systems alike; 0: the matcher's default)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    filters = Filters(level_tolerance=args.level_tolerance)
    rows, test_rows, learned = [], [], []
    for seed in args.seeds:
        world = build_world(args.scale, seed, filters)
        reachable = len(np.unique(world.scores.indices))
        print(f"seed {seed}: {len(world.posting_ids)} open postings "
              f"({int((np.diff(world.scores.indptr) > 0).sum())} with candidates), "
              f"{world.scores.nnz} candidate pairs, pool {len(world.pool_ids)} seeking "
              f"consented trainees ({reachable} anyone's candidate)")
        for k in args.k:
            rows += [{"seed": seed, "k": k, **row} for row in systems(world, k, args.sweep)]
        early, test, cut = split_world(world)
        taught = learn_from_log(early)
        learned.append({"seed": seed, "cutoff": str(cut.date()),
                        "logging postings": len(early.posting_ids),
                        "test postings": len(test.posting_ids), **taught.facts})
        for k in args.k:
            test_rows += [{"seed": seed, "k": k, **row}
                          for row in test_systems(test, k, taught)]
    pd.set_option("display.width", 200)
    tolerance = f", level tolerance {args.level_tolerance}" if args.level_tolerance else ""
    print(f"\nscale {args.scale}{tolerance}, seeds {args.seeds}, all open postings, "
          "hire probability = score / 100: mean ± sd over seeds")
    print(summarize(pd.DataFrame(rows), len(args.seeds)).to_string())
    print("\nallocation (the job-fair plan's default) against independent top-k, per seed:")
    print(per_seed(pd.DataFrame(rows), "allocation").to_string())
    print(f"\ntest phase (postings opened on or after the cutoff), probabilities learned "
          f"from the logging phase's top-{LOG_K} outcomes: mean ± sd over seeds")
    print(summarize(pd.DataFrame(test_rows), len(args.seeds)).to_string())
    print("\nexposure model (logit of a hire) fitted on the logging phase:")
    print(pd.DataFrame(learned).round(3).to_string(index=False))
    print(f"\n{time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
