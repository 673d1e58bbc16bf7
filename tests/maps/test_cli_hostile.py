"""Issue 16 at the command line: one-line errors and warnings, never a traceback."""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pytest

from kzmap.maps import _cli_render
from kzmap.maps.cli import _glue_text_values, main


def test_subtitle_may_start_with_dashes(tmp_path: Path) -> None:
    out = tmp_path / "m.html"
    assert (
        main(["render", "--layers", "countries", "-o", str(out), "--subtitle", "-->"])
        == 0
    )
    assert "--&gt;" in out.read_text(encoding="utf-8")


def test_glue_keeps_real_options() -> None:
    assert _glue_text_values(["--title", "--png", "x.png"]) == [
        "--title",
        "--png",
        "x.png",
    ]
    assert _glue_text_values(["--title", "-5 km", "--subtitle", "- a"]) == [
        "--title=-5 km",
        "--subtitle=- a",
    ]


def _boom(args: object) -> int:
    msg = "boom\nsecond line"
    raise ZeroDivisionError(msg)


def test_unexpected_exception_is_one_line(monkeypatch, capsys) -> None:
    monkeypatch.setattr(_cli_render, "_run", _boom)
    assert main(["render"]) == 1
    assert capsys.readouterr().err == (
        "kzmap: internal error: ZeroDivisionError: boom; please report it "
        "(rerun with --debug for the traceback)\n"
    )
    with pytest.raises(ZeroDivisionError):
        main(["--debug", "render"])


def test_stray_oserror_is_one_line(monkeypatch, capsys) -> None:
    def full(args: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device", "x.csv")

    monkeypatch.setattr(_cli_render, "_run", full)
    assert main(["render"]) == 1
    assert capsys.readouterr().err == "kzmap: error: No space left on device: x.csv\n"


def test_add_with_unknown_crs_names_file_and_code(tmp_path: Path, capsys) -> None:
    layer = tmp_path / "bad.geojson"
    layer.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "crs": {"type": "name", "properties": {"name": "EPSG:999999"}},
                "features": [],
            }
        )
    )
    assert main(["render", "--add", str(layer), "-o", str(tmp_path / "m.html")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("kzmap: error: ")
    assert "bad.geojson" in err
    assert "EPSG:999999" in err
    assert "Traceback" not in err


def test_warnings_are_single_lines_grouped(tmp_path: Path, capsys) -> None:
    features = [
        {"type": "Feature", "properties": {"n": i}, "geometry": None} for i in range(10)
    ]
    features.append(
        {
            "type": "Feature",
            "properties": {"n": 10},
            "geometry": {"type": "Point", "coordinates": [70, 45]},
        }
    )
    layer = tmp_path / "nulls.geojson"
    layer.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    assert main(["render", "--add", str(layer), "-o", str(tmp_path / "m.html")]) == 0
    lines = capsys.readouterr().err.splitlines()
    assert lines, "expected warnings"
    assert all(line.startswith("kzmap: warning: ") for line in lines)
    assert all(".py:" not in line for line in lines)
    null_lines = [line for line in lines if "nulls.geojson: feature" in line]
    assert len(null_lines) == 3
    assert null_lines[-1].endswith("(and 7 more like this)")


def test_html_and_embed_all_or_none_on_full_disk(
    tmp_path: Path, full_disk: Path, capsys
) -> None:
    ok = tmp_path / "ok.html"
    code = main(
        [
            "render",
            "--layers",
            "countries",
            "-o",
            str(ok),
            "--embed",
            str(full_disk / "x.html"),
        ]
    )
    assert code == 1
    err = capsys.readouterr().err
    assert err.startswith("kzmap: error: Cannot write")
    assert "No space left" in err
    assert err.count("\n") == 1
    assert not ok.exists()
    assert list(full_disk.iterdir()) == []


def test_truncated_shapefile_lenient_flag(tmp_path: Path, capsys) -> None:
    import geopandas as gpd
    from shapely.geometry import Point

    frame = gpd.GeoDataFrame(
        {"name": [f"p{i}" for i in range(67)]},
        geometry=[Point(70 + i / 100, 45) for i in range(67)],
        crs=4326,
    )
    shp = tmp_path / "t.shp"
    frame.to_file(shp)
    shp.write_bytes(shp.read_bytes()[: 100 + 28 * 16 + 5])
    assert main(["validate", str(shp)]) == 1
    assert "51 of its 67 records" in capsys.readouterr().out
    out = tmp_path / "m.html"
    assert main(["render", "--add", str(shp), "-o", str(out)]) == 1
    assert "--lenient" in capsys.readouterr().err
    assert main(["render", "--lenient", "--add", str(shp), "-o", str(out)]) == 0
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1
    assert "kept the 16 readable" in lines[0]
    # --lenient reaches the layers of a --spec file, and --add next to --layers
    spec = tmp_path / "spec.toml"
    spec.write_text(
        'title = "t"\nbasemap = false\n\n[[layers]]\nname = "countries"\n\n'
        f"[[layers]]\npath = {str(shp)!r}\n",
        encoding="utf-8",
    )
    assert main(["render", "--spec", str(spec), "-o", str(out)]) == 1
    assert "--lenient" in capsys.readouterr().err
    assert main(["render", "--lenient", "--spec", str(spec), "-o", str(out)]) == 0
    assert "kept the 16 readable" in capsys.readouterr().err
    argv = ["render", "--layers", "countries", "--add", str(shp), "-o", str(out)]
    assert main(argv) == 1
    capsys.readouterr()
    assert main([*argv, "--lenient"]) == 0
    assert "kept the 16 readable" in capsys.readouterr().err


def test_failed_png_leaves_no_html(tmp_path: Path, monkeypatch, capsys) -> None:
    from kzmap.geo import KzmapError
    from kzmap.maps import png

    def no_browser(*args: object, **kwargs: object) -> bytes:
        msg = "No headless Chromium found."
        raise KzmapError(msg)

    monkeypatch.setattr(png, "png_bytes", no_browser)
    out, image = tmp_path / "m.html", tmp_path / "m.png"
    args = ["render", "--layers", "countries", "-o", str(out), "--png", str(image)]
    assert main(args) == 1
    assert "No headless Chromium" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == []
