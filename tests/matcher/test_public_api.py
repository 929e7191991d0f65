"""The public API of :mod:`matcher` changes only on purpose."""

from __future__ import annotations

import importlib

import pytest

import matcher

PUBLIC_API = [
    "Allocation",
    "Area",
    "DEFAULT_CUTOFF",
    "Filters",
    "Industry",
    "KEY_INDUSTRIES",
    "LADDER",
    "Label",
    "LearnedScorer",
    "Level",
    "Match",
    "Matcher",
    "MatcherError",
    "Normalizer",
    "Occupation",
    "OutcomeSimulator",
    "Problem",
    "Recommendation",
    "SCHEMAS",
    "SimulationResult",
    "TableSchema",
    "Taxonomy",
    "TaxonomyError",
    "UnknownCodeError",
    "ValidationReport",
    "WeightedScorer",
    "allocate",
    "allocate_shortlists",
    "check_uscc",
    "distance_km",
    "distance_matrix",
    "format_level",
    "generate_market",
    "generate_uscc",
    "is_valid_uscc",
    "load_areas",
    "load_industries",
    "parse_level",
    "rerank_by_congestion",
    "top_up",
    "validate",
    "validate_market",
    "what_unlocks",
    "write_market",
]


def test_all_is_pinned() -> None:
    assert sorted(matcher.__all__) == PUBLIC_API


def test_all_is_unique() -> None:
    assert len(matcher.__all__) == len(set(matcher.__all__))


@pytest.mark.parametrize("name", PUBLIC_API, ids=PUBLIC_API)
def test_name_is_importable(name: str) -> None:
    module = importlib.import_module("matcher")
    assert hasattr(module, name), f"matcher.__all__ names {name!r} but matcher lacks it"
    obj = getattr(module, name)
    if isinstance(obj, type) or callable(obj):
        assert obj.__module__.startswith("matcher.")


def test_every_public_name_has_a_home() -> None:
    assert sorted(matcher._MODULE_OF) == PUBLIC_API


def test_unknown_names_raise_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        matcher.nothing  # noqa: B018


def test_the_normalizer_loads_without_the_heavy_libraries() -> None:
    import subprocess
    import sys

    code = ("import sys; from matcher import Normalizer; Normalizer.default(); "
            "print(sorted(m for m in ('sklearn', 'pandas', 'scipy.optimize', 'fastapi') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"
