"""talentmatch's matching library: taxonomy, levels and normalization.

Public API (everything else is private)::

    from matcher import Normalizer, Taxonomy, parse_level, format_level
"""

from __future__ import annotations

from matcher.errors import MatcherError, TaxonomyError, UnknownCodeError
from matcher.levels import LADDER, Level, format_level, parse_level
from matcher.normalize import DEFAULT_CUTOFF, Match, Normalizer
from matcher.taxonomy import Label, Occupation, Taxonomy

__all__ = [
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
