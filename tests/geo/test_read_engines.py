"""Both engines give the same frame or the same kzmap error class."""

from __future__ import annotations

import warnings
from importlib.resources import as_file, files
from pathlib import Path

import pytest
from geopandas.testing import assert_geodataframe_equal

from kzmap.geo import KzmapError, read, validate_file

from .conftest import fc, feature, point

CASES = {
    "ok": fc(feature(point(70, 45), id="a", n=1, x=0.5, s="s", b=True)),
    "unclosed": fc(
        feature({"type": "Polygon", "coordinates": [[[70, 45], [71, 45], [71, 46]]]})
    ),
    "pointy": fc(feature({"type": "Pointy", "coordinates": [1, 2]})),
    "string_coords": fc(feature({"type": "Point", "coordinates": ["1", "2"]})),
    "null": fc(feature(None), feature(point(70, 45))),
    "3d": fc(feature({"type": "Point", "coordinates": [70, 45, 1]})),
    "nested": fc(feature(point(70, 45), v={"a": [1]}), feature(point(70, 45), v=2)),
    "range": fc(feature(point(200, 100))),
}


def _outcome(path: Path, engine: str) -> object:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return read(path, engine=engine)  # type: ignore[arg-type]
    except KzmapError as err:
        return type(err)


@pytest.mark.parametrize("name", sorted(CASES))
def test_engines_agree(write_json, name: str) -> None:
    path = write_json(CASES[name])
    a, b = _outcome(path, "pyogrio"), _outcome(path, "fiona")
    if isinstance(a, type):
        assert a is b
    else:
        assert_geodataframe_equal(a, b)


@pytest.mark.parametrize("layer", ["countries", "borders"])
def test_shipped_layers_validate_clean_in_both_engines(layer: str) -> None:
    with as_file(files("kzmap.layers") / "data" / f"{layer}.geojson") as path:
        for engine in ("pyogrio", "fiona"):
            report = validate_file(path, engine=engine)  # type: ignore[arg-type]
            assert report.problems == ()
            assert report.features_in == report.features_out
