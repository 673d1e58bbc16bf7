"""Geometry helpers for validation: dimensions, families, antimeridian cuts."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import numpy as np
import shapely

if TYPE_CHECKING:
    from numpy.typing import NDArray
    from shapely.geometry import Polygon
    from shapely.geometry.base import BaseGeometry

__all__ = [
    "antimeridian_jumps",
    "family",
    "has_antimeridian_jump",
    "keep_dimension",
    "split_antimeridian",
]

_FAMILY = {
    "Point": "point",
    "MultiPoint": "point",
    "LineString": "line",
    "LinearRing": "line",
    "MultiLineString": "line",
    "Polygon": "polygon",
    "MultiPolygon": "polygon",
    "GeometryCollection": "collection",
}


def family(geom: BaseGeometry) -> str:
    """Return ``"point"``, ``"line"``, ``"polygon"`` or ``"collection"``."""
    return _FAMILY[geom.geom_type]


def _flat_parts(geom: BaseGeometry) -> list[BaseGeometry]:
    parts = []
    for part in shapely.get_parts(geom):
        if isinstance(part, shapely.GeometryCollection) or part.geom_type.startswith(
            "Multi"
        ):
            parts.extend(_flat_parts(part))
        elif not part.is_empty:
            parts.append(part)
    return parts


def keep_dimension(geom: BaseGeometry, dimension: int) -> BaseGeometry | None:
    """
    Return the parts of `geom` of the given dimension (0, 1, 2), or None.

    One part comes back as itself, several as a Multi* geometry, so a repaired
    polygon stays polygonal (collapsed spikes and lines are dropped).
    """
    parts = [p for p in _flat_parts(geom) if shapely.get_dimensions(p) == dimension]
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    if dimension == 0:
        return cast("BaseGeometry", shapely.multipoints(parts))
    if dimension == 1:
        return cast("BaseGeometry", shapely.multilinestrings(parts))
    return cast("BaseGeometry", shapely.multipolygons(parts))


def _rings(geom: BaseGeometry) -> list[np.ndarray]:
    if geom.geom_type in {"LineString", "LinearRing"}:
        return [shapely.get_coordinates(geom)]
    if geom.geom_type == "Polygon":
        poly = cast("Polygon", geom)
        return [shapely.get_coordinates(r) for r in (poly.exterior, *poly.interiors)]
    out: list[np.ndarray] = []
    if geom.geom_type.startswith("Multi") or geom.geom_type == "GeometryCollection":
        for part in shapely.get_parts(geom):
            out.extend(_rings(part))
    return out


def has_antimeridian_jump(geom: BaseGeometry) -> bool:
    """Return True if consecutive vertices jump over 180 degrees of longitude."""
    return any(
        len(xy) > 1 and bool((np.abs(np.diff(xy[:, 0])) > 180).any())
        for xy in _rings(geom)
    )


def antimeridian_jumps(geoms: NDArray[np.object_]) -> NDArray[np.bool_]:
    """Vectorised `has_antimeridian_jump`: one bool per geometry of `geoms`."""
    out = np.zeros(len(geoms), dtype=bool)
    kinds = shapely.get_type_id(geoms)
    for pos in np.flatnonzero(kinds == 7):  # collections: one by one
        out[pos] = has_antimeridian_jump(geoms[pos])
    linear = np.flatnonzero(np.isin(kinds, (1, 2, 3, 5, 6)))
    if not len(linear):
        return out
    parts, part_of = shapely.get_parts(geoms[linear], return_index=True)
    polygonal = shapely.get_type_id(parts) == 3
    rings, ring_of = shapely.get_rings(parts[polygonal], return_index=True)
    pieces = np.concatenate([parts[~polygonal], rings])
    owner = np.concatenate(
        [part_of[~polygonal], part_of[np.flatnonzero(polygonal)[ring_of]]]
    )
    xy, which = shapely.get_coordinates(pieces, return_index=True)
    jump = (np.abs(np.diff(xy[:, 0])) > 180) & (which[1:] == which[:-1])
    out[linear[owner[which[1:][jump]]]] = True
    return out


def split_antimeridian(geom: BaseGeometry) -> BaseGeometry:
    """
    Cut a lon/lat geometry that crosses the antimeridian into parts on each side.

    Negative longitudes are shifted by +360 so the geometry is continuous, cut
    at 180, and the eastern part shifted back. The result keeps the input's
    dimension (a MultiPolygon for a polygon, a MultiLineString for a line).

    Examples
    --------
    >>> box = shapely.Polygon([(170, 60), (-170, 60), (-170, 70), (170, 70)])
    >>> split_antimeridian(box).bounds
    (-180.0, 60.0, 180.0, 70.0)
    >>> [round(p.area) for p in split_antimeridian(box).geoms]
    [100, 100]
    """

    def shift(xy: np.ndarray) -> np.ndarray:
        out = xy.copy()
        out[:, 0] = np.where(out[:, 0] < 0, out[:, 0] + 360, out[:, 0])
        return out

    dimension = int(shapely.get_dimensions(geom))
    shifted = shapely.transform(geom, shift)
    west = shapely.clip_by_rect(shifted, -180, -90, 180, 90)
    east = shapely.clip_by_rect(shifted, 180, -90, 540, 90)
    east = shapely.transform(east, lambda xy: xy - np.array([360.0, 0.0]))
    merged = keep_dimension(shapely.GeometryCollection([west, east]), dimension)
    return geom if merged is None else merged
