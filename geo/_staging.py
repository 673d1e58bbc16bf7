"""
Staged outputs: write every file of a command beside its target, then rename all.

Each output is written into a staging folder ``.NAME.PID-XXXXXXXX.tmp`` in the
target's folder (same file system, so the final rename is atomic), under its
real name (a browser loading a staged page sees ``.html``). Only when every
output is written and synced are they renamed into place; if one rename
fails, the targets already replaced are restored from hard-link backups. So a
command's outputs are all written or none, and previous files stay intact.

Staging folders (and the older ``.NAME.XXXXXXXX.tmp`` files) left by a killed
run are removed by the next write to the same target: those whose process no
longer exists, or that are older than `STALE_SECONDS`.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import stat
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from kzmap.geo.errors import KzmapError, OutputError, UsageError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from types import TracebackType

__all__ = ["STALE_SECONDS", "OutputSet", "check_target", "remove_stale_temporaries"]

#: A temporary of ours without a live owner process is removed after this age.
STALE_SECONDS = 3600


def check_target(target: Path, inputs: Iterable[str | os.PathLike[str]]) -> Path:
    """Refuse directories and inputs; return the target's folder."""
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
    return target.parent if str(target.parent) else Path()


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists but is not ours (EPERM): alive
        return True
    return True


def remove_stale_temporaries(
    folder: Path, name: str, *, max_age: float = STALE_SECONDS
) -> list[Path]:
    """
    Remove temporaries of target `name` in `folder` left behind by killed runs.

    Only entries named like kzmap's (``.NAME.PID-XXXXXXXX.tmp``, or the older
    ``.NAME.XXXXXXXX.tmp``), owned by the current user, that are regular files
    or real folders (never symlinks) are considered. One with a PID is removed
    when no process has that PID (or it is older than `max_age` seconds); one
    without a PID only when older than `max_age`. Errors are ignored.

    Returns
    -------
    list of pathlib.Path
        The entries removed.
    """
    pattern = re.compile(rf"^\.{re.escape(name)}\.(?:(\d+)-)?[a-z0-9_]{{8}}\.tmp$")
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        match = pattern.match(entry.name)
        if match is None:
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if info.st_uid != os.getuid() or stat.S_ISLNK(info.st_mode):
            continue
        old = now - info.st_mtime > max_age
        pid = int(match[1]) if match[1] else None
        dead = pid is not None and pid != os.getpid() and not _pid_alive(pid)
        if not (old or dead):
            continue
        path = Path(entry.path)
        with contextlib.suppress(OSError):
            if stat.S_ISDIR(info.st_mode):
                shutil.rmtree(path)
            elif stat.S_ISREG(info.st_mode):
                path.unlink()
            removed.append(path)
    return removed


def _fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable (no-op where directories can't be synced)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _cannot(target: Path, err: OSError) -> OutputError:
    reason = err.strerror or str(err)
    return OutputError(f"Cannot write {str(target)!r}: {reason}.")


class OutputSet:
    """
    Outputs of one command, written all or none.

    Use as a context manager: `stage` writes each output into a staging
    folder beside its target; leaving the block without an exception renames
    them all into place (`commit`), an exception removes them (`discard`).

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> with OutputSet() as outputs:
    ...     _ = outputs.stage(folder / "a.txt", lambda p: p.write_text("a"))
    ...     _ = outputs.stage(folder / "b.txt", lambda p: p.write_text("b"))
    >>> sorted(p.name for p in folder.iterdir())
    ['a.txt', 'b.txt']
    """

    def __init__(self) -> None:
        self._staged: list[tuple[Path, Path, Path]] = []  # target, stage, tmp

    def __enter__(self) -> OutputSet:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()

    def stage(
        self,
        path: str | os.PathLike[str],
        writer: Callable[[Path], None],
        *,
        inputs: Iterable[str | os.PathLike[str]] = (),
    ) -> Path:
        """
        Call ``writer(tmp)`` to write the output `path` into a staging folder.

        Returns the staged file (named like `path`), usable until `commit`.

        Raises
        ------
        UsageError
            If `path` is a directory, one of `inputs`, or already staged.
        OutputError
            If the staging folder cannot be made or the writer fails with an
            OSError (disk full, permission, quota).
        """
        target = Path(path)
        folder = check_target(target, inputs)
        if any(
            os.path.abspath(t) == os.path.abspath(target) for t, _, _ in self._staged
        ):
            msg = f"{str(target)!r} is named as two outputs of one command."
            raise UsageError(msg)
        remove_stale_temporaries(folder, target.name)
        try:
            stage = Path(
                tempfile.mkdtemp(
                    prefix=f".{target.name}.{os.getpid()}-", suffix=".tmp", dir=folder
                )
            )
        except OSError as err:
            raise _cannot(target, err) from err
        tmp = stage / target.name
        self._staged.append((target, stage, tmp))
        try:
            writer(tmp)
        except KzmapError:
            raise
        except OSError as err:
            raise _cannot(target, err) from err
        if not tmp.is_file():
            msg = f"Cannot write {str(target)!r}: the writer produced no file."
            raise OutputError(msg)
        return tmp

    def discard(self) -> None:
        """Remove every staged output; targets are left as they were."""
        for _, stage, _ in self._staged:
            shutil.rmtree(stage, ignore_errors=True)
        self._staged.clear()

    def commit(self) -> list[Path]:
        """
        Sync every staged output and rename it over its target.

        Raises
        ------
        OutputError
            If an output cannot be synced or renamed; targets already renamed
            are then restored (or removed if they did not exist before).
        """
        done: list[tuple[Path, Path | None, bool]] = []
        try:
            for target, _, tmp in self._staged:
                try:
                    with tmp.open("rb") as fh:
                        os.fsync(fh.fileno())
                    tmp.chmod(0o644)
                except OSError as err:
                    raise _cannot(target, err) from err
            for target, stage, tmp in self._staged:
                existed = os.path.lexists(target)
                backup = _backup(target, stage) if existed else None
                try:
                    os.replace(tmp, target)
                except OSError as err:
                    raise _cannot(target, err) from err
                done.append((target, backup, existed))
        except BaseException:
            _restore(done)
            self.discard()
            raise
        for target, _, _ in self._staged:
            _fsync_dir(target.parent if str(target.parent) else Path())
        written = [target for target, _, _ in self._staged]
        self.discard()
        return written


def _backup(target: Path, stage: Path) -> Path | None:
    """Hard-link the current `target` into `stage`, so a rename can be undone."""
    backup = stage / ".previous"
    try:
        os.link(target, backup, follow_symlinks=False)
    except OSError:
        return None
    return backup


def _restore(done: list[tuple[Path, Path | None, bool]]) -> None:
    """Undo renames: put backups back, remove targets that were new."""
    for target, backup, existed in reversed(done):
        with contextlib.suppress(OSError):
            if backup is not None:
                os.replace(backup, target)
            elif not existed:
                target.unlink()
