"""Dazhou's key industries, the occupations they employ and the areas they sit in.

The plan builds on a "3+3+N" industrial system; :data:`KEY_INDUSTRIES` are the eight
the plan singles out for skilled workers (phosphorus-sulfur chemicals, lithium and
potassium, basalt fibre, energy chemicals, intelligent equipment, new materials,
agri-food processing and e-commerce). :func:`load_industries` reads the bundled
industry → occupation table (an editorial compilation, see ``data/PROVENANCE.md``)
and the documented assumptions on where each industry sits
(``data/plan/industry_areas.csv``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from matcher.errors import TaxonomyError
from matcher.taxonomy import data_dir, read_table

__all__ = ["KEY_INDUSTRIES", "Industry", "industry_of_occupation", "load_industries"]

#: The key industries of the plan, in the order of ``industries.csv``.
KEY_INDUSTRIES: tuple[str, ...] = (
    "磷硫化工", "锂钾综合利用", "玄武岩纤维", "能源化工", "新材料", "智能装备制造",
    "农产品精深加工", "电子商务",
)


@dataclass(frozen=True, slots=True)
class Industry:
    """An industry with its typical occupations and the areas it sits in.

    Attributes
    ----------
    name : e.g. ``锂钾综合利用``
    description : in English
    tier : its place in the 3+3+N system
    codes : occupation codes (2022 classification) it typically employs
    areas : area name → weight (summing to 1): where its enterprises sit
    key : one of :data:`KEY_INDUSTRIES`
    """

    name: str
    description: str
    tier: str
    codes: tuple[str, ...]
    areas: dict[str, float]
    key: bool



@cache
def load_industries() -> tuple[Industry, ...]:
    """The bundled industries, in table order (cached).

    Examples
    --------
    >>> industries = {i.name: i for i in load_industries()}
    >>> "6-17-07-07" in industries["锂钾综合利用"].codes, industries["锂钾综合利用"].key
    (True, True)
    >>> max(industries["锂钾综合利用"].areas, key=industries["锂钾综合利用"].areas.get)
    '宣汉县'
    """
    rows = read_table(data_dir() / "taxonomy" / "industries.csv")
    placed: dict[str, dict[str, float]] = {}
    for i, row in enumerate(read_table(data_dir() / "plan" / "industry_areas.csv"), start=2):
        try:
            placed.setdefault(row["industry"], {})[row["area"]] = float(row["weight"])
        except (KeyError, ValueError) as exc:
            raise TaxonomyError(f"industry_areas.csv line {i}: {exc}") from exc
    codes: dict[str, list[str]] = {}
    first: dict[str, dict[str, str]] = {}
    for row in rows:
        first.setdefault(row["industry"], row)
        if row["code"] not in codes.setdefault(row["industry"], []):
            codes[row["industry"]].append(row["code"])
    out = []
    for name, row in first.items():
        weights = placed.get(name)
        if not weights:
            raise TaxonomyError(f"industry {name!r} has no areas in industry_areas.csv")
        total = sum(weights.values())
        out.append(Industry(name, row["description"], row["tier"], tuple(codes[name]),
                            {a: w / total for a, w in weights.items()}, name in KEY_INDUSTRIES))
    return tuple(out)


def industry_of_occupation() -> dict[str, tuple[str, ...]]:
    """Occupation code → the industries that employ it (an occupation can be in several).

    Examples
    --------
    >>> industry_of_occupation()["6-17-07-07"]
    ('锂钾综合利用', '新材料')
    """
    out: dict[str, tuple[str, ...]] = {}
    for industry in load_industries():
        for code in industry.codes:
            out[code] = (*out.get(code, ()), industry.name)
    return out
