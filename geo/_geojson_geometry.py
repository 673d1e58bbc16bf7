"""Check and normalise one GeoJSON geometry object against RFC 7946."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

__all__ = ["GeometryCheck", "check_geometry"]

#: Geometry type -> nesting depth of its "coordinates" (0 = one position).
_DEPTH = {
    "Point": 0,
    "MultiPoint": 1,
    "LineString": 1,
    "MultiLineString": 2,
    "Polygon": 2,
    "MultiPolygon": 3,
}

#: GeometryCollections nested deeper than this are refused (they are flattened
#: up to it). json-c itself gives up at about 600 levels.
MAX_COLLECTION_DEPTH = 32


@dataclass
class GeometryCheck:
    """What `check_geometry` found: fatal errors and the repairs it made."""

    errors: list[str] = field(default_factory=list)
    range_errors: list[str] = field(default_factory=list)
    closed_rings: int = 0
    dropped_dims: int = 0
    flattened: int = 0


def check_geometry(
    geom: object, *, check_range: bool
) -> tuple[dict[str, object] | None, GeometryCheck]:
    """
    Validate `geom` (a parsed GeoJSON geometry or None) and return a clean copy.

    The copy has 2D positions, closed rings and GeometryCollections flattened to
    one level. Errors (unknown type, bad coordinates, non-finite or out-of-range
    numbers, too-short rings) are listed in the returned check; then the copy
    is None.
    """
    check = GeometryCheck()
    if geom is None:
        return None, check
    clean = _geometry(geom, check, check_range=check_range, depth=0)
    if check.errors or check.range_errors:
        return None, check
    return clean, check


def _geometry(
    geom: object, check: GeometryCheck, *, check_range: bool, depth: int
) -> dict[str, object] | None:
    if not isinstance(geom, dict):
        check.errors.append(f"geometry must be an object, found {type(geom).__name__}")
        return None
    kind = geom.get("type")
    if kind == "GeometryCollection":
        return _collection(geom, check, check_range=check_range, depth=depth)
    if kind not in _DEPTH:
        check.errors.append(
            f"unknown geometry type {kind!r}; expected one of "
            f"{', '.join(sorted(_DEPTH))} or GeometryCollection"
        )
        return None
    coords = _coordinates(
        geom.get("coordinates"), _DEPTH[str(kind)], check, check_range=check_range
    )
    if coords is None:
        return None
    _check_shape(str(kind), coords, check)
    return {"type": kind, "coordinates": coords}


def _collection(
    geom: dict[str, object], check: GeometryCheck, *, check_range: bool, depth: int
) -> dict[str, object] | None:
    if depth >= MAX_COLLECTION_DEPTH:
        check.errors.append(
            f"GeometryCollections nested more than {MAX_COLLECTION_DEPTH} deep"
        )
        return None
    members = geom.get("geometries")
    if not isinstance(members, list):
        check.errors.append("GeometryCollection without a 'geometries' array")
        return None
    flat: list[object] = []
    for member in members:
        clean = _geometry(member, check, check_range=check_range, depth=depth + 1)
        if clean is None:
            continue
        if clean["type"] == "GeometryCollection":
            check.flattened += 1
            inner = clean["geometries"]
            flat.extend(inner if isinstance(inner, list) else [])
        else:
            flat.append(clean)
    if len(flat) == 1 and depth == 0:
        check.flattened += 1
        only: dict[str, object] = flat[0]  # type: ignore[assignment]
        return only
    return {"type": "GeometryCollection", "geometries": flat}


def _coordinates(
    value: object, depth: int, check: GeometryCheck, *, check_range: bool
) -> list[object] | None:
    """Return `value` as nested lists of 2D positions, or None after an error."""
    if not isinstance(value, list):
        check.errors.append(
            f"'coordinates' must be an array, found {type(value).__name__}"
        )
        return None
    if depth == 0:
        return _position(value, check, check_range=check_range)
    if depth == 1 and _plain_positions(value, check_range=check_range):
        return value
    out: list[object] = []
    for item in value:
        clean = _coordinates(item, depth - 1, check, check_range=check_range)
        if clean is None:
            return None
        out.append(clean)
    return out


def _plain_positions(value: list[object], *, check_range: bool) -> bool:
    """
    Return True if `value` is a list of finite 2D number pairs (within range).

    This is the fast path for ordinary data; anything else goes through
    `_position` one by one to get a precise message.
    """
    if not all(type(p) is list and len(p) == 2 for p in value):
        return False
    if not {type(v) for p in value for v in p} <= {int, float}:  # type: ignore[attr-defined]
        return False
    try:
        xy = np.array(value, dtype=float)
    except OverflowError:  # ints beyond float range
        return False
    if not len(xy) or not np.isfinite(xy).all():
        return not len(xy)
    if check_range:
        return bool((np.abs(xy[:, 0]) <= 180).all() and (np.abs(xy[:, 1]) <= 90).all())
    return True


def _position(
    value: list[object], check: GeometryCheck, *, check_range: bool
) -> list[object] | None:
    if len(value) < 2:
        check.errors.append(f"a position needs 2 numbers (lon, lat), found {value!r}")
        return None
    numbers = value[:2]
    for v in value:
        if isinstance(v, bool) or not isinstance(v, int | float):
            check.errors.append(f"coordinates must be numbers, found {v!r}")
            return None
    lon, lat = float(value[0]), float(value[1])  # type: ignore[arg-type]
    if not all(math.isfinite(float(v)) for v in value):  # type: ignore[arg-type]
        check.errors.append(
            f"non-finite coordinate (NaN or Infinity) in {value!r}; "
            "fix or remove the feature"
        )
        return None
    if check_range and (abs(lon) > 180 or abs(lat) > 90):
        hint = (
            " The numbers look like metres of a projected CRS: pass `crs=`"
            " with its EPSG code."
            if abs(lon) > 1000 or abs(lat) > 1000
            else " If they are lat, lon swap them to lon, lat (RFC 7946 order)."
        )
        check.range_errors.append(
            f"position {value!r} is outside lon -180..180 / lat -90..90.{hint}"
        )
        return None
    if len(value) > 2:
        check.dropped_dims += 1
    return numbers


def _check_shape(kind: str, coords: list[object], check: GeometryCheck) -> None:
    """Check minimum lengths; close unclosed rings in place."""
    if kind == "LineString":
        _line(coords, check)
    elif kind == "MultiLineString":
        for line in coords:
            _line(line, check)  # type: ignore[arg-type]
    elif kind == "Polygon":
        _polygon(coords, check)
    elif kind == "MultiPolygon":
        for polygon in coords:
            _polygon(polygon, check)  # type: ignore[arg-type]


def _line(coords: list[object], check: GeometryCheck) -> None:
    if len(coords) < 2:
        check.errors.append(f"a LineString needs 2 or more positions, found {coords}")


def _polygon(rings: list[object], check: GeometryCheck) -> None:
    for ring in rings:
        positions: list[object] = ring  # type: ignore[assignment]
        if positions and positions[0] != positions[-1]:
            positions.append(positions[0])
            check.closed_rings += 1
        if len(positions) < 4:
            check.errors.append(
                f"a polygon ring needs 4 or more positions (closed), found "
                f"{len(positions)}; RFC 7946 section 3.1.6"
            )
