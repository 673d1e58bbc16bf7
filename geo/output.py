"""Atomic output: write to a temporary file beside the target, then rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from kzmap.geo.errors import OutputError, UsageError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

__all__ = ["write_atomic", "write_bytes_atomic", "write_text_atomic"]


def write_atomic(
    path: str | os.PathLike[str],
    writer: Callable[[Path], None],
    *,
    inputs: Iterable[str | os.PathLike[str]] = (),
) -> Path:
    """
    Produce `path` by calling ``writer(tmp_path)`` and renaming the result into place.

    The temporary file sits in the target's folder so the final ``os.replace``
    is atomic. On any failure (including KeyboardInterrupt) the temporary file
    is removed and a previous file at `path` is left untouched. A symlink at
    `path` is replaced, never written through.

    Parameters
    ----------
    path
        The output file, taken as given (no normalisation of ``..``).
    writer
        Called with the temporary path; it must create that file.
    inputs
        Files the output was made from; writing over one of them is refused.

    Returns
    -------
    pathlib.Path
        `path` as a Path.

    Raises
    ------
    UsageError
        If `path` is one of `inputs`, or names a directory.
    OutputError
        If the folder of `path` does not exist or is not writable.
    """
    target = Path(path)
    if target.is_dir():
        msg = f"Output path {str(target)!r} is a directory; give a file name."
        raise UsageError(msg)
    for src in inputs:
        if target.exists() and Path(src).exists() and os.path.samefile(src, target):
            msg = (
                f"Refusing to write {str(target)!r}: it is also an input. "
                "Choose another output path."
            )
            raise UsageError(msg)
    folder = target.parent if str(target.parent) else Path()
    try:
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".tmp", dir=folder
        )
    except OSError as err:
        msg = f"Cannot write {str(target)!r}: {err.strerror} ({str(folder)!r})."
        raise OutputError(msg) from err
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        writer(tmp)
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        tmp.chmod(0o644)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    return target


def write_bytes_atomic(
    path: str | os.PathLike[str],
    data: bytes,
    *,
    inputs: Iterable[str | os.PathLike[str]] = (),
) -> Path:
    """Write `data` to `path` atomically (see `write_atomic`)."""

    def _write(tmp: Path) -> None:
        tmp.write_bytes(data)

    return write_atomic(path, _write, inputs=inputs)


def write_text_atomic(
    path: str | os.PathLike[str],
    text: str,
    *,
    inputs: Iterable[str | os.PathLike[str]] = (),
) -> Path:
    """Write `text` as UTF-8 to `path` atomically (see `write_atomic`)."""
    return write_bytes_atomic(path, text.encode("utf-8"), inputs=inputs)
