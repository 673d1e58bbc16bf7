"""Route model: ordered waypoints to geodesic LineStrings, one row per route."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd

from kzmap.geo.crs import STORAGE_CRS, to_storage_crs
from kzmap.geo.errors import DataError
from kzmap.routes.geodesy import DEFAULT_MAX_SEGMENT_KM, geodesic_line
from kzmap.routes.schema import BRANCH_ID, ROUTE_ID, SEQ

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["legs_from_waypoints", "routes_from_waypoints"]

#: Order of confidence from weakest to strongest; a leg takes the weaker end's.
_CONFIDENCE_RANK = {"approximate": 0, "reported": 1, "confirmed": 2}


def _lonlat_table(frame: pd.DataFrame, *, name: str) -> pd.DataFrame:
    """Return `frame` with float ``lon``/``lat`` columns (from points if needed)."""
    if isinstance(frame, gpd.GeoDataFrame) and not {"lon", "lat"} <= set(frame.columns):
        points = to_storage_crs(frame, name=name)
        if not points.geom_type.eq("Point").all():
            msg = f"`{name}` must hold Point geometries, or `lon` and `lat` columns."
            raise DataError(msg)
        table = pd.DataFrame(points.drop(columns=points.geometry.name))
        table["lon"], table["lat"] = points.geometry.x, points.geometry.y
        return table
    if isinstance(frame, gpd.GeoDataFrame):
        to_storage_crs(frame, name=name)  # lon/lat columns are taken as EPSG:4326
    missing = [c for c in (BRANCH_ID, SEQ, "lon", "lat") if c not in frame.columns]
    if missing:
        msg = (
            f"`{name}` lacks column(s) {', '.join(missing)}; a waypoint table needs "
            f"{BRANCH_ID}, {SEQ}, lon and lat (degrees, EPSG:4326)."
        )
        raise DataError(msg)
    return pd.DataFrame(frame)


def _branches(frame: pd.DataFrame, *, name: str) -> Iterator[tuple[str, pd.DataFrame]]:
    """Yield (branch id, its waypoints sorted by seq), branches in first-seen order."""
    table = _lonlat_table(frame, name=name)
    if BRANCH_ID not in table.columns or SEQ not in table.columns:
        msg = f"`{name}` lacks the {BRANCH_ID} and {SEQ} columns."
        raise DataError(msg)
    for branch, group in table.groupby(BRANCH_ID, sort=False):
        ordered = group.sort_values(SEQ, kind="stable")
        if len(ordered) < 2:
            msg = f"`{name}`: branch {branch!r} has {len(ordered)} waypoint; need 2+."
            raise DataError(msg)
        yield str(branch), ordered


def routes_from_waypoints(
    frame: pd.DataFrame,
    *,
    branches: pd.DataFrame | None = None,
    max_segment_km: float = DEFAULT_MAX_SEGMENT_KM,
) -> gpd.GeoDataFrame:
    """
    Build one geodesic LineString per branch from ordered waypoints.

    Parameters
    ----------
    frame
        One row per waypoint with ``branch_id``, ``seq`` (order along the
        branch) and either ``lon``/``lat`` columns (degrees, EPSG:4326) or
        Point geometries in any CRS.
    branches
        Optional attributes per branch, joined on its ``id`` column; None keeps
        only ``id`` and ``n_waypoints``.
    max_segment_km
        Longest gap between vertices of the output lines, in km; consecutive
        waypoints are joined along the WGS84 geodesic.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per branch (first-seen order) with ``id``, ``n_waypoints``, the
        `branches` attributes and a LineString geometry, in EPSG:4326.

    Raises
    ------
    DataError
        If columns are missing or a branch has fewer than two waypoints.
    CRSError
        If `frame` is a GeoDataFrame without a CRS.

    Examples
    --------
    >>> wp = pd.DataFrame({"branch_id": ["x", "x"], "seq": [1, 2],
    ...                    "lon": [76.0, 77.0], "lat": [43.0, 43.0]})
    >>> routes_from_waypoints(wp)["id"].tolist()
    ['x']
    """
    rows: list[dict[str, object]] = []
    for branch, group in _branches(frame, name="waypoints"):
        coords = list(
            zip(group["lon"].astype(float), group["lat"].astype(float), strict=True)
        )
        line = geodesic_line(coords, max_segment_km=max_segment_km)
        rows.append({ROUTE_ID: branch, "n_waypoints": len(group), "geometry": line})
    routes = gpd.GeoDataFrame(rows, geometry="geometry", crs=STORAGE_CRS)
    if branches is None:
        return routes
    unknown = sorted(set(routes[ROUTE_ID]) - set(branches[ROUTE_ID]))
    if unknown:
        msg = f"`branches` has no row for branch id(s) {unknown!r}."
        raise DataError(msg)
    merged = routes.merge(pd.DataFrame(branches), on=ROUTE_ID, how="left")
    columns = [
        ROUTE_ID,
        *[c for c in merged.columns if c not in {ROUTE_ID, "geometry"}],
    ]
    return gpd.GeoDataFrame(merged[[*columns, "geometry"]], crs=STORAGE_CRS)


def _weaker(a: object, b: object) -> str:
    ranked = sorted((str(a), str(b)), key=lambda c: _CONFIDENCE_RANK.get(c, 0))
    return ranked[0]


def legs_from_waypoints(
    frame: pd.DataFrame, *, max_segment_km: float = DEFAULT_MAX_SEGMENT_KM
) -> gpd.GeoDataFrame:
    """
    Build one geodesic LineString per leg (consecutive waypoint pair) of each branch.

    A leg's ``confidence`` is the weaker of its two ends (approximate <
    reported < confirmed), so a map can draw inferred legs differently.

    Parameters
    ----------
    frame
        Waypoints as for `routes_from_waypoints`; a ``confidence`` column is
        used when present, and ``id`` columns name the leg ends.
    max_segment_km
        Longest gap between vertices, in km.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``branch_id``, ``seq`` (1-based leg number), ``from_id``,
        ``to_id``, ``confidence`` and a LineString geometry in EPSG:4326.
    """
    rows: list[dict[str, object]] = []
    for branch, group in _branches(frame, name="waypoints"):
        records = group.to_dict("records")
        for n, (a, b) in enumerate(itertools.pairwise(records)):
            line = geodesic_line(
                [
                    (float(a["lon"]), float(a["lat"])),
                    (float(b["lon"]), float(b["lat"])),
                ],
                max_segment_km=max_segment_km,
            )
            rows.append(
                {
                    BRANCH_ID: branch,
                    SEQ: n + 1,
                    "from_id": a.get("id"),
                    "to_id": b.get("id"),
                    "confidence": _weaker(
                        a.get("confidence", "reported"), b.get("confidence", "reported")
                    ),
                    "geometry": line,
                }
            )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=STORAGE_CRS)
