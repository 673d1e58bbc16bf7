"""Route analytics: geodesic lengths, lengths per polygon and border crossings."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely

from kzmap.geo.crs import require_crs, to_storage_crs
from kzmap.geo.errors import DataError, KzmapWarning, RepairWarning, UsageError
from kzmap.geo.lines import length_runs
from kzmap.routes._overlay import EdgeIndex, Run, pieces_along, runs_from_pieces
from kzmap.routes.geodesy import WGS84, densify_line
from kzmap.routes.schema import ROUTE_ID

if TYPE_CHECKING:
    import geopandas as gpd
    from numpy.typing import NDArray
    from shapely.geometry.base import BaseGeometry

__all__ = [
    "OverlapWarning",
    "border_crossings",
    "country_sequence",
    "length_by_polygon",
    "route_length_km",
]

CROSSING_COLUMNS = (
    "route",
    "seq",
    "from_country",
    "to_country",
    "lon",
    "lat",
    "along_km",
    "gap_km",
    "crossing_id",
    "crossing_name",
    "crossing_distance_km",
)


class OverlapWarning(KzmapWarning):
    """Polygons overlap, so a stretch of route is counted in more than one of them."""


def route_length_km(routes: gpd.GeoDataFrame) -> pd.Series:
    """
    Measure each route's geodesic length on the WGS84 ellipsoid, in km.

    Parameters
    ----------
    routes
        One (Multi)LineString per row, in any CRS (reprojected to EPSG:4326);
        each segment is taken as a geodesic.

    Returns
    -------
    pandas.Series
        Lengths in km, indexed like `routes`, named ``"length_km"``.

    Raises
    ------
    CRSError
        If `routes` has no CRS.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString
    >>> one = gpd.GeoDataFrame(geometry=[LineString([(76, 43), (77, 43)])], crs=4326)
    >>> route_length_km(one).round(1).tolist()
    [81.5]
    """
    lonlat = to_storage_crs(routes, name="routes").geometry
    values = [0.0 if g is None else WGS84.geometry_length(g) / 1000.0 for g in lonlat]
    return pd.Series(values, index=routes.index, name="length_km", dtype=float)


def _route_ids(routes: gpd.GeoDataFrame) -> list[str]:
    if ROUTE_ID in routes.columns:
        return [str(v) for v in routes[ROUTE_ID]]
    return [str(v) for v in routes.index]


def _route_lines(routes: gpd.GeoDataFrame) -> list[BaseGeometry]:
    """Return the routes' lon/lat (Multi)LineStrings; DataError for other rows."""
    lonlat = to_storage_crs(routes, name="routes")
    problems = [
        f"`routes` row {n} ({rid!r}): geometry is "
        f"{'missing' if g is None else g.geom_type}; expected a (Multi)LineString."
        for n, (rid, g) in enumerate(
            zip(_route_ids(routes), lonlat.geometry, strict=True)
        )
        if g is None
        or g.geom_type not in {"LineString", "MultiLineString"}
        or g.is_empty
    ]
    if problems:
        raise DataError("\n".join(problems))
    return list(lonlat.geometry)


def _lines(routes: gpd.GeoDataFrame) -> list[BaseGeometry]:
    return [densify_line(g) for g in _route_lines(routes)]


def _keyed_polygons(
    polygons: gpd.GeoDataFrame, *, by: str, name: str
) -> tuple[NDArray[np.object_], list[object]]:
    """Validate `polygons` (lon/lat), repair invalid shapes; with their keys."""
    require_crs(polygons, name=name)
    if by not in polygons.columns:
        msg = (
            f"`{name}` has no column {by!r} to key the polygons by; available: "
            f"{', '.join(map(str, polygons.columns))}. Pass by=<column>."
        )
        raise UsageError(msg)
    lonlat = to_storage_crs(polygons, name=name)
    geoms = np.asarray(lonlat.geometry.values, dtype=object)
    kept = np.isin(shapely.get_type_id(geoms), (3, 6))  # (Multi)Polygon
    if not kept.any():
        msg = f"`{name}` has no Polygon or MultiPolygon features."
        raise DataError(msg)
    geoms, by_values = geoms[kept], polygons[by].to_numpy()[kept]
    invalid = ~shapely.is_valid(geoms)
    if invalid.any():
        keys = by_values[invalid].tolist()
        warnings.warn(
            f"`{name}`: repaired invalid polygon(s) {keys!r} with shapely.make_valid.",
            RepairWarning,
            stacklevel=4,
        )
        geoms[invalid] = shapely.make_valid(geoms[invalid])
    return geoms, by_values.tolist()


def _polygon_index(
    polygons: gpd.GeoDataFrame, *, by: str, name: str
) -> tuple[EdgeIndex, list[object]]:
    """Validate `polygons`, repair invalid shapes, and index them with their keys."""
    geoms, keys = _keyed_polygons(polygons, by=by, name=name)
    return EdgeIndex(list(geoms)), keys


def _runs(routes: gpd.GeoDataFrame, index: EdgeIndex) -> list[tuple[str, list[Run]]]:
    lines = _lines(routes)
    return [
        (rid, runs_from_pieces(pieces_along(line, index)))
        for rid, line in zip(_route_ids(routes), lines, strict=True)
    ]


def length_by_polygon(
    routes: gpd.GeoDataFrame, polygons: gpd.GeoDataFrame, *, by: str = "id"
) -> pd.DataFrame:
    """
    Split each route's geodesic length among the polygons it passes through.

    A thin caller of the engine of `kzmap.geo.line_length_by_polygon`
    (`kzmap.geo.lines.length_runs`: segments are geodesics, pieces get their
    fraction of the geodesic length), so both give the same lengths. A
    stretch on a shared boundary counts for the polygon with the smallest
    key, as there; where polygons overlap, it counts in each of them.

    Parameters
    ----------
    routes
        (Multi)LineStrings in any CRS; segments are geodesics. Routes are
        named by their ``id`` column, else by their index.
    polygons
        (Multi)Polygons in any CRS: countries, regions, districts or a user
        layer. Features sharing a key are summed together.
    by
        Column of `polygons` naming each polygon in the output.

    Returns
    -------
    pandas.DataFrame
        Long table with columns ``route``, ``polygon`` (the `by` value; None
        for stretches outside every polygon, such as sea), ``length_km`` and
        ``share`` (of the route's length), ordered along each route by first
        entry. The rows of a route sum to its `route_length_km` unless
        polygons overlap, which raises `OverlapWarning`.

    Raises
    ------
    CRSError
        If `routes` or `polygons` has no CRS.
    UsageError
        If `polygons` has no column `by`.
    """
    geoms, keys = _keyed_polygons(polygons, by=by, name="polygons")
    rows: list[dict[str, object]] = []
    runs_of = length_runs(_route_lines(routes), geoms)
    for rid, runs in zip(_route_ids(routes), runs_of, strict=True):
        total = sum(r.length_km for r in runs)
        lengths: dict[object, float] = {}
        for run in runs:
            # inside: every polygon holding the run (overlaps count in each);
            # on a boundary: the one with the smallest key, as in kzmap.geo
            held = list(run.polygons) or _smallest_key(run.along, keys)
            for key in [keys[p] for p in held] or [None]:
                lengths[key] = lengths.get(key, 0.0) + run.length_km
        if sum(lengths.values()) > total * (1 + 1e-9) + 1e-9:
            warnings.warn(
                f"route {rid!r}: polygons overlap, so the pieces add up to more "
                "than the route length.",
                OverlapWarning,
                stacklevel=2,
            )
        rows += [
            {
                "route": rid,
                "polygon": key,
                "length_km": km,
                "share": km / total if total > 0 else 0.0,
            }
            for key, km in lengths.items()
            if km > 0 or key is not None
        ]
    table = pd.DataFrame(rows, columns=["route", "polygon", "length_km", "share"])
    # object dtype keeps None (not NaN) for stretches outside every polygon
    table["polygon"] = pd.Series([r["polygon"] for r in rows], dtype=object)
    return table


def _smallest_key(along: tuple[int, ...], keys: list[object]) -> list[int]:
    if not along:
        return []
    try:
        return [min(along, key=lambda p: keys[p])]  # type: ignore[arg-type,return-value]
    except TypeError:  # keys that do not sort together: the first polygon
        return [along[0]]


def _nearest_crossing(
    crossings: gpd.GeoDataFrame | None,
    pair: tuple[object, object],
    lon: float,
    lat: float,
) -> tuple[object, object, float | None]:
    if crossings is None or crossings.empty:
        return None, None, None
    table = crossings
    if {"country_a", "country_b"} <= set(table.columns):
        match = table.apply(
            lambda r: {r["country_a"], r["country_b"]} == set(pair), axis=1
        ).astype(bool)
        table = table[match]
    if table.empty:
        return None, None, None
    pts = table.geometry.representative_point()
    _, _, dist = WGS84.inv(np.full(len(pts), lon), np.full(len(pts), lat), pts.x, pts.y)
    best = int(np.argmin(dist))
    row = table.iloc[best]
    name = row["name_en"] if "name_en" in table.columns else None
    return row.get("id"), name, float(dist[best]) / 1000.0


def _crossing_rows(
    rid: str, runs: list[Run], keys: list[object], crossings: gpd.GeoDataFrame | None
) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    current: object = None
    gap = 0.0
    for run in runs:
        if not run.polygons:
            gap += run.length_km
            continue
        key = keys[run.polygons[0]]
        if current is not None and key != current:
            lon, lat = run.start
            cid, cname, cdist = _nearest_crossing(crossings, (current, key), lon, lat)
            rows.append(
                dict(
                    zip(
                        CROSSING_COLUMNS,
                        (
                            rid,
                            len(rows) + 1,
                            current,
                            key,
                            lon,
                            lat,
                            run.start_km,
                            gap,
                            cid,
                            cname,
                            cdist,
                        ),
                        strict=True,
                    )
                )
            )
        current, gap = key, 0.0
    return rows


def border_crossings(
    routes: gpd.GeoDataFrame,
    countries: gpd.GeoDataFrame,
    *,
    by: str = "iso_a2",
    crossings: gpd.GeoDataFrame | None = None,
) -> pd.DataFrame:
    """
    List, in travel order, where each route passes from one polygon into another.

    Stretches outside every polygon (sea, gaps) are skipped: leaving A, crossing
    water and entering B counts as one crossing A → B, with the skipped length in
    ``gap_km``; leaving A and coming back to A is no crossing.

    Parameters
    ----------
    routes
        (Multi)LineStrings in any CRS; segments are geodesics.
    countries
        (Multi)Polygons in any CRS (countries, regions or a user layer).
    by
        Column of `countries` whose values name the sides (default ISO alpha-2).
    crossings
        Optional official crossing points with ``id``, ``name_en``,
        ``country_a`` and ``country_b`` (ISO alpha-2); for each crossing found,
        the nearest official crossing between the same two countries is
        reported with its geodesic distance. None leaves those columns empty.

    Returns
    -------
    pandas.DataFrame
        Columns ``route``, ``seq`` (1-based per route), ``from_country``,
        ``to_country``, ``lon``/``lat`` (where the route enters ``to_country``,
        EPSG:4326), ``along_km``, ``gap_km``, ``crossing_id``,
        ``crossing_name`` and ``crossing_distance_km``.

    Raises
    ------
    CRSError
        If an input has no CRS.
    UsageError
        If `countries` has no column `by`.
    """
    index, keys = _polygon_index(countries, by=by, name="countries")
    lonlat_crossings = None
    if crossings is not None:
        lonlat_crossings = to_storage_crs(crossings, name="crossings")
    rows: list[dict[str, object]] = []
    for rid, runs in _runs(routes, index):
        rows += _crossing_rows(rid, runs, keys, lonlat_crossings)
    return pd.DataFrame(rows, columns=list(CROSSING_COLUMNS))


def country_sequence(
    routes: gpd.GeoDataFrame, countries: gpd.GeoDataFrame, *, by: str = "iso_a2"
) -> dict[str, list[str]]:
    """
    Return, per route, the polygons it passes through in order (repeats kept).

    Parameters
    ----------
    routes, countries, by
        As for `border_crossings`.

    Returns
    -------
    dict
        Route id → list of `by` values, e.g. ``{"NR-D": ["AF", "TJ", "KG"]}``.
    """
    index, keys = _polygon_index(countries, by=by, name="countries")
    out: dict[str, list[str]] = {}
    for rid, runs in _runs(routes, index):
        sequence: list[str] = []
        for run in runs:
            if run.polygons:
                key = str(keys[run.polygons[0]])
                if not sequence or sequence[-1] != key:
                    sequence.append(key)
        out[rid] = sequence
    return out
