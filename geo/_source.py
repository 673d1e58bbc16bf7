"""Which files kzmap opens: local regular files of an allowed format, within limits."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from kzmap.geo.problems import ProblemLog

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_FEATURES",
    "FORMATS",
    "Format",
    "detect_format",
    "require_local_file",
]

Format = Literal["geojson", "gpkg", "shp", "zip", "parquet", "csv"]

#: File extension -> format. GDAL picks its driver from the *content*, so the
#: extension alone is never trusted: `detect_format` also checks magic bytes.
FORMATS: dict[str, Format] = {
    ".geojson": "geojson",
    ".json": "geojson",
    ".gpkg": "gpkg",
    ".shp": "shp",
    ".zip": "zip",
    ".parquet": "parquet",
    ".geoparquet": "parquet",
    ".csv": "csv",
}

#: Default cap on features (or CSV rows) per layer; pass ``max_features=`` to raise.
DEFAULT_MAX_FEATURES = 1_000_000
#: Default cap on file size in bytes (also on a zip's unpacked members).
DEFAULT_MAX_BYTES = 512 * 1024 * 1024

_NAMES: dict[Format, str] = {
    "geojson": "GeoJSON",
    "gpkg": "GeoPackage",
    "shp": "a Shapefile",
    "zip": "a zip archive",
    "parquet": "Parquet",
    "csv": "CSV text",
}
_MAGIC: dict[Format, tuple[bytes, ...]] = {
    "gpkg": (b"SQLite format 3\x00",),
    "shp": (b"\x00\x00\x27\x0a",),
    "zip": (b"PK\x03\x04", b"PK\x05\x06"),
    "parquet": (b"PAR1",),
}

# "/vsicurl/…", "https://…", "GeoJSON:file", "GPKG:file:table": anything that
# would make GDAL reach the network, an archive or a forced driver.
_VSI = re.compile(r"^/vsi[a-z0-9_]*/", re.IGNORECASE)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")
_DRIVER_PREFIX = re.compile(r"^[A-Za-z][A-Za-z0-9 _\-]+:")


def require_local_file(path: object, log: ProblemLog, *, max_bytes: int) -> Path:
    """
    Return `path` as a Path if it names a local regular file within `max_bytes`.

    Raises (through `log`) ReadError for URLs, ``/vsi*`` paths, ``DRIVER:``
    prefixes, missing files, directories, devices, FIFOs, empty files and
    files over the limit; TypeError if `path` is not a str or PathLike.
    """
    if not isinstance(path, str | os.PathLike):
        msg = f"`path` must be a str or os.PathLike, got {type(path).__name__}."
        raise TypeError(msg)
    text = os.fspath(path)
    if not isinstance(text, str):
        msg = f"`path` must be a text path, got bytes {text!r}."
        raise TypeError(msg)
    if _VSI.match(text) or _SCHEME.match(text) or _DRIVER_PREFIX.match(text):
        log.fail(
            "read.not_local",
            "expected a path to a local file, found a URL, GDAL virtual file "
            "system (/vsi…) or DRIVER: prefix. Download the file and pass its "
            "local path.",
        )
    p = Path(text)
    try:
        info = p.stat()
    except FileNotFoundError:
        log.fail("read.missing", "no such file.")
    except OSError as err:
        log.fail("read.os", f"cannot open the file: {err.strerror}.", cause=err)
    if not stat.S_ISREG(info.st_mode):
        kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        log.fail("read.not_a_file", f"expected a regular file, found {kind}.")
    if info.st_size == 0:
        log.fail(
            "read.empty", "the file is empty (0 bytes); expected a layer with data."
        )
    if info.st_size > max_bytes:
        log.fail(
            "limit.bytes",
            f"the file has {info.st_size} bytes, over the limit of {max_bytes}. "
            "If it is trusted, pass a larger `max_bytes=`.",
        )
    return p


def detect_format(path: Path, log: ProblemLog) -> Format:
    """Return the format named by the extension, after checking the content."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        log.fail(
            "read.extension",
            f"unsupported extension {path.suffix!r}; kzmap reads "
            f"{', '.join(sorted(FORMATS))}. Rename the file if its content is one "
            "of these.",
        )
    with path.open("rb") as fh:
        head = fh.read(4096)
    if fmt == "geojson":
        probe = head.removeprefix(b"\xef\xbb\xbf").lstrip()
        ok = probe.startswith(b"{")
    elif fmt == "csv":
        ok = b"\x00" not in head and not head.lstrip().startswith(b"<")
    else:
        ok = head.startswith(_MAGIC[fmt])
    if not ok:
        log.fail(
            "read.content_mismatch",
            f"the content is not {_NAMES[fmt]} although the extension "
            f"{path.suffix!r} says so (it starts with {head[:16]!r}). kzmap opens "
            "files only with the format their extension names; rename the file "
            "to match its format.",
        )
    return fmt
