from __future__ import annotations

import json
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


def test_layers_table_sets_the_basemap_only_layers_apart(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["layers"]) == 0
    names = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    note = names.index("#")
    assert set(names[note + 1 :]) == {"context", "context_outlines", "rivers"}
    assert {"countries", "regions", "water"} <= set(names[1:note])
    assert main(["layers", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    basemap = {r["name"] for r in rows if r["basemap"]}
    assert basemap == {"context", "context_outlines", "rivers"}


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


def test_unknown_layer_is_a_usage_error_listing_layers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["render", "--layers", "nope", "-o", str(tmp_path / "x.html")])
    assert code == 2
    err = capsys.readouterr().err
    assert "--layers 'nope': no such packaged layer; choose one of: " in err
    assert "countries" in err
    assert "routes" in err
    assert not (tmp_path / "x.html").exists()


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


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["-o", "x.pdf"], "argument -o/--output: 'x.pdf' must end in .html"),
        (["--png", "x.jpg"], "argument --png: 'x.jpg' must end in .png"),
        (["--embed", "x.txt"], "argument --embed: 'x.txt' must end in .html"),
        (["--scale", "-1"], "argument --scale: expected a number in (0, 4]"),
        (["--scale", "nan"], "argument --scale: expected a number in (0, 4]"),
        (["--size", "10x10"], "argument --size: expected WIDTHxHEIGHT"),
        (["--size", "big"], "argument --size: expected WIDTHxHEIGHT"),
    ],
)
def test_render_options_checked_before_any_work(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    expected: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_info:
        main(["render", *args])
    assert exit_info.value.code == 2
    assert expected in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--region", "KZ-99"], "--region 'KZ-99': no such region; choose one of: "),
        (["--region", "ZZ"], "--region 'ZZ': no such country; choose one of: "),
        (["--region", "north"], "--region 'north': expected a region code"),
        (["--spec", "nope"], "--spec 'nope': no such spec file and no shipped spec"),
    ],
)
def test_unknown_names_are_usage_errors_with_choices(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    expected: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["render", *args]) == 2
    err = capsys.readouterr().err
    assert expected in err
    assert "<spec>" not in err
    assert "<focus>" not in err
    assert list(tmp_path.iterdir()) == []


def test_add_help_lists_every_readable_format(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["render", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    for suffix in (".geojson", ".gpkg", ".shp", ".zip", ".parquet", ".csv"):
        assert suffix in out.split("--add FILE")[-1].split("--region")[0]


def test_cli_constants_match_the_library() -> None:
    from kzmap.geo import FORMATS
    from kzmap.geo.tables import TABLE_FORMATS
    from kzmap.layers import DEFAULT_REGIONS
    from kzmap.maps import _cli_args, _cli_join, _cli_render
    from kzmap.maps.spec import shipped_specs

    assert tuple(TABLE_FORMATS) == _cli_args.TABLE_SUFFIXES
    assert _cli_join._DEFAULT_TO == DEFAULT_REGIONS
    assert _cli_render.shipped_specs() == shipped_specs()
    assert tuple(FORMATS) == _cli_args.VECTOR_SUFFIXES


def test_messages_name_flags_not_python_keywords(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    swapped = tmp_path / "swapped.csv"
    swapped.write_text("lon,lat,kind\n43.2,76.9,a\n51.2,71.4,b\n", encoding="utf-8")
    out = str(tmp_path / "x.html")
    assert main(["render", "--add", str(swapped), "-o", out]) == 1
    err = capsys.readouterr().err
    assert "aoi=None" not in err
    assert "lon=" not in err
    assert "--no-aoi" in err
    assert "kzmap validate" in err  # render itself has no --no-aoi
    ok = tmp_path / "ok.csv"
    ok.write_text("lon,lat,kind\n76.9,43.2,a\n", encoding="utf-8")
    argv = ["join", str(ok), "--sum", "kind", "-o", str(tmp_path / "o.csv")]
    assert main(argv) == 1  # a DataError of the data, not of the options
    err = capsys.readouterr().err
    assert "--sum 'kind': cannot sum the column" in err
    assert "pandas" not in err


def test_spec_output_extension_checked_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "s.toml"
    html = (tmp_path / "s.html").as_posix()
    spec.write_text(
        f'[[layers]]\nname = "countries"\n[output]\nhtml = "{html}"\npng = "s.jpg"\n',
        encoding="utf-8",
    )
    assert main(["render", "--spec", str(spec)]) == 2
    assert "[output] png = 's.jpg' must end in .png" in capsys.readouterr().err
    assert not (tmp_path / "s.html").exists()
