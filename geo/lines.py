"""Lines against polygons and features: geodesic length per polygon, proximity."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely
from pyproj import Geod

from kzmap.geo._local import near_lines
from kzmap.geo.crs import to_storage_crs
from kzmap.geo.errors import DataError, UsageError
from kzmap.geo.join import require_polygon_index

if TYPE_CHECKING:
    import geopandas as gpd

    from kzmap.geo.join import PolygonIndex

__all__ = ["features_near_lines", "line_length_by_polygon"]

_WGS84 = Geod(ellps="WGS84")


def _line_keys(lines: gpd.GeoDataFrame, line_key: str, name: str) -> pd.Series:
    if line_key not in lines.columns:
        msg = f"`{name}` has no column {line_key!r}; pass line_key=<column>."
        raise UsageError(msg)
    keys = lines[line_key]
    if keys.isna().any() or keys.duplicated().any():
        msg = f"`{name}`: the {line_key!r} values must be unique and not missing."
        raise DataError(msg)
    return keys


def _length_km(geom: shapely.Geometry) -> float:
    """Geodesic length in km of the linear parts of `geom` (lon/lat)."""
    parts = shapely.get_parts(geom)
    linear = [p for p in parts if p.geom_type in ("LineString", "LinearRing")]
    return float(np.sum([_WGS84.geometry_length(p) for p in linear])) / 1000


def line_length_by_polygon(
    lines: gpd.GeoDataFrame,
    *,
    polygons: gpd.GeoDataFrame | PolygonIndex,
    line_key: str = "id",
    key: str = "id",
) -> pd.DataFrame:
    """
    Measure how many km of each line lie in each polygon (WGS84 geodesic).

    Lines are cut in lon/lat (EPSG:4326) and each piece is measured along the
    ellipsoid with `pyproj.Geod`. A stretch lying on a shared boundary counts
    once, for the polygon with the smallest key (the rule of
    `kzmap.geo.join.PolygonIndex`); stretches outside every polygon are
    reported with a missing key, so each line's lengths add up to its total
    (up to the cut points, which lie on the lon/lat chord rather than the
    geodesic: differences of the order of 0.01 %).

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
    rows: list[tuple[object, object, float]] = []
    for name, line in zip(names, frame.geometry.values, strict=True):
        rest = line
        for code in np.flatnonzero(
            shapely.intersects(np.asarray(index.geoms, dtype=object), line)
        ):
            polygon = index.geoms[code]
            length = _length_km(shapely.intersection(rest, polygon))
            if length > 0:
                rows.append((name, index.keys[int(code)], length))
            rest = shapely.difference(rest, polygon)
        if rest is not None and not rest.is_empty:
            length = _length_km(rest)
            if length > 0:
                rows.append((name, None, length))
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
