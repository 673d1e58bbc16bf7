"""``kzmap geocode``: place names in a table to lon/lat, offline."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import argparse

    import pandas as pd

__all__ = ["register"]

_INPUTS = (".csv", ".tsv", ".parquet")
_OUTPUTS = (".csv", ".parquet", ".gpkg", ".geojson")


def _read_table(path: Path) -> pd.DataFrame:
    """Read FILE as a plain table (CSV in UTF-8, TSV or Parquet)."""
    import pandas as pd

    from kzmap.geo.errors import ReadError

    suffix = path.suffix.lower()
    if suffix not in _INPUTS:
        kind = suffix or "extensionless"
        msg = f"{path}: cannot geocode a {kind} file; use {', '.join(_INPUTS)}."
        raise ReadError(msg)
    try:
        if suffix == ".parquet":
            return pd.read_parquet(path)
        return pd.read_csv(path, sep="\t" if suffix == ".tsv" else ",")
    except (OSError, ValueError, UnicodeDecodeError) as err:
        msg = f"{path}: could not be read as {suffix[1:].upper()} ({err})."
        raise ReadError(msg) from err


def _run(args: argparse.Namespace) -> int:
    import geopandas as gpd
    import numpy as np

    from kzmap.geo.errors import UsageError
    from kzmap.geo.tables import write_table
    from kzmap.layers.geocode import geocode, geocode_summary

    suffix = args.output.suffix.lower()
    if suffix not in _OUTPUTS:
        msg = f"-o {str(args.output)!r}: use one of {', '.join(_OUTPUTS)}."
        raise UsageError(msg)
    table = _read_table(args.file)
    table.index += 1  # the summary counts data rows from 1, like a spreadsheet
    result = geocode(
        table,
        column=args.column,
        country=args.country,
        within=args.within,
        min_score=args.min_score,
    )
    if suffix in (".gpkg", ".geojson"):
        shapes = np.array(gpd.points_from_xy(result["lon"], result["lat"]))
        shapes[result["lon"].isna().to_numpy()] = None  # not geocoded: no point
        geometry = gpd.GeoSeries(shapes, index=result.index, crs=4326)
        result = gpd.GeoDataFrame(result, geometry=geometry)
    print(geocode_summary(result, column=args.column, limit=args.list), file=sys.stderr)
    print(write_table(result, args.output, inputs=[args.file]))
    return 0


def register(sub: Any) -> None:
    """Add the ``geocode`` subcommand to `sub` (an argparse subparsers object)."""
    parser = sub.add_parser(
        "geocode",
        help="add lon/lat to a table of place names (offline gazetteer)",
        description=(
            "Match the place text of --column (English, Russian or Kazakh; "
            "Soviet-era names and Latin spellings included) against kzmap's "
            "packaged gazetteer and write the table with lon, lat, "
            "geocode_match, geocode_precision, geocode_score, geocode_status "
            "and geocode_id. Nothing leaves the machine. Rows that are "
            "ambiguous, unmatched or not text are kept and listed on stderr."
        ),
    )
    parser.add_argument(
        "file", type=Path, metavar="FILE", help="table: " + ", ".join(_INPUTS)
    )
    parser.add_argument(
        "--column", required=True, help="column holding the place names"
    )
    parser.add_argument(
        "--country", metavar="CC", help="only places in this country (KZ, KG, ...)"
    )
    parser.add_argument(
        "--within",
        metavar="CODE|NAME",
        help="settle ambiguous names: a country or ISO 3166-2 code (KZ-55) "
        "or a region name",
    )
    parser.add_argument(
        "--min-score",
        type=float,
        default=85.0,
        help="lowest fuzzy score (0-100) for a misspelt name (default 85)",
    )
    parser.add_argument(
        "--list",
        type=int,
        default=20,
        metavar="N",
        help="rows not geocoded to list on stderr (default 20)",
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        required=True,
        help="output file: " + ", ".join(_OUTPUTS),
    )
    parser.set_defaults(func=_run)
