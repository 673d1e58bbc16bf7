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


def _user_layer(tmp_path: Path) -> Path:
    import geopandas as gpd
    from shapely.geometry import Point

    frame = gpd.GeoDataFrame(
        {"name_en": ["Seizure"], "market": ["heroin trade"], "source": ["Test"]},
        geometry=[Point(69.2, 41.4)],
        crs=4326,
    )
    path = tmp_path / "seizures.geojson"
    frame.to_file(path, driver="GeoJSON")
    return path


def test_render_spec_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    layer = _user_layer(tmp_path)
    spec = tmp_path / "brief.toml"
    spec.write_text(
        f'title = "Brief"\nfocus = "layers"\n[[layers]]\npath = "{layer.name}"\n'
        f'[output]\nhtml = "{(tmp_path / "brief.html").as_posix()}"\n',
        encoding="utf-8",
    )
    assert main(["render", "--spec", str(spec), "--lang", "ru"]) == 0
    page = (tmp_path / "brief.html").read_text(encoding="utf-8")
    assert '<html lang="ru">' in page
    assert "Торговля героином" in page
    assert capsys.readouterr().out.strip() == str(tmp_path / "brief.html")


def test_render_layers_add_region(tmp_path: Path) -> None:
    layer = _user_layer(tmp_path)
    out = tmp_path / "x.html"
    args = ["render", "--layers", "countries", "--add", str(layer), "--region", "UZ"]
    assert main([*args, "--title", "T", "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "seizures" in page
    assert "International borders" in page  # basemap under the listed layers


def test_render_default_with_add_and_embed(tmp_path: Path) -> None:
    layer = _user_layer(tmp_path)
    out, embed = tmp_path / "d.html", tmp_path / "d.embed.html"
    assert (
        main(["render", "--add", str(layer), "-o", str(out), "--embed", str(embed)])
        == 0
    )
    assert embed.read_text(encoding="utf-8").startswith("<iframe")


def test_list_specs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", "--list-specs"]) == 0
    assert "saryagash_tunnels" in capsys.readouterr().out.split()


def test_missing_layer_exits_1_listing_layers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["render", "--layers", "nope", "-o", str(tmp_path / "x.html")])
    assert code == 1
    assert "No packaged layer named 'nope'. Available: " in capsys.readouterr().err


def test_bad_spec_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = tmp_path / "bad.toml"
    spec.write_text('[[layers]]\nname = "countries"\nshape = "x"\n', encoding="utf-8")
    assert main(["render", "--spec", str(spec)]) == 2
    assert "unknown key 'shape'" in capsys.readouterr().err


def test_spec_and_layers_do_not_mix(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", "--spec", "northern_route", "--layers", "countries"]) == 2
    assert "--layers cannot be combined with --spec" in capsys.readouterr().err


def test_hostile_file_name_is_escaped(tmp_path: Path) -> None:
    import geopandas as gpd
    from shapely.geometry import Point

    path = tmp_path / "<svg onload=alert(1)>{{7*7}}.geojson"
    gpd.GeoDataFrame({"name_en": ["x"]}, geometry=[Point(70, 45)], crs=4326).to_file(
        path, driver="GeoJSON"
    )
    out = tmp_path / "x.html"
    assert (
        main(["render", "--layers", "borders", "--add", str(path), "-o", str(out)]) == 0
    )
    page = out.read_text(encoding="utf-8")
    assert "<svg onload" not in page
    assert "{{7*7}}" not in page
    assert "&lt;svg onload=alert(1)&gt;&#123;&#123;7*7&#125;&#125;" in page


def test_closed_output_pipe_is_quiet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with (tmp_path / "sink").open("w") as sink:

        class _HungUp:
            """stdout whose reader has gone away, as with `kzmap routes | head`."""

            def write(self, _text: str) -> int:
                raise BrokenPipeError(32, "Broken pipe")

            def flush(self) -> None:
                pass

            def fileno(self) -> int:
                return sink.fileno()

        monkeypatch.setattr(sys, "stdout", _HungUp())
        assert main(["routes"]) == 141
