"""Argument types and messages shared by the ``kzmap`` subcommands.

Everything here is checked by argparse before a command does any work, so a
bad value is a usage error (exit 2, no traceback). This module imports only
the standard library: ``kzmap --help`` must not pay for geopandas or folium.
"""

from __future__ import annotations

import argparse
import math
import re
from pathlib import Path
from typing import TYPE_CHECKING

from kzmap.geo.errors import UsageError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

__all__ = [
    "READ_FLAGS",
    "TABLE_SUFFIXES",
    "VECTOR_SUFFIXES",
    "add_read_options",
    "bounded_float",
    "cli_terms",
    "output_file",
    "read_options",
    "size",
    "unknown_name",
]

#: Outputs of ``kzmap join`` (the keys of `kzmap.geo.tables.TABLE_FORMATS`).
TABLE_SUFFIXES = (".csv", ".parquet", ".gpkg", ".geojson")
#: Files `kzmap.geo.read` takes, by extension (see `kzmap.geo.FORMATS`).
VECTOR_SUFFIXES = (
    ".geojson",
    ".json",
    ".gpkg",
    ".shp",
    ".zip",
    ".parquet",
    ".geoparquet",
    ".csv",
)

_SIZE = re.compile(r"^(\d{1,5})x(\d{1,5})$")
_MIN_SIDE, _MAX_SIDE = 200, 8000


def output_file(*suffixes: str) -> Callable[[str], Path]:
    """Return an argparse type accepting a path that ends in one of `suffixes`."""

    def check(text: str) -> Path:
        path = Path(text)
        if path.suffix.lower() not in suffixes:
            msg = (
                f"{text!r} must end in {' or '.join(suffixes)} "
                f"(got {path.suffix or 'no extension'!r})"
            )
            raise argparse.ArgumentTypeError(msg)
        return path

    check.__name__ = "output file"
    return check


def bounded_float(
    low: float, high: float, *, low_open: bool = False
) -> Callable[[str], float]:
    """Return an argparse type for a finite number in [low, high] ((low, high])."""

    def check(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        ok = math.isfinite(value) and value <= high
        ok = ok and (value > low if low_open else value >= low)
        if not ok:
            bracket = "(" if low_open else "["
            msg = f"expected a number in {bracket}{low:g}, {high:g}], got {text!r}"
            raise argparse.ArgumentTypeError(msg)
        return value

    check.__name__ = "number"
    return check


def size(text: str) -> tuple[int, int]:
    """Argparse type of ``--size WIDTHxHEIGHT`` (CSS pixels, 200..8000 each)."""
    match = _SIZE.match(text.strip().lower())
    sides = (int(match[1]), int(match[2])) if match else (0, 0)
    if not all(_MIN_SIDE <= s <= _MAX_SIDE for s in sides):
        msg = (
            f"expected WIDTHxHEIGHT in CSS pixels, each {_MIN_SIDE}..{_MAX_SIDE}, "
            f"e.g. 1280x800; got {text!r}"
        )
        raise argparse.ArgumentTypeError(msg)
    return sides


def unknown_name(
    flag: str, value: str, kind: str, choices: Iterable[object]
) -> UsageError:
    """Return the usage error for `value` not being one of `choices`."""
    listed = ", ".join(str(c) for c in choices)
    return UsageError(f"{flag} {value!r}: no such {kind}; choose one of: {listed}.")


def add_read_options(
    parser: argparse.ArgumentParser,
    *,
    what: str = "input",
    layer_default: str = "the only one",
) -> None:
    """Add the `kzmap.geo.read` options (--lon, --lat, --crs, ...) to `parser`."""
    group = parser.add_argument_group(f"reading the {what}")
    group.add_argument(
        "--layer", help=f"GeoPackage layer or zip member (default: {layer_default})"
    )
    group.add_argument("--lon", help="CSV longitude column (default: detected)")
    group.add_argument("--lat", help="CSV latitude column (default: detected)")
    group.add_argument(
        "--crs", help="EPSG code of undeclared coordinates, e.g. EPSG:32642"
    )
    group.add_argument("--encoding", help="text encoding, e.g. cp1251 (default UTF-8)")
    group.add_argument(
        "--no-aoi",
        action="store_true",
        help="do not check for swapped lon/lat against the Central Asia extent",
    )


def read_options(args: argparse.Namespace) -> dict[str, object]:
    """Return the `kzmap.geo.read` keywords given by `add_read_options` flags."""
    options: dict[str, object] = {
        "layer": args.layer,
        "lon": args.lon,
        "lat": args.lat,
        "crs": args.crs,
        "encoding": args.encoding,
    }
    if args.no_aoi:
        options["aoi"] = None
    return options


#: Python keyword spellings in library messages → the flag of the command line.
READ_FLAGS: tuple[tuple[str, str], ...] = (
    (r"\s*\(in the CLI: [^)]*\)", ""),
    (r"pass aoi=None", "pass --no-aoi"),
    (r"lon= and lat= the other way round", "--lon and --lat the other way round"),
    (r"Pass lon= and lat=", "Pass --lon and --lat"),
    (r"pass lon= and lat=", "pass --lon and --lat"),
    (r"lon=/lat=", "--lon/--lat"),
    (r"`crs=`|\bcrs=", "--crs"),
    (r"`layer=`", "--layer"),
    (r"`encoding=`", "--encoding"),
    (r"`max_features=`", "--max-features"),
    (r"`max_bytes=`", "--max-bytes"),
    (r"Pass key=<column>", "Pass --key COLUMN"),
    (r"pass key=<column>", "pass --key COLUMN"),
    (r"Cannot sum column ('[^']*')", r"--sum \1: cannot sum the column"),
    (r" Convert it with pandas\.to_numeric first\.", " Choose a numeric column."),
    (r"`points` has no column", "POINTS has no column"),
    (r"`polygons`", "the polygons of --to"),
    (r"`points`", "POINTS"),
)
#: Flags of `add_read_options`, which only some commands have.
_READ_OPTIONS = ("--no-aoi", "--lon", "--crs", "--layer", "--encoding")


def cli_terms(message: str, *, read_options: bool = True) -> str:
    """
    Rewrite Python keyword names in a library `message` as command-line flags.

    With `read_options` False (a command without --lon, --crs ...), a hint
    says where those options are.
    """
    for pattern, flag in READ_FLAGS:
        message = re.sub(pattern, flag, message)
    if not read_options and any(f in message for f in _READ_OPTIONS):
        message += (
            " (This command reads files with the defaults: fix the file, or "
            "check it with kzmap validate, which takes those options.)"
        )
    return message
