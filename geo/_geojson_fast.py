"""
GeoJSON without a Python pass: screen the bytes, let GDAL parse, check arrays.

`clean_geojson` parses every feature in Python to locate each problem by
feature and field; on a 10^6-feature file that costs several times GDAL's own
read. Here the bytes are screened with C-speed searches (strict UTF-8, no
surrogate escapes, no NaN/Infinity, one FeatureCollection ending with its
features array, as many ``"Feature"``, ``"properties"`` and ``"geometry"``
members as features GDAL returns, and for every column, as many occurrences
of its key as values of the column's JSON kind), GDAL reads the file itself,
and the geometries are checked as arrays. Anything the screens cannot vouch
for (a null or empty geometry, a collection, Z values, an out-of-range
coordinate, a mixed or nested property, a duplicate key) sends the file to the
exact Python path, which then locates and words every problem; so the fast
path can only be faster, never less strict.
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import shapely

from kzmap.geo._geojson import MAX_PROPERTY_KEYS, _crs_member, check_key_count
from kzmap.geo._options import ReadOptions, apply_user_crs
from kzmap.geo.crs import STORAGE_CRS
from kzmap.geo.errors import KzmapError

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    import geopandas as gpd
    from numpy.typing import NDArray

    from kzmap.geo.problems import ProblemLog

__all__ = [
    "check_feature_count",
    "read_fast",
    "screen",
]

_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
#: Whitespace between a member name and its colon (counts assume none).
_GAP = re.compile(rb'"[ \t\r\n]+:')
_FEATURE = re.compile(rb'"type"\s*:\s*"Feature"')
_ENDS_WITH_FEATURES = re.compile(rb"\}\s*\]\s*\}\s*$")
_CHUNK = 1 << 24
_FIRST_FEATURE_BYTES = 1 << 20
#: Column names GDAL makes from members that are not properties.
_NOT_PROPERTIES = {"properties", "geometry", "type", "coordinates", "features"}
#: GEOS type ids of Point, LineString, Polygon and their Multi* forms.
_SIMPLE_TYPES = np.array([0, 1, 3, 4, 5, 6])


def check_feature_count(data: bytes, log: ProblemLog, *, max_features: int) -> int:
    """
    Refuse a file with more features than `max_features` before parsing it.

    Returns the number of ``"Feature"`` strings in the file.
    """
    found = data.count(b'"Feature"')
    if found <= max_features:
        return found
    count = len(_FEATURE.findall(data))
    if count > max_features:
        log.fail(
            "limit.features",
            f"the file has {count} features, over the limit of "
            f"{max_features}. If it is trusted, pass a larger `max_features=`.",
        )
    return found


def _utf8(data: bytes) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for start in range(0, len(data), _CHUNK):
            decoder.decode(view[start : start + _CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _plain_bytes(data: bytes, encoding: str | None) -> bool:
    """Strict UTF-8 without BOM, surrogate escapes or NaN, ending in features."""
    codec = (encoding or "utf-8").lower().replace("_", "-")
    return (
        codec in ("utf-8", "utf8")
        and not data.startswith(b"\xef\xbb\xbf")
        and data.count(b'"features"') == 1
        and data.count(b'"bbox"') == 0
        and b"NaN" not in data
        and b"Infinity" not in data
        and _SURROGATE.search(data) is None
        and _GAP.search(data) is None
        and _ENDS_WITH_FEATURES.search(data[-256:]) is not None
        and _utf8(data)
    )


def screen(data: bytes, encoding: str | None) -> dict[str, object] | None:
    """
    Return the top-level members before ``"features"`` if the file may go fast.

    None means "use the exact Python path" (an unusual encoding or layout,
    escapes GDAL would take differently, or anything not plain).
    """
    if not _plain_bytes(data, encoding):
        return None
    head = data[: data.find(b'"features"')]
    try:
        top = json.loads(head + b'"features": []}')
    except (ValueError, RecursionError):
        return None
    if (
        not isinstance(top, dict)
        or top.get("type") != "FeatureCollection"
        or data.count(b'"crs"') != ("crs" in top)
    ):
        return None
    return top


def _kind(dtype: Any) -> bytes | None:
    """First bytes a JSON value may start with for a column of `dtype`."""
    if pd.api.types.is_bool_dtype(dtype):
        return rb"[tf]"
    if pd.api.types.is_numeric_dtype(dtype):
        return rb"[-0-9]"
    if pd.api.types.is_string_dtype(dtype) or pd.api.types.is_object_dtype(dtype):
        return rb'"'
    return None


def _column_matches(
    data: bytes, start: int, name: str, values: pd.Series, known: dict[str, int]
) -> bool:
    """
    Whether every occurrence of the key `name` holds one value of the column.

    The key's occurrences must all be followed by a value of the column's JSON
    kind (so no nested, mixed-type or stray values), and those that are not
    ``null`` must be exactly the column's non-missing values (so no key
    appears twice in a feature).
    """
    kind = _kind(values.dtype)
    if kind is None:
        return False
    key = json.dumps(name, ensure_ascii=False).encode("utf-8") + b":"
    occurrences = known[name] if name in known else data.count(key, start)
    if occurrences == 0:
        return bool(values.isna().all())
    prefix = re.escape(key) + rb"\s*"
    found = re.compile(prefix + rb"(?:(null)|" + kind + rb")").findall(data, start)
    if len(found) != occurrences:
        return False
    nulls = found.count(b"null")
    return occurrences - nulls == int(values.notna().sum())


def _plain_geometries(geoms: NDArray[np.object_], *, check_range: bool) -> bool:
    """No null, empty, collection or Z geometry; lon/lat in range if asked."""
    if pd.isna(geoms).any() or shapely.is_empty(geoms).any():
        return False
    if not np.isin(shapely.get_type_id(geoms), _SIMPLE_TYPES).all():
        return False
    if shapely.has_z(geoms).any() or not _long_enough(geoms):
        return False
    if not check_range:
        return True
    bounds = shapely.bounds(geoms)
    return not (
        (np.abs(bounds[:, [0, 2]]) > 180).any()
        or (np.abs(bounds[:, [1, 3]]) > 90).any()
    )


def _long_enough(geoms: NDArray[np.object_]) -> bool:
    """Lines have 2 or more positions, polygon rings 4 or more (RFC 7946)."""
    kinds = shapely.get_type_id(geoms)
    lines = shapely.get_parts(geoms[np.isin(kinds, (1, 5))])
    polygons = shapely.get_parts(geoms[np.isin(kinds, (3, 6))])
    rings = shapely.get_rings(polygons)
    return bool(
        (shapely.get_num_coordinates(lines) >= 2).all()
        and (shapely.get_num_coordinates(rings) >= 4).all()
    )


def _brackets(geoms: NDArray[np.object_]) -> int:
    """
    Count the ``[`` of these geometries' GeoJSON coordinates.

    One per position, plus one per array of positions (line, ring, the list of
    a MultiPoint), per polygon's ring list and per Multi* list. GDAL closing a
    ring or dropping a position changes the count.
    """
    kinds = shapely.get_type_id(geoms)
    total = int(shapely.get_num_coordinates(geoms).sum())
    total += int((kinds != 0).sum())  # the outer [ of all but a Point
    total += int(shapely.get_num_geometries(geoms[kinds == 5]).sum())  # lines
    parts = shapely.get_parts(geoms[kinds == 6])
    polygons = np.concatenate([geoms[kinds == 3], parts])
    rings = len(polygons) + int(shapely.get_num_interior_rings(polygons).sum())
    return total + len(parts) + rings


def plain_frame(
    data: bytes,
    frame: gpd.GeoDataFrame,
    *,
    check_range: bool,
    known: dict[str, int] | None = None,
    features: int | None = None,
) -> bool:
    """
    Whether GDAL's `frame` is exactly what the Python path would have made.

    `known` holds counts of ``"name":`` in the features, `features` the
    count of ``"Feature"``, where they were already made.
    """
    known = known or {}
    n = len(frame)
    start = data.find(b'"features"') + len(b'"features"')
    members = ("properties", "geometry")
    counts = {
        known[m] if m in known else data.count(f'"{m}":'.encode(), start)
        for m in members
    }
    counts.add(data.count(b'"Feature"', start) if features is None else features)
    if not n or counts != {n}:
        return False
    if not _plain_geometries(frame.geometry.to_numpy(), check_range=check_range):
        return False
    geoms = frame.geometry.to_numpy()
    points = bool((shapely.get_type_id(geoms) == 0).all())  # 1 position each
    if not points and data.count(b"[", start) != 1 + _brackets(geoms):
        return False
    columns = [c for c in frame.columns if c != frame.geometry.name]
    if data.find(b'"id"', start) >= 0 and "id" not in columns:
        return False
    return all(
        isinstance(c, str)
        and c
        and c not in _NOT_PROPERTIES
        and _column_matches(data, start, c, frame[c], known)
        for c in columns
    )


def _keys(value: object, out: set[str]) -> set[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            out.add(key)
            _keys(item, out)
    elif isinstance(value, list):
        for item in value[:1]:
            _keys(item, out)
    return out


def name_counts(data: bytes) -> dict[str, int] | None:
    """
    Count each member name of the first feature in the features array.

    If every ``"name":`` in the array is one of the first feature's, return
    their counts: the file has no more property keys than that feature, so
    GDAL's schema pass (to count them before reading) can be skipped, and the
    counts serve `plain_frame`. None if any other name occurs.
    """
    start = data.find(b'"features"') + len(b'"features"')
    begin = data.find(b"{", start)
    try:
        first, _ = json.JSONDecoder().raw_decode(
            data[begin : begin + _FIRST_FEATURE_BYTES].decode("utf-8", "replace")
        )
        names = _keys(first, set())
    except (ValueError, RecursionError):
        return None
    if len(names) > MAX_PROPERTY_KEYS:
        return None
    counts = {
        k: data.count(json.dumps(k, ensure_ascii=False).encode() + b":", start)
        for k in names
    }
    if data.count(b'":', start) != sum(counts.values()):
        return None
    return counts


def read_fast(
    path: Path,
    log: ProblemLog,
    opts: ReadOptions,
    reader: Callable[..., gpd.GeoDataFrame],
) -> tuple[gpd.GeoDataFrame, int] | None:
    """
    Read a plain GeoJSON file with GDAL directly; None if it is not plain.

    File-level limits are enforced here before any parse; per-feature
    problems are left to the exact path (None is returned).
    """
    data = path.read_bytes()
    features = check_feature_count(data, log, max_features=opts.max_features)
    top = screen(data, opts.encoding) if opts.engine == "pyogrio" else None
    if top is None:
        return None
    known = name_counts(data)
    if known is None:
        import pyogrio  # noqa: PLC0415

        try:
            fields = len(pyogrio.read_info(path)["fields"])
        except Exception:  # the exact path words GDAL's errors
            return None
        check_key_count(fields, log)
    scratch = replace(log, problems=[])
    try:
        crs = _crs_member(top, scratch)
        frame = reader(str(path), scratch, opts.engine, DATE_AS_STRING="YES")
    except KzmapError:
        return None
    check_range = opts.crs is None and (crs is None or crs.is_geographic)
    if scratch.has_errors() or not plain_frame(
        data, frame, check_range=check_range, known=known, features=features
    ):
        return None
    del data
    log.problems.extend(scratch.problems)
    name = top.get("name")
    if isinstance(name, str):
        log.layer = name
    frame = frame.set_crs(crs if crs is not None else STORAGE_CRS, allow_override=True)
    return apply_user_crs(frame, opts, log, declared=crs is not None), len(frame)
