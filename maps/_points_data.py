"""Compact, inert encoding of point columns for kzmap's canvas points layer."""

from __future__ import annotations

import datetime as dt
import json
import re
import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kzmap.maps.escape import safe_text

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = [
    "COORD_SCALE",
    "NO_DAY",
    "UNDATED",
    "Payload",
    "codes_and_table",
    "day_intervals",
    "escape_all",
    "quantise",
]

#: Coordinates are stored as integers of 1e-5 degree (about 1.1 m).
COORD_SCALE = 100_000
#: Stored start-day value of a point without a date.
UNDATED = 0xFFFFFFFF
#: Day number `day_intervals` gives a missing date.
NO_DAY = np.iinfo(np.int64).min
_EPOCH = dt.date(1970, 1, 1)
_YEAR = re.compile(r"\d{4}")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ][\d:.+\-Z]*)?")


def quantise(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> dict[str, object]:
    """
    Quantise lon/lat (degrees, EPSG:4326) to 1e-5 degree and sort them compactly.

    Points are ordered by latitude, then longitude: the latitude column is then
    stored as small non-negative steps and both columns compress well.

    Returns
    -------
    dict
        ``order`` (input positions in stored order), ``x0``/``y0`` (integer
        origin), ``x`` (offsets from ``x0``) and ``dy`` (steps from ``y0``).
    """
    qx = np.rint(lon * COORD_SCALE).astype(np.int64)
    qy = np.rint(lat * COORD_SCALE).astype(np.int64)
    x0 = int(qx.min()) if len(qx) else 0
    y0 = int(qy.min()) if len(qy) else 0
    order = np.lexsort((qx, qy))
    x = (qx[order] - x0).astype(np.uint32)
    y = qy[order] - y0
    dy = np.diff(y, prepend=0).astype(np.uint32)
    return {"order": order, "x0": x0, "y0": y0, "x": x, "dy": dy}


def _texts(values: pd.Index) -> list[str]:
    """Text of distinct values; datetimes as ISO text without a 00:00 time."""
    if isinstance(values, pd.DatetimeIndex):
        text = values.strftime("%Y-%m-%d %H:%M").str.removesuffix(" 00:00")
        return [str(t) for t in text]
    if pd.api.types.infer_dtype(values, skipna=False) == "string":
        return list(values)  # factorize's distinct values hold no missing value
    return [v if isinstance(v, str) else str(v) for v in values]


def escape_all(values: pd.Index) -> list[str]:
    """
    Return ``[safe_text(v) for v in values]``, computed in one call when possible.

    `safe_text` escapes character by character, so escaping the values
    joined by a separator none of them contains, then splitting, gives the
    same texts much faster than 10^5 separate calls.
    """
    texts = _texts(values)
    for separator in ("\n", "\x1f", "\x00"):
        joined = separator.join(texts)
        if joined.count(separator) == len(texts) - 1:
            return safe_text(joined).split(separator) if texts else []
    return [safe_text(t) for t in texts]


def codes_and_table(column: pd.Series) -> tuple[NDArray[np.uint32], list[str]]:
    """
    Dictionary-encode `column`: one small int per row and a table of escaped text.

    Only the distinct values are escaped (with `safe_text`), so this stays fast
    for 10^6 rows. Missing values (None, NaN, NaT, "") get code 0, whose text
    is the empty string.

    Returns
    -------
    (codes, table)
        ``table[codes[i]]`` is the escaped text of row ``i``.
    """
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    table = ["", *escape_all(pd.Index(uniques))]
    out = (codes + 1).astype(np.uint32)
    lengths = np.fromiter(map(len, table), dtype=np.int64, count=len(table))
    blank = np.flatnonzero(lengths[1:] == 0) + 1
    if len(blank):
        out[np.isin(out, blank)] = 0
    return out, table


def _interval(value: object) -> tuple[int, int] | None:
    """Return (first, last) day since 1970 of an ISO date, month or year."""
    if isinstance(value, dt.datetime | pd.Timestamp):
        day = (value.date() - _EPOCH).days
        return day, day
    if isinstance(value, dt.date):
        day = (value - _EPOCH).days
        return day, day
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if _YEAR.fullmatch(text):
            year = int(text)
            first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        elif match := _MONTH.fullmatch(text):
            year, month = int(match[1]), int(match[2])
            first = dt.date(year, month, 1)
            following = dt.date(year + month // 12, month % 12 + 1, 1)
            last = following - dt.timedelta(days=1)
        elif _DAY.fullmatch(text):
            first = last = dt.date.fromisoformat(text[:10])
        else:
            return None
    except ValueError:
        return None
    return (first - _EPOCH).days, (last - _EPOCH).days


def day_intervals(
    column: pd.Series,
) -> tuple[NDArray[np.int64], NDArray[np.int64], list[int]]:
    """
    Turn dates into (first day, last day) since 1970-01-01, one pair per row.

    Accepts datetimes, dates and ISO text (``YYYY``, ``YYYY-MM``,
    ``YYYY-MM-DD``, optionally with a time); a year or month covers all its
    days. Missing values get `NO_DAY`.

    Returns
    -------
    (first, last, bad)
        ``bad`` lists the positions of values that are not dates.
    """
    values = column
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        values = column.dt.tz_localize(None) if column.dt.tz is not None else column
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    first_u = np.full(len(uniques) + 1, NO_DAY, dtype=np.int64)
    last_u = np.full(len(uniques) + 1, NO_DAY, dtype=np.int64)
    bad_codes = []
    for code, value in enumerate(uniques, start=1):
        interval = _interval(value)
        if interval is None:
            if not (isinstance(value, str) and value.strip() == ""):
                bad_codes.append(code)
            continue
        first_u[code], last_u[code] = interval
    shifted = codes + 1
    bad = np.flatnonzero(np.isin(shifted, bad_codes)).tolist() if bad_codes else []
    return first_u[shifted], last_u[shifted], bad


def _planes(values: NDArray[np.uint32], width: int) -> bytes:
    """Little-endian bytes of `values`, low bytes of every value first."""
    raw = values.astype("<u4").view(np.uint8).reshape(-1, 4)[:, :width]
    return raw.T.tobytes()


def _width(largest: int) -> int:
    return 1 if largest < 1 << 8 else 2 if largest < 1 << 16 else 4


@dataclass
class Payload:
    """
    The data of one points layer: a JSON header plus byte-plane columns.

    `encode` gives ``base64(zlib(u32 header length, header, arrays))``. Every
    string in the header is already escaped text, so the page's JavaScript
    only concatenates it into popups and never sees raw data.
    """

    header: dict[str, object]
    arrays: dict[str, tuple[NDArray[np.uint32], bool]] = field(default_factory=dict)

    def add_array(
        self, name: str, values: NDArray[np.uint32], *, delta: bool = False
    ) -> None:
        """Store `values` (one per point, in stored order) under `name`."""
        self.arrays[name] = (values.astype(np.uint32), delta)

    def to_bytes(self) -> bytes:
        """Return the uncompressed, deterministic binary form."""
        blobs: list[bytes] = []
        layout: dict[str, list[object]] = {}
        offset = 0
        for name in sorted(self.arrays):
            values, delta = self.arrays[name]
            width = _width(int(values.max()) if len(values) else 0)
            blob = _planes(values, width)
            layout[name] = [offset, width, "delta" if delta else "raw"]
            blobs.append(blob)
            offset += len(blob)
        header = dict(self.header, arrays=layout)
        text = json.dumps(
            header, sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode("utf-8")
        return len(text).to_bytes(4, "little") + text + b"".join(blobs)

    def compressed(self) -> bytes:
        """Return the zlib stream the browser inflates (DecompressionStream)."""
        return zlib.compress(self.to_bytes(), 6)
