"""``kzmap join``: count (or label) points per region and write the result."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from kzmap.geo.errors import UsageError
from kzmap.maps._cli_args import (
    TABLE_SUFFIXES,
    VECTOR_SUFFIXES,
    add_read_options,
    output_file,
    read_options,
    unknown_name,
)

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

    from kzmap.geo.aggregate import Aggregation
    from kzmap.geo.join import PolygonIndex

__all__ = ["register"]

#: Inputs with at least this many points get a progress bar on a terminal.
_PROGRESS_MIN = 1_000_000
#: The packaged layer counted into by default (`kzmap.layers.DEFAULT_REGIONS`).
_DEFAULT_TO = "regions"
#: Polygon key columns tried, in order, when --key is not given.
_KEYS = ("id",)


def _polygon_layers() -> list[str]:
    """Return the packaged analysis layers whose features are polygons."""
    from kzmap.layers import analysis_layers, layer_info

    return [n for n in analysis_layers() if layer_info(n).geometry_type == "Polygon"]


def _read_polygons(to: str) -> gpd.GeoDataFrame:
    """Load the packaged polygon layer `to`, or read `to` as a polygon file."""
    from kzmap.geo.io import read
    from kzmap.layers import available_layers, layer_info, load

    if to in available_layers():
        if layer_info(to).basemap:
            msg = (
                f"--to {to!r}: a basemap-only layer (coarse land or lines drawn "
                "around the maps for orientation), not for joins; choose one of: "
                f"{', '.join(_polygon_layers())}."
            )
            raise UsageError(msg)
        if layer_info(to).geometry_type != "Polygon":
            err = unknown_name("--to", to, "polygon layer", _polygon_layers())
            raise err
        return load(to)
    if Path(to).suffix.lower() in VECTOR_SUFFIXES or Path(to).exists():
        return read(to)
    err = unknown_name("--to", to, "packaged polygon layer", _polygon_layers())
    msg = f"{err} Or give a polygon file ({'/'.join(VECTOR_SUFFIXES)})."
    raise UsageError(msg)


def _columns(frame: pd.DataFrame) -> str:
    return ", ".join(str(c) for c in frame.columns if c != "geometry")


def _polygon_key(args: argparse.Namespace, polygons: gpd.GeoDataFrame) -> str:
    """Return --key, or the polygons' ``id`` column; else a usage error."""
    if args.key is not None:
        if args.key not in polygons.columns:
            msg = (
                f"--key {args.key!r}: the polygons of --to {args.to} have no such "
                f"column; their columns are {_columns(polygons)}."
            )
            raise UsageError(msg)
        return str(args.key)
    found = [k for k in _KEYS if k in polygons.columns]
    if not found:
        msg = (
            f"the polygons of --to {args.to} have no 'id' column to name the rows; "
            f"pass --key with one of their columns: {_columns(polygons)}."
        )
        raise UsageError(msg)
    return found[0]


def _check_point_columns(args: argparse.Namespace, points: pd.DataFrame) -> None:
    """Refuse --by/--sum naming no column, or --column naming an existing one."""
    for flag, column in (("--by", args.by), ("--sum", args.sum)):
        if column is not None and column not in points.columns:
            msg = (
                f"{flag} {column!r}: POINTS ({args.points}) has no such column; "
                f"its columns are {_columns(points)}."
            )
            raise UsageError(msg)
    if args.labels and args.column in points.columns:
        msg = (
            f"--column {args.column!r}: POINTS already has a column of that name; "
            "pass --column with a new name for the polygon labels."
        )
        raise UsageError(msg)


def _read_points(args: argparse.Namespace) -> gpd.GeoDataFrame:
    """Read POINTS with `kzmap.geo.read` (every check, CSV included)."""
    from kzmap.geo.io import read

    points = read(args.points, **read_options(args))  # type: ignore[arg-type]
    _check_point_columns(args, points)
    return points


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
    import geopandas as gpd

    shapes = polygons[[key, polygons.geometry.name]]
    merged = table.merge(shapes, on=key, how="left", validate="many_to_one")
    return gpd.GeoDataFrame(merged, geometry=polygons.geometry.name, crs=polygons.crs)


#: Address schemes of dask's distributed comms, as in ``tcp://host:8786``.
_SCHEMES = ("tcp", "tls", "ucx", "ws", "wss", "inproc")


def _scheduler(address: str) -> str:
    """Check a --scheduler address (``tcp://host:port``) before any work."""
    scheme, sep, rest = address.partition("://")
    host, colon, port = rest.rpartition(":")
    if scheme == "inproc" and rest:  # an in-process cluster: no host and port
        return address
    if not sep or scheme not in _SCHEMES or not host or not colon:
        msg = (
            f"--scheduler {address!r}: give a dask distributed scheduler address "
            f"such as tcp://10.0.0.5:8786 (schemes: {', '.join(_SCHEMES)})."
        )
        raise argparse.ArgumentTypeError(msg)
    if not port.isdigit():
        msg = f"--scheduler {address!r}: the port {port!r} is not a number."
        raise argparse.ArgumentTypeError(msg)
    return address


def _uses_dask(args: argparse.Namespace) -> bool:
    """POINTS is a Parquet dataset folder, or a Parquet file sent to --scheduler."""
    if args.points.is_dir():
        return True
    if args.scheduler is None:
        return False
    if args.points.suffix.lower() != ".parquet":
        msg = (
            f"--scheduler runs the dask engine, which reads Parquet: give a "
            f"folder of Parquet files or a .parquet file, not {args.points.name}."
        )
        raise UsageError(msg)
    return True


def _aggregate(args: argparse.Namespace, index: PolygonIndex) -> Aggregation:
    from kzmap.layers.join import points_to_regions

    if _uses_dask(args):
        from kzmap.geo.scale import aggregate_dataset  # dask

        columns = index.attributes.columns
        keep = ("name_en",) if "name_en" in columns and index.key != "name_en" else ()
        return aggregate_dataset(
            args.points,
            polygons=index,
            by=args.by,
            sum=args.sum,
            keep=keep,
            scheduler=args.scheduler,
        )
    points = _read_points(args)
    return points_to_regions(
        points,
        regions=index,
        by=args.by,
        sum=args.sum,
        progress=_progress(args, len(points)),
    )


def _labels(args: argparse.Namespace, index: PolygonIndex, inputs: list[Path]) -> int:
    from kzmap.geo.join import points_in_polygons
    from kzmap.geo.tables import write_table

    if args.points.is_dir():
        msg = "--labels needs one POINTS file, not a dataset folder."
        raise UsageError(msg)
    if args.scheduler is not None:
        msg = "--scheduler runs the counts on dask; --labels runs here: drop one."
        raise UsageError(msg)
    labelled = points_in_polygons(
        _read_points(args), polygons=index, column=args.column
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


def _run(args: argparse.Namespace) -> int:
    from kzmap.geo.join import PolygonIndex
    from kzmap.geo.tables import write_table

    if args.output.resolve() == args.points.resolve():
        msg = f"-o {str(args.output)!r}: it is also an input (POINTS); choose another."
        raise UsageError(msg)
    polygons = _read_polygons(args.to)
    index = PolygonIndex(polygons, key=_polygon_key(args, polygons))
    inputs = [args.points] if args.points.is_file() else []
    if args.labels:
        return _labels(args, index, inputs)
    result = _aggregate(args, index)
    table = result.table
    if args.output.suffix.lower() in (".gpkg", ".geojson"):
        table = _with_geometry(table, polygons, index.key)
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
        help="points: any file kzmap reads ("
        + ", ".join(VECTOR_SUFFIXES)
        + "; a CSV needs lon/lat columns, see --lon/--lat/--crs), "
        "or a folder of Parquet files (dask engine)",
    )
    parser.add_argument(
        "--to",
        default=_DEFAULT_TO,
        metavar="LAYER|FILE",
        help="polygons: a packaged polygon layer (see kzmap layers; not the "
        "basemap-only ones) or a polygon file (default "
        f"{_DEFAULT_TO})",
    )
    parser.add_argument(
        "--key",
        default=None,
        metavar="COLUMN",
        help="polygon column naming the rows (default: id)",
    )
    parser.add_argument("--by", metavar="COLUMN", help="split counts by this column")
    parser.add_argument("--sum", metavar="COLUMN", help="also total this column")
    parser.add_argument(
        "--labels", action="store_true", help="write each point with its label"
    )
    parser.add_argument(
        "--column",
        default="region_id",
        metavar="NAME",
        help="new column holding each point's label, for --labels",
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
        type=output_file(*TABLE_SUFFIXES),
        required=True,
        help="output file: " + ", ".join(TABLE_SUFFIXES),
    )
    parser.add_argument(
        "--scheduler",
        type=_scheduler,
        default=None,
        metavar="ADDRESS",
        help="run the dask engine (a Parquet folder or file) on the dask "
        "distributed scheduler at ADDRESS, e.g. tcp://10.0.0.5:8786 "
        "(default: dask's local engine in this process)",
    )
    add_read_options(parser, what="points")
    parser.set_defaults(func=_run)
