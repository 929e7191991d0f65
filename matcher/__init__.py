"""talentmatch's matching library: taxonomy, levels, normalization, the sample market.

Public API (everything else is private)::

    from matcher import Normalizer, Taxonomy, parse_level, format_level
    from matcher import generate_market, validate, OutcomeSimulator
    from matcher import Matcher, WeightedScorer, LearnedScorer, what_unlocks
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

# Names are imported on first use (PEP 562), so that ``from matcher import Normalizer``
# does not pay for scikit-learn, pandas or SciPy: loading the normalizer stays under 1 s.
_HOMES = {
    "allocation": ("Allocation", "allocate", "allocate_shortlists", "rerank_by_congestion",
                   "top_up"),
    "areas": ("Area", "distance_km", "distance_matrix", "load_areas"),
    "errors": ("MatcherError", "TaxonomyError", "UnknownCodeError"),
    "industries": ("KEY_INDUSTRIES", "Industry", "load_industries"),
    "levels": ("LADDER", "Level", "format_level", "parse_level"),
    "matching": ("Filters", "Matcher", "Recommendation"),
    "normalize": ("DEFAULT_CUTOFF", "Match", "Normalizer"),
    "sample": ("generate_market", "write_market"),
    "schemas": ("SCHEMAS", "Problem", "TableSchema", "ValidationReport", "validate",
                "validate_market"),
    "scoring": ("LearnedScorer", "WeightedScorer"),
    "simulate": ("OutcomeSimulator", "SimulationResult"),
    "taxonomy": ("Label", "Occupation", "Taxonomy"),
    "unlock": ("what_unlocks",),
    "uscc": ("check_uscc", "generate_uscc", "is_valid_uscc"),
}
_MODULE_OF = {name: module for module, names in _HOMES.items() for name in names}

if TYPE_CHECKING:
    from matcher.allocation import (
        Allocation,
        allocate,
        allocate_shortlists,
        rerank_by_congestion,
        top_up,
    )
    from matcher.areas import Area, distance_km, distance_matrix, load_areas
    from matcher.errors import MatcherError, TaxonomyError, UnknownCodeError
    from matcher.industries import KEY_INDUSTRIES, Industry, load_industries
    from matcher.levels import LADDER, Level, format_level, parse_level
    from matcher.matching import Filters, Matcher, Recommendation
    from matcher.normalize import DEFAULT_CUTOFF, Match, Normalizer
    from matcher.sample import generate_market, write_market
    from matcher.schemas import (
        SCHEMAS,
        Problem,
        TableSchema,
        ValidationReport,
        validate,
        validate_market,
    )
    from matcher.scoring import LearnedScorer, WeightedScorer
    from matcher.simulate import OutcomeSimulator, SimulationResult
    from matcher.taxonomy import Label, Occupation, Taxonomy
    from matcher.unlock import what_unlocks
    from matcher.uscc import check_uscc, generate_uscc, is_valid_uscc


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'matcher' has no attribute {name!r}")
    value = getattr(import_module(f"matcher.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "DEFAULT_CUTOFF",
    "KEY_INDUSTRIES",
    "LADDER",
    "SCHEMAS",
    "Allocation",
    "Area",
    "Filters",
    "Industry",
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
