"""Geodesic helpers on WGS84: densified lines, lengths and positions along a line."""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING

import numpy as np
from pyproj import Geod
from pyproj.enums import GeodIntermediateFlag
from shapely.geometry import LineString, MultiLineString

if TYPE_CHECKING:
    from collections.abc import Sequence

    from shapely.geometry.base import BaseGeometry

__all__ = [
    "DEFAULT_MAX_SEGMENT_KM",
    "WGS84",
    "densify_line",
    "geodesic_line",
    "length_km",
    "line_parts",
    "point_at_km",
]

#: The ellipsoid every kzmap length, distance and area is measured on.
WGS84 = Geod(ellps="WGS84")

#: Longest straight lon/lat segment kept in a drawn route, in km. Between two
#: vertices 25 km apart a straight lon/lat chord strays from the geodesic by
#: metres at Central Asian latitudes, far below the map's precision.
DEFAULT_MAX_SEGMENT_KM = 25.0

# NPTS_CEIL rounds the number of intermediate points up, so no piece exceeds
# the requested spacing.
_FLAGS = GeodIntermediateFlag.NPTS_CEIL | GeodIntermediateFlag.DEL_S_RECALC


def geodesic_line(
    coords: Sequence[tuple[float, float]],
    *,
    max_segment_km: float = DEFAULT_MAX_SEGMENT_KM,
) -> LineString:
    """
    Join (lon, lat) vertices by geodesics, with a vertex every `max_segment_km` or less.

    Parameters
    ----------
    coords
        Two or more (lon, lat) pairs in degrees on WGS84, in travel order.
    max_segment_km
        Longest gap between consecutive output vertices, in km (> 0).

    Returns
    -------
    shapely.geometry.LineString
        The densified line; every input vertex is kept exactly.

    Examples
    --------
    >>> line = geodesic_line([(76.0, 43.0), (77.0, 43.0)], max_segment_km=25)
    >>> len(line.coords), round(length_km(line), 1)
    (5, 81.5)
    """
    if max_segment_km <= 0 or not math.isfinite(max_segment_km):
        msg = (
            f"`max_segment_km` must be a positive number of km, got {max_segment_km!r}."
        )
        raise ValueError(msg)
    lons: list[float] = [float(coords[0][0])]
    lats: list[float] = [float(coords[0][1])]
    step_m = max_segment_km * 1000.0
    for (lon1, lat1), (lon2, lat2) in itertools.pairwise(coords):
        _, _, dist_m = WGS84.inv(lon1, lat1, lon2, lat2)
        if dist_m > step_m:
            mid = WGS84.inv_intermediate(
                lon1,
                lat1,
                lon2,
                lat2,
                del_s=step_m,
                initial_idx=1,
                terminus_idx=1,
                flags=_FLAGS,
                return_back_azimuth=False,
            )
            lons.extend(float(v) for v in mid.lons)
            lats.extend(float(v) for v in mid.lats)
        lons.append(float(lon2))
        lats.append(float(lat2))
    return LineString(zip(lons, lats, strict=True))


def line_parts(geometry: BaseGeometry) -> list[LineString]:
    """Return the LineStrings of a LineString or MultiLineString, in order."""
    if isinstance(geometry, LineString):
        return [geometry]
    if isinstance(geometry, MultiLineString):
        return list(geometry.geoms)
    msg = f"expected a LineString or MultiLineString, got {geometry.geom_type}."
    raise TypeError(msg)


def densify_line(
    geometry: BaseGeometry, *, max_segment_km: float = DEFAULT_MAX_SEGMENT_KM
) -> LineString | MultiLineString:
    """
    Densify every segment of a lon/lat (Multi)LineString along its geodesic.

    Segments already shorter than `max_segment_km` are kept as they are, so
    densifying twice changes nothing.
    """
    parts = [
        geodesic_line(
            [(float(x), float(y)) for x, y, *_ in p.coords],
            max_segment_km=max_segment_km,
        )
        for p in line_parts(geometry)
    ]
    return parts[0] if isinstance(geometry, LineString) else MultiLineString(parts)


def length_km(geometry: BaseGeometry) -> float:
    """Geodesic length on WGS84 of a lon/lat (Multi)LineString, in km."""
    return float(WGS84.geometry_length(geometry)) / 1000.0


def point_at_km(line: LineString, distance_km: float) -> tuple[float, float, float]:
    """
    Return (lon, lat, azimuth) at `distance_km` along `line`, measured geodesically.

    Segments are taken as geodesics. The azimuth is the forward direction of
    travel at that point, in degrees clockwise from north; on a conformal map
    (Web Mercator) it is also the on-screen direction.
    """
    coords = np.asarray(line.coords)
    lons, lats = coords[:, 0], coords[:, 1]
    az12, _, dist_m = WGS84.inv(lons[:-1], lats[:-1], lons[1:], lats[1:])
    ends = np.cumsum(dist_m)
    target = min(max(distance_km * 1000.0, 0.0), float(ends[-1]))
    i = min(int(np.searchsorted(ends, target)), len(ends) - 1)
    start = float(ends[i] - dist_m[i])
    lon, lat, back_az = WGS84.fwd(lons[i], lats[i], az12[i], target - start)
    forward = (float(back_az) + 180.0) % 360.0
    return float(lon), float(lat), forward
