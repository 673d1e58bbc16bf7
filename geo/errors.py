"""Exception and warning classes raised on purpose by kzmap."""

from __future__ import annotations

__all__ = [
    "CRSError",
    "DataError",
    "KzmapError",
    "KzmapWarning",
    "LayerNotFoundError",
    "OutputError",
    "ReadError",
    "RepairWarning",
    "UsageError",
]


class KzmapError(Exception):
    """Base class for errors raised on purpose by kzmap."""


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


class RepairWarning(KzmapWarning):
    """kzmap changed input data to make it usable (for example repaired a geometry)."""
