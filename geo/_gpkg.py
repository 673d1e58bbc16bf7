"""
GeoPackage specifics checked with SQLite directly (read-only, untrusted schema).

Before GDAL opens a GeoPackage, kzmap looks at it with Python's sqlite3 under
a wall-clock budget (a progress handler interrupts any query past it):

- GeoPackage metadata tables (``gpkg_contents`` …) must be tables, and no
  view may use a recursive query (``WITH RECURSIVE``), which can run for
  ever; such files are refused before GDAL touches them.
- The chosen layer's rows are counted and its largest geometry blob is
  measured with ``length(geom)`` (which reads no blob content); a layer over
  the time budget, the feature limit or the blob size cap is refused. The
  query computes every geometry of the layer, as GDAL's read will, so a view
  that passes the budget costs GDAL about as much again, not unboundedly more.
- Its TEXT values must be valid UTF-8.
"""

from __future__ import annotations

import re
import sqlite3
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from kzmap.geo._options import Engine
    from kzmap.geo.problems import ProblemLog

__all__ = ["check_gpkg_file", "check_gpkg_layer", "gpkg_layers"]

_MAX_LAYERS = 1000
_GPKG_IDS = (b"GPKG", b"GP10", b"GP11")
_META_TABLES = ("gpkg_contents", "gpkg_geometry_columns", "gpkg_spatial_ref_sys")
_RECURSIVE = re.compile(r"\bRECURSIVE\b", re.IGNORECASE)
#: SQLite virtual-machine steps between two checks of the clock.
_STEPS = 10_000


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@contextmanager
def _connect(
    path: Path, log: ProblemLog, max_seconds: float
) -> Iterator[sqlite3.Connection]:
    """Open `path` read-only, with a wall-clock budget on every statement."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        con = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as err:
        log.fail("read.gpkg", f"cannot open the GeoPackage ({err}).", cause=err)
    deadline = time.monotonic() + max_seconds
    con.set_progress_handler(lambda: int(time.monotonic() > deadline), _STEPS)
    # Names and SQL of an untrusted file may not be UTF-8: never fail decoding them.
    con.text_factory = lambda raw: raw.decode("utf-8", "replace")
    try:
        con.execute("PRAGMA trusted_schema=OFF")
        yield con
    except sqlite3.OperationalError as err:
        if "interrupt" not in str(err):
            log.fail("read.gpkg", f"cannot read the GeoPackage ({err}).", cause=err)
        log.fail(
            "limit.time",
            f"checking the GeoPackage took over {max_seconds:g} s (the layer may "
            "be a view over a huge or endless query); refused. If the file is "
            "trusted, pass a larger `max_seconds=`.",
            cause=err,
        )
    except (sqlite3.Error, UnicodeError, ValueError) as err:
        log.fail("read.gpkg", f"cannot read the GeoPackage ({err}).", cause=err)
    finally:
        con.close()


def check_gpkg_file(path: Path, log: ProblemLog, *, max_seconds: float) -> None:
    """Refuse GeoPackages whose metadata are views or that hold recursive views."""
    with _connect(path, log, max_seconds) as con:
        kinds = dict(
            con.execute(
                "SELECT name, type FROM sqlite_master WHERE name IN (?, ?, ?)",
                _META_TABLES,
            ).fetchall()
        )
        for name in _META_TABLES:
            if kinds.get(name, "table") != "table":
                log.fail(
                    "read.gpkg",
                    f"{name} is a {kinds[name]}, not a table; kzmap opens only "
                    "GeoPackages whose metadata are plain tables.",
                )
        for name, sql in con.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'view'"
        ):
            if isinstance(sql, str) and _RECURSIVE.search(sql):
                log.fail(
                    "limit.recursive_view",
                    f"view {name!r} uses a recursive query (WITH RECURSIVE), "
                    "which can run for ever; kzmap refuses such GeoPackages. "
                    "Export the layer's rows to a plain table.",
                )


def check_gpkg_layer(
    path: Path,
    layer: str,
    log: ProblemLog,
    *,
    max_seconds: float,
    max_features: int,
    max_geometry_bytes: int,
) -> None:
    """
    Check `layer` within `max_seconds`: row count, geometry sizes, UTF-8 text.

    The row count is compared with `max_features` here, before GDAL reads a
    single row (a small file can hold a view of 10^8 rows).

    pyogrio raises on a non-UTF-8 value without naming it, and fiona silently
    returns None; checking the bytes here gives both engines the same,
    located error (one per value).
    """
    with _connect(path, log, max_seconds) as con:
        row = con.execute(
            "SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?",
            (layer,),
        ).fetchone()
        geom = _quote(str(row[0])) if row is not None else "NULL"
        query = f"SELECT count(*), max(length({geom})) FROM {_quote(layer)}"
        count, biggest = con.execute(query).fetchone()
        if count > max_features:
            log.fail(
                "limit.features",
                f"the layer has {count} features, over the limit of "
                f"{max_features}; pass a larger `max_features=`.",
            )
        if row is not None:
            biggest = biggest or 0
            if biggest > max_geometry_bytes:
                log.fail(
                    "limit.geometry_bytes",
                    f"a geometry takes {biggest} bytes, over the limit of "
                    f"{max_geometry_bytes} (decoding it would take many times "
                    "that in memory). If the file is trusted, pass a larger "
                    "`max_geometry_bytes=`.",
                    field=str(row[0]),
                )
        _check_text(con, layer, log)


def _check_text(con: sqlite3.Connection, layer: str, log: ProblemLog) -> None:
    columns = [
        str(row[1])
        for row in con.execute(f"PRAGMA table_info({_quote(layer)})")
        if str(row[2]).upper().startswith("TEXT")
    ]
    con.text_factory = bytes
    for column in columns:
        query = f"SELECT {_quote(column)} FROM {_quote(layer)} ORDER BY rowid"
        for feature, (value,) in enumerate(con.execute(query)):
            if not isinstance(value, bytes):
                continue
            try:
                value.decode("utf-8")
            except UnicodeDecodeError as err:
                log.add(
                    "encoding.decode",
                    f"{value[:40]!r} is not valid UTF-8 ({err.reason} at byte "
                    f"{err.start}); GeoPackage text must be UTF-8. Fix the "
                    "value in the file.",
                    feature=feature,
                    field=column,
                )


def gpkg_layers(
    path: Path, engine: Engine, log: ProblemLog, max_seconds: float
) -> list[str]:
    """List the layers with `engine`, after the checks of `check_gpkg_file`."""
    with path.open("rb") as fh:
        fh.seek(68)
        app_id = fh.read(4)
    if app_id not in _GPKG_IDS:
        log.fail(
            "read.content_mismatch",
            f"the SQLite file is not a GeoPackage (application_id {app_id!r}); "
            "kzmap opens only GeoPackages, not other SQLite databases.",
        )
    check_gpkg_file(path, log, max_seconds=max_seconds)
    try:
        if engine == "fiona":
            import fiona  # noqa: PLC0415

            names = [str(n) for n in fiona.listlayers(path)]
        else:
            import pyogrio  # noqa: PLC0415

            names = [str(n) for n in pyogrio.list_layers(path)[:, 0]]
    except Exception as err:
        log.fail(
            "read.gpkg", f"cannot list the GeoPackage's layers ({err}).", cause=err
        )
    if len(names) > _MAX_LAYERS:
        log.fail(
            "limit.layers",
            f"the GeoPackage has {len(names)} layers, over the limit of {_MAX_LAYERS}.",
        )
    return names
