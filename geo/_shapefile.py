"""Shapefile specifics: sidecars, header counts, DBF text, zipped archives."""

from __future__ import annotations

import codecs
import stat
import struct
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

if TYPE_CHECKING:
    from kzmap.geo.problems import ProblemLog

__all__ = [
    "check_dbf_text",
    "compare_counts",
    "extract_zipped_shapefile",
    "gdal_encoding",
    "header_counts",
    "lost_records",
    "require_sidecars",
    "shapefile_encoding",
]

_SIDECARS = (".shx", ".dbf")
_MAX_MEMBERS = 1000
#: Unpacked/packed size ratio above which a large member counts as a zip bomb.
_MAX_RATIO = 200
_CHUNK = 1 << 20


def _sibling(shp: Path, ext: str) -> Path | None:
    """Return the file beside `shp` with extension `ext`, in any letter case."""
    for candidate in (shp.with_suffix(ext), shp.with_suffix(ext.upper())):
        if candidate.is_file():
            return candidate
    return None


def require_sidecars(shp: Path, log: ProblemLog) -> Path | None:
    """Fail naming each missing .shx/.dbf; return the .prj (None if missing)."""
    missing = [shp.with_suffix(e).name for e in _SIDECARS if _sibling(shp, e) is None]
    if missing:
        log.fail(
            "read.sidecar_missing",
            f"the Shapefile needs {' and '.join(missing)} beside it, not found. "
            "Copy every file of the Shapefile (.shp, .shx, .dbf, .prj, "
            ".cpg) together, or zip them.",
        )
    return _sibling(shp, ".prj")


def header_counts(shp: Path) -> tuple[int, int]:
    """Return the record counts in the .shx and .dbf headers."""
    shx, dbf = _sibling(shp, ".shx"), _sibling(shp, ".dbf")
    shx_count = (shx.stat().st_size - 100) // 8 if shx else -1
    dbf_count = -1
    if dbf:
        with dbf.open("rb") as fh:
            head = fh.read(8)
        if len(head) == 8:
            dbf_count = struct.unpack_from("<I", head, 4)[0]
    return shx_count, dbf_count


def shapefile_encoding(shp: Path, encoding: str | None) -> str:
    """Return the codec the .dbf text is in: `encoding`, the .cpg, else Latin-1."""
    if encoding:
        return encoding
    cpg = _sibling(shp, ".cpg")
    if cpg is not None:
        name = cpg.read_text("ascii", "replace").strip()
        name = f"cp{name}" if name.isdigit() else name
        try:
            return codecs.lookup(name).name
        except LookupError:
            pass
    # No usable .cpg: GDAL falls back to the header's language id or ISO-8859-1,
    # which decodes any byte, so there is nothing to check.
    return "latin-1"


def gdal_encoding(codec: str) -> str:
    """
    Return the name GDAL (iconv) knows for the Python codec `codec`.

    Examples
    --------
    >>> gdal_encoding("latin-1"), gdal_encoding("cp1251"), gdal_encoding("utf8")
    ('ISO-8859-1', 'CP1251', 'UTF-8')
    """
    try:
        name = codecs.lookup(codec).name
    except LookupError:
        return codec
    return name.upper().replace("ISO8859", "ISO-8859")


def _dbf_layout(name: str, data: bytes, log: ProblemLog) -> _DbfLayout:
    """Parse and check a .dbf header; a corrupt or truncated one is an error."""
    if len(data) < 32:
        log.fail("read.dbf", f"{name} is truncated (under 32 bytes).")
    n_records, header_len, record_len = struct.unpack_from("<IHH", data, 4)
    if header_len < 33 or header_len > len(data) or record_len < 1:
        log.fail(
            "read.dbf",
            f"{name} has a corrupt header (header {header_len} bytes, records "
            f"{record_len} bytes, file {len(data)} bytes): the .dbf is truncated "
            "or damaged; re-export the Shapefile.",
        )
    fields: list[tuple[str, bytes, int, int]] = []
    offset, pos = 1, 32
    while pos + 32 <= header_len and data[pos] != 0x0D:
        field = data[pos : pos + 11].split(b"\x00")[0].decode("latin-1")
        kind, size = data[pos + 11 : pos + 12], data[pos + 16]
        if offset + size > record_len:
            log.fail(
                "read.dbf",
                f"{name}: the field runs past the {record_len}-byte record "
                "(the header is corrupt); re-export the Shapefile.",
                field=field,
            )
        fields.append((field, kind, offset, size))
        offset, pos = offset + size, pos + 32
    complete = (len(data) - header_len) // record_len
    return _DbfLayout(n_records, header_len, record_len, fields, complete)


class _DbfLayout(NamedTuple):
    records: int
    header_len: int
    record_len: int
    fields: list[tuple[str, bytes, int, int]]
    complete: int  # records actually present in full in the file


def check_dbf_text(shp: Path, codec: str, log: ProblemLog) -> None:
    """Log one error per DBF text field value that does not decode with `codec`."""
    dbf = _sibling(shp, ".dbf")
    if dbf is None:
        return
    data = dbf.read_bytes()
    layout = _dbf_layout(dbf.name, data, log)
    text_fields = [f for f in layout.fields if f[1] == b"C"]
    feature = 0
    for record in range(min(layout.records, layout.complete)):
        start = layout.header_len + record * layout.record_len
        row = data[start : start + layout.record_len]
        if row[:1] == b"*":
            continue
        for name, _, off, size in text_fields:
            raw = row[off : off + size].rstrip(b" \x00")
            try:
                raw.decode(codec)
            except UnicodeDecodeError as err:
                log.add(
                    "encoding.decode",
                    f"{raw!r} is not valid {codec} ({err.reason} at byte "
                    f"{err.start}). Pass `encoding=` with the .dbf's real encoding "
                    "(e.g. 'cp1251', 'cp866', 'latin-1') or fix its .cpg file.",
                    feature=feature,
                    field=name,
                )
        feature += 1


def lost_records(shp: Path, log: ProblemLog) -> tuple[int, int, list[int]]:
    """
    Return the record count, how many records are lost, and which ones.

    A record is lost when the .shx points past the end of the .shp, or its
    row lies past the end of the .dbf. The count is the larger of the .shx
    and .dbf header counts. Only records GDAL can return (below the .shx
    count or the .dbf rows present) are listed, so a header claiming
    billions of records costs nothing.
    """
    shx, dbf = _sibling(shp, ".shx"), _sibling(shp, ".dbf")
    lost: set[int] = set()
    total = 0
    if shx is not None:
        index = shx.read_bytes()[100:]
        total = len(index) // 8
        pairs = np.frombuffer(index[: total * 8], dtype=">i4").astype(np.int64)
        offset, length = pairs[0::2], pairs[1::2]
        bad = (
            (offset < 50)
            | (length < 0)
            | (2 * (offset + 4 + length) > shp.stat().st_size)
        )
        lost.update(int(i) for i in np.flatnonzero(bad))
    n_lost = len(lost)
    if dbf is not None:
        layout = _dbf_layout(dbf.name, dbf.read_bytes(), log)
        listed = max(total, layout.complete)
        lost.update(range(layout.complete, min(layout.records, listed)))
        n_lost = len(lost) + max(0, layout.records - max(listed, layout.complete))
        total = max(total, layout.records)
    return total, n_lost, sorted(lost)


def _member_problem(info: zipfile.ZipInfo) -> str | None:
    name = info.filename
    posix = PurePosixPath(name)
    if name.startswith(("/", "\\")) or "\\" in name or ":" in posix.parts[0]:
        return "an absolute or Windows path"
    if ".." in posix.parts:
        return "a '..' path component"
    if stat.S_ISLNK(info.external_attr >> 16):
        return "a symbolic link"
    return None


def _check_archive(zf: zipfile.ZipFile, log: ProblemLog, max_bytes: int) -> None:
    infos = zf.infolist()
    if len(infos) > _MAX_MEMBERS:
        log.fail(
            "limit.zip_members",
            f"the archive has {len(infos)} members, over the limit of {_MAX_MEMBERS}.",
        )
    for info in infos:
        if info.flag_bits & 0x1:
            log.fail(
                "read.zip_encrypted",
                f"member {info.filename!r} is encrypted (password-protected); "
                "kzmap does not open encrypted archives. Unzip it with its "
                "password and pass the .shp, or zip it again without one.",
            )
        reason = _member_problem(info)
        if reason is not None:
            log.fail(
                "read.zip_member",
                f"member {info.filename!r} has {reason}; kzmap refuses archives "
                "that could write outside their folder (zip-slip).",
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _CHUNK and ratio > _MAX_RATIO:
            log.fail(
                "limit.zip_ratio",
                f"member {info.filename!r} unpacks {ratio:.0f}x its packed size "
                f"(limit {_MAX_RATIO}x); refused as a possible zip bomb.",
            )
    total = sum(i.file_size for i in infos)
    if total > max_bytes:
        log.fail(
            "limit.bytes",
            f"the archive unpacks to {total} bytes, over the limit of {max_bytes}. "
            "If it is trusted, pass a larger `max_bytes=`.",
        )


def _choose_shp(zf: zipfile.ZipFile, log: ProblemLog, layer: str | None) -> str:
    shps = [
        n
        for n in zf.namelist()
        if n.lower().endswith(".shp") and not n.startswith("__MACOSX/")
    ]
    if layer is not None:
        chosen = [n for n in shps if layer in (n, PurePosixPath(n).stem)]
    else:
        chosen = shps
    if len(chosen) == 1:
        return chosen[0]
    if not shps:
        log.fail("read.zip_no_shp", "the archive holds no .shp file.")
    names = ", ".join(repr(n) for n in shps)
    if layer is not None:
        log.fail(
            "usage.layer", f"no Shapefile named {layer!r}; the archive has {names}."
        )
    log.fail(
        "usage.layer",
        f"the archive holds several Shapefiles ({names}); pass `layer=` with one "
        "of them (in the CLI: --layer).",
    )
    return ""  # not reached: log.fail raises


def extract_zipped_shapefile(
    path: Path, folder: Path, log: ProblemLog, *, layer: str | None, max_bytes: int
) -> tuple[Path, str]:
    """
    Copy one Shapefile's members from the zip `path` into `folder`.

    Members are written under fixed names (``layer.shp``, ``layer.dbf`` …), so
    member names never become paths. Returns the .shp path and the member name.
    """
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as err:
        log.fail("read.zip", f"not a readable zip archive ({err}).", cause=err)
    with zf:
        _check_archive(zf, log, max_bytes)
        member = _choose_shp(zf, log, layer)
        stem = member[: -len(".shp")]
        by_lower = {n.lower(): n for n in zf.namelist()}
        missing = []
        for ext in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
            name = by_lower.get((stem + ext).lower())
            if name is None:
                if ext in _SIDECARS:
                    missing.append(PurePosixPath(stem + ext).name)
                continue
            _copy_member(zf, name, folder / f"layer{ext}", max_bytes, log)
        if missing:
            log.fail(
                "read.sidecar_missing",
                f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} "
                "missing from the archive; a Shapefile "
                "needs its .shx and .dbf beside the .shp. Re-create the zip with "
                "every file of the Shapefile.",
            )
    return folder / "layer.shp", member


def _copy_member(
    zf: zipfile.ZipFile, name: str, target: Path, max_bytes: int, log: ProblemLog
) -> None:
    written = 0
    try:
        with zf.open(name) as src, target.open("wb") as dst:
            while chunk := src.read(_CHUNK):
                written += len(chunk)
                if written > max_bytes:
                    log.fail(
                        "limit.bytes",
                        f"member {name!r} unpacks to more than {max_bytes} bytes. "
                        "If it is trusted, pass a larger `max_bytes=`.",
                    )
                dst.write(chunk)
    except (
        zipfile.BadZipFile,
        OSError,
        EOFError,
        zlib.error,
        NotImplementedError,
        RuntimeError,
    ) as err:
        log.fail("read.zip", f"member {name!r} is corrupt ({err}).", cause=err)


def compare_counts(path: Path, rows: int, log: ProblemLog) -> None:
    shx, dbf = header_counts(path)
    if rows not in (shx, dbf) or shx != dbf:
        log.add(
            "shapefile.count_mismatch",
            f"{rows} features were read, but the "
            f".shx lists {shx} and the .dbf header {dbf} records: the "
            "Shapefile is truncated or corrupt; re-export it.",
            severity="warning",
        )
