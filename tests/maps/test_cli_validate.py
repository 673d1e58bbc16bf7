from __future__ import annotations

import json
from importlib.resources import as_file, files
from pathlib import Path

import pytest

from kzmap.maps.cli import main


def test_shipped_layers_validate_with_exit_0(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = files("kzmap.layers") / "data"
    names = sorted(p.name for p in data.iterdir() if p.name.endswith(".geojson"))
    assert names
    with as_file(data) as folder:
        code = main(["validate", *(str(Path(folder) / n) for n in names)])
    out = capsys.readouterr().out
    assert code == 0
    assert out.count(": OK (0 errors") == len(names)


def test_problems_listed_with_file_feature_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p.csv"
    path.write_text("name,lat,lon\nA,,76\nB,43,x\n")
    assert main(["validate", str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"error: {path}: feature 0: field 'lat' [csv.coordinate]"
    assert lines[1].startswith("  line 2: the coordinate is empty")
    assert lines[2] == f"error: {path}: feature 1: field 'lon' [csv.coordinate]"
    assert lines[-1].startswith(f"{path}: REFUSED (2 errors, 0 warnings; 2 features")


def test_json_format_and_warnings_exit_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "n.geojson"
    path.write_text(
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},'
        '"geometry":null},{"type":"Feature","properties":{},"geometry":'
        '{"type":"Point","coordinates":[70,45]}}]}'
    )
    assert main(["validate", "--format", "json", str(path)]) == 0
    (report,) = json.loads(capsys.readouterr().out)
    assert report["ok"] is True
    assert [(p["feature"], p["code"]) for p in report["problems"]] == [
        (0, "geometry.missing")
    ]
    assert main(["validate", "--strict", str(path)]) == 1


def test_control_characters_do_not_reach_the_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "evil\x1b[31m.csv"
    path.write_text("lon,lat\n,1\n")
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert "evil\\x1b[31m.csv" in out


def test_read_errors_have_no_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(tmp_path / "missing.gpkg")]) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    assert "missing.gpkg [read.missing]" in captured.out


def test_bad_option_is_a_usage_error_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p.csv"
    path.write_text("lon,lat\n70,45\n")
    assert main(["validate", "--crs", "http://example.invalid/crs", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kzmap: error: ")
    assert "`crs` must be an EPSG code" in err
    assert "Traceback" not in err
