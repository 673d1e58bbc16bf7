"""Parse GeoJSON in Python first: RFC 7946 checks, located errors, a clean copy."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

from kzmap.geo._geojson_crs import crs_member
from kzmap.geo._geojson_geometry import GeometryCheck, check_geometry

if TYPE_CHECKING:
    from pyproj import CRS

    from kzmap.geo.problems import ProblemLog, Severity

__all__ = ["MAX_PROPERTY_KEYS", "CleanGeoJSON", "check_key_count", "clean_geojson"]

_RESERVED = {"geometry": "geometry_attr"}
#: Bytes that did not decode (kept as lone surrogates by "surrogateescape").
_UNDECODED = re.compile("[\udc80-\udcff]")
#: Any surrogate left after parsing: undecoded bytes, or a JSON ``\\ud800``
#: escape without its pair (valid pairs are joined by the parser).
_SURROGATES = re.compile("[\ud800-\udfff]")
#: Most distinct property keys (columns) accepted in one GeoJSON file. GDAL and
#: pandas build one column per key for every feature, so 10^4 keys over 10^4
#: features is 10^8 cells from a 1 MB file.
MAX_PROPERTY_KEYS = 2000
#: Surrogates that cannot come from undecoded bytes: lone JSON escapes.
_LONE = re.compile("[\ud800-\udc7f\udd00-\udfff]")


class _Object(dict[str, object]):
    """A JSON object that remembers keys that appeared more than once."""

    duplicates: tuple[str, ...] = ()


def _pairs(pairs: list[tuple[str, object]]) -> _Object:
    obj = _Object(pairs)
    if len(obj) != len(pairs):
        keys = [k for k, _ in pairs]
        obj.duplicates = tuple(sorted({k for k in keys if keys.count(k) > 1}))
    return obj


@dataclass
class CleanGeoJSON:
    """The cleaned FeatureCollection and where its features came from."""

    text: str
    source_index: list[int]
    features_in: int
    crs: CRS | None = None
    layer: str | None = None
    mixed_fields: dict[str, set[str]] = field(default_factory=dict)


def clean_geojson(
    data: bytes,
    log: ProblemLog,
    *,
    encoding: str | None,
    max_features: int,
    user_crs: bool = False,
) -> CleanGeoJSON:
    """
    Check GeoJSON bytes against RFC 7946 and return a clean UTF-8 copy.

    Fatal problems (not JSON, not GeoJSON, too many features) raise through
    `log`; per-feature errors are logged and the feature left out of the copy.
    """
    doc = _parse(data, log, encoding=encoding)
    features = _features(doc, log)
    if len(features) > max_features:
        log.fail(
            "limit.features",
            f"the file has {len(features)} features, over the limit of "
            f"{max_features}. If it is trusted, pass a larger `max_features=`.",
        )
    crs = crs_member(doc, log)
    # Ranges are checked here only for lon/lat; `crs=` or a projected "crs"
    # member leave it to the frame checks after reprojection.
    check_range = not user_crs and (crs is None or crs.is_geographic)
    name = doc.get("name")
    layer = _printable(name) if isinstance(name, str) else None
    out = CleanGeoJSON("", [], len(features), crs, layer)
    clean: list[dict[str, object]] = []
    types: dict[str, set[str]] = {}
    for index, feature in enumerate(features):
        result = _feature(index, feature, log, check_range=check_range, types=types)
        check_key_count(len(types), log)
        if result is not None:
            clean.append(result)
            out.source_index.append(index)
    mixed = sorted(k for k, kinds in types.items() if len(kinds - {"null"}) > 1)
    for key in mixed:
        log.add(
            "geojson.mixed_types",
            f"values are of several types ({', '.join(sorted(types[key]))}); the "
            "column is read as text, so numeric colouring or sorting on it "
            "will not work. Make every value the same type.",
            severity="warning",
            field=key,
        )
    _as_text(clean, mixed)
    body = {"type": "FeatureCollection", "features": clean}
    out.text = json.dumps(body, ensure_ascii=False, allow_nan=False)
    return out


def check_key_count(count: int, log: ProblemLog) -> None:
    """Refuse more than `MAX_PROPERTY_KEYS` distinct property keys."""
    if count > MAX_PROPERTY_KEYS:
        log.fail(
            "limit.keys",
            f"the features' properties use {count} or more distinct keys, over "
            f"the limit of {MAX_PROPERTY_KEYS} (each key becomes a column for "
            "every feature). Give the features a common set of keys.",
        )


def _as_text(features: list[dict[str, object]], keys: list[str]) -> None:
    """Turn the values of `keys` into JSON text, as both engines then agree."""
    for feature in features:
        props = cast("dict[str, object]", feature["properties"])
        for key in keys:
            value = props.get(key)
            if value is not None and not isinstance(value, str):
                props[key] = json.dumps(value)


def _parse(data: bytes, log: ProblemLog, *, encoding: str | None) -> dict[str, object]:
    codec = encoding or "utf-8"
    try:
        text = data.removeprefix(b"\xef\xbb\xbf").decode(codec, "surrogateescape")
    except LookupError:
        log.fail(
            "usage.encoding",
            f"unknown encoding {encoding!r}; pass a Python codec name such as "
            "'utf-8', 'cp1251' or 'latin-1'.",
        )
    try:
        doc = json.loads(text, object_pairs_hook=_pairs)
    except json.JSONDecodeError as err:
        log.fail(
            "read.json",
            f"not valid JSON: {err.msg} at line {err.lineno}, column {err.colno}. "
            "The file may be truncated; re-export it.",
        )
    except RecursionError:
        log.fail(
            "read.too_deep",
            "the JSON is nested too deeply to read (over ~1000 levels). "
            "Flatten its GeometryCollections.",
        )
    if not isinstance(doc, dict):
        log.fail(
            "read.geojson_type",
            f"expected a GeoJSON object, found a JSON {type(doc).__name__}.",
        )
    return doc


def _features(doc: dict[str, object], log: ProblemLog) -> list[object]:
    kind = doc.get("type")
    features: object = None
    if kind == "FeatureCollection":
        features = doc.get("features")
    elif kind == "Feature":
        features = [doc]
    elif kind == "GeometryCollection" or (
        isinstance(kind, str) and "coordinates" in doc
    ):
        features = [{"type": "Feature", "properties": {}, "geometry": doc}]
    if not isinstance(features, list):
        log.fail(
            "read.geojson_type",
            f"top-level 'type' is {kind!r}; expected a FeatureCollection with a "
            "'features' array, a Feature or a geometry.",
        )
    return features


@dataclass
class _At:
    """Where in the file the current checks are: one feature."""

    log: ProblemLog
    feature: int
    feature_id: object
    errors: int = 0

    def add(
        self,
        code: str,
        message: str,
        *,
        severity: Severity = "error",
        field: str | None = None,
    ) -> None:
        if severity == "error":
            self.errors += 1
        self.log.add(
            code,
            message,
            severity=severity,
            feature=self.feature,
            feature_id=self.feature_id,
            field=field,
        )


def _feature(
    index: int,
    feature: object,
    log: ProblemLog,
    *,
    check_range: bool,
    types: dict[str, set[str]],
) -> dict[str, object] | None:
    if not isinstance(feature, dict):
        log.add(
            "geojson.feature",
            f"expected a Feature object, found {type(feature).__name__}.",
            feature=index,
        )
        return None
    fid = feature.get("id")
    raw = feature.get("properties")
    label = raw.get("id") if fid is None and isinstance(raw, dict) else fid
    at = _At(log, index, label if isinstance(label, str | int) else None)
    kind = feature.get("type")
    if kind is None:
        at.add(
            "geojson.missing_type",
            "the feature has no 'type' member (RFC 7946 requires \"type\": "
            '"Feature"); read as a Feature.',
            severity="warning",
        )
    elif kind != "Feature":
        at.add("geojson.feature", f"'type' is {kind!r}; expected 'Feature'.")
    props = _properties(feature, at, types)
    if isinstance(fid, str) and _has_surrogates(fid):
        _encoding_error(at, "id", fid)
    geometry, check = check_geometry(feature.get("geometry"), check_range=check_range)
    for message in check.errors:
        at.add("geometry.coordinates", message + ".")
    for message in check.range_errors:
        at.add("crs.out_of_range", message)
    _log_repairs(check, at)
    if at.errors:
        return None
    if fid is not None and "id" not in props:
        props["id"] = fid
    return {"type": "Feature", "properties": props, "geometry": geometry}


def _log_repairs(check: GeometryCheck, at: _At) -> None:
    repairs = [
        ("geojson.ring_closed", check.closed_rings, "unclosed polygon ring(s) closed"),
        ("geojson.forced_2d", check.dropped_dims, "position(s) had Z/M; forced to 2D"),
        (
            "geojson.nested_collection",
            check.flattened,
            "nested GeometryCollection(s) flattened (RFC 7946 section 3.1.8)",
        ),
    ]
    for code, count, text in repairs:
        if count:
            at.add(code, f"{count} {text}.", severity="warning")


def _properties(
    feature: dict[str, object], at: _At, types: dict[str, set[str]]
) -> dict[str, object]:
    if "properties" not in feature:
        at.add(
            "geojson.properties_missing",
            "no 'properties' member (RFC 7946 requires one; null is allowed); "
            "read as empty.",
            severity="warning",
        )
    raw = feature.get("properties")
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        at.add(
            "geojson.properties",
            f"'properties' must be an object or null, found {type(raw).__name__}.",
        )
        return {}
    for key in getattr(raw, "duplicates", ()):
        at.add(
            "geojson.duplicate_key",
            "the key appears more than once in the feature; the last value is kept.",
            severity="warning",
            field=key,
        )
    props: dict[str, object] = {}
    for key, value in raw.items():
        name = _RESERVED.get(key, key) or f"field_{len(props)}"
        if _has_surrogates(key):
            _encoding_error(at, key)
        elif name != key:
            at.add(
                "columns.renamed",
                f"property {key!r} renamed to {name!r} (reserved or empty name).",
                severity="warning",
                field=key,
            )
        props[name] = _value(name, value, at, types)
    return props


def _value(key: str, value: object, at: _At, types: dict[str, set[str]]) -> object:
    kind = "string"
    result = value
    if isinstance(value, str):
        if _has_surrogates(value):
            _encoding_error(at, key, value)
    elif value is None:
        kind = "null"
    elif isinstance(value, bool):
        kind = "boolean"
    elif isinstance(value, int | float):
        kind = "number"
        if isinstance(value, float) and not math.isfinite(value):
            at.add(
                "geojson.non_finite",
                f"value {value!r} is not valid JSON; read as null.",
                severity="warning",
                field=key,
            )
            result = None
    else:
        at.add(
            "geojson.nested_value",
            "nested object/array value stored as JSON text.",
            severity="warning",
            field=key,
        )
        result = json.dumps(value, ensure_ascii=False, default=str)
        if _has_surrogates(result):
            _encoding_error(at, key, result)
    types.setdefault(key, set()).add(kind)
    return result


def _has_surrogates(text: str) -> bool:
    return _SURROGATES.search(text) is not None


def _encoding_error(at: _At, key: str, text: str = "") -> None:
    if _LONE.search(key + text):
        at.add(
            "encoding.surrogate",
            "text holds a lone UTF-16 surrogate (a \\uD800-\\uDFFF escape "
            "without its pair), which is not a character; fix the escape or "
            "remove it.",
            field=_printable(key),
        )
        return
    at.add(
        "encoding.decode",
        "text is not valid in the file's encoding (UTF-8 unless `encoding=` is "
        "given). GeoJSON must be UTF-8 (RFC 8259): re-save it as UTF-8, or pass "
        "`encoding=` (e.g. 'cp1251', 'latin-1') to read it as it is.",
        field=_printable(key),
    )


def _printable(text: str) -> str:
    """Return `text` with undecodable bytes and lone surrogates shown as U+FFFD."""
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:
        return _SURROGATES.sub("\ufffd", text)
