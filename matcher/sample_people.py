"""Courses and trainees of the synthetic market (used by :mod:`matcher.sample`).

Trainee volumes per area and year follow the plan's annex targets exactly in
proportion (largest-remainder rounding); courses (cohorts) are placed in the same
area-year cells, teach occupations of the industries that sit in their area, and a
share of them are order-based (订单式) for a key enterprise. Trainees inherit area,
occupation, target level and graduation date from their course. Names are masked
("张*"), phone numbers are fake (:data:`FAKE_PHONE_PREFIX`), and no identity number,
gender, age, ethnicity or origin is ever generated: the Employment Promotion Law
forbids using them, and not having them is the simplest guarantee.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pandas as pd

from matcher.areas import area_names, canonical_area, distance_matrix, load_areas
from matcher.industries import Industry, load_industries
from matcher.sample_text import TextPools
from matcher.schema_tables import FAKE_PHONE_PREFIX
from matcher.taxonomy import Taxonomy, data_dir

__all__ = ["World", "allocate", "load_annex_targets", "make_courses", "make_trainees"]

_SURNAMES = [*"王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
             "蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范廖石贾向冉蒲", "欧阳", "司马"]
_BRANDS = list("宏达川渝巴蜀通汇鑫源盛华恒泰瑞丰博凯锦昌隆兴德信诚嘉润宇安远航金龙天明晟")
_LEVEL_SHARES = (0.35, 0.4, 0.2, 0.05)  # course target levels 五级 … 二级


@cache
def load_annex_targets() -> pd.DataFrame:
    """Training targets per area (rows) and year (columns), from the plan's annex.

    The annex says 市本级 for the city level; it is read as the area 达州市.

    Examples
    --------
    >>> targets = load_annex_targets()
    >>> int(targets.loc["宣汉县", 2025]), int(targets.to_numpy().sum())
    (400, 10000)
    """
    with (data_dir() / "plan" / "annex_targets.csv").open(encoding="utf-8-sig") as f:
        rows = [r for r in csv.DictReader(f) if r["area"] != "合计"]
    years = [2025, 2026, 2027]
    table = pd.DataFrame(
        [[int(r[f"target_{y}"]) for y in years] for r in rows],
        index=[canonical_area(r["area"]) for r in rows], columns=years)
    return table.loc[list(area_names())]


def allocate(total: int, weights: np.ndarray, *, minimum: int = 0) -> np.ndarray:
    """Split ``total`` in proportion to ``weights`` by largest remainders (deterministic).

    Examples
    --------
    >>> allocate(10, np.array([1.0, 1.0, 1.0])).tolist()
    [4, 3, 3]
    """
    weights = np.asarray(weights, dtype=float).ravel()
    base = np.full(len(weights), minimum if total >= minimum * len(weights) else 0)
    rest = total - base.sum()
    share = weights / weights.sum() * rest
    counts = np.floor(share).astype(np.int64)
    order = np.argsort(-(share - counts), kind="stable")
    counts[order[: rest - counts.sum()]] += 1
    return base + counts


@dataclass
class World:
    """What every table of one generation run shares: the seeded generator and lookups.

    Examples
    --------
    >>> world = World(np.random.default_rng(0), (2025,))
    >>> world.areas[0], world.placement.shape == (len(world.industries), len(world.areas))
    ('达州市', True)
    """

    rng: np.random.Generator
    years: tuple[int, ...]
    areas: tuple[str, ...] = field(default_factory=area_names)
    industries: tuple[Industry, ...] = field(default_factory=load_industries)

    def __post_init__(self) -> None:
        self.codes = tuple(sorted({c for i in self.industries for c in i.codes}))
        self.code_index = {c: k for k, c in enumerate(self.codes)}
        tax = Taxonomy.default()
        self.code_names = np.array([tax[c].name for c in self.codes], dtype=object)
        self.area_array = np.array(self.areas, dtype=object)
        adcodes = {a.name: a.adcode for a in load_areas()}
        # Zone enterprises register in the district hosting the zone (assumption: 达川区).
        self.adcodes = np.array([adcodes[a] or "511703" for a in self.areas])
        self.industry_weight = np.array([3.0 if i.key else 1.0 for i in self.industries])
        self.industry_weight /= self.industry_weight.sum()
        # industry × area placement weights, and the occupations of each industry
        self.placement = np.array([[i.areas.get(a, 0.0) for a in self.areas]
                                   for i in self.industries])
        self.industry_codes = [np.array([self.code_index[c] for c in i.codes])
                               for i in self.industries]
        first: dict[int, int] = {}
        for k, industry in enumerate(self.industries):
            for c in industry.codes:
                first.setdefault(self.code_index[c], k)
        self.code_industry = np.array([first[k] for k in range(len(self.codes))])
        self.pools = TextPools(self.codes)
        self.distance = distance_matrix([a for a in load_areas() if a.name in self.areas])
        self.nearest = np.argsort(self.distance, axis=1)[:, 1]

    def code_weights_by_area(self) -> np.ndarray:
        """area × occupation weights: industries' share of the area, spread over codes.

        Examples
        --------
        >>> weights = World(np.random.default_rng(0), (2025,)).code_weights_by_area()
        >>> bool(np.allclose(weights.sum(axis=1), 1.0)), bool((weights > 0).all())
        (True, True)
        """
        weights = np.zeros((len(self.areas), len(self.codes)))
        for k, codes in enumerate(self.industry_codes):
            weights[:, codes] += (self.industry_weight[k] * self.placement[k] / len(codes))[:, None]
        weights /= weights.sum(axis=1, keepdims=True)
        return 0.9 * weights + 0.1 / len(self.codes)  # every area trains some of everything

    def dates(self, year: np.ndarray, start_day: int = 0, end_day: int = 365) -> np.ndarray:
        """Random dates within each row's year (between day offsets start and end).

        Examples
        --------
        >>> world = World(np.random.default_rng(0), (2025,))
        >>> world.dates(np.array([2026, 2026]), 0, 1).astype(str).tolist()
        ['2026-01-01T00:00:00', '2026-01-01T00:00:00']
        """
        day = self.rng.integers(start_day, end_day, len(year))
        first = (year - 1970).astype("datetime64[Y]").astype("datetime64[D]")
        return (first + day.astype("timedelta64[D]")).astype("datetime64[s]")


def _draw_rows(rng: np.random.Generator, weights: np.ndarray, group: np.ndarray) -> np.ndarray:
    """For each row, an index drawn from ``weights[group[row]]`` (inverse CDF, vectorized)."""
    cdf = np.cumsum(weights, axis=1)
    cdf /= cdf[:, -1:]
    u = rng.random(len(group))
    return np.minimum((cdf[group] < u[:, None]).sum(axis=1), weights.shape[1] - 1)


def make_courses(world: World, n: int, enterprises: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Courses (cohorts) per area-year cell; returns the table and hidden columns.

    Every area-year cell of the annex gets at least one course (so ``n`` is raised to
    the number of cells), the rest in proportion to the annex targets.

    Examples
    --------
    >>> from matcher.sample import generate_market
    >>> world = World(np.random.default_rng(0), (2025,))
    >>> courses, hidden = make_courses(world, 10, generate_market(100, seed=0)["enterprises"])
    >>> len(courses), sorted(hidden)[:2]
    (10, ['area', 'cell'])
    """
    rng, targets = world.rng, load_annex_targets()[list(world.years)]
    n = max(n, targets.size)
    per_cell = allocate(n, targets.to_numpy().ravel(), minimum=1)
    cell = np.repeat(np.arange(targets.size), per_cell)
    area = cell // len(world.years)
    year = np.array(world.years)[cell % len(world.years)]
    code = _draw_rows(rng, world.code_weights_by_area(), area)
    level = rng.choice(np.arange(1, 5), size=n, p=_LEVEL_SHARES)
    start = world.dates(year, 0, 330)
    end = start + rng.integers(20, 61, n).astype("timedelta64[D]")
    # order-based courses: a key enterprise employing the occupation orders the cohort
    key = enterprises[enterprises["key_enterprise"]]
    key_industry = key["industry"].map({i.name: k for k, i in enumerate(world.industries)})
    by_code: list[list[int]] = [[] for _ in world.codes]
    for row, k in zip(key.index, key_industry, strict=True):
        for c in world.industry_codes[k]:
            by_code[c].append(int(row))
    counts = np.array([len(b) for b in by_code])
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
    flat = np.array([r for b in by_code for r in b] + [-1])
    pick = offsets[code] + (rng.random(n) * counts[code]).astype(np.int64)
    ordering = np.where((counts[code] > 0) & (rng.random(n) < 0.2), flat[np.where(
        counts[code] > 0, pick, len(flat) - 1)], -1)
    ordered = ordering >= 0
    kind = np.where(ordered,
                    np.where(rng.random(n) < 0.6, "enterprise_centre", "vocational_school"),
                    rng.choice(["training_base", "vocational_school", "master_studio",
                                "enterprise_centre"], size=n, p=[0.45, 0.3, 0.15, 0.1]))
    area_name = world.area_array[area]
    brand = np.array(_BRANDS, dtype=object)[rng.integers(0, len(_BRANDS), (n, 2))]
    brand = brand[:, 0] + brand[:, 1]
    enterprise_names = enterprises["name"].to_numpy(object)
    provider = np.select(
        [kind == "training_base", kind == "vocational_school", kind == "master_studio",
         ordered],
        [area_name + "公共实训基地", area_name + brand + "职业技能培训学校",
         world.code_names[code] + "技能大师工作室（" + area_name + "）",
         enterprise_names[np.maximum(ordering, 0)] + "培训中心"],
        brand + "企业培训中心")
    enterprise_ids = enterprises["enterprise_id"].to_numpy(object)
    courses = pd.DataFrame({
        "course_id": [f"C{i:06d}" for i in range(1, n + 1)],
        "provider": provider,
        "provider_kind": kind.astype(object),
        "occupation": world.code_names[code],
        "occupation_code": np.array(world.codes, dtype=object)[code],
        "target_level": np.array(["学徒工", "五级/初级工", "四级/中级工", "三级/高级工",
                                  "二级/技师"], dtype=object)[level],
        "area": area_name,
        "start_date": start,
        "end_date": end,
        "order_enterprise_id": np.where(ordered, enterprise_ids[np.maximum(ordering, 0)], ""),
    })
    return courses, {"code": code, "level": level, "area": area, "cell": cell, "end": end}


def make_trainees(world: World, n: int, courses: pd.DataFrame, hidden: dict,
                  wage_of: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Trainees of the courses, with their truth (occupation code and certified level).

    Volumes per area-year cell follow the annex targets by largest remainders.

    Examples
    --------
    >>> from matcher.sample import _wage_table, generate_market
    >>> world = World(np.random.default_rng(0), (2025,))
    >>> courses, hidden = make_courses(world, 10, generate_market(100, seed=0)["enterprises"])
    >>> trainees, truth = make_trainees(world, 35, courses, hidden, _wage_table(world))
    >>> int((trainees["area"] == "宣汉县").sum()), len(truth)  # 400 of the 3,500 in 2025
    (4, 35)
    """
    rng, targets = world.rng, load_annex_targets()[list(world.years)]
    per_cell = allocate(n, targets.to_numpy().ravel())
    cell = np.repeat(np.arange(targets.size), per_cell)
    order = np.argsort(hidden["cell"], kind="stable")
    course_count = np.bincount(hidden["cell"], minlength=targets.size)
    course_offset = np.concatenate([[0], np.cumsum(course_count)[:-1]])
    course = order[course_offset[cell] + (rng.random(n) * course_count[cell]).astype(np.int64)]
    code, area = hidden["code"][course], hidden["area"][course]
    target = hidden["level"][course]
    u = rng.random(n)
    rank = np.where(u < 0.85, target, np.where(u < 0.95, np.maximum(target - 1, 1), -1))
    pools = world.pools
    main = pools.certificates(rng, code, rank)
    permit = np.where(rng.random(n) < 0.3, pools.permits(rng, code), "")
    other_code = rng.integers(0, len(world.codes), n)
    old = np.where(rng.random(n) < 0.06,
                   pools.certificates(rng, other_code, rng.integers(1, 3, n)), "")
    certificates = main
    for extra in (permit, old):
        certificates = np.where((certificates != "") & (extra != ""), certificates + "；" + extra,
                                certificates + extra)
    surname = np.array(_SURNAMES, dtype=object)[rng.integers(0, len(_SURNAMES), n)]
    masked = surname + np.where(rng.random(n) < 0.7, "**", "*")
    pref_kind = rng.choice(4, size=n, p=[0.5, 0.3, 0.1, 0.1])
    own, near = world.area_array[area], world.area_array[world.nearest[area]]
    anywhere = world.area_array[rng.integers(0, len(world.areas), n)]
    preferred = np.select([pref_kind == 0, pref_kind == 1, pref_kind == 2],
                          [own, own + "、" + near, np.where(anywhere == own, own,
                                                            own + "、" + anywhere)], "不限")
    wage = np.maximum(np.round((wage_of[code, np.maximum(rank, 1)] - 300
                                + rng.normal(0, 500, n)) / 100) * 100, 2500).astype(np.int64)
    digits = rng.integers(0, 10_000_000, n)
    trainees = pd.DataFrame({
        "trainee_id": [f"T{i:07d}" for i in range(1, n + 1)],
        "masked_name": masked,
        "area": own,
        "course_id": courses["course_id"].to_numpy(object)[course],
        "graduation_date": hidden["end"][course],
        "certificates": certificates,
        "skills": pools.skills(rng, code, other_code),
        "preferred_areas": preferred,
        "expected_wage": wage,
        "status": rng.choice(np.array(["seeking", "placed", "withdrawn"], dtype=object), size=n,
                             p=[0.75, 0.15, 0.1]),
        "consent": rng.random(n) < 0.9,
        "contact": FAKE_PHONE_PREFIX + pd.Series(digits).astype(str).str.zfill(7).to_numpy(object),
    })
    truth = pd.DataFrame({
        "trainee_id": trainees["trainee_id"],
        "occupation_code": np.array(world.codes, dtype=object)[code],
        "level": pd.array(np.where(rank >= 0, rank, 0), dtype="Int64"),
        "certificate": main,
    })
    truth.loc[rank < 0, "level"] = pd.NA
    return trainees, truth
