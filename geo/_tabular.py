"""Read point CSVs with pandas (never GDAL) and GeoParquet with pyarrow."""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
import warnings
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd

from kzmap.geo._options import ReadOptions, apply_user_crs, crs_from_user
from kzmap.geo.crs import STORAGE_CRS

if TYPE_CHECKING:
    from pathlib import Path

    from numpy.typing import NDArray

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
_BLOCK = 1 << 24
_HEAD_CHARS = 1 << 20
_BLANK = re.compile(rb"\n(?=\r?\n)")


def _decode(data: bytes | bytearray, encoding: str | None, log: ProblemLog) -> str:
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


def _bad_number(text: str) -> str:
    """Why `text` is not a finite number ("" if it is one)."""
    if not text:
        return "is empty"
    try:
        number = float(text)
    except ValueError:
        hint = " (decimal comma? use a point)" if "," in text else ""
        return f"is {text!r}, not a number{hint}"
    return "" if math.isfinite(number) else "is not finite"


def _numbers(frame: pd.DataFrame, column: str, log: ProblemLog) -> NDArray[np.float64]:
    """Return the column as floats (NaN where bad), logging each bad row."""
    if pd.api.types.is_float_dtype(frame[column]):  # parsed, all finite
        return frame[column].to_numpy(dtype=np.float64)
    values = _arrow_floats(frame[column])
    if values is not None and np.isfinite(values).all():
        return values
    raw = frame[column].to_numpy(dtype=object)
    try:
        values = raw.astype(np.float64)  # float() of each cell, in C
    except (ValueError, TypeError):
        values = np.array([_float_or_nan(v) for v in raw], dtype=np.float64)
    for row in np.flatnonzero(~np.isfinite(values)):
        problem = _bad_number(str(raw[row]).strip())
        log.add(
            "csv.coordinate",
            f"line {row + 2}: the coordinate {problem or 'is not finite'}; "
            "expected a decimal number. Fix or remove the row.",
            feature=int(row),
            field=column,
        )
    values[~np.isfinite(values)] = np.nan
    return values


def _arrow_floats(column: pd.Series) -> NDArray[np.float64] | None:
    """Parse decimal text with Arrow (correctly rounded); None if any cell fails."""
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.compute as pc  # noqa: PLC0415

    try:
        parsed = pc.cast(pa.array(column, type=pa.string()), pa.float64())
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError):
        return None
    return np.asarray(parsed.to_numpy(zero_copy_only=False), dtype=np.float64)


def _float_or_nan(value: object) -> float:
    try:
        return float(str(value).strip())
    except ValueError:
        return math.nan


def _scan(path: Path, log: ProblemLog, opts: ReadOptions) -> str:
    """
    Check the file's size in rows and its text, block by block; return its head.

    Lines are counted while the file is read: without quotes a line (blank
    ones aside) is a row, so a 10^7-row CSV is refused after its first
    megabytes rather than after parsing it all. Blank lines and quotes are
    only looked for once the lines alone pass the limit (`_Blanks`). Text is
    decoded strictly as it streams (an ASCII block is valid UTF-8 as it is);
    only if that fails is the file decoded again to name each bad line.
    Nothing but the first block is kept.
    """
    try:
        decoder = codecs.getincrementaldecoder(opts.encoding or "utf-8")()
    except LookupError as err:
        log.fail("usage.encoding", f"unknown encoding {opts.encoding!r}.", cause=err)
    utf8 = codecs.lookup(opts.encoding or "utf-8").name == "utf-8"
    head, lines, blocks = "", 0, 0
    blanks: _Blanks | None = None
    with path.open("rb") as fh:
        while block := fh.read(_BLOCK):
            blocks += 1
            lines += block.count(b"\n")
            if blanks is None and lines - blocks > opts.max_features:
                blanks = _Blanks.until(path, fh.tell() - len(block))
            if blanks is not None:
                blanks.add(block)
                # a blank line split over two blocks is counted: one per block
                rows = lines - blanks.count - blocks
                if not blanks.quoted and rows > opts.max_features:
                    log.fail(
                        "limit.features",
                        f"the CSV has at least {rows} rows, over the limit of "
                        f"{opts.max_features}. If it is trusted, pass a larger "
                        "`max_features=`.",
                    )
            if head and utf8 and not decoder.getstate()[0] and block.isascii():
                continue  # ASCII is UTF-8, and no sequence is left open
            text = _decode_block(decoder, block, path, opts, log)
            head = head or text.removeprefix("\ufeff")
    _decode_block(decoder, b"", path, opts, log)
    return head


class _Blanks:
    """Blank lines and quotes seen in a CSV's blocks (for its row count)."""

    def __init__(self) -> None:
        self.count = 0
        self.quoted = False

    @classmethod
    def until(cls, path: Path, end: int) -> _Blanks:
        """Look at the blocks before byte `end` again (as `_scan` read them)."""
        blanks = cls()
        with path.open("rb") as fh:
            while fh.tell() < end and (block := fh.read(min(_BLOCK, end - fh.tell()))):
                blanks.add(block)
        return blanks

    def add(self, block: bytes) -> None:
        """Count the blank lines of one more block; note any quote."""
        if b"\n\n" in block or b"\n\r\n" in block:
            self.count += len(_BLANK.findall(block))
        self.quoted = self.quoted or b'"' in block


def _decode_block(
    decoder: codecs.IncrementalDecoder,
    block: bytes,
    path: Path,
    opts: ReadOptions,
    log: ProblemLog,
) -> str:
    """Decode the next block (b"" ends the file); name every bad line on failure."""
    try:
        return decoder.decode(block, final=not block)
    except UnicodeDecodeError:
        text = _decode(path.read_bytes(), opts.encoding, log)
        _encoding_errors(text, _header(text, log), log)
        log.fail("encoding.decode", "the file is not valid in its encoding.")


def read_csv_points(
    path: Path, log: ProblemLog, opts: ReadOptions
) -> tuple[gpd.GeoDataFrame, int]:
    """
    Read a CSV with a lon and a lat column as points (index = data row).

    Rows with a bad coordinate are logged as errors and left out; returns the
    frame and the number of data rows in the file.
    """
    lon, lat, crs, max_features = opts.lon, opts.lat, opts.crs, opts.max_features
    names = _header(_scan(path, log, opts)[:_HEAD_CHARS], log)
    x_col = _pick(names, lon, LON_NAMES, "longitude", log)
    y_col = _pick(names, lat, LAT_NAMES, "latitude", log)
    frame = _parse(path, opts.encoding or "utf-8", names, (x_col, y_col), log)
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
    data = frame.drop(columns=[x_col, y_col])
    points = gpd.GeoDataFrame(data, geometry=gpd.points_from_xy(xs, ys), crs=target)
    return (points if good.all() else points[good]), len(frame)


def _parse(
    path: Path,
    encoding: str,
    names: list[str],
    coords: tuple[str, str],
    log: ProblemLog,
) -> pd.DataFrame:
    """
    Parse the CSV: coordinates as numbers, other columns numeric if all are.

    Coordinates are read again as text if one is not a finite number, so the
    bad cells can be named. Empty cells are missing. Columns pandas would read
    as booleans are read again as text (kzmap keeps ``True``/``yes`` as
    written).
    """

    def read(dtype: Any, usecols: list[str] | None = None) -> pd.DataFrame:
        return pd.read_csv(
            path,
            header=0,
            names=names,
            keep_default_na=False,
            na_values=[""],
            encoding=encoding,
            dtype=dtype,
            usecols=usecols,
        )

    try:
        try:  # numbers straight away; text only to name the bad cells
            frame = read(dict.fromkeys(coords, np.float64))
            if not np.isfinite(frame[list(coords)].to_numpy()).all():
                frame = read(dict.fromkeys(coords, str))
        except ValueError:
            frame = read(dict.fromkeys(coords, str))
        flags = [c for c in frame.columns if pd.api.types.is_bool_dtype(frame[c])]
        if flags:
            again = read(str, flags)
            for column in flags:
                frame[column] = again[column]
    except (pd.errors.ParserError, ValueError) as err:
        log.fail("read.csv", f"not a readable CSV ({err}).", cause=err)
    for column in coords:
        if not pd.api.types.is_float_dtype(frame[column]):
            frame[column] = frame[column].fillna("")
    return frame


def _require_lonlat(
    xs: NDArray[np.float64], ys: NDArray[np.float64], log: ProblemLog, x_col: str
) -> None:
    with np.errstate(invalid="ignore"):
        outside = (np.abs(xs) > 180) | (np.abs(ys) > 90)
    bad = np.flatnonzero(outside)
    if not len(bad):
        return
    rows = ", ".join(str(i + 2) for i in bad[:_MAX_LISTED])
    more = f" and {len(bad) - _MAX_LISTED} more" if len(bad) > _MAX_LISTED else ""
    swappable = bool(((np.abs(ys[bad]) <= 180) & (np.abs(xs[bad]) <= 90)).all())
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
        with warnings.catch_warnings():
            # shapely warns of NaN coordinates; the checks name their features
            warnings.simplefilter("ignore", RuntimeWarning)
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
