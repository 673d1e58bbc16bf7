"""Geometry rules for route lines: stretches over water, points in the wrong country."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import shapely

from kzmap.geo.crs import to_storage_crs
from kzmap.routes.geodesy import WGS84, densify_line

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["WATER_TOLERANCE_KM", "misplaced_points", "over_water"]

#: Longest stretch of one line over one water body that is not reported, in km.
#: The shipped water layer is Natural Earth 1:10m simplified at about 700 m,
#: towns on a shore sit within a few hundred metres of the water line, and a
#: road that crosses a river reservoir at a bridge or dam (the Volga, the Ob)
#: crosses up to 2-3 km of the polygon. Longer stretches cut across open water:
#: the errors this rule exists for ran 3.8-109 km.
WATER_TOLERANCE_KM = 3.0


def over_water(
    lines: gpd.GeoDataFrame,
    water: gpd.GeoDataFrame,
    *,
    id_column: str = "id",
    tolerance_km: float = WATER_TOLERANCE_KM,
) -> pd.DataFrame:
    """
    List the stretches of each line that run over a water polygon.

    Parameters
    ----------
    lines
        (Multi)LineStrings in any CRS; segments are taken as geodesics and
        densified before the overlay.
    water
        Water polygons in any CRS with ``id`` and, optionally, ``name``.
    id_column
        Column of `lines` naming each line in the output.
    tolerance_km
        Stretches of one line over one polygon up to this length are dropped.

    Returns
    -------
    pandas.DataFrame
        Columns ``line``, ``water_id``, ``water_name`` and ``km`` (geodesic
        length over the polygon), one row per line and polygon, longest first.
    """
    lonlat = to_storage_crs(lines, name="lines")
    pools = to_storage_crs(water, name="water").reset_index(drop=True)
    names = pools["name"] if "name" in pools.columns else pd.Series([None] * len(pools))
    tree = shapely.STRtree(pools.geometry.values)
    rows: list[dict[str, object]] = []
    for key, geom in zip(lonlat[id_column], lonlat.geometry, strict=True):
        if geom is None or geom.is_empty:
            continue
        dense = densify_line(geom, max_segment_km=1.0)
        for n in tree.query(dense, predicate="intersects"):
            piece = shapely.intersection(dense, pools.geometry.iloc[n])
            km = WGS84.geometry_length(piece) / 1000.0
            if km > tolerance_km:
                name = names.iloc[n]
                rows.append(
                    {
                        "line": key,
                        "water_id": pools["id"].iloc[n],
                        "water_name": None if pd.isna(name) else name,
                        "km": round(km, 2),
                    }
                )
    table = pd.DataFrame(rows, columns=["line", "water_id", "water_name", "km"])
    return table.sort_values("km", ascending=False, kind="stable").reset_index(
        drop=True
    )


def misplaced_points(
    points: gpd.GeoDataFrame,
    countries: gpd.GeoDataFrame,
    *,
    country_column: str = "country",
    by: str = "iso_a2",
) -> pd.DataFrame:
    """
    List points that do not lie in the country they declare.

    Parameters
    ----------
    points
        Points in any CRS with an ``id`` column and `country_column`.
    countries
        Country polygons in any CRS keyed by `by`.
    country_column
        Column of `points` with the declared country code.
    by
        Key column of `countries`.

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``declared`` and ``found`` (the country containing the
        point, None for none), one row per misplaced point.
    """
    pts = to_storage_crs(points, name="points")
    polys = to_storage_crs(countries, name="countries")
    rows: list[dict[str, object]] = []
    for pid, declared, geom in zip(
        pts["id"], pts[country_column], pts.geometry, strict=True
    ):
        hits = polys[polys.geometry.covers(geom)][by].tolist()
        if declared not in hits:
            rows.append(
                {"id": pid, "declared": declared, "found": next(iter(hits), None)}
            )
    return pd.DataFrame(rows, columns=["id", "declared", "found"])
