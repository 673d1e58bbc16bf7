from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kzmap.maps.cli import main


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == "0.1.0"


def test_layers_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["layers"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split()[:4] == ["NAME", "TITLE", "GEOMETRY", "FEATURES"]
    assert any(line.startswith("countries ") for line in out.splitlines())


def test_render_default_writes_kazakhstan_html(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["render"]) == 0
    page = (tmp_path / "kazakhstan.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "Kazakhstan" in page


def test_render_output_option(tmp_path: Path) -> None:
    assert main(["render", "-o", str(tmp_path / "x.html")]) == 0
    assert (tmp_path / "x.html").stat().st_size > 100_000


def test_bad_usage_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["render", "--tiles", "mars"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'mars'" in capsys.readouterr().err


def test_unwritable_output_exits_1_with_message(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "kzmap.maps.cli",
            "render",
            "-o",
            str(tmp_path / "no" / "x.html"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("kzmap: error: Cannot write")
    assert "Traceback" not in result.stderr
