"""The exceptions the matcher library raises.

Every error the library raises on purpose derives from :class:`MatcherError`, so a
caller (the API layer, a script) can catch them in one place and map them to a
message a person can act on::

    MatcherError
    ├── TaxonomyError          a taxonomy table is missing, malformed or inconsistent
    └── UnknownCodeError       a code that the taxonomy does not hold (also a KeyError)

Bad arguments (a wrong type, an out-of-range rank) raise the built-in ``ValueError``
(also for a wrong type: the callers are often forms and files, where a
wrong type is bad input like any other).
"""

from __future__ import annotations

__all__ = ["MatcherError", "TaxonomyError", "UnknownCodeError"]


class MatcherError(Exception):
    """Base class of every error raised on purpose by :mod:`matcher`."""


class TaxonomyError(MatcherError):
    """A taxonomy table is missing, malformed or inconsistent (names file and row)."""


class UnknownCodeError(MatcherError, KeyError):
    """An occupation code that the taxonomy does not hold."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else "unknown occupation code"
