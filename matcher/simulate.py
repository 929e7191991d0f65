"""What happens after a recommendation: a seeded simulator of views, applications and hires.

:class:`OutcomeSimulator` plays a synthetic market forward from recommendation lists.
Trainees view some recommendations (fewer further down a list, and fewer when they
are flooded), apply to some (by wage, distance, industry and trade), enterprises
interview and make offers up to their headcount (by level, occupation and skill fit,
distance, and graduates of courses they ordered), and each trainee accepts at most
one job: a star candidate recommended everywhere still takes one. Every decision
mixes **hidden** preferences, drawn from ``random_state`` and kept private, with
noise.

It exists to evaluate rankers and allocation honestly: a scorer must learn only from
:attr:`SimulationResult.log` and :attr:`SimulationResult.placements`, never from the
simulator's private attributes, which are not part of the API and may change.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from matcher.areas import area_names, distance_matrix, load_areas
from matcher.industries import load_industries

__all__ = ["EVENTS", "OutcomeSimulator", "SimulationResult"]

#: Events of the log, in the order they happen to one pair.
EVENTS = ("recommended", "viewed", "applied", "interviewed", "hired", "rejected")
_DAY = np.timedelta64(86_400, "s")


@dataclass(frozen=True)
class SimulationResult:
    """The interaction log and the placements it led to.

    Attributes
    ----------
    log : DataFrame
        event, posting_id, trainee_id, timestamp, actor (``recommender``, ``trainee``
        or ``enterprise``: who acted, e.g. who rejected), sorted by time.
    placements : DataFrame
        posting_id, trainee_id, enterprise_id, recommended_at, hired_at; every
        placement here came through matching (the pair was recommended first).
    """

    log: pd.DataFrame
    placements: pd.DataFrame


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


class OutcomeSimulator:
    """Simulates trainees' and enterprises' responses to recommendations.

    Parameters
    ----------
    market : dict of DataFrame
        As returned by :func:`matcher.sample.generate_market` (with the truth tables).
    random_state : int or None, keyword-only
        Seeds the hidden preferences and the noise; the same state and
        recommendations give the same result.
    start : str, keyword-only
        The date that recommendation day 0 stands for.
    noise : float, keyword-only
        Standard deviation of the noise added to every decision's utility.

    Examples
    --------
    >>> from matcher.sample import generate_market
    >>> market = generate_market(300, seed=1)
    >>> recs = pd.DataFrame({"posting_id": market["postings"]["posting_id"][:3],
    ...                      "trainee_id": market["trainees"]["trainee_id"][:3],
    ...                      "rank": 1, "day": 0})
    >>> result = OutcomeSimulator(market, random_state=0).simulate(recs)
    >>> int((result.log["event"] == "recommended").sum())
    3
    """

    def __init__(self, market: dict[str, pd.DataFrame], *, random_state: int | None = None,
                 start: str = "2025-03-01", noise: float = 1.0) -> None:
        self.market = market
        self.random_state = random_state
        self.start = start
        self.noise = noise

    def _prepare(self) -> None:
        """Index the market and draw the hidden preferences (private by design)."""
        m = self.market
        postings, trainees = m["postings"], m["trainees"]
        seeds = np.random.SeedSequence(self.random_state).spawn(2)
        taste = np.random.default_rng(seeds[0])
        self._event_seed = seeds[1]
        self._posting_index = pd.Index(postings["posting_id"])
        self._trainee_index = pd.Index(trainees["trainee_id"])
        areas = pd.Index(area_names())
        self._distance = distance_matrix(load_areas())
        self._p_area = areas.get_indexer(postings["area"])
        self._t_area = areas.get_indexer(trainees["area"])
        p_truth = m["postings_truth"].set_index("posting_id").loc[postings["posting_id"]]
        t_truth = m["trainees_truth"].set_index("trainee_id").loc[trainees["trainee_id"]]
        self._p_code = p_truth["occupation_code"].to_numpy(str)
        self._t_code = t_truth["occupation_code"].to_numpy(str)
        self._p_group = p_truth["occupation_code"].astype(str).str[:7].to_numpy(object)
        self._t_group = t_truth["occupation_code"].astype(str).str[:7].to_numpy(object)
        self._p_level = p_truth["min_level"].fillna(0).to_numpy(float)
        self._t_level = t_truth["level"].fillna(0).to_numpy(float)
        enterprises = m["enterprises"].set_index("enterprise_id")
        self._p_enterprise = postings["enterprise_id"].to_numpy(object)
        enterprise_index = pd.Index(enterprises.index)
        self._p_owner = enterprise_index.get_indexer(self._p_enterprise)
        industries = pd.Index([i.name for i in load_industries()])
        self._p_industry = industries.get_indexer(
            enterprises["industry"].to_numpy(object)[self._p_owner])
        self._p_wage = (postings["wage_min"] + postings["wage_max"]).to_numpy(float) / 2
        self._p_headcount = postings["headcount"].to_numpy(np.int64)
        self._t_wage = trainees["expected_wage"].fillna(0).to_numpy(float)
        # Seeking trainees act; placed ones now and then (a better job); withdrawn never.
        status = trainees["status"].astype(str).str.strip()
        self._t_attention = np.select([status == "seeking", status == "placed"], [1.0, 0.1], 0.0)
        self._p_open = (postings["status"].astype(str).str.strip() == "open").to_numpy()
        courses = m["courses"].set_index("course_id")["order_enterprise_id"]
        self._t_order = courses.reindex(trainees["course_id"]).fillna("").to_numpy(object)
        pref = trainees["preferred_areas"].fillna("").astype(str)
        self._t_anywhere = pref.isin(["", "不限"]).to_numpy()
        self._t_preferred = pref.to_numpy(object)
        n_t, n_e = len(trainees), len(enterprises)
        # Hidden tastes: enterprises weigh level, occupation/skill fit, distance, order
        # courses; trainees weigh wage, distance, industries, and are more or less active.
        self._enterprise_taste = {
            "bias": taste.normal(-0.5, 0.5, n_e), "level": taste.lognormal(-0.3, 0.4, n_e),
            "fit": taste.lognormal(0.8, 0.3, n_e), "distance": taste.lognormal(-0.7, 0.5, n_e),
            "order": taste.lognormal(0.5, 0.4, n_e)}
        self._trainee_taste = {
            "bias": taste.normal(-0.3, 0.5, n_t), "wage": taste.lognormal(-0.3, 0.4, n_t),
            "distance": taste.lognormal(-0.5, 0.5, n_t), "activity": taste.normal(0, 0.6, n_t),
            "industry": taste.normal(0, 0.7, (n_t, len(industries)))}

    def _pair_utilities(self, p: np.ndarray, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        same = self._p_code[p] == self._t_code[t]
        group = self._p_group[p] == self._t_group[t]  # same minor group (小类)
        fit = np.where(same, 1.0, np.where(group, 0.4, 0.0))
        gap = np.clip(self._t_level[t] - self._p_level[p], -3, 2)
        km = self._distance[self._p_area[p], self._t_area[t]]
        order = self._t_order[t] == self._p_enterprise[p]
        e = self._enterprise_taste
        owner = self._p_owner[p]
        enterprise = (e["bias"][owner] + e["fit"][owner] * (fit - 0.5) * 2
                      + e["level"][owner] * gap - e["distance"][owner] * km / 50
                      + e["order"][owner] * order)
        tr = self._trainee_taste
        wage = (self._p_wage[p] - self._t_wage[t]) / 1000
        preferred = self._t_anywhere[t] | np.array(
            [a in s for a, s in zip(np.array(area_names(), dtype=object)[self._p_area[p]],
                                    self._t_preferred[t], strict=True)], dtype=bool)
        trainee = (tr["bias"][t] + tr["wage"][t] * wage - tr["distance"][t] * km / 30
                   + tr["industry"][t, self._p_industry[p]] + 0.8 * preferred + 1.5 * fit)
        return enterprise, trainee

    def _p_view(self, t: np.ndarray, rank: np.ndarray, load: np.ndarray) -> np.ndarray:
        """P(viewed): lower down a list, and a flooded trainee looks at a smaller share."""
        return (_sigmoid(1.5 - 0.15 * (rank - 1) + self._trainee_taste["activity"][t])
                * np.minimum(1.0, 8.0 / np.maximum(load, 1)) * self._t_attention[t])

    def oracle_hire_model(self, posting_ids: Sequence[str], trainee_ids: Sequence[str], *,
                          draws: int = 400) -> Callable[[np.ndarray, np.ndarray, np.ndarray],
                                                        np.ndarray]:
        """P(hire) of given pairs from the hidden preferences: **for measuring ceilings only**.

        Returns ``probability(pair, rank, lists)``, element-wise: the chance that pair
        number ``pair`` (an index into the ids given) ends in a hire when the trainee is
        listed at ``rank`` while on ``lists`` lists in all: she views it, applies, is
        interviewed, offered the job and accepts, as if no one else competed for the
        place or for her (the noise averaged over ``draws`` draws seeded by
        ``random_state``). It reads the preferences a scorer or allocator must never
        see: a benchmark uses it to show how much better probabilities could gain,
        never as a system.
        """
        self._prepare()
        p = self._posting_index.get_indexer(pd.Index(list(posting_ids), dtype=object))
        t = self._trainee_index.get_indexer(pd.Index(list(trainee_ids), dtype=object))
        if len(p) != len(t) or (p < 0).any() or (t < 0).any():
            raise ValueError("oracle_hire_model needs equally many ids, all in the market")
        enterprise, trainee = self._pair_utilities(p, t)
        # A stream of its own: the draws are not the noise simulate() will draw.
        rng = np.random.default_rng(np.random.SeedSequence(self.random_state).spawn(3)[2])
        e_noise, t_noise = (rng.normal(0, self.noise, (draws, 1)) for _ in range(2))
        a_noise = rng.normal(0, 0.5 * self.noise, (draws, 1))
        # The steps of simulate() and _decide() after a view: apply, interview, offer, accept.
        applies = _sigmoid(trainee + t_noise - 1.0) * (trainee + t_noise + a_noise > -0.5)
        offered = _sigmoid(enterprise + e_noise + 0.5) * (enterprise + e_noise > 0)
        after_view = applies.mean(axis=0) * offered.mean(axis=0) * self._p_open[p]

        def probability(pair: np.ndarray, rank: np.ndarray, lists: np.ndarray) -> np.ndarray:
            i = np.asarray(pair).astype(np.int64)
            return np.minimum(self._p_view(t[i], np.asarray(rank, dtype=float),
                                           np.asarray(lists, dtype=float)) * after_view[i],
                              1 - 1e-9)

        return probability

    def simulate(self, recommendations: pd.DataFrame) -> SimulationResult:
        """Play the market forward from recommendation lists.

        Parameters
        ----------
        recommendations : DataFrame
            posting_id, trainee_id, rank (1 = top of the list shown), day (int days
            after ``start``). A pair recommended twice counts once, at its first day.

        Returns
        -------
        SimulationResult

        Raises
        ------
        ValueError
            If a column is missing, an id is not in the market, a rank is not a
            number ≥ 1 or a day not a number in [0, 36500).

        Examples
        --------
        >>> from matcher.sample import generate_market
        >>> market = generate_market(300, seed=1)
        >>> star = pd.DataFrame({"posting_id": market["postings"]["posting_id"],
        ...                      "trainee_id": "T0000001", "rank": 1, "day": 0})
        >>> result = OutcomeSimulator(market, random_state=0).simulate(star)
        >>> len(result.placements) <= 1  # a star candidate takes one job at most
        True
        """
        if not isinstance(recommendations, pd.DataFrame):
            raise ValueError("recommendations must be a DataFrame, not "
                             f"{type(recommendations).__name__}")
        missing = {"posting_id", "trainee_id", "rank", "day"} - set(recommendations.columns)
        if missing:
            raise ValueError(f"recommendations lack columns {sorted(missing)}")
        for column, low, high in (("rank", 1, np.inf), ("day", 0, 36_500)):
            number = pd.to_numeric(recommendations[column], errors="coerce")
            bad = ~number.between(low, high, inclusive="left") | ~np.isfinite(number)
            if bad.any():
                raise ValueError(f"recommendation {column} must be a number in [{low}, {high}), "
                                 f"got {recommendations[column][bad].iloc[0]}")
        self._prepare()
        recs = (recommendations.assign(rank=pd.to_numeric(recommendations["rank"]),
                                       day=pd.to_numeric(recommendations["day"]))
                .sort_values(["day", "rank"], kind="stable")
                .drop_duplicates(["posting_id", "trainee_id"]).reset_index(drop=True))
        p = self._posting_index.get_indexer(recs["posting_id"])
        t = self._trainee_index.get_indexer(recs["trainee_id"])
        if (p < 0).any() or (t < 0).any():
            bad = recs.loc[(p < 0) | (t < 0), ["posting_id", "trainee_id"]].iloc[0].tolist()
            raise ValueError(f"recommendation names ids that are not in the market: {bad}")
        rng = np.random.default_rng(self._event_seed)
        n = len(recs)
        enterprise, trainee = self._pair_utilities(p, t)
        enterprise = enterprise + rng.normal(0, self.noise, n)
        trainee = trainee + rng.normal(0, self.noise, n)
        load = np.bincount(t, minlength=len(self._trainee_index))[t]
        p_view = self._p_view(t, recs["rank"].to_numpy(float), load)
        viewed = rng.random(n) < p_view
        applied = viewed & (rng.random(n) < _sigmoid(trainee - 1.0))
        # A filled or closed posting interviews nobody: its applicants are turned down.
        interviewed = (applied & self._p_open[p]
                       & (rng.random(n) < _sigmoid(enterprise + 0.5)))
        day = recs["day"].to_numpy(float)
        times = {"recommended": day + rng.uniform(0.33, 0.75, n)}
        times["viewed"] = times["recommended"] + rng.exponential(1.0, n)
        times["applied"] = times["viewed"] + rng.exponential(1.0, n)
        times["interviewed"] = times["applied"] + rng.uniform(2, 7, n)
        decided = np.where(interviewed, times["interviewed"] + rng.uniform(1, 5, n),
                           times["applied"] + rng.uniform(3, 10, n))
        hired, rejected_by = self._decide(p, t, interviewed, applied, decided, enterprise,
                                          trainee, rng)
        # A placed trainee and a filled posting stop acting on their other pairs.
        placed_at = np.full(len(self._trainee_index), np.inf)
        filled_at = np.full(len(self._posting_index), np.inf)
        np.minimum.at(placed_at, t[hired], decided[hired])
        order_hired = np.flatnonzero(hired)[np.argsort(decided[hired], kind="stable")]
        count = np.zeros(len(self._posting_index), dtype=np.int64)
        for i in order_hired:  # only hires (≤ total headcount) loop here
            count[p[i]] += 1
            if count[p[i]] == self._p_headcount[p[i]]:
                filled_at[p[i]] = decided[i]
        cutoff = np.where(hired, np.inf, np.minimum(placed_at[t], filled_at[p]))
        happened = {"recommended": np.ones(n, dtype=bool), "viewed": viewed,
                    "applied": applied, "interviewed": interviewed}
        for event in ("viewed", "applied", "interviewed"):
            happened[event] = happened[event] & (times[event] <= cutoff)
        final = np.minimum(decided, cutoff)
        happened["hired"] = hired
        happened["rejected"] = applied & ~hired & happened["applied"]
        rejected_by = np.where(decided > cutoff, np.where(placed_at[t] <= filled_at[p],
                                                          "trainee", "enterprise"), rejected_by)
        times["hired"] = times["rejected"] = final
        actors = {"recommended": "recommender", "viewed": "trainee", "applied": "trainee",
                  "interviewed": "enterprise", "hired": "enterprise"}
        start = np.datetime64(self.start, "s")
        frames = []
        for code, event in enumerate(EVENTS):
            rows = np.flatnonzero(happened[event])
            stamp = start + np.round(times[event][rows] * 86_400).astype("timedelta64[s]")
            frames.append(pd.DataFrame({
                "event": event, "posting_id": recs["posting_id"].to_numpy(object)[rows],
                "trainee_id": recs["trainee_id"].to_numpy(object)[rows], "timestamp": stamp,
                "actor": rejected_by[rows] if event == "rejected" else actors[event],
                "_order": code}))
        log = (pd.concat(frames, ignore_index=True)
               .sort_values(["timestamp", "posting_id", "trainee_id", "_order"], kind="stable")
               .drop(columns="_order").reset_index(drop=True))
        log["event"] = pd.Categorical(log["event"], categories=EVENTS, ordered=True)
        rows = np.flatnonzero(hired)
        placements = pd.DataFrame({
            "posting_id": recs["posting_id"].to_numpy(object)[rows],
            "trainee_id": recs["trainee_id"].to_numpy(object)[rows],
            "enterprise_id": self._p_enterprise[p[rows]],
            "recommended_at": start + np.round(times["recommended"][rows] * 86_400)
            .astype("timedelta64[s]"),
            "hired_at": start + np.round(final[rows] * 86_400).astype("timedelta64[s]"),
        }).sort_values("hired_at", kind="stable").reset_index(drop=True)
        return SimulationResult(log, placements)

    def _decide(self, p: np.ndarray, t: np.ndarray, interviewed: np.ndarray,
                applied: np.ndarray, decided: np.ndarray, enterprise: np.ndarray,
                trainee: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Offers up to remaining headcount each day; each trainee accepts at most one."""
        n = len(p)
        hired = np.zeros(n, dtype=bool)
        rejected_by = np.full(n, "enterprise", dtype=object)
        remaining = self._p_headcount.copy()
        placed = np.zeros(len(self._trainee_index), dtype=bool)
        accept = trainee + rng.normal(0, 0.5 * self.noise, n) > -0.5
        day = np.floor(decided).astype(np.int64)
        for d in np.unique(day[interviewed]):
            rows = np.flatnonzero(interviewed & (day == d))
            gone = placed[t[rows]]
            rejected_by[rows[gone]] = "trainee"
            rows = rows[~gone & (remaining[p[rows]] > 0) & (enterprise[rows] > 0)]
            if not len(rows):
                continue
            rows = rows[np.lexsort((-enterprise[rows], p[rows]))]
            first = np.r_[True, p[rows][1:] != p[rows][:-1]]
            position = np.arange(len(rows)) - np.maximum.accumulate(
                np.where(first, np.arange(len(rows)), 0))
            offers = rows[position < remaining[p[rows]]]
            offers = offers[np.lexsort((-trainee[offers], t[offers]))]
            best = offers[np.r_[True, t[offers][1:] != t[offers][:-1]]]
            rejected_by[offers] = "trainee"  # declined, unless accepted below
            taken = best[accept[best]]
            hired[taken] = True
            placed[t[taken]] = True
            np.subtract.at(remaining, p[taken], 1)
        return hired, rejected_by
