"""kzmap's spatial core: CRS handling, reading, validation and atomic output."""

from kzmap.geo.crs import (
    METRIC_CRS,
    STORAGE_CRS,
    require_crs,
    to_metric_crs,
    to_storage_crs,
)
from kzmap.geo.errors import (
    CRSError,
    DataError,
    KzmapError,
    KzmapWarning,
    LayerNotFoundError,
    OutputError,
    ReadError,
    RepairWarning,
    UsageError,
)
from kzmap.geo.io import DEFAULT_ENGINE, read_vector
from kzmap.geo.output import write_atomic, write_bytes_atomic, write_text_atomic

__all__ = [
    "DEFAULT_ENGINE",
    "METRIC_CRS",
    "STORAGE_CRS",
    "CRSError",
    "DataError",
    "KzmapError",
    "KzmapWarning",
    "LayerNotFoundError",
    "OutputError",
    "ReadError",
    "RepairWarning",
    "UsageError",
    "read_vector",
    "require_crs",
    "to_metric_crs",
    "to_storage_crs",
    "write_atomic",
    "write_bytes_atomic",
    "write_text_atomic",
]
