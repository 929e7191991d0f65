"""Dazhou's areas and the distances between them.

An :class:`Area` is one of the units that the 2025–2027 plan counts training against:
the city level (达州市, counted as 市本级 in the plan's annex), the two districts, five
counties and the county-level city, and the two development zones (达州高新区,
达州东部经开区). The zones are not administrative divisions: they have no adcode and
their coordinates are documented proxies (``proxy=True``). :func:`distance_km` and
:func:`distance_matrix` give great-circle distances between area seats, a stand-in
for commuting distance that is good enough to rank by.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache

import numpy as np

from matcher.errors import TaxonomyError
from matcher.taxonomy import data_dir

__all__ = ["ANYWHERE", "AREA_ALIASES", "Area", "anywhere", "area_names", "canonical_area",
           "distance_km", "distance_matrix", "load_areas", "split_areas"]

_EARTH_RADIUS_KM = 6371.0088
#: Other names people write for an area; the plan's annex says 市本级 for the city level.
AREA_ALIASES: dict[str, str] = {
    "市本级": "达州市",
    "达州": "达州市",
    "高新区": "达州高新区",
    "东部经开区": "达州东部经开区",
    "达州经开区": "达州东部经开区",
}


def canonical_area(name: str) -> str:
    """An area by its own name: trimmed, and another name it goes by
    (:data:`AREA_ALIASES`) replaced; any other text as it is, trimmed.

    >>> canonical_area(" 达州 "), canonical_area("渠县"), canonical_area("不知道")
    ('达州市', '渠县', '不知道')
    """
    name = name.strip()
    return AREA_ALIASES.get(name, name)


@dataclass(frozen=True, slots=True)
class Area:
    """One area of Dazhou with the coordinates of its seat.

    Attributes
    ----------
    name : the official name, e.g. ``宣汉县``; the key used in every table
    adcode : the 6-digit administrative division code, ``None`` for a development zone
    kind : ``prefecture-level city``, ``district``, ``county``, ``county-level city``
        or ``development zone``
    lon, lat : degrees (probably GCJ-02, as published)
    proxy : the coordinates are a documented stand-in, not the area's own
    """

    name: str
    adcode: str | None
    kind: str
    lon: float
    lat: float
    proxy: bool = False


@cache
def load_areas() -> tuple[Area, ...]:
    """The bundled areas of Dazhou, city level first (cached).

    Rows of ``areas.csv`` without coordinates are skipped in favour of the proxy row
    of the same area.

    Examples
    --------
    >>> areas = load_areas()
    >>> len(areas), areas[0].name, areas[-1].proxy
    (10, '达州市', True)
    """
    path = data_dir() / "taxonomy" / "areas.csv"
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError as exc:
        raise TaxonomyError(f"cannot read {path}: {exc}") from exc
    areas: dict[str, Area] = {}
    for i, row in enumerate(rows, start=2):
        if not row.get("lon") or not row.get("lat"):
            continue
        try:
            kind = row["type"].split(" (")[0]
            areas[row["name"]] = Area(row["name"], row["adcode"] or None, kind,
                                      float(row["lon"]), float(row["lat"]),
                                      row["coord_kind"] == "proxy")
        except (KeyError, ValueError) as exc:
            raise TaxonomyError(f"{path.name} line {i}: {exc}") from exc
    return tuple(areas.values())


def area_names() -> tuple[str, ...]:
    """The official names of the bundled areas, in :func:`load_areas` order.

    Examples
    --------
    >>> area_names()[:3]
    ('达州市', '通川区', '达川区')
    """
    return tuple(a.name for a in load_areas())


def distance_km(a: Area, b: Area) -> float:
    """Great-circle (haversine) distance between two area seats, in kilometres.

    Examples
    --------
    >>> areas = {a.name: a for a in load_areas()}
    >>> round(distance_km(areas["通川区"], areas["万源市"]))
    108
    """
    return float(distance_matrix([a], [b])[0, 0])


def distance_matrix(rows: list[Area] | tuple[Area, ...],
                    columns: list[Area] | tuple[Area, ...] | None = None) -> np.ndarray:
    """Haversine distances in kilometres between every row area and column area.

    Parameters
    ----------
    rows, columns : sequences of Area
        ``columns`` defaults to ``rows``.

    Returns
    -------
    ndarray of shape (len(rows), len(columns))

    Examples
    --------
    >>> d = distance_matrix(load_areas())
    >>> d.shape, bool((d.diagonal() == 0).all()), bool((d == d.T).all())
    ((10, 10), True, True)
    """
    columns = rows if columns is None else columns
    lon1, lat1 = (np.radians([[a.lon, a.lat] for a in rows]).reshape(-1, 2).T)
    lon2, lat2 = (np.radians([[a.lon, a.lat] for a in columns]).reshape(-1, 2).T)
    dlat = lat2[None, :] - lat1[:, None]
    dlon = lon2[None, :] - lon1[:, None]
    h = (np.sin(dlat / 2) ** 2
         + np.cos(lat1)[:, None] * np.cos(lat2)[None, :] * np.sin(dlon / 2) ** 2)
    return 2 * _EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


#: What a list of preferred areas says to mean "any area".
ANYWHERE = frozenset({"不限", "any"})
_AREA_SEPARATORS = re.compile(r"(?:以及|[、,，;；/／|｜\s和及或与])+")


def split_areas(text: str) -> list[str]:
    """The names in a list of areas as written, whatever separates them.

    The validator of the trainees table, the matcher's profiles and the demand survey
    all read preferred areas with it, so that what the one accepts the others
    understand.

    Examples
    --------
    >>> split_areas("达川区/渠县；高新区 、不限")
    ['达川区', '渠县', '高新区', '不限']
    """
    return [part for part in _AREA_SEPARATORS.split(text) if part]


def anywhere(text: str) -> bool:
    """Whether a preferred-areas text is blank or names "any area" (:data:`ANYWHERE`).

    Examples
    --------
    >>> anywhere(""), anywhere("渠县、不限"), anywhere("渠县")
    (True, True, False)
    """
    names = split_areas(text)
    return not names or any(name in ANYWHERE for name in names)
