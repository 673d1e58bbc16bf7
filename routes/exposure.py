"""Which polygons lie within a distance of a route, and how much of each."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely

from kzmap.geo._local import WGS84, buffer_pieces, distances_km, local_pieces
from kzmap.geo.errors import UsageError
from kzmap.routes.analytics import _lines, _polygon_index, _route_ids

if TYPE_CHECKING:
    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry

__all__ = ["EXPOSURE_COLUMNS", "MAX_BUFFER_KM", "exposure"]

EXPOSURE_COLUMNS = (
    "route",
    "polygon",
    "distance_km",
    "area_km2",
    "area_in_buffer_km2",
    "area_share",
)

#: Largest buffer accepted; beyond it the local projections drift past ~1 %.
MAX_BUFFER_KM = 1000.0


def _area_km2(geometry: BaseGeometry) -> float:
    """Geodesic area of the polygons in `geometry` (holes subtracted), km2."""
    parts = shapely.get_parts(geometry)
    polygons = parts[shapely.get_type_id(parts) == 3]
    rings, owner = shapely.get_rings(polygons, return_index=True)
    first = np.r_[True, owner[1:] != owner[:-1]] if len(owner) else owner
    total = 0.0
    for ring, exterior in zip(rings, first, strict=True):
        xy = shapely.get_coordinates(ring)
        area, _ = WGS84.polygon_area_perimeter(xy[:, 0], xy[:, 1])
        total += abs(area) if exterior else -abs(area)
    return abs(total) / 1e6


def exposure(
    routes: gpd.GeoDataFrame,
    polygons: gpd.GeoDataFrame,
    *,
    buffer_km: float,
    by: str = "id",
) -> pd.DataFrame:
    """
    Find the polygons within `buffer_km` of each route and how much of each is.

    The buffer is built piecewise, in metres: the route is cut into stretches
    of about 250 km and each stretch is buffered in its own azimuthal-
    equidistant projection centred on it. Distances from that centre are
    exact, so the buffer width stays within about 0.05 % of the geodesic
    distance for buffers up to 200 km (0.5 % at 1000 km), anywhere on Earth.
    One projection for the whole route (kzmap's Albers `METRIC_CRS`, or one
    azimuthal-equidistant centre for a 3000 km route) would be off by 1 % or
    more at the ends. Areas are then measured geodesically on WGS84, not in
    any projection.

    Parameters
    ----------
    routes
        (Multi)LineStrings in any CRS; segments are geodesics; named by
        their ``id`` column, else the index.
    polygons
        (Multi)Polygons in any CRS (countries, regions, districts, a user
        layer). Features sharing a key are reported together.
    buffer_km
        Distance from the route, in km (0 < buffer_km <= 1000).
    by
        Column of `polygons` naming each polygon in the output.

    Returns
    -------
    pandas.DataFrame
        One row per (route, polygon) within the buffer, nearest first:
        ``route``, ``polygon``, ``distance_km`` (shortest distance, 0 if the
        route enters it), ``area_km2`` (whole polygon), ``area_in_buffer_km2``
        and ``area_share`` (their ratio, 0..1).

    Raises
    ------
    CRSError
        If `routes` or `polygons` has no CRS.
    UsageError
        If `buffer_km` is out of range or `polygons` has no column `by`.
    """
    if not (isinstance(buffer_km, int | float) and math.isfinite(buffer_km)) or not (
        0 < buffer_km <= MAX_BUFFER_KM
    ):
        msg = (
            f"`buffer_km` must be a number of km in (0, {MAX_BUFFER_KM:g}], "
            f"got {buffer_km!r}."
        )
        raise UsageError(msg)
    index, keys = _polygon_index(polygons, by=by, name="polygons")
    rows: list[dict[str, object]] = []
    areas: dict[int, float] = {}
    for n, (rid, line) in enumerate(
        zip(_route_ids(routes), _lines(routes), strict=True)
    ):
        local = local_pieces(line)
        pieces = buffer_pieces(local, buffer_km)
        buffer = shapely.union_all(pieces)
        near = index.tree.query(buffer, predicate="intersects")
        reached = index.polygons[near]
        touching = shapely.intersects(reached, line)
        distance = distances_km(local, pieces, reached, touching)
        inside = shapely.intersection(reached, buffer)
        for i, p in enumerate(near.tolist()):
            total = areas.setdefault(p, _area_km2(index.polygons[p]))
            within = _area_km2(inside[i])
            rows.append(
                {
                    "_order": n,
                    "route": rid,
                    "polygon": keys[p],
                    "distance_km": float(distance[i]),
                    "area_km2": total,
                    "area_in_buffer_km2": within,
                    "area_share": within / total if total > 0 else 0.0,
                }
            )
    table = pd.DataFrame(rows, columns=["_order", *EXPOSURE_COLUMNS])
    # features sharing a key (e.g. a region in several parts) become one row
    table = table.groupby(
        ["_order", "route", "polygon"], as_index=False, sort=False
    ).agg(
        distance_km=("distance_km", "min"),
        area_km2=("area_km2", "sum"),
        area_in_buffer_km2=("area_in_buffer_km2", "sum"),
    )
    table["area_share"] = (table["area_in_buffer_km2"] / table["area_km2"]).fillna(0.0)
    table = table.sort_values(["_order", "distance_km"], kind="stable")
    return table[list(EXPOSURE_COLUMNS)].reset_index(drop=True)
