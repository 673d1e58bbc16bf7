"""``kzmap routes`` and ``kzmap route-stats``: route branches and their statistics."""

from __future__ import annotations

import csv
import json
import math
import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from kzmap.geo.errors import DataWarning, LayerNotFoundError, UsageError
from kzmap.layers import available_layers, load
from kzmap.routes import (
    border_crossings,
    branch_ids,
    exposure,
    length_by_polygon,
    load_routes,
    read_route,
    route_length_km,
)

if TYPE_CHECKING:
    import argparse

    import geopandas as gpd

__all__ = ["register", "route_stats_tables"]

#: ``--by`` choice → (packaged layer, key column, name column).
_BY = {
    "country": ("countries", "iso_a2", "name_en"),
    "region": ("regions", "id", "name_en"),
}
_OUTSIDE = "(outside)"


def _clean(value: object) -> object:
    """JSON/CSV-safe cell: NaN and pandas NA become None, numpy scalars plain."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value.item() if hasattr(value, "item") else value


def _emit(frame: pd.DataFrame, fmt: str, *, title: str | None = None) -> None:
    """Print `frame` as an aligned table or CSV (JSON is handled by the caller)."""
    records = [[_clean(v) for v in row] for row in frame.itertuples(index=False)]
    if fmt == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(frame.columns)
        writer.writerows(["" if v is None else v for v in row] for row in records)
        return
    cells = [[str(c).upper() for c in frame.columns]]
    cells += [["" if v is None else str(v) for v in row] for row in records]
    numeric = [pd.api.types.is_numeric_dtype(frame[c]) for c in frame.columns]
    widths = [max(len(r[i]) for r in cells) for i in range(len(frame.columns))]
    if title:
        print(title)
    for row in cells:
        padded = [
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(row, widths, numeric, strict=True)
        ]
        print("  ".join(padded).rstrip())


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    return [{str(k): _clean(v) for k, v in r.items()} for r in frame.to_dict("records")]


def _run_routes(args: argparse.Namespace) -> int:
    routes = load_routes()
    table = pd.DataFrame(
        {
            "id": routes["id"],
            "name": routes["name_en"],
            "length_km": route_length_km(routes).round(1),
            "commodities": routes["commodities"],
            "confidence": routes["confidence"],
        }
    )
    if args.format == "json":
        print(json.dumps(_records(table), ensure_ascii=False, indent=2))
    else:
        _emit(table, args.format)
    return 0


def _target_routes(target: str | None) -> gpd.GeoDataFrame:
    """Return the packaged branches, one branch by id, or a user's route file."""
    routes = load_routes()
    if target is None:
        return routes
    ids = {b.upper(): b for b in branch_ids()}
    if target.upper() in ids:
        one: gpd.GeoDataFrame = routes[routes["id"] == ids[target.upper()]]
        return one.reset_index(drop=True)
    if Path(target).exists() or Path(target).suffix:
        return read_route(target)
    msg = (
        f"{target!r} is neither a branch id ({', '.join(branch_ids())}) nor an "
        "existing route file (.csv of lon,lat waypoints, or .geojson lines)."
    )
    raise UsageError(msg)


def _polygons(by: str) -> tuple[gpd.GeoDataFrame, str, str]:
    layer, key, name = _BY[by]
    if layer not in available_layers():
        msg = (
            f"`--by {by}` needs the packaged {layer!r} layer, which this kzmap "
            f"installation does not include (available: "
            f"{', '.join(available_layers())}). Use --by country, or pass your own "
            "polygons to kzmap.routes.length_by_polygon in Python."
        )
        raise LayerNotFoundError(msg)
    return load(layer), key, name


def route_stats_tables(
    routes: gpd.GeoDataFrame,
    polygons: gpd.GeoDataFrame,
    *,
    by: str,
    name_column: str | None = "name_en",
    crossings: gpd.GeoDataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """
    Return the two ``route-stats`` tables: length per polygon, and crossings.

    Parameters
    ----------
    routes
        Route lines in any CRS (a missing CRS is an error).
    polygons
        Polygons in any CRS, keyed by column `by`.
    by
        Key column of `polygons`.
    name_column
        Column of `polygons` with display names; None or absent shows none.
    crossings
        Optional official crossing points, see `kzmap.routes.border_crossings`.

    Returns
    -------
    tuple of pandas.DataFrame
        ``(lengths, crossings)``: lengths has ``route``, ``polygon``, ``name``,
        ``length_km`` (3 decimals) and ``share_pct`` (2 decimals); crossings has
        ``route``, ``seq``, ``from``, ``to``, ``lon``, ``lat``, ``along_km``,
        ``crossing_id``, ``crossing`` (its English name) and ``crossing_km``
        (distance from the passage to that crossing).
    """
    lengths = length_by_polygon(routes, polygons, by=by)
    names: dict[object, object] = {}
    if name_column and name_column in polygons.columns:
        names = dict(zip(polygons[by], polygons[name_column], strict=True))
    keys = [_clean(p) for p in lengths["polygon"]]
    lengths["polygon"] = pd.Series(
        [_OUTSIDE if k is None else k for k in keys], index=lengths.index, dtype=object
    )
    shown = [_OUTSIDE if k is None else names.get(k, "") for k in keys]
    lengths.insert(2, "name", shown)
    lengths["length_km"] = lengths["length_km"].round(3)
    lengths["share_pct"] = (lengths.pop("share") * 100).round(2)
    found = border_crossings(routes, polygons, by=by, crossings=crossings)
    table = pd.DataFrame(
        {
            "route": found["route"],
            "seq": found["seq"],
            "from": found["from_country"],
            "to": found["to_country"],
            "lon": found["lon"].astype(float).round(4),
            "lat": found["lat"].astype(float).round(4),
            "along_km": found["along_km"].astype(float).round(1),
            "crossing_id": found["crossing_id"],
            "crossing": found["crossing_name"],
            "crossing_km": pd.to_numeric(found["crossing_distance_km"]).round(1),
        }
    )
    return lengths, table


def _exposure_table(
    routes: gpd.GeoDataFrame, polygons: gpd.GeoDataFrame, key: str, name: str, km: float
) -> pd.DataFrame:
    table = exposure(routes, polygons, buffer_km=km, by=key)
    names = dict(zip(polygons[key], polygons[name], strict=True))
    table.insert(2, "name", [names.get(p, "") for p in table["polygon"]])
    table["distance_km"] = table["distance_km"].round(1)
    table["area_km2"] = table["area_km2"].round(0)
    table["area_in_buffer_km2"] = table["area_in_buffer_km2"].round(0)
    table["area_share_pct"] = (table.pop("area_share") * 100).round(2)
    return table


def _warn_outside(lengths: pd.DataFrame) -> None:
    """Warn when a route runs outside every polygon (sea, or beyond the layer)."""
    outside = lengths[(lengths["polygon"] == _OUTSIDE) & (lengths["length_km"] > 0)]
    for route, km in zip(outside["route"], outside["length_km"], strict=True):
        warnings.warn(
            f"route {route!r}: {km:.1f} km lie outside every polygon "
            f"({_OUTSIDE}): over sea or beyond the layer's extent.",
            DataWarning,
            stacklevel=2,
        )


def _run_stats(args: argparse.Namespace) -> int:
    routes = _target_routes(args.target)
    polygons, key, name = _polygons(args.by)
    tables: dict[str, pd.DataFrame] = {}
    if args.table in {"all", "lengths", "crossings"}:
        crossings = load("crossings") if "crossings" in available_layers() else None
        tables["lengths"], tables["crossings"] = route_stats_tables(
            routes, polygons, by=key, name_column=name, crossings=crossings
        )
        user_file = args.target is not None and args.target.upper() not in {
            b.upper() for b in branch_ids()
        }
        if user_file and args.by == "country":
            # the packaged branches are checked by the test suite instead
            _warn_outside(tables["lengths"])
    if args.table == "exposure":
        tables["exposure"] = _exposure_table(
            routes, polygons, key, name, args.buffer_km
        )
    wanted = ["lengths", "crossings"] if args.table == "all" else [args.table]
    if args.format == "json":
        out: dict[str, Any] = {"by": args.by}
        out.update({w: _records(tables[w]) for w in wanted})
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    if args.format == "csv":
        wanted = wanted[:1]  # one CSV table per run; choose another with --table
    titles = {
        "lengths": f"Length by {args.by}",
        "crossings": "Border crossings",
        "exposure": f"Within {args.buffer_km:g} km of the route, by {args.by}",
    }
    for n, which in enumerate(wanted):
        if n:
            print()
        title = titles[which] if args.format == "table" else None
        _emit(tables[which], args.format, title=title)
    return 0


def register(sub: Any) -> None:
    """Add ``routes`` and ``route-stats`` to `sub` (an argparse subparsers object)."""
    routes = sub.add_parser("routes", help="list the branches of the northern route")
    routes.add_argument("--format", choices=("table", "csv", "json"), default="table")
    routes.set_defaults(func=_run_routes)
    stats = sub.add_parser(
        "route-stats",
        help="length per country or region and border crossings of a route",
        description=(
            "Geodesic length of a route inside each country or region, and the "
            "borders it crosses in order. TARGET is a branch id (see 'kzmap "
            "routes'), a .csv of lon,lat[,name] waypoints or a .geojson line file; "
            "without TARGET every packaged branch is measured."
        ),
    )
    stats.add_argument("target", nargs="?", metavar="BRANCH|FILE")
    stats.add_argument("--by", choices=tuple(_BY), default="country")
    stats.add_argument(
        "--table",
        choices=("all", "lengths", "crossings", "exposure"),
        default="all",
        help="which table to print: 'all' = lengths and crossings (CSV prints "
        "lengths only); 'exposure' = polygons within --buffer-km of the route",
    )
    stats.add_argument(
        "--buffer-km",
        type=float,
        default=50.0,
        help="distance from the route for --table exposure, in km (default 50)",
    )
    stats.add_argument("--format", choices=("table", "csv", "json"), default="table")
    stats.set_defaults(func=_run_stats)
