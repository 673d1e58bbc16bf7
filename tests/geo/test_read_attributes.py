"""ATTR and RFC 7946: properties that are odd, duplicated or not plain values."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
from geopandas.testing import assert_geodataframe_equal
from shapely.geometry import Point

from kzmap.geo import DataWarning, RepairWarning, read, validate_file

from .conftest import fc, feature, point


def test_attr01_duplicate_json_key_warned(write_json, engine) -> None:
    text = (
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":'
        '{"a":1,"a":2},"geometry":{"type":"Point","coordinates":[70,45]}}]}'
    )
    with pytest.warns(DataWarning, match=r"feature 0: field 'a': the key appears"):
        out = read(write_json(text), engine=engine)
    assert out["a"].tolist() == [2]


def test_attr01_case_insensitive_duplicate_columns_renamed(write_json, engine) -> None:
    doc = fc(feature(point(70, 45), Name="x", name="y"))
    with pytest.warns(RepairWarning, match=r"column 'name' renamed to 'name_2'"):
        out = read(write_json(doc), engine=engine)
    assert list(out.columns) == ["Name", "name_2", "geometry"]


def test_attr01_csv_duplicate_header(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("name,lon,lat,Name\nA,70,45,B\n")
    with pytest.warns(RepairWarning, match=r"column 3 'Name' renamed to 'Name_2'"):
        out = read(path)
    assert out["Name_2"].tolist() == ["B"]


def test_attr02_geometry_property_renamed_same_in_both_engines(write_json) -> None:
    props = {"geometry": "POINT (5 5)", "id": "x"}
    doc = fc({"type": "Feature", "properties": props, "geometry": point(70, 45)})
    frames = []
    for engine in ("pyogrio", "fiona"):
        with pytest.warns(RepairWarning, match="'geometry' renamed to 'geometry_attr'"):
            frames.append(read(write_json(doc), engine=engine))  # type: ignore[arg-type]
    assert_geodataframe_equal(frames[0], frames[1])
    assert frames[0]["geometry_attr"].tolist() == ["POINT (5 5)"]


def test_attr03_nested_values_become_json_text_in_both_engines(write_json) -> None:
    doc = fc(
        feature(point(70, 45), v=1),
        feature(point(71, 45), v="abc"),
        feature(point(72, 45), v={"nested": [1, 2]}),
    )
    frames = []
    for engine in ("pyogrio", "fiona"):
        with pytest.warns(DataWarning) as caught:
            frames.append(read(write_json(doc), engine=engine))  # type: ignore[arg-type]
        text = " ".join(str(w.message) for w in caught)
        assert "nested object/array value stored as JSON text" in text
        assert "field 'v': values are of several types" in text
    assert_geodataframe_equal(frames[0], frames[1])
    assert frames[0]["v"].tolist() == ["1", "abc", '{"nested": [1, 2]}']


def test_attr04_null_and_missing_properties(write_json, engine) -> None:
    doc = fc(
        {"type": "Feature", "properties": None, "geometry": point(70, 45)},
        {"type": "Feature", "geometry": point(71, 45)},
        feature(point(72, 45), a=1),
    )
    with pytest.warns(DataWarning, match=r"feature 1: no 'properties' member"):
        out = read(write_json(doc), engine=engine)
    assert len(out) == 3


def test_rfc7946_missing_feature_type(write_json, engine) -> None:
    doc = fc({"properties": {}, "geometry": point(70, 45)})
    with pytest.warns(DataWarning, match=r"feature 0: the feature has no 'type'"):
        assert len(read(write_json(doc), engine=engine)) == 1


def test_attr06_empty_property_name(write_json, engine) -> None:
    with pytest.warns(RepairWarning, match="renamed to 'field_0'"):
        out = read(
            write_json(fc(feature(point(70, 45), **{"": "x", "b": 1}))), engine=engine
        )
    assert list(out.columns) == ["field_0", "b", "geometry"]


def test_feature_id_member_becomes_a_column(write_json) -> None:
    doc = fc({"type": "Feature", "id": 7, "properties": {}, "geometry": point(70, 45)})
    a = read(write_json(doc), engine="pyogrio")
    b = read(write_json(doc), engine="fiona")
    assert_geodataframe_equal(a, b)
    assert a["id"].tolist() == [7]


def test_geopackage_integer_types_agree(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame(
        {"n": [1, 2], "x": [0.5, 1.5], "s": ["a", "b"]},
        geometry=[Point(70, 45), Point(71, 45)],
        crs=4326,
    )
    frame.to_file(tmp_path / "t.gpkg")
    a = read(tmp_path / "t.gpkg", engine="pyogrio")
    b = read(tmp_path / "t.gpkg", engine="fiona")
    assert_geodataframe_equal(a, b)


def test_validate_collects_every_problem(write_json) -> None:
    doc = fc(
        feature(point(70, 45), id="ok"),
        feature({"type": "Pointy", "coordinates": [1, 2]}, id="a"),
        feature(point(200, 45), id="b"),
        feature(None, id="c"),
    )
    report = validate_file(write_json(doc))
    assert [(p.feature, p.severity) for p in report.problems] == [
        (1, "error"),
        (2, "error"),
        (3, "warning"),
    ]
    assert not report.is_ok()
    assert '"code": "geometry.coordinates"' in report.to_json()
