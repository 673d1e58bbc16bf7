"""MF: malformed or hostile files give a kzmap error naming the file."""

from __future__ import annotations

import json
import sqlite3
import struct
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point, Polygon

from kzmap.geo import DataError, DataWarning, ReadError, read, validate_file

from .conftest import fc, feature, point


def test_mf01_truncated_json_same_error_both_engines(write_json, engine) -> None:
    path = write_json(
        '{"type":"FeatureCollection","features":[{"type":"Feature","geometry":'
        '{"type":"Point","coordinates":[1,2]},"prop'
    )
    with pytest.raises(ReadError, match=r"data\.geojson: not valid JSON: .* line 1"):
        read(path, engine=engine)


def test_mf02_zero_byte_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.geojson"
    path.write_bytes(b"")
    with pytest.raises(ReadError, match=r"empty\.geojson: the file is empty"):
        read(path)


def test_mf02_empty_feature_collection_warns(write_json, engine) -> None:
    path = write_json(fc())
    with pytest.warns(DataWarning, match=r"data\.geojson: the layer has 0 features"):
        out = read(path, engine=engine)
    assert len(out) == 0
    assert out.crs.to_epsg() == 4326


def test_mf02_empty_geopackage_layer_warns(tmp_path: Path, engine: str) -> None:
    path = tmp_path / "e.gpkg"
    gpd.GeoDataFrame({"a": []}, geometry=[], crs=4326).to_file(path, layer="none")
    with pytest.warns(DataWarning, match=r"layer 'none': the layer has 0 features"):
        assert len(read(path, engine=engine)) == 0


def test_mf03_vrt_disguised_as_geojson(tmp_path: Path) -> None:
    secret = tmp_path / "secret.csv"
    secret.write_text("password\nhunter2\n")
    path = tmp_path / "layer.geojson"
    path.write_text(
        f"<OGRVRTDataSource><OGRVRTLayer name='x'><SrcDataSource>{secret}"
        "</SrcDataSource></OGRVRTLayer></OGRVRTDataSource>"
    )
    with pytest.raises(ReadError, match="content is not GeoJSON") as info:
        read(path)
    assert "hunter2" not in str(info.value)


def test_mf03_sqlite_that_is_not_a_geopackage(tmp_path: Path) -> None:
    path = tmp_path / "fake.gpkg"
    with sqlite3.connect(path) as db:
        db.execute("create table t (a text)")
    with pytest.raises(
        ReadError, match=r"fake\.gpkg: the SQLite file is not a GeoPackage"
    ):
        read(path)


def test_mf03_wrong_extension_and_mismatch(tmp_path: Path) -> None:
    kml = tmp_path / "a.kml"
    kml.write_text("<kml/>")
    with pytest.raises(ReadError, match=r"unsupported extension '\.kml'"):
        read(kml)
    fake = tmp_path / "a.shp"
    fake.write_text('{"type":"FeatureCollection","features":[]}')
    with pytest.raises(ReadError, match=r"a\.shp: the content is not a Shapefile"):
        read(fake)


@pytest.mark.parametrize(
    "path",
    [
        "/vsicurl/http://169.254.169.254/latest/meta-data/",
        "https://example.invalid/x.geojson",
        "/vsizip//srv/upload.zip/a.shp",
        "GeoJSON:/tmp/x.geojson",
        "GPKG:/tmp/x.gpkg:table",
    ],
)
def test_mf04_urls_vsi_and_driver_prefixes_are_refused(path: str, monkeypatch) -> None:
    import socket

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    with pytest.raises(ReadError, match="expected a path to a local file"):
        read(path)


def test_mf04_directory_is_not_a_file(tmp_path: Path) -> None:
    folder = tmp_path / "dir.geojson"
    folder.mkdir()
    with pytest.raises(ReadError, match="expected a regular file, found a directory"):
        read(folder)


def test_mf04_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match=r"nope\.geojson: no such file"):
        read(tmp_path / "nope.geojson")


def _nested(depth: int) -> str:
    inner = '{"type":"Point","coordinates":[70,45]}'
    g = '{"type":"GeometryCollection","geometries":[' * depth + inner + "]}" * depth
    return (
        '{"type":"FeatureCollection","features":[{"type":"Feature",'
        f'"properties":{{}},"geometry":{g}}}]}}'
    )


@pytest.mark.parametrize("depth", [20, 200, 600, 5000])
def test_mf05_deep_nesting_is_flattened_or_refused(write_json, depth: int) -> None:
    path = write_json(_nested(depth))
    if depth <= 20:
        with pytest.warns(Warning, match="nested GeometryCollection"):
            out = read(path)
        assert out.geometry.iloc[0].wkt == "POINT (70 45)"
    else:
        with pytest.raises(DataError, match="nested"):
            read(path)


def test_mf07_missing_sidecar_is_named(tmp_path: Path, points) -> None:
    points.to_file(tmp_path / "roads.shp")
    (tmp_path / "roads.shx").unlink()
    with pytest.raises(ReadError, match=r"needs roads\.shx beside it"):
        read(tmp_path / "roads.shp")
    (tmp_path / "roads.dbf").unlink()
    with pytest.raises(ReadError, match=r"needs roads\.shx and roads\.dbf"):
        read(tmp_path / "roads.shp")


def test_mf07_dbf_record_count_mismatch_is_truncation(
    tmp_path: Path, points, engine
) -> None:
    # The .dbf header claims 5 records but holds 2: records 2-4 are lost, which
    # is an error (issue 16) unless `lenient`, which keeps 2 and warns once.
    points.to_file(tmp_path / "p.shp")
    dbf = bytearray((tmp_path / "p.dbf").read_bytes())
    struct.pack_into("<I", dbf, 4, 5)
    (tmp_path / "p.dbf").write_bytes(bytes(dbf))
    with pytest.raises(ReadError, match=r"p\.shp: the Shapefile is truncated: 3 of"):
        read(tmp_path / "p.shp", engine=engine)
    with pytest.warns(DataWarning, match=r"3 of its 5 records .* kept the 2 readable"):
        assert len(read(tmp_path / "p.shp", engine=engine, lenient=True)) == 2


def test_mf08_corrupt_shapefile_geometry_is_reported(tmp_path: Path, engine) -> None:
    square = Polygon([(70, 45), (71, 45), (71, 46), (70, 46)])
    gpd.GeoDataFrame({"id": ["sq"]}, geometry=[square], crs=4326).to_file(
        tmp_path / "p.shp"
    )
    shp = bytearray((tmp_path / "p.shp").read_bytes())
    struct.pack_into("<i", shp, 148, 0x7FFFFFFF)
    (tmp_path / "p.shp").write_bytes(bytes(shp))
    report = validate_file(tmp_path / "p.shp", engine=engine)
    missing = [p for p in report.problems if p.code == "geometry.missing"]
    assert [(p.feature, p.feature_id) for p in missing] == [(0, "sq")]
    assert report.features_in == 1
    assert report.features_out == 0


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        ({"type": "Pointy", "coordinates": [1, 2]}, "unknown geometry type 'Pointy'"),
        ({"type": "Point", "coordinates": ["1", "2"]}, "must be numbers, found '1'"),
        ({"type": "Point"}, "'coordinates' must be an array"),
        ({"type": "LineString", "coordinates": [[70, 45]]}, "2 or more positions"),
    ],
)
def test_mf08_unparseable_geometry_is_an_error(
    write_json, engine, geometry: dict[str, object], message: str
) -> None:
    path = write_json(fc(feature(point(70, 45)), feature(geometry, id="bad")))
    with pytest.raises(
        DataError, match=rf"feature 1 \(id 'bad'\): .*{message}"
    ) as info:
        read(path, engine=engine)
    assert [p.feature for p in info.value.problems] == [1]


def test_mf08_empty_geometry_counted(write_json, engine) -> None:
    path = write_json(
        fc(
            feature(point(70, 45)),
            feature({"type": "MultiPolygon", "coordinates": []}),
            feature(None),
        )
    )
    with pytest.warns(DataWarning) as caught:
        out = read(path, engine=engine)
    messages = [str(w.message) for w in caught]
    assert any("feature 1: the feature has an empty geometry" in m for m in messages)
    assert any("feature 2: the feature has no geometry" in m for m in messages)
    assert len(out) == 1


def test_mf09_geopackage_several_layers_listed(tmp_path: Path) -> None:
    path = tmp_path / "multi.gpkg"
    frame = gpd.GeoDataFrame({"a": [1]}, geometry=[Point(70, 45)], crs=4326)
    frame.to_file(path, layer="first")
    frame.to_file(path, layer="second")
    report = validate_file(path)
    assert report.is_ok()
    assert report.features_in == 2


def test_geojson_with_a_bare_geometry_and_a_single_feature(write_json) -> None:
    assert len(read(write_json(point(70, 45)))) == 1
    assert len(read(write_json(feature(point(70, 45), id="x")))) == 1


def test_not_an_object(write_json) -> None:
    with pytest.raises(ReadError, match="content is not GeoJSON"):
        read(write_json(json.dumps([1, 2])))
    with pytest.raises(ReadError, match="top-level 'type' is 'Topology'"):
        read(write_json({"type": "Topology"}))
