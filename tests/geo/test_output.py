from __future__ import annotations

from pathlib import Path

import pytest

from kzmap.geo import OutputError, UsageError, write_atomic, write_text_atomic


def test_failure_keeps_previous_file_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "map.html"
    target.write_text("good")

    def broken(tmp: Path) -> None:
        tmp.write_text("half")
        raise RuntimeError("render failed")

    with pytest.raises(RuntimeError, match="render failed"):
        write_atomic(target, broken)
    assert target.read_text() == "good"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.html"]


def test_refuses_to_overwrite_an_input(tmp_path: Path) -> None:
    src = tmp_path / "in.geojson"
    src.write_text("{}")
    with pytest.raises(UsageError, match="it is also an input"):
        write_text_atomic(src, "x", inputs=[src])
    assert src.read_text() == "{}"


def test_replaces_a_symlink_instead_of_writing_through(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    link = tmp_path / "out.html"
    link.symlink_to(victim)
    write_text_atomic(link, "new")
    assert victim.read_text() == "keep"
    assert not link.is_symlink()
    assert link.read_text() == "new"


def test_missing_folder_is_an_output_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="No such file or directory"):
        write_text_atomic(tmp_path / "nope" / "x.html", "x")
