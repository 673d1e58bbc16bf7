"""``kzmap join``: count (or label) points per region and write the result."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any, TextIO

import geopandas as gpd
import pandas as pd

from kzmap.geo import LAT_NAMES, LON_NAMES
from kzmap.geo.aggregate import Aggregation, aggregate_points
from kzmap.geo.errors import ReadError, UsageError
from kzmap.geo.io import read
from kzmap.geo.join import PolygonIndex, points_in_polygons
from kzmap.geo.tables import TABLE_FORMATS, write_table
from kzmap.layers import DEFAULT_REGIONS, load

__all__ = ["register"]

#: Inputs with at least this many points get a progress bar on a terminal.
_PROGRESS_MIN = 1_000_000
#: Accepted spellings of the coordinate columns of a CSV, lower case.


def _read_csv_points(path: Path) -> pd.DataFrame:
    """Read a CSV with longitude/latitude columns (EPSG:4326) as lon/lat."""
    try:
        frame = pd.read_csv(path)
    except (OSError, ValueError) as err:
        msg = f"{path}: could not be read as CSV ({err})."
        raise ReadError(msg) from err
    lower = {str(c).lower(): c for c in frame.columns}
    lon = next((lower[n] for n in LON_NAMES if n in lower), None)
    lat = next((lower[n] for n in LAT_NAMES if n in lower), None)
    if lon is None or lat is None:
        msg = (
            f"{path}: no longitude/latitude columns (expected one of {LON_NAMES} and "
            f"one of {LAT_NAMES}, EPSG:4326 degrees); found {list(frame.columns)}."
        )
        raise ReadError(msg)
    return frame.rename(columns={lon: "lon", lat: "lat"})


def _read_points(path: Path) -> gpd.GeoDataFrame | pd.DataFrame:
    """Read POINTS: CSV as lon/lat columns, other formats with `kzmap.geo.read`.

    A CSV stays plain columns so millions of rows never become Point objects.
    """
    if path.suffix.lower() == ".csv":
        return _read_csv_points(path)
    return read(path)


def _read_polygons(to: str) -> gpd.GeoDataFrame:
    """Load a packaged layer by name, or read a polygon file."""
    if Path(to).suffix:
        return read(to)
    return load(to)


class _Progress:
    """A one-line progress bar on a stream, redrawn at most 10 times a second."""

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total, self.stream, self.last = max(total, 1), stream, 0.0

    def __call__(self, done: int) -> None:
        now = time.monotonic()
        if now - self.last < 0.1 and done < self.total:
            return
        self.last = now
        share = done / self.total
        bar = "#" * int(share * 30)
        self.stream.write(
            f"\rjoin [{bar:<30}] {share:4.0%} {done:,}/{self.total:,} points"
        )
        if done >= self.total:
            self.stream.write("\n")
        self.stream.flush()


def _progress(args: argparse.Namespace, total: int) -> _Progress | None:
    wanted = args.progress
    if wanted is None:
        wanted = sys.stderr.isatty() and total >= _PROGRESS_MIN
    return _Progress(total, sys.stderr) if wanted else None


def _with_geometry(
    table: pd.DataFrame, polygons: gpd.GeoDataFrame, key: str
) -> gpd.GeoDataFrame:
    """Attach each row's polygon so the table can be written as a map layer."""
    shapes = polygons[[key, polygons.geometry.name]]
    merged = table.merge(shapes, on=key, how="left", validate="many_to_one")
    return gpd.GeoDataFrame(merged, geometry=polygons.geometry.name, crs=polygons.crs)


def _aggregate(
    args: argparse.Namespace, polygons: gpd.GeoDataFrame, index: PolygonIndex
) -> Aggregation:
    keep = (
        ("name_en",) if "name_en" in polygons.columns and args.key != "name_en" else ()
    )
    if args.points.is_dir():
        from kzmap.geo.scale import aggregate_dataset  # noqa: PLC0415 (dask)

        return aggregate_dataset(
            args.points, polygons=index, by=args.by, sum=args.sum, keep=keep
        )
    points = _read_points(args.points)
    return aggregate_points(
        points,
        polygons=index,
        by=args.by,
        sum=args.sum,
        keep=keep,
        progress=_progress(args, len(points)),
    )


def _run(args: argparse.Namespace) -> int:
    suffix = args.output.suffix.lower()
    if suffix not in TABLE_FORMATS:
        msg = f"-o {str(args.output)!r}: use one of {', '.join(TABLE_FORMATS)}."
        raise UsageError(msg)
    polygons = _read_polygons(args.to)
    index = PolygonIndex(polygons, key=args.key)
    inputs = [args.points] if args.points.is_file() else []
    if args.labels:
        if args.points.is_dir():
            msg = "--labels needs one points file, not a dataset folder."
            raise UsageError(msg)
        points = _read_points(args.points)
        labelled = points_in_polygons(points, polygons=index, column=args.column)
        if suffix in (".gpkg", ".geojson") and "lon" in labelled.columns:
            labelled = gpd.GeoDataFrame(
                labelled,
                geometry=gpd.points_from_xy(labelled["lon"], labelled["lat"]),
                crs=4326,
            )
        missing = int(labelled[args.column].isna().sum())
        if missing:
            print(
                f"kzmap: note: {missing:,} points lie outside every polygon "
                f"(their {args.column!r} is empty).",
                file=sys.stderr,
            )
        print(write_table(labelled, args.output, inputs=inputs))
        return 0
    result = _aggregate(args, polygons, index)
    table = result.table
    if suffix in (".gpkg", ".geojson"):
        table = _with_geometry(table, polygons, args.key)
    if result.outside_count:
        print(f"kzmap: note: {result.summary()}", file=sys.stderr)
    print(write_table(table, args.output, inputs=inputs))
    return 0


def register(sub: Any) -> None:
    """Add the ``join`` subcommand to `sub` (an argparse subparsers object)."""
    parser = sub.add_parser(
        "join",
        help="count points per region (or label each point) and write a table",
        description=(
            "Count the points of POINTS per polygon of --to (and per --by "
            "category, summing --sum), or with --labels write each point with "
            "its polygon's key. A point on a shared border counts once, for "
            "the smaller key; points outside every polygon are reported."
        ),
    )
    parser.add_argument(
        "points",
        type=Path,
        metavar="POINTS",
        help="points: .geojson/.gpkg/.shp, a .csv with lon/lat columns "
        "(EPSG:4326), or a folder of Parquet files (dask engine)",
    )
    parser.add_argument(
        "--to",
        default=DEFAULT_REGIONS,
        metavar="LAYER|FILE",
        help="polygons: a packaged layer or a polygon file "
        f"(default {DEFAULT_REGIONS})",
    )
    parser.add_argument("--key", default="id", help="polygon column naming rows")
    parser.add_argument("--by", metavar="COLUMN", help="split counts by this column")
    parser.add_argument("--sum", metavar="COLUMN", help="also total this column")
    parser.add_argument(
        "--labels", action="store_true", help="write each point with its label"
    )
    parser.add_argument(
        "--column", default="region_id", help="label column for --labels"
    )
    parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bar on stderr (default: on a terminal for >= 1e6 points)",
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        help="output file: " + ", ".join(TABLE_FORMATS),
    )
    parser.set_defaults(func=_run)
