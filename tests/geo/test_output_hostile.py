"""Issue 16: disk full, several outputs all-or-none, stale temporaries removed."""

from __future__ import annotations

import errno
import os
import subprocess
import time
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point

from kzmap.geo import (
    OutputError,
    OutputSet,
    UsageError,
    write_table,
    write_text_atomic,
)
from kzmap.geo._staging import remove_stale_temporaries

BIG = "x" * 200_000  # over the 64 KiB tmpfs


def test_disk_full_is_an_output_error_naming_the_file(full_disk: Path) -> None:
    with pytest.raises(OutputError, match=r"map\.html': No space left on device\."):
        write_text_atomic(full_disk / "map.html", BIG)
    assert list(full_disk.iterdir()) == []


@pytest.mark.parametrize("suffix", [".csv", ".gpkg", ".geojson"])
def test_disk_full_tables(full_disk: Path, suffix: str) -> None:
    frame = gpd.GeoDataFrame(
        {"name": [f"place {i} " * 20 for i in range(2000)]},
        geometry=[Point(70 + i / 1000, 45) for i in range(2000)],
        crs=4326,
    )
    with pytest.raises(OutputError, match=rf"out\{suffix}'"):
        write_table(frame, full_disk / f"out{suffix}")
    assert list(full_disk.iterdir()) == []


def _write_both(a: Path, text_a: str, b: Path, text_b: str) -> None:
    with OutputSet() as outputs:
        outputs.stage(a, lambda p: p.write_text(text_a))
        outputs.stage(b, lambda p: p.write_text(text_b))


def test_outputs_all_or_none_on_full_disk(tmp_path: Path, full_disk: Path) -> None:
    ok = tmp_path / "ok.html"
    ok.write_text("previous")
    with pytest.raises(OutputError, match="No space left"):
        _write_both(ok, "new page", full_disk / "embed.html", BIG)
    assert ok.read_text() == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["full", "ok.html"]
    assert list(full_disk.iterdir()) == []


def test_failed_rename_restores_earlier_outputs(tmp_path: Path, monkeypatch) -> None:
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    a.write_text("old a")
    real = os.replace

    def replace(src: object, dst: object) -> None:
        if Path(str(dst)) == b:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(OutputError, match=r"b\.html': No space"):
        _write_both(a, "new a", b, "new b")
    assert a.read_text() == "old a"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.html"]


def test_same_target_twice_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="named as two outputs"):
        _write_both(tmp_path / "x.html", "1", tmp_path / "x.html", "2")
    assert list(tmp_path.iterdir()) == []


def _dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_stale_temporaries_are_removed_safely(tmp_path: Path) -> None:
    old = time.time() - 2 * 3600
    dead = tmp_path / f".map.html.{_dead_pid()}-abcdefgh.tmp"  # killed run's folder
    dead.mkdir()
    (dead / "map.html").write_text("half")
    legacy = tmp_path / ".map.html.k3j_x9q2.tmp"  # older naming, 2 h old
    legacy.write_text("half")
    os.utime(legacy, (old, old))
    fresh = tmp_path / ".map.html.zzzzzzzz.tmp"  # no pid, recent: maybe in use
    fresh.write_text("busy")
    alive = tmp_path / f".map.html.{os.getpid()}-abcdefgh.tmp"  # a live writer
    alive.mkdir()
    other = tmp_path / ".other.html.k3j_x9q2.tmp"  # another target's
    other.write_text("x")
    os.utime(other, (old, old))
    link = tmp_path / ".map.html.linklink.tmp"  # never follow symlinks
    link.symlink_to(tmp_path / "elsewhere")
    os.utime(link, (old, old), follow_symlinks=False)
    unrelated = tmp_path / ".map.html.notours"
    unrelated.write_text("keep")
    os.utime(unrelated, (old, old))

    write_text_atomic(tmp_path / "map.html", "page")

    left = sorted(p.name for p in tmp_path.iterdir())
    assert dead.name not in left
    assert legacy.name not in left
    for kept in (fresh, alive, other, link, unrelated):
        assert kept.name in left
    assert "map.html" in left


def test_remove_stale_temporaries_on_missing_folder(tmp_path: Path) -> None:
    assert remove_stale_temporaries(tmp_path / "nope", "x.html") == []
