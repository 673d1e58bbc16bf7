"""Lines against polygons and features: geodesic length per polygon, proximity."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely

from kzmap.geo._local import densify_lines, near_lines
from kzmap.geo._overlay import EdgeIndex, Run, pieces_along, runs_from_pieces
from kzmap.geo.crs import to_storage_crs
from kzmap.geo.errors import DataError, UsageError
from kzmap.geo.join import require_polygon_index

if TYPE_CHECKING:
    from collections.abc import Sequence

    import geopandas as gpd
    from numpy.typing import NDArray
    from shapely.geometry.base import BaseGeometry

    from kzmap.geo.join import PolygonIndex

__all__ = ["features_near_lines", "length_runs", "line_length_by_polygon"]


def _line_keys(lines: gpd.GeoDataFrame, line_key: str, name: str) -> pd.Series:
    if line_key not in lines.columns:
        msg = f"`{name}` has no column {line_key!r}; pass line_key=<column>."
        raise UsageError(msg)
    keys = lines[line_key]
    if keys.isna().any() or keys.duplicated().any():
        msg = f"`{name}`: the {line_key!r} values must be unique and not missing."
        raise DataError(msg)
    return keys


def length_runs(
    lines: Sequence[BaseGeometry] | NDArray[np.object_],
    polygons: Sequence[BaseGeometry] | NDArray[np.object_],
) -> list[list[Run]]:
    """
    Cut lon/lat lines into runs lying in one set of polygons, in travel order.

    The one engine behind `line_length_by_polygon` and
    `kzmap.routes.length_by_polygon`: segments are densified along their
    geodesics (every 25 km), cut at every polygon edge, and each piece gets
    its fraction of the segment's geodesic length (WGS84), so the runs of a
    line add up to its geodesic length. A run's ``polygons`` are those whose
    interior holds it; a run on a boundary has none, and the polygons it runs
    along in ``along``.
    """
    index = EdgeIndex(list(polygons))
    return [
        runs_from_pieces(pieces_along(line, index)) for line in densify_lines(lines)
    ]


def _one_polygon(run: Run) -> int | None:
    """Return the polygon a run counts for: the first (smallest key) holding it."""
    held = run.polygons or run.along
    return min(held) if held else None


def line_length_by_polygon(
    lines: gpd.GeoDataFrame,
    *,
    polygons: gpd.GeoDataFrame | PolygonIndex,
    line_key: str = "id",
    key: str = "id",
) -> pd.DataFrame:
    """
    Measure how many km of each line lie in each polygon (WGS84 geodesic).

    Segments are geodesics: they are densified along the ellipsoid (every
    25 km), cut at the polygon edges, and each piece gets its fraction of its
    segment's geodesic length (`length_runs`, the engine of
    `kzmap.routes.length_by_polygon` too, which gives the same lengths). A
    stretch lying on a shared boundary, or in overlapping polygons, counts
    once, for the polygon with the smallest key (the rule of
    `kzmap.geo.join.PolygonIndex`); stretches outside every polygon are
    reported with a missing key, so each line's lengths add up to its
    geodesic length.

    Parameters
    ----------
    lines
        (Multi)LineStrings in any CRS (reprojected to EPSG:4326).
    polygons
        (Multi)Polygons in any CRS, or a `PolygonIndex`.
    line_key, key
        Unique columns naming the lines and the polygons.

    Returns
    -------
    pandas.DataFrame
        Columns `line_key`, `key` and ``length_km`` (``line``, ``polygon``
        and ``length_km`` when both keys have the same name, as for the
        shipped routes and polygons, both ``id``): one row per line and
        polygon it crosses (then one with `key` missing if part of it is
        outside), lines in input order, polygons in key order.

    Raises
    ------
    UsageError, DataError, CRSError
        For a missing key column, missing/duplicate keys, or no CRS.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString, box
    >>> zones = gpd.GeoDataFrame({"zone": ["w", "e"]},
    ...     geometry=[box(76, 42, 77, 44), box(77, 42, 78, 44)], crs=4326)
    >>> road = gpd.GeoDataFrame({"id": ["r"]},
    ...     geometry=[LineString([(76, 43), (79, 43)])], crs=4326)
    >>> out = line_length_by_polygon(road, polygons=zones, key="zone")
    >>> out.round(1).values.tolist()
    [['r', 'e', 81.5], ['r', 'w', 81.5], ['r', nan, 81.5]]
    """
    index = require_polygon_index(polygons, key=key, engine="scan")
    # Shipped lines and polygons are both keyed by ``id``: name the columns
    # by role then, so the defaults work on the packaged layers.
    columns = ["line", "polygon"] if index.key == line_key else [line_key, index.key]
    frame = to_storage_crs(lines, name="lines")
    names = _line_keys(frame, line_key, "lines")
    geoms = frame.geometry.to_numpy()
    present = np.flatnonzero(~(shapely.is_missing(geoms) | shapely.is_empty(geoms)))
    runs = length_runs(geoms[present], index.geoms)
    rows: list[tuple[object, object, float]] = []
    for name, line_runs in zip(names.to_numpy()[present], runs, strict=True):
        km: dict[int | None, float] = {}
        for run in line_runs:
            code = _one_polygon(run)
            km[code] = km.get(code, 0.0) + run.length_km
        # polygons in key order (their order in the index), outside last
        for code in sorted(c for c in km if c is not None):
            if km[code] > 0:
                rows.append((name, index.keys[code], km[code]))
        if km.get(None, 0.0) > 0:
            rows.append((name, None, km[None]))
    return pd.DataFrame(rows, columns=[*columns, "length_km"])


def features_near_lines(
    features: gpd.GeoDataFrame,
    lines: gpd.GeoDataFrame,
    *,
    distance_km: float,
    line_key: str = "id",
) -> pd.DataFrame:
    """
    Find every feature within `distance_km` of each line.

    The proximity engine of `kzmap.routes.exposure` (one implementation,
    `kzmap.geo._local.near_lines`): segments are geodesics (densified every
    25 km), each line is cut into pieces of about 250 km, each measured in its
    own azimuthal-equidistant projection, and the distance is the shortest
    over the pieces: within about 0.05 % of the geodesic distance up to
    200 km, anywhere, where one Albers projection for Central Asia is off by
    about 1 %. A feature is kept when that distance is at most `distance_km`
    (exact distance, not a polygonal buffer).

    Parameters
    ----------
    features
        Points, lines or polygons in any CRS.
    lines
        (Multi)LineStrings in any CRS, with a unique `line_key` column.
    distance_km
        Search radius in km, >= 0.
    line_key
        Column naming the lines.

    Returns
    -------
    pandas.DataFrame
        Columns ``feature`` (the label in `features`' index), `line_key` and
        ``distance_km`` (0 where they touch); one row per pair within reach,
        ordered by feature position then line position.

    Raises
    ------
    ValueError
        If `distance_km` is negative or not finite.
    UsageError, DataError, CRSError
        For a missing key column, missing/duplicate keys, or no CRS.
    """
    if not np.isfinite(distance_km) or distance_km < 0:
        msg = f"`distance_km` must be a finite number >= 0, got {distance_km!r}."
        raise ValueError(msg)
    names = _line_keys(lines, line_key, "lines")
    near = to_storage_crs(features, name="features").geometry.to_numpy()
    far = to_storage_crs(lines, name="lines").geometry.to_numpy()
    present = np.flatnonzero(~(shapely.is_missing(far) | shapely.is_empty(far)))
    found = near_lines(far[present], np.asarray(near, dtype=object), distance_km)
    i, j = found.target, present[found.line]
    order = np.lexsort((j, i))
    return pd.DataFrame(
        {
            "feature": features.index[i[order]],
            line_key: names.to_numpy()[j[order]],
            "distance_km": found.km[order],
        }
    )
