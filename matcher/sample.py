"""A seeded, synthetic Dazhou labour market: enterprises, postings, courses, trainees.

Real rosters are personal data that never enter the repository, so the engine, API,
notebooks and benchmarks run on this faithful stand-in. :func:`generate_market`
follows the plan's shape (trainee volumes per area and year from the annex targets,
industries and occupations weighted toward the key industries, enterprises where
those industries sit, wages plausible for Dazhou) and writes raw text the way people
write it (see :mod:`matcher.sample_text`). The four import tables hold only what a
real file would hold; the true occupation and level of each posting and trainee are
kept apart in ``postings_truth`` and ``trainees_truth``, to evaluate the normalizer.

Everything is **synthetic**: :func:`write_market` writes a ``MANIFEST.json``
(``"synthetic": true``, seed, scale, generator version) and a ``README.md`` beside the
CSVs. Generation is vectorized with numpy: the ``large`` scale (1,000,000 trainees,
50,000 postings) takes well under a minute.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from matcher.sample_people import World, make_courses, make_trainees
from matcher.uscc import generate_uscc

__all__ = ["DEMO_SEED", "GENERATOR_VERSION", "SCALES", "TABLES", "Scale", "generate_market",
           "run_sample_command", "write_market"]

#: Bumped whenever the same seed and scale would give different tables.
GENERATOR_VERSION = "1"
#: The tables :func:`generate_market` returns; the first four are the import tables.
TABLES = ("enterprises", "postings", "courses", "trainees", "postings_truth", "trainees_truth")
DEMO_SEED = 20250101
#: Monthly wage premium (CNY) of each industry over the base, before level premiums.
_PREMIUM = {"磷硫化工": 700, "锂钾综合利用": 900, "玄武岩纤维": 400, "能源化工": 800,
            "新材料": 600, "智能装备制造": 500, "农产品精深加工": -300, "电子商务": 0,
            "轻纺服饰": -400, "电子信息": 100, "医药健康": 300}
_BASE_WAGE, _LEVEL_PREMIUM = 3600, 650
_NAME_WORDS = {"磷硫化工": ["化工", "磷化工", "化肥"], "锂钾综合利用": ["锂业", "钾盐", "锂电材料"],
               "玄武岩纤维": ["玄武岩纤维", "复合材料"], "能源化工": ["天然气", "能源化工", "燃气"],
               "新材料": ["新材料", "钢铁", "材料科技"],
               "智能装备制造": ["机械制造", "智能装备", "机电设备"],
               "农产品精深加工": ["食品", "茶业", "农业开发", "牛肉食品"],
               "电子商务": ["电子商务", "网络科技", "供应链"], "轻纺服饰": ["纺织", "服饰", "麻业"],
               "电子信息": ["电子科技", "电子"], "医药健康": ["制药", "药业"]}


@dataclass(frozen=True)
class Scale:
    """How many rows of each table a scale generates, and over which plan years."""

    name: str
    trainees: int
    postings: int
    enterprises: int
    courses: int
    years: tuple[int, ...] = (2025, 2026, 2027)


SCALES = {
    "demo": Scale("demo", 1_200, 300, 60, 80),
    "plan": Scale("plan", 3_500, 1_000, 200, 120, (2025,)),
    "large": Scale("large", 1_000_000, 50_000, 10_000, 25_000),
}


def _scale(scale: str | int) -> Scale:
    if isinstance(scale, str) and scale.isdigit():
        scale = int(scale)
    if isinstance(scale, int | np.integer) and not isinstance(scale, bool):
        scale = int(scale)
        if scale < 1:
            raise ValueError(f"a scale is a positive number of trainees, got {scale}")
        return Scale(str(scale), scale, max(20, scale // 20), max(5, scale // 100),
                     max(30, scale // 40))
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {', '.join(SCALES)} or a number of trainees, "
                         f"got {scale!r}")
    return SCALES[scale]


def _ids(prefix: str, n: int, width: int) -> np.ndarray:
    numbers = pd.Series(np.arange(1, n + 1)).astype(str).str.zfill(width)
    return (prefix + numbers).to_numpy(object)


def _wage_table(world: World) -> np.ndarray:
    """occupation × rank → a typical monthly wage floor (CNY)."""
    premium = np.array([_PREMIUM.get(world.industries[k].name, 0) for k in world.code_industry])
    return _BASE_WAGE + premium[:, None] + _LEVEL_PREMIUM * np.arange(8)[None, :]


def _enterprises(world: World, n: int) -> pd.DataFrame:
    rng = world.rng
    industry = rng.choice(len(world.industries), size=n, p=world.industry_weight)
    area = np.zeros(n, dtype=np.int64)
    for k in range(len(world.industries)):
        rows = np.flatnonzero(industry == k)
        area[rows] = rng.choice(len(world.areas), size=len(rows), p=world.placement[k])
    words = [np.array(_NAME_WORDS.get(i.name, ["实业"]), dtype=object) for i in world.industries]
    word = np.empty(n, dtype=object)
    for k, options in enumerate(words):
        rows = np.flatnonzero(industry == k)
        word[rows] = options[rng.integers(0, len(options), len(rows))]
    place = np.array([a.removesuffix("市").removesuffix("区").removesuffix("县")
                      if len(a) == 3 else "达州" for a in world.areas], dtype=object)
    prefix = np.where(rng.random(n) < 0.3, "四川", "") + place[area]
    form = np.array(["有限公司", "有限责任公司", "股份有限公司", "科技有限公司"],
                    dtype=object)[rng.choice(4, size=n, p=[0.6, 0.2, 0.1, 0.1])]
    brands = np.array(list("宏达川渝巴蜀通汇鑫源盛华恒泰瑞丰博凯锦昌隆兴德信诚嘉润宇安远航金龙天"),
                      dtype=object)
    name = np.empty(n, dtype=object)
    todo = np.arange(n)
    while len(todo):  # redraw the trade name (字号) of duplicates until names are unique
        pair = brands[rng.integers(0, len(brands), (len(todo), 2))]
        name[todo] = prefix[todo] + pair[:, 0] + pair[:, 1] + word[todo] + form[todo]
        todo = todo[pd.Series(name).duplicated().to_numpy()[todo]]
    key = np.array([i.key for i in world.industries])[industry] & (rng.random(n) < 0.35)
    return pd.DataFrame({
        "enterprise_id": _ids("E", n, 6),
        "name": name,
        "uscc": generate_uscc(rng, world.adcodes[area]),
        "industry": np.array([i.name for i in world.industries], dtype=object)[industry],
        "area": world.area_array[area],
        "key_enterprise": key,
    })


def _postings(world: World, n: int, enterprises: pd.DataFrame,
              wage_of: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng, pools = world.rng, world.pools
    key = enterprises["key_enterprise"].to_numpy()
    weight = np.where(key, 3.0, 1.0)
    owner = rng.choice(len(enterprises), size=n, p=weight / weight.sum())
    industry_index = {i.name: k for k, i in enumerate(world.industries)}
    industry = enterprises["industry"].map(industry_index).to_numpy()[owner]
    counts = np.array([len(c) for c in world.industry_codes])
    flat = np.concatenate(world.industry_codes)
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
    code = flat[offsets[industry] + (rng.random(n) * counts[industry]).astype(np.int64)]
    min_rank = rng.choice(np.array([-1, 1, 2, 3, 4]), size=n, p=[0.35, 0.2, 0.3, 0.12, 0.03])
    # mostly 1–3 openings, now and then a batch of ten more (a new production line)
    headcount = np.minimum(rng.geometric(0.4, n) + (rng.random(n) < 0.05) * 10, 30)
    wage_min = (np.round((wage_of[code, np.maximum(min_rank, 1)] + rng.normal(0, 450, n))
                         / 500) * 500).clip(3000, 12000).astype(np.int64)
    wage_max = wage_min + rng.choice(np.array([1000, 1500, 2000, 3000]), size=n)
    area_of = enterprises["area"].to_numpy(object)[owner]
    moved = rng.random(n) < 0.1  # a branch site in another area where the industry sits
    other = world.area_array[np.array([rng.choice(len(world.areas), p=world.placement[k])
                                       for k in industry[moved]], dtype=np.int64)]
    area_of[moved] = other
    year = np.array(world.years)[rng.integers(0, len(world.years), n)]
    opened = world.dates(year)
    closes = opened + rng.integers(15, 91, n).astype("timedelta64[D]")
    min_level = pools.level_text(rng, min_rank)
    postings = pd.DataFrame({
        "posting_id": _ids("P", n, 7),
        "enterprise_id": enterprises["enterprise_id"].to_numpy(object)[owner],
        "title": pools.titles(rng, code, headcount, wage_min, wage_max),
        "requirements": pools.requirements(rng, code, min_rank, min_level),
        "headcount": headcount.astype(np.int64),
        "wage_min": wage_min,
        "wage_max": wage_max,
        "area": area_of,
        "min_level": min_level,
        "opened": opened,
        "closes": closes,
        "status": rng.choice(np.array(["open", "filled", "closed"], dtype=object), size=n,
                             p=[0.7, 0.15, 0.15]),
    })
    truth = pd.DataFrame({
        "posting_id": postings["posting_id"],
        "occupation_code": np.array(world.codes, dtype=object)[code],
        "min_level": pd.array(np.maximum(min_rank, 0), dtype="Int64"),
    })
    truth.loc[min_rank < 0, "min_level"] = pd.NA
    return postings, truth


def generate_market(scale: str | int = "demo", seed: int = DEMO_SEED) -> dict[str, pd.DataFrame]:
    """Generate a synthetic market of Dazhou: import tables plus hidden truth tables.

    Parameters
    ----------
    scale : {"demo", "plan", "large"} or int
        ``demo``: 60 enterprises, 300 postings, 80 courses, 1,200 trainees over
        2025–2027 (the committed ``data/sample/``). ``plan``: one plan year, 3,500
        trainees and 1,000 postings. ``large``: 1,000,000 trainees, 50,000 postings.
        An int gives that many trainees over 2025–2027 and one posting per 20.
    seed : int
        The same seed and scale give identical tables.

    Returns
    -------
    dict of DataFrame
        Keyed by :data:`TABLES`. Dates are ``datetime64[s]``.

    Examples
    --------
    >>> market = generate_market(300, seed=1)
    >>> len(market["trainees"]), sorted(market)[:2]
    (300, ['courses', 'enterprises'])
    """
    spec = _scale(scale)
    world = World(np.random.default_rng(seed), spec.years)
    wage_of = _wage_table(world)
    enterprises = _enterprises(world, spec.enterprises)
    postings, postings_truth = _postings(world, spec.postings, enterprises, wage_of)
    courses, hidden = make_courses(world, spec.courses, enterprises)
    trainees, trainees_truth = make_trainees(world, spec.trainees, courses, hidden, wage_of)
    return {"enterprises": enterprises, "postings": postings, "courses": courses,
            "trainees": trainees, "postings_truth": postings_truth,
            "trainees_truth": trainees_truth}


_README = """# Synthetic sample market — NOT real data

Every row in this folder is **synthetic**, generated by `matcher.sample.generate_market`
(see `MANIFEST.json` for the scale, seed and generator version). No row describes a
real person or enterprise:

- names are masked surnames ("张*") drawn at random;
- phone numbers are `1009` + 7 digits: Chinese mobile numbers begin with 13–19, so
  these can never reach anyone;
- unified social credit codes are well formed (valid check characters) but random;
- no identity numbers, gender, age, ethnicity or origin are generated at all.

Files are UTF-8 with a byte-order mark (so that Excel opens them correctly), comma
separated, `\\n` line endings, dates as YYYY-MM-DD, booleans as true/false. The
`*_truth.csv` files hold the true occupation and level behind the raw text, for
evaluating the normalizer; real imports have no such files.

Regenerate with `talentmatch sample --scale {scale} --seed {seed} --out <folder>`.
"""


def write_market(tables: dict[str, pd.DataFrame], folder: str | Path, *,
                 scale: str | int = "demo", seed: int = DEMO_SEED) -> list[Path]:
    """Write the tables as CSVs with a ``MANIFEST.json`` and ``README.md`` saying synthetic.

    CSVs are UTF-8 with BOM (Excel-friendly), ``\\n`` line endings, dates as
    ``YYYY-MM-DD`` and booleans as ``true``/``false``, so a rerun is byte-identical.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     paths = write_market(generate_market(200, seed=1), tmp, scale=200, seed=1)
    ...     sorted(p.name for p in paths)[:3]
    ['MANIFEST.json', 'README.md', 'courses.csv']
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths, rows = [], {}
    for name in TABLES:
        table = tables[name].copy()
        for column in table.columns:
            if table[column].dtype == bool:
                table[column] = np.where(table[column], "true", "false")
        path = folder / f"{name}.csv"
        table.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n",
                     date_format="%Y-%m-%d")
        paths.append(path)
        rows[name] = len(table)
    manifest = {"synthetic": True, "generator": "matcher.sample.generate_market",
                "generator_version": GENERATOR_VERSION, "scale": str(scale), "seed": seed,
                "spec": asdict(_scale(scale)), "rows": rows}
    (folder / "MANIFEST.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (folder / "README.md").write_text(_README.format(scale=scale, seed=seed), encoding="utf-8")
    return sorted([*paths, folder / "MANIFEST.json", folder / "README.md"])


def run_sample_command(scale: str, seed: int = DEMO_SEED, out: str | Path = "data/sample") -> str:
    """Generate and write a market; return the summary the CLI prints.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     print(run_sample_command("100", seed=3, out=tmp).splitlines()[0])
    synthetic market, scale 100, seed 3:
    """
    tables = generate_market(scale, seed)
    paths = write_market(tables, out, scale=scale, seed=seed)
    size = sum(p.stat().st_size for p in paths)
    lines = [f"synthetic market, scale {scale}, seed {seed}:"]
    lines += [f"  {name:<15} {len(tables[name]):>9,} rows" for name in TABLES]
    lines.append(f"  written to {out} ({len(paths)} files, {size / 1e6:.2f} MB)")
    return "\n".join(lines)
