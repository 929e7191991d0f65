"""The public API of :mod:`matcher` changes only on purpose."""

from __future__ import annotations

import importlib

import pytest

import matcher

PUBLIC_API = [
    "DEFAULT_CUTOFF",
    "LADDER",
    "Label",
    "Level",
    "Match",
    "MatcherError",
    "Normalizer",
    "Occupation",
    "Taxonomy",
    "TaxonomyError",
    "UnknownCodeError",
    "format_level",
    "parse_level",
]


def test_all_is_pinned() -> None:
    assert matcher.__all__ == PUBLIC_API


def test_all_is_sorted_and_unique() -> None:
    assert matcher.__all__ == sorted(set(matcher.__all__))


@pytest.mark.parametrize("name", PUBLIC_API, ids=PUBLIC_API)
def test_name_is_importable(name: str) -> None:
    module = importlib.import_module("matcher")
    assert hasattr(module, name), f"matcher.__all__ names {name!r} but matcher lacks it"
    obj = getattr(module, name)
    if isinstance(obj, type) or callable(obj):
        assert obj.__module__.startswith("matcher.")
