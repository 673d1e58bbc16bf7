"""Exception and warning classes raised on purpose by kzmap."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kzmap.geo.problems import Problem

__all__ = [
    "CRSError",
    "DataError",
    "DataWarning",
    "KzmapError",
    "KzmapWarning",
    "LayerNotFoundError",
    "OutputError",
    "ReadError",
    "RepairWarning",
    "UsageError",
]


class KzmapError(Exception):
    """
    Base class for errors raised on purpose by kzmap.

    ``problems`` holds the located problems (file, layer, feature, field) when
    the error comes from reading or validating a file, else it is empty.
    """

    problems: tuple[Problem, ...] = ()


class DataError(KzmapError, ValueError):
    """Input data is malformed, incomplete or outside what kzmap accepts."""


class ReadError(DataError):
    """A file could not be read (missing, empty, truncated or of a refused format)."""


class CRSError(DataError):
    """Data has no CRS, or one unsuitable for the operation."""


class LayerNotFoundError(KzmapError, LookupError):
    """No packaged layer has the requested name."""


class OutputError(KzmapError, OSError):
    """An output file could not be written; any previous file is left intact."""


class UsageError(KzmapError, ValueError):
    """A function or command was called with options that do not fit together."""


class KzmapWarning(UserWarning):
    """Base class for warnings issued by kzmap."""


class DataWarning(KzmapWarning):
    """Input data has a problem kzmap reports without refusing the file."""


class RepairWarning(KzmapWarning):
    """kzmap changed input data to make it usable (for example repaired a geometry)."""
