"""GeoPackage specifics checked with SQLite directly (read-only, untrusted schema)."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from kzmap.geo.problems import ProblemLog

__all__ = ["check_gpkg_text"]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def check_gpkg_text(path: Path, layer: str, log: ProblemLog) -> None:
    """
    Log one error per TEXT value of `layer` that is not valid UTF-8.

    pyogrio raises on such a value without naming it, and fiona silently
    returns None; checking the bytes here gives both engines the same,
    located error. The file is opened read-only with ``trusted_schema=OFF``.
    """
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        con = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as err:
        log.fail("read.gpkg", f"cannot open the GeoPackage ({err}).", cause=err)
    try:
        con.execute("PRAGMA trusted_schema=OFF")
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
    except sqlite3.Error as err:
        log.fail("read.gpkg", f"cannot read layer {layer!r} ({err}).", cause=err)
    finally:
        con.close()
