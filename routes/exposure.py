"""Which polygons lie within a distance of a route, and how much of each."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely

from kzmap.geo._local import WGS84, near_lines
from kzmap.geo.errors import UsageError
from kzmap.routes.analytics import _keyed_polygons, _route_ids, _route_lines

if TYPE_CHECKING:
    import geopandas as gpd
    from numpy.typing import NDArray

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


def _areas_km2(geometries: NDArray[np.object_]) -> NDArray[np.float64]:
    """Geodesic area of the polygons in each geometry (holes subtracted), km2."""
    parts, part_of = shapely.get_parts(geometries, return_index=True)
    polygon = shapely.get_type_id(parts) == 3
    parts, part_of = parts[polygon], part_of[polygon]
    rings, ring_of = shapely.get_rings(parts, return_index=True)
    exterior = np.r_[True, ring_of[1:] != ring_of[:-1]] if len(ring_of) else ring_of
    xy, vertex_of = shapely.get_coordinates(rings, return_index=True)
    bounds = np.searchsorted(vertex_of, np.arange(len(rings) + 1))
    signed = np.empty(len(rings))
    for r in range(len(rings)):
        ring = xy[bounds[r] : bounds[r + 1]]
        area, _ = WGS84.polygon_area_perimeter(ring[:, 0], ring[:, 1])
        signed[r] = abs(area) if exterior[r] else -abs(area)
    total = np.zeros(len(geometries))
    np.add.at(total, part_of[ring_of], signed)
    return np.abs(total) / 1e6


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
    more at the ends. A polygon is listed when its exact shortest distance
    (the same engine, `kzmap.geo.features_near_lines`, gives the same pairs
    and distances) is at most `buffer_km`. Areas are then measured
    geodesically on WGS84, not in any projection.

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
    geoms, keys = _keyed_polygons(polygons, by=by, name="polygons")
    rids = _route_ids(routes)
    found = near_lines(_route_lines(routes), geoms, buffer_km, buffers=True)
    assert found.buffers is not None
    target, line = found.target, found.line
    inside = shapely.intersection(geoms[target], found.buffers[line])
    reached = np.unique(target)
    totals = np.zeros(len(geoms))
    totals[reached] = _areas_km2(geoms[reached])
    # features sharing a key (e.g. a region in several parts) become one row
    codes, names = pd.factorize(pd.Series(keys, dtype=object), sort=False)
    pair, first = np.unique(
        line.astype(np.int64) * len(names) + codes[target], return_index=True
    )
    row = np.searchsorted(pair, line.astype(np.int64) * len(names) + codes[target])
    distance = np.full(len(pair), np.inf)
    np.minimum.at(distance, row, found.km)
    area = np.bincount(row, totals[target], minlength=len(pair))
    within = np.bincount(row, _areas_km2(inside), minlength=len(pair))
    route = line[first]
    order = np.lexsort((distance, route))
    share = np.divide(within, area, out=np.zeros(len(pair)), where=area > 0)
    return pd.DataFrame(
        {
            "route": np.asarray(rids, dtype=object)[route[order]],
            "polygon": np.asarray(names, dtype=object)[codes[target][first][order]],
            "distance_km": distance[order],
            "area_km2": area[order],
            "area_in_buffer_km2": within[order],
            "area_share": share[order],
        },
        columns=list(EXPOSURE_COLUMNS),
    )
