"""kzmap's spatial core: CRS handling, reading, validation, joins and atomic output."""

from kzmap.geo.aggregate import Aggregation, aggregate_points
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
from kzmap.geo.join import PolygonIndex, label_points, points_in_polygons
from kzmap.geo.lines import features_near_lines, line_length_by_polygon
from kzmap.geo.output import write_atomic, write_bytes_atomic, write_text_atomic
from kzmap.geo.scale import aggregate_dataset
from kzmap.geo.tables import write_table

__all__ = [
    "DEFAULT_ENGINE",
    "METRIC_CRS",
    "STORAGE_CRS",
    "Aggregation",
    "CRSError",
    "DataError",
    "KzmapError",
    "KzmapWarning",
    "LayerNotFoundError",
    "OutputError",
    "PolygonIndex",
    "ReadError",
    "RepairWarning",
    "UsageError",
    "aggregate_dataset",
    "aggregate_points",
    "features_near_lines",
    "label_points",
    "line_length_by_polygon",
    "points_in_polygons",
    "read_vector",
    "require_crs",
    "to_metric_crs",
    "to_storage_crs",
    "write_atomic",
    "write_bytes_atomic",
    "write_table",
    "write_text_atomic",
]
