"""
GeoJSON without a Python pass: screen the bytes, let GDAL parse, check arrays.

`clean_geojson` parses every feature in Python to locate each problem by
feature and field; on a 10^6-feature file that costs several times GDAL's own
read. Here the bytes are screened with C-speed searches (strict UTF-8, no
surrogate escapes, one FeatureCollection ending with its features array, as
many ``"Feature"``, ``"properties"`` and ``"geometry"`` members as features
GDAL returns, every member name one of the first feature's, and for every
column, as many occurrences of its key as values of the column's JSON kind),
the bytes are let go, GDAL reads the file itself (through Arrow), and the
geometries and columns are checked as arrays (finite coordinates, no
infinite numbers). Anything the screens cannot vouch for (an empty
geometry, a collection, Z values, an out-of-range coordinate, a mixed or
nested property, a duplicate key, NaN) sends the file to the exact Python
path, which then locates and words every problem; so the fast path can only
be faster, never less strict.
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import shapely

from kzmap.geo._geojson import MAX_PROPERTY_KEYS, check_key_count
from kzmap.geo._geojson_crs import crs_member
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
#: What a feature's properties start with: GDAL reads ``[]`` as no
#: properties, where RFC 7946 (and the exact path) refuse it.
_PROPERTIES = re.compile(rb'"properties":\s*(null|.)', re.DOTALL)
_OBJECT_OR_NULL = {b"{", b"null"}
_NULL_GEOMETRY = re.compile(rb'"geometry":\s*null')
_ENDS_WITH_FEATURES = re.compile(rb"\}\s*\]\s*\}\s*$")
_CHUNK = 1 << 24
_FIRST_FEATURE_BYTES = 1 << 20
#: Column names GDAL makes from members that are not properties.
_NOT_PROPERTIES = {"properties", "geometry", "type", "coordinates", "features"}
#: Member names of GeoJSON's own structure inside the features array.
_STRUCTURE = {"type", "properties", "geometry", "coordinates", "geometries"}
#: Names of the collection's members, never expected inside a feature.
_COLLECTION_MEMBERS = {"features", "bbox", "crs"}
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
    if data.isascii():  # no text to build: ASCII is UTF-8
        return True
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
    """Strict UTF-8 without BOM or surrogate escapes, ending in features."""
    codec = (encoding or "utf-8").lower().replace("_", "-")
    return (
        codec in ("utf-8", "utf8")
        and not data.startswith(b"\xef\xbb\xbf")
        and _ENDS_WITH_FEATURES.search(data[-256:]) is not None
        and _SURROGATE.search(data) is None
        and _utf8(data)
    )


def _plain_layout(data: bytes) -> bool:
    """
    Screen a file whose member names could not all be counted.

    One ``"features"``, no ``"bbox"``, no ``NaN`` or ``Infinity`` and no
    whitespace before a colon anywhere. Where `name_counts` vouches for every
    name, they are redundant: the values' first bytes, the frame's finite
    coordinates and float columns rule out NaN and infinities.
    """
    return (
        data.count(b'"features"') == 1
        and data.count(b'"bbox"') == 0
        and b"NaN" not in data
        and b"Infinity" not in data
        and _GAP.search(data) is None
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
        or "bbox" in top
        or head.count(b'"crs"') != ("crs" in top)
        or head.count(b'"bbox"')
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


@dataclass
class Names:
    """
    Every member name in the features array, with what follows each one.

    `counts` holds the occurrences of ``"name":`` after ``"features"``;
    `values` holds, for each name that is not GeoJSON structure (a property
    or a feature id), the set of value starts seen after it (``b"null"`` or
    the value's first byte) and how many are ``null``.
    """

    counts: dict[str, int]
    values: dict[str, tuple[frozenset[bytes], int]]


@dataclass
class Screened:
    """What the byte screens found, kept so the bytes can go before GDAL reads."""

    top: dict[str, object]
    features: int
    names: Names | None
    brackets: int | None  # None: all points expected, not counted yet
    has_id: bool
    data: bytes | None = None  # kept only when `names` is None

    @property
    def counts(self) -> dict[str, int]:
        return self.names.counts if self.names is not None else {}


def _column_matches(
    screened: Screened, name: str, values: pd.Series, start: int = 0
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
    names = screened.names
    if names is not None and name in names.values:
        starts, nulls = names.values[name]
        occurrences = names.counts[name]
        allowed = re.compile(rb"null|" + kind)
        if not all(allowed.fullmatch(s) for s in starts):
            return False
    elif screened.data is not None:
        data = screened.data
        key = json.dumps(name, ensure_ascii=False).encode("utf-8") + b":"
        occurrences = data.count(key, start)
        prefix = re.escape(key) + rb"\s*"
        found = re.compile(prefix + rb"(?:(null)|" + kind + rb")").findall(data, start)
        if len(found) != occurrences:
            return False
        nulls = found.count(b"null")
    else:
        return False
    if occurrences == 0:
        return bool(values.isna().all())
    return occurrences - nulls == int(values.notna().sum())


def _plain_geometries(geoms: NDArray[np.object_], *, check_range: bool) -> bool:
    """
    No empty, collection, Z or non-finite geometry; lon/lat in range.

    Missing geometries pass (`_null_geometries` checks that they were
    written ``null``): the frame checks report them as the exact path would.
    """
    kinds = shapely.get_type_id(geoms)
    if shapely.is_empty(geoms).any():
        return False
    if not np.isin(kinds[kinds >= 0], _SIMPLE_TYPES).all():
        return False
    if shapely.has_z(geoms).any() or not _long_enough(geoms):
        return False
    bounds = shapely.bounds(geoms)
    finite = np.isfinite(bounds[kinds >= 0]).all()  # a point's x, y twice
    if not finite or not (
        (kinds <= 0).all() or np.isfinite(shapely.get_coordinates(geoms)).all()
    ):
        return False
    if not check_range:
        return True
    west, south, east, north = bounds.T  # views; NaN (a null geometry) passes
    outside = (west < -180) | (east > 180) | (south < -90) | (north > 90)
    return not outside.any()


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
    total += int((kinds > 0).sum())  # the outer [ of all but a Point (or null)
    total += int(shapely.get_num_geometries(geoms[kinds == 5]).sum())  # lines
    parts = shapely.get_parts(geoms[kinds == 6])
    polygons = np.concatenate([geoms[kinds == 3], parts])
    rings = len(polygons) + int(shapely.get_num_interior_rings(polygons).sum())
    return total + len(parts) + rings


def _finite_columns(frame: gpd.GeoDataFrame) -> bool:
    """No float column holds an infinity (JSON has none; GDAL reads them)."""
    return not any(
        np.isinf(frame[c].to_numpy(dtype=np.float64)).any()
        for c in frame.columns
        if c != frame.geometry.name and pd.api.types.is_float_dtype(frame[c])
    )


def _null_geometries(path: Path) -> int:
    """Count the features written ``"geometry": null`` (GDAL's missing ones)."""
    data = path.read_bytes()  # from the page cache, as GDAL just read it
    return len(_NULL_GEOMETRY.findall(data, data.find(b'"features"')))


def _bracket_count(screened: Screened, path: Path) -> int:
    """Count the ``[`` after ``"features"`` now if the screens did not."""
    if screened.brackets is None:
        data = path.read_bytes()  # from the page cache, as GDAL just read it
        screened.brackets = data.count(b"[", data.find(b'"features"'))
    return screened.brackets


def _geometries_match(
    screened: Screened, geoms: NDArray[np.object_], path: Path, *, check_range: bool
) -> bool:
    """Plain geometries, missing ones written null, as many ``[`` as written."""
    if not _plain_geometries(geoms, check_range=check_range):
        return False
    kinds = shapely.get_type_id(geoms)
    missing = int((kinds < 0).sum())
    if missing and _null_geometries(path) != missing:
        return False
    points = bool((kinds == 0).all())  # 1 position each
    return points or _bracket_count(screened, path) == 1 + _brackets(geoms)


def plain_frame(
    screened: Screened, frame: gpd.GeoDataFrame, path: Path, *, check_range: bool
) -> bool:
    """Whether GDAL's `frame` is exactly what the Python path would have made."""
    n = len(frame)
    known = screened.counts
    data = screened.data
    if any(m not in known for m in ("properties", "geometry")) and data is None:
        return False
    counts = {
        known[m] if m in known else data.count(f'"{m}":'.encode())  # type: ignore[union-attr]
        for m in ("properties", "geometry")
    }
    counts.add(screened.features)
    if not n or counts != {n} or not _finite_columns(frame):
        return False
    if not _geometries_match(
        screened, frame.geometry.to_numpy(), path, check_range=check_range
    ):
        return False
    columns = [c for c in frame.columns if c != frame.geometry.name]
    if screened.has_id and "id" not in columns:
        return False
    return all(
        isinstance(c, str)
        and c
        and c not in _NOT_PROPERTIES
        and _column_matches(screened, c, frame[c])
        for c in columns
    )


def _null_columns_as_object(frame: gpd.GeoDataFrame) -> None:
    """Give an all-null text column the exact path's form: object, all None.

    Arrow types a property that is null in every feature as text (pandas'
    ``str``); the exact path, like geopandas' own reader, keeps it ``object``.
    """
    if not len(frame):
        return
    for c in frame.columns:
        text = pd.api.types.is_string_dtype(frame[c].dtype)
        if c != frame.geometry.name and text and frame[c].isna().all():
            frame[c] = pd.Series([None] * len(frame), index=frame.index, dtype=object)


def _keys(value: object, out: set[str]) -> set[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            out.add(key)
            _keys(item, out)
    elif isinstance(value, list):
        for item in value[:1]:
            _keys(item, out)
    return out


def name_counts(data: bytes, start: int) -> Names | None:
    """
    Count each member name of the first feature in the features array.

    If every ``"name":`` in the array (from `start`) is one of the first
    feature's, return their counts, and for the values' names what their
    values start with: the file has no more property keys than that feature,
    so GDAL's schema pass (to count them before reading) can be skipped, and
    the counts serve `plain_frame`. None if any other name occurs, if a name
    is one of the collection's (``features``, ``bbox``, ``crs``), or if a
    colon follows a name after whitespace (which the counts would miss).
    """
    begin = data.find(b"{", start)
    try:
        first, _ = json.JSONDecoder().raw_decode(
            data[begin : begin + _FIRST_FEATURE_BYTES].decode("utf-8", "replace")
        )
        names = _keys(first, set())
    except (ValueError, RecursionError):
        return None
    if (
        len(names) > MAX_PROPERTY_KEYS
        or names & _COLLECTION_MEMBERS
        or any('"' in name or "\\" in name for name in names)
    ):
        return None
    counts: dict[str, int] = {}
    values: dict[str, tuple[frozenset[bytes], int]] = {}
    for name in names:
        key = json.dumps(name, ensure_ascii=False).encode() + b":"
        if name in _STRUCTURE and name != "properties":
            counts[name] = data.count(key, start)
            continue
        found = re.compile(re.escape(key) + rb"\s*(null|.)", re.DOTALL).findall(
            data, start
        )
        counts[name] = len(found)
        if name == "properties":
            if not set(found) <= _OBJECT_OR_NULL:
                return None
            continue
        values[name] = (frozenset(found), found.count(b"null"))
    # Names hold no quote or backslash, so each "name": counted ends a key of
    # its own: the sum is at most the number of '":', itself at most that of
    # ':'. If the sum reaches the colons, every colon follows a counted name.
    named = sum(counts.values())
    after = data.find(b":", start) + 1  # the colon after "features" is no name's
    if data.count(b":", after) != named and (
        data.count(b'":', start) != named or _GAP.search(data, start) is not None
    ):
        return None
    return Names(counts, values)


def _first_is_point(data: bytes, start: int) -> bool:
    """Whether the first feature's geometry is a Point (the usual large file)."""
    end = data.find(b"}", data.find(b'"geometry"', start))
    return data.find(b'"Point"', start, end) >= 0


def _screen_all(data: bytes, opts: ReadOptions, features: int) -> Screened | None:
    """Run every byte screen; None sends the file to the exact path."""
    top = screen(data, opts.encoding) if opts.engine == "pyogrio" else None
    if top is None:
        return None
    start = data.find(b'"features"') + len(b'"features"')
    names = name_counts(data, start)
    if names is None:
        head = data[:start].count(b'"crs"')
        if (
            not _plain_layout(data)
            or data.count(b'"crs"') != head
            or not set(_PROPERTIES.findall(data, start)) <= _OBJECT_OR_NULL
        ):
            return None
    return Screened(
        top=top,
        features=features,
        names=names,
        brackets=None if _first_is_point(data, start) else data.count(b"[", start),
        has_id=data.find(b'"id"', start) >= 0,
        data=None if names is not None else data[start:],
    )


def read_fast(
    path: Path,
    log: ProblemLog,
    opts: ReadOptions,
    reader: Callable[..., gpd.GeoDataFrame],
) -> tuple[gpd.GeoDataFrame, int] | None:
    """
    Read a plain GeoJSON file with GDAL directly; None if it is not plain.

    File-level limits are enforced here before any parse; per-feature
    problems are left to the exact path (None is returned). The bytes are
    screened and let go before GDAL reads the file, so they do not add to
    the peak memory of the read.
    """
    data = path.read_bytes()
    features = check_feature_count(data, log, max_features=opts.max_features)
    screened = _screen_all(data, opts, features)
    del data
    if screened is None:
        return None
    if screened.names is None:
        import pyogrio  # noqa: PLC0415

        try:
            fields = len(pyogrio.read_info(path)["fields"])
        except Exception:  # the exact path words GDAL's errors
            return None
        check_key_count(fields, log)
    scratch = replace(log, problems=[])
    try:
        crs = crs_member(screened.top, scratch)
        frame = reader(
            str(path), scratch, opts.engine, use_arrow=True, DATE_AS_STRING="YES"
        )
    except KzmapError:
        return None
    check_range = opts.crs is None and (crs is None or crs.is_geographic)
    if scratch.has_errors() or not plain_frame(
        screened, frame, path, check_range=check_range
    ):
        return None
    log.problems.extend(scratch.problems)
    _null_columns_as_object(frame)
    name = screened.top.get("name")
    if isinstance(name, str):
        log.layer = name
    frame = frame.set_crs(crs if crs is not None else STORAGE_CRS, allow_override=True)
    return apply_user_crs(frame, opts, log, declared=crs is not None), len(frame)
