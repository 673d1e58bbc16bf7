"""kzmap's spatial core: CRS handling, reading, validation, joins and atomic output."""

from typing import TYPE_CHECKING

from kzmap.geo._lazy import lazy_package

if TYPE_CHECKING:
    from kzmap.geo._tabular import LAT_NAMES, LON_NAMES
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
        DataWarning,
        KzmapError,
        KzmapWarning,
        LayerNotFoundError,
        OutputError,
        ReadError,
        RepairWarning,
        UsageError,
    )
    from kzmap.geo.io import (
        CENTRAL_ASIA,
        DEFAULT_ENGINE,
        DEFAULT_MAX_BYTES,
        DEFAULT_MAX_FEATURES,
        FORMATS,
        list_layers,
        read,
        read_vector,
    )
    from kzmap.geo.join import PolygonIndex, label_points, points_in_polygons
    from kzmap.geo.lines import features_near_lines, line_length_by_polygon
    from kzmap.geo.output import (
        VECTOR_OUTPUTS,
        OutputSet,
        write_atomic,
        write_bytes_atomic,
        write_text_atomic,
        write_vector,
    )
    from kzmap.geo.problems import Problem, ValidationReport
    from kzmap.geo.scale import aggregate_dataset
    from kzmap.geo.tables import write_table
    from kzmap.geo.validate import validate_file

__all__ = [
    "CENTRAL_ASIA",
    "DEFAULT_ENGINE",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_FEATURES",
    "FORMATS",
    "LAT_NAMES",
    "LON_NAMES",
    "METRIC_CRS",
    "STORAGE_CRS",
    "VECTOR_OUTPUTS",
    "Aggregation",
    "CRSError",
    "DataError",
    "DataWarning",
    "KzmapError",
    "KzmapWarning",
    "LayerNotFoundError",
    "OutputError",
    "OutputSet",
    "PolygonIndex",
    "Problem",
    "ReadError",
    "RepairWarning",
    "UsageError",
    "ValidationReport",
    "aggregate_dataset",
    "aggregate_points",
    "features_near_lines",
    "label_points",
    "line_length_by_polygon",
    "list_layers",
    "points_in_polygons",
    "read",
    "read_vector",
    "require_crs",
    "to_metric_crs",
    "to_storage_crs",
    "validate_file",
    "write_atomic",
    "write_bytes_atomic",
    "write_table",
    "write_text_atomic",
    "write_vector",
]

lazy_package(
    __name__,
    {
        "kzmap.geo._tabular": (
            "LAT_NAMES",
            "LON_NAMES",
        ),
        "kzmap.geo.aggregate": (
            "Aggregation",
            "aggregate_points",
        ),
        "kzmap.geo.crs": (
            "METRIC_CRS",
            "STORAGE_CRS",
            "require_crs",
            "to_metric_crs",
            "to_storage_crs",
        ),
        "kzmap.geo.errors": (
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
        ),
        "kzmap.geo.io": (
            "CENTRAL_ASIA",
            "DEFAULT_ENGINE",
            "DEFAULT_MAX_BYTES",
            "DEFAULT_MAX_FEATURES",
            "FORMATS",
            "list_layers",
            "read",
            "read_vector",
        ),
        "kzmap.geo.join": (
            "PolygonIndex",
            "label_points",
            "points_in_polygons",
        ),
        "kzmap.geo.lines": (
            "features_near_lines",
            "line_length_by_polygon",
        ),
        "kzmap.geo.output": (
            "VECTOR_OUTPUTS",
            "OutputSet",
            "write_atomic",
            "write_bytes_atomic",
            "write_text_atomic",
            "write_vector",
        ),
        "kzmap.geo.problems": (
            "Problem",
            "ValidationReport",
        ),
        "kzmap.geo.scale": ("aggregate_dataset",),
        "kzmap.geo.tables": ("write_table",),
        "kzmap.geo.validate": ("validate_file",),
    },
)
