"""Read a user's route: a (Multi)LineString vector file or a CSV of waypoints."""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd

from kzmap.geo._checks import CENTRAL_ASIA, check_swapped
from kzmap.geo.crs import STORAGE_CRS
from kzmap.geo.errors import ReadError
from kzmap.geo.io import read_vector
from kzmap.geo.problems import ProblemLog
from kzmap.routes.geodesy import DEFAULT_MAX_SEGMENT_KM, densify_line, geodesic_line
from kzmap.routes.schema import ROUTE_ID

if TYPE_CHECKING:
    import os

__all__ = ["read_route"]

_VECTOR_SUFFIXES = {".geojson", ".json", ".gpkg", ".shp"}
_ROUTE_COLUMN = "route"
_MAX_PROBLEMS = 20


def read_route(
    path: str | os.PathLike[str],
    *,
    max_segment_km: float = DEFAULT_MAX_SEGMENT_KM,
) -> gpd.GeoDataFrame:
    """
    Read a user's route file into the same model as the packaged branches.

    Two inputs are accepted:

    * a vector file (``.geojson``, ``.json``, ``.gpkg``, ``.shp``) of
      LineString or MultiLineString features, one route per feature;
    * a ``.csv`` of ordered waypoints with a header row and columns ``lon``,
      ``lat`` (degrees, WGS84) and optionally ``name`` and ``route`` (rows with
      the same ``route`` value form one route, in file order).

    Every segment is taken as a WGS84 geodesic and densified.

    Parameters
    ----------
    path
        The file to read.
    max_segment_km
        Longest gap between line vertices, in km.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per route with ``id`` (the feature's ``id``/``name`` property,
        the CSV ``route`` value, or the file stem), ``name_en`` when known, and
        the line in EPSG:4326.

    Raises
    ------
    ReadError
        If the file is missing, of another type, or has bad rows or features;
        the message names the file, the row or feature and the field.
    CRSError
        If a vector file declares no CRS, or a CSV's waypoints lie outside
        Central Asia but inside it with lon and lat swapped (the check of
        `kzmap.geo.read`).
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".csv":
        return _read_csv(p, max_segment_km=max_segment_km)
    if suffix in _VECTOR_SUFFIXES:
        return _read_lines(p, max_segment_km=max_segment_km)
    msg = (
        f"{p}: unsupported extension {p.suffix!r}; a route is a .csv of waypoints "
        f"or a vector file ({', '.join(sorted(_VECTOR_SUFFIXES))})."
    )
    raise ReadError(msg)


def _feature_id(props: dict[str, object], n: int, stem: str, count: int) -> str:
    for key in ("id", "name_en", "name"):
        value = props.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
    return stem if count == 1 else f"{stem}-{n + 1}"


def _read_lines(path: Path, *, max_segment_km: float) -> gpd.GeoDataFrame:
    frame = read_vector(path)
    if frame.empty:
        msg = f"{path}: the file has no features; expected LineString features."
        raise ReadError(msg)
    problems = []
    for n, geom in enumerate(frame.geometry):
        kind = "no geometry" if geom is None else geom.geom_type
        if kind not in {"LineString", "MultiLineString"}:
            problems.append(
                f"{path}: feature {n + 1}: geometry is {kind}; expected LineString or "
                "MultiLineString (a route is a line)."
            )
        elif geom.is_empty or any(
            len(p.coords) < 2 for p in getattr(geom, "geoms", [geom])
        ):
            problems.append(
                f"{path}: feature {n + 1}: the line has fewer than 2 points."
            )
    if problems:
        raise ReadError("\n".join(problems[:_MAX_PROBLEMS]))
    records: list[dict[str, object]] = [
        {str(k): v for k, v in r.items()}
        for r in frame.drop(columns=frame.geometry.name).to_dict("records")
    ]
    rows: list[dict[str, object]] = []
    for n, (props, geom) in enumerate(zip(records, frame.geometry, strict=True)):
        row: dict[str, object] = {
            ROUTE_ID: _feature_id(props, n, path.stem, len(frame))
        }
        name = props.get("name_en", props.get("name"))
        row["name_en"] = str(name) if isinstance(name, str) else row[ROUTE_ID]
        row["geometry"] = densify_line(geom, max_segment_km=max_segment_km)
        rows.append(row)
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=STORAGE_CRS)


def _number(text: str | None, low: float, high: float) -> float | None:
    try:
        value = float(text or "")
    except ValueError:
        return None
    return value if math.isfinite(value) and low <= value <= high else None


def _csv_rows(path: Path) -> tuple[list[dict[str, str | None]], list[str]]:
    if not path.is_file():
        msg = f"{path}: no such file."
        raise ReadError(msg)
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            records = list(csv.reader(fh))
    except (UnicodeDecodeError, csv.Error) as err:
        msg = f"{path}: not a readable UTF-8 CSV file ({err})."
        raise ReadError(msg) from err
    header = [h.strip().lower() for h in (records[0] if records else [])]
    body = [(n + 2, r) for n, r in enumerate(records[1:]) if any(c.strip() for c in r)]
    ragged = [
        f"{path}: row {line} has {len(r)} fields but the header has {len(header)} "
        "(an unquoted decimal comma, such as 74,6 for 74.6?)."
        for line, r in body
        if len(r) != len(header)
    ]
    if ragged:
        more = len(ragged) - _MAX_PROBLEMS
        tail = [f"... and {more} more problem(s)"] if more > 0 else []
        raise ReadError("\n".join(ragged[:_MAX_PROBLEMS] + tail))
    rows: list[dict[str, str | None]] = [
        dict(zip(header, r, strict=True)) for _, r in body
    ]
    missing = [c for c in ("lon", "lat") if c not in header]
    if missing:
        msg = (
            f"{path}: the header {header!r} lacks column(s) {', '.join(missing)}; "
            "expected a header row like 'lon,lat,name' (lon first, degrees WGS84)."
        )
        raise ReadError(msg)
    return rows, header


def _refuse_swapped(path: Path, routes: dict[str, list[tuple[float, float]]]) -> None:
    """Refuse waypoints in Central Asia only if lat/lon are swapped (as geo.read)."""
    lon, lat = zip(*(xy for coords in routes.values() for xy in coords), strict=True)
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs=STORAGE_CRS)
    log = ProblemLog(str(path))
    check_swapped(points, log, CENTRAL_ASIA)
    log.raise_errors()


def _read_csv(path: Path, *, max_segment_km: float) -> gpd.GeoDataFrame:
    rows, header = _csv_rows(path)
    problems: list[str] = []
    routes: dict[str, list[tuple[float, float]]] = {}
    for n, row in enumerate(rows):
        line = n + 2  # the header is line 1
        lon = _number(row.get("lon"), -180.0, 180.0)
        lat = _number(row.get("lat"), -90.0, 90.0)
        if lon is None:
            problems.append(
                f"{path}: row {line}: field 'lon' is {row.get('lon')!r}; expected a "
                "longitude in degrees between -180 and 180."
            )
        if lat is None:
            problems.append(
                f"{path}: row {line}: field 'lat' is {row.get('lat')!r}; expected a "
                "latitude in degrees between -90 and 90."
            )
        key = (row.get(_ROUTE_COLUMN) or "").strip() if _ROUTE_COLUMN in header else ""
        if lon is not None and lat is not None:
            routes.setdefault(key or path.stem, []).append((lon, lat))
    for key, coords in routes.items():
        if len(coords) < 2:
            problems.append(
                f"{path}: route {key!r} has {len(coords)} valid waypoint; a route "
                "needs at least 2."
            )
    if not rows:
        problems.append(f"{path}: no waypoint rows after the header.")
    if problems:
        more = len(problems) - _MAX_PROBLEMS
        tail = [f"... and {more} more problem(s)"] if more > 0 else []
        raise ReadError("\n".join(problems[:_MAX_PROBLEMS] + tail))
    _refuse_swapped(path, routes)
    out = [
        {
            ROUTE_ID: key,
            "name_en": key,
            "geometry": geodesic_line(coords, max_segment_km=max_segment_km),
        }
        for key, coords in routes.items()
    ]
    return gpd.GeoDataFrame(out, geometry="geometry", crs=STORAGE_CRS)
