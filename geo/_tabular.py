"""Read point CSVs with pandas (never GDAL) and GeoParquet with pyarrow."""

from __future__ import annotations

import csv
import io
import math
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd

from kzmap.geo._options import ReadOptions, apply_user_crs, crs_from_user
from kzmap.geo.crs import STORAGE_CRS

if TYPE_CHECKING:
    from pathlib import Path

    from kzmap.geo.problems import ProblemLog

__all__ = [
    "LAT_NAMES",
    "LON_NAMES",
    "read_csv_points",
    "read_geoparquet",
]

#: Column names taken as longitude / latitude, compared case-insensitively.
LON_NAMES = ("lon", "lng", "long", "longitude", "x")
LAT_NAMES = ("lat", "latitude", "y")
_MAX_LISTED = 10


def _decode(data: bytes, encoding: str | None, log: ProblemLog) -> str:
    try:
        return data.removeprefix(b"\xef\xbb\xbf").decode(
            encoding or "utf-8", "surrogateescape"
        )
    except LookupError as err:
        log.fail("usage.encoding", f"unknown encoding {encoding!r}.", cause=err)


def _header(text: str, log: ProblemLog) -> list[str]:
    """Return unique, non-empty column names, renaming duplicates with a warning."""
    try:
        raw = next(csv.reader(io.StringIO(text, newline="")), None)
    except csv.Error as err:
        log.fail("read.csv", f"not a readable CSV header ({err}).", cause=err)
    if not raw:
        log.fail("read.empty", "the CSV has no header row; expected e.g. name,lon,lat.")
    names: list[str] = []
    seen: set[str] = set()
    for i, name in enumerate(raw):
        base = name.strip() or f"field_{i}"
        new, n = base, 1
        while new.lower() in seen:
            n += 1
            new = f"{base}_{n}"
        if new != name:
            log.add(
                "columns.renamed",
                f"column {i} {name!r} renamed to {new!r} (empty, or a duplicate "
                "of an earlier column ignoring case).",
                severity="warning",
                field=name,
            )
        seen.add(new.lower())
        names.append(new)
    return names


def _encoding_errors(text: str, names: list[str], log: ProblemLog) -> None:
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as err:
        log.fail("read.csv", f"not a readable CSV ({err}).", cause=err)
    for row_no, row in enumerate(rows):
        for col, value in enumerate(row):
            if any("\udc80" <= ch <= "\udcff" for ch in value):
                field = names[col] if col < len(names) else f"column {col}"
                log.add(
                    "encoding.decode",
                    f"line {row_no + 1} is not valid in the file's encoding "
                    "(UTF-8 unless `encoding=` is given). Re-save the CSV as "
                    "UTF-8, or pass `encoding=` (e.g. 'cp1251', 'latin-1').",
                    feature=row_no - 1 if row_no else None,
                    field=field,
                )
    log.raise_errors()


def _pick(
    names: list[str],
    given: str | None,
    options: tuple[str, ...],
    what: str,
    log: ProblemLog,
) -> str:
    if given is not None:
        match = [n for n in names if n == given] or [
            n for n in names if n.lower() == given.lower()
        ]
        if not match:
            log.fail(
                "usage.column",
                f"no column {given!r} for {what}; the CSV "
                f"has {', '.join(map(repr, names))}.",
            )
        return match[0]
    found = [n for n in names if n.lower() in options]
    if len(found) != 1:
        state = "no" if not found else f"several ({', '.join(map(repr, found))})"
        log.fail(
            "csv.coordinate_columns",
            f"found {state} {what} column; expected exactly one named "
            f"{'/'.join(options)} (any case). Pass lon= and lat= (in the CLI: "
            "--lon/--lat) to name the columns.",
        )
    return found[0]


def _numbers(frame: pd.DataFrame, column: str, log: ProblemLog) -> list[float]:
    """Return the column as floats (NaN where bad), logging each bad row."""
    values: list[float] = []
    for row, raw in enumerate(frame[column].tolist()):
        text = str(raw).strip()
        number = math.nan
        problem = "is empty"
        if text:
            try:
                number = float(text)
                problem = "" if math.isfinite(number) else "is not finite"
            except ValueError:
                hint = " (decimal comma? use a point)" if "," in text else ""
                problem = f"is {text!r}, not a number{hint}"
        if problem:
            number = math.nan
            log.add(
                "csv.coordinate",
                f"line {row + 2}: the coordinate {problem}; "
                "expected a decimal number. Fix or remove the row.",
                feature=row,
                field=column,
            )
        values.append(number)
    return values


def read_csv_points(
    path: Path, log: ProblemLog, opts: ReadOptions
) -> tuple[gpd.GeoDataFrame, int]:
    """
    Read a CSV with a lon and a lat column as points (index = data row).

    Rows with a bad coordinate are logged as errors and left out; returns the
    frame and the number of data rows in the file.
    """
    lon, lat, crs, max_features = opts.lon, opts.lat, opts.crs, opts.max_features
    text = _decode(path.read_bytes(), opts.encoding, log)
    names = _header(text, log)
    _encoding_errors(text, names, log)
    x_col = _pick(names, lon, LON_NAMES, "longitude", log)
    y_col = _pick(names, lat, LAT_NAMES, "latitude", log)
    try:
        frame = pd.read_csv(
            io.StringIO(text), header=0, names=names, dtype=str, keep_default_na=False
        )
    except (pd.errors.ParserError, ValueError) as err:
        log.fail("read.csv", f"not a readable CSV ({err}).", cause=err)
    if len(frame) > max_features:
        log.fail(
            "limit.features",
            f"the CSV has {len(frame)} rows, over the limit "
            f"of {max_features}. If it is trusted, pass a larger `max_features=`.",
        )
    xs, ys = _numbers(frame, x_col, log), _numbers(frame, y_col, log)
    if crs is not None:
        target = crs_from_user(crs, log)
    else:
        target = STORAGE_CRS
        _require_lonlat(xs, ys, log, x_col)
    good = np.isfinite(xs) & np.isfinite(ys)
    data = _typed(frame.drop(columns=[x_col, y_col]))
    points = gpd.GeoDataFrame(data, geometry=gpd.points_from_xy(xs, ys), crs=target)
    return points[good], len(frame)


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Make all-numeric text columns numeric; empty cells become missing."""
    for column in frame.columns:
        values = frame[column].replace("", None)
        try:
            frame[column] = pd.to_numeric(values)
        except (ValueError, TypeError):
            frame[column] = values
    return frame


def _require_lonlat(
    xs: list[float], ys: list[float], log: ProblemLog, x_col: str
) -> None:
    bad = [
        i
        for i, (x, y) in enumerate(zip(xs, ys, strict=True))
        if abs(x) > 180 or abs(y) > 90
    ]
    if not bad:
        return
    rows = ", ".join(str(i + 2) for i in bad[:_MAX_LISTED])
    more = f" and {len(bad) - _MAX_LISTED} more" if len(bad) > _MAX_LISTED else ""
    swappable = all(abs(ys[i]) <= 180 and abs(xs[i]) <= 90 for i in bad)
    hint = (
        "the columns look swapped: pass lon= and lat= the other way round"
        if swappable
        else "the coordinates look projected: pass `crs=` with "
        "their EPSG code (in the CLI: --crs EPSG:32642)"
    )
    log.fail(
        "crs.undeclared",
        f"no `crs` was given, so lon/lat (EPSG:4326) is "
        f"assumed, but lines {rows}{more} are outside lon -180..180 / lat "
        f"-90..90; {hint}.",
        field=x_col,
    )


def read_geoparquet(
    path: Path, log: ProblemLog, opts: ReadOptions
) -> tuple[gpd.GeoDataFrame, int]:
    """Read a GeoParquet file (its ``geo`` metadata gives the CRS)."""
    import pyarrow.parquet as pq  # noqa: PLC0415 (optional heavy import)

    try:
        rows = pq.ParquetFile(path).metadata.num_rows
    except Exception as err:
        log.fail("read.parquet", f"not a readable Parquet file ({err}).", cause=err)
    max_features = opts.max_features
    if rows > max_features:
        log.fail(
            "limit.features",
            f"the file has {rows} rows, over the limit of "
            f"{max_features}. If it is trusted, pass a larger `max_features=`.",
        )
    try:
        frame = gpd.read_parquet(path)
    except Exception as err:
        log.fail(
            "read.parquet",
            f"not readable as GeoParquet ({err}). kzmap needs "
            "the 'geo' metadata GeoParquet writers add.",
            cause=err,
        )
    if frame.crs is None and opts.crs is None:
        log.fail(
            "crs.missing",
            "the GeoParquet metadata says the CRS is unknown "
            "(crs: null); kzmap never guesses one. Pass `crs=` if you know it.",
        )
    declared = frame.crs is not None
    return apply_user_crs(frame, opts, log, declared=declared), rows
