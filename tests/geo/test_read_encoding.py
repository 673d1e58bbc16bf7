"""MF-06: text that is not in the file's encoding is located and explained."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point

from kzmap.geo import ReadError, read, validate_file

from .conftest import fc, feature, point


def _latin1_geojson(tmp_path: Path) -> Path:
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": "f0",
                "properties": {"name": "ok"},
                "geometry": {"type": "Point", "coordinates": [70, 45]},
            },
            {
                "type": "Feature",
                "id": "f1",
                "properties": {"name": "Café"},
                "geometry": {"type": "Point", "coordinates": [71, 45]},
            },
        ],
    }
    path = tmp_path / "latin1.geojson"
    path.write_bytes(json.dumps(doc, ensure_ascii=False).encode("latin-1"))
    return path


def test_non_utf8_geojson_names_feature_and_field(tmp_path: Path, engine) -> None:
    path = _latin1_geojson(tmp_path)
    with pytest.raises(
        ReadError,
        match=r"latin1\.geojson: feature 1 \(id 'f1'\): field 'name': .*`encoding=`",
    ):
        read(path, engine=engine)


def test_encoding_option_reads_it(tmp_path: Path, engine) -> None:
    out = read(_latin1_geojson(tmp_path), encoding="latin-1", engine=engine)
    assert out["name"].tolist() == ["ok", "Café"]


def test_unknown_encoding_is_a_usage_error(tmp_path: Path) -> None:
    from kzmap.geo import UsageError

    with pytest.raises(UsageError, match="unknown encoding 'klingon'"):
        read(_latin1_geojson(tmp_path), encoding="klingon")


def test_utf8_bom_is_accepted(tmp_path: Path, engine) -> None:
    path = tmp_path / "bom.geojson"
    doc = fc(feature(point(70, 45), n="Ы"))
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(doc).encode())
    assert read(path, engine=engine)["n"].tolist() == ["Ы"]


def _lying_cpg_shapefile(tmp_path: Path) -> Path:
    frame = gpd.GeoDataFrame(
        {"id": ["a", "b"], "name": ["ok", "Café"]},
        geometry=[Point(70, 45), Point(71, 45)],
        crs=4326,
    )
    frame.to_file(tmp_path / "p.shp", encoding="ISO-8859-1")
    (tmp_path / "p.cpg").write_text("UTF-8")
    return tmp_path / "p.shp"


def test_shapefile_with_lying_cpg_is_an_error_in_both_engines(
    tmp_path: Path, engine
) -> None:
    # fiona would return None for the value without a word: kzmap checks the
    # .dbf bytes itself, so both engines give the same located error.
    path = _lying_cpg_shapefile(tmp_path)
    with pytest.raises(
        ReadError, match=r"feature 1: field 'name': b'Caf\\xe9' is not valid utf-8"
    ):
        read(path, engine=engine)


def test_shapefile_encoding_option(tmp_path: Path, engine) -> None:
    out = read(_lying_cpg_shapefile(tmp_path), encoding="latin-1", engine=engine)
    assert out["name"].tolist() == ["ok", "Café"]


def test_csv_in_cp1251_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "ru.csv"
    path.write_bytes("name,lon,lat\nАлматы,76.9,43.2\n".encode("cp1251"))
    report = validate_file(path)
    assert [(p.code, p.feature, p.field) for p in report.errors] == [
        ("encoding.decode", 0, "name")
    ]
    assert read(path, encoding="cp1251")["name"].tolist() == ["Алматы"]


def test_geopackage_invalid_utf8_same_error_both_engines(
    tmp_path: Path, engine
) -> None:
    import sqlite3

    path = tmp_path / "t.gpkg"
    frame = gpd.GeoDataFrame(
        {"name": ["ok", "xx"]}, geometry=[Point(70, 45), Point(71, 45)], crs=4326
    )
    frame.to_file(path, layer="t")
    with sqlite3.connect(path) as db:
        triggers = db.execute("select name from sqlite_master where type='trigger'")
        for (name,) in triggers.fetchall():
            db.execute(f'drop trigger "{name}"')
        db.execute("update t set name = CAST(X'436166E9' AS TEXT) where fid = 2")
    # pyogrio raises without naming the value; fiona would silently give NaN.
    with pytest.raises(
        ReadError, match=r"layer 't': feature 1: field 'name': b'Caf\\xe9' is not valid"
    ):
        read(path, engine=engine)


@pytest.mark.parametrize("block", [16, 23, 64])
def test_csv_read_in_blocks_checks_every_block(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block: int
) -> None:
    import kzmap.geo._tabular as tabular

    monkeypatch.setattr(tabular, "_BLOCK", block)  # header in the first block
    rows = [f"p{i},{70 + i / 100},45" for i in range(20)]
    good = "name,lon,lat\n" + "\n".join([*rows[:15], "Қарағанды,73.1,49.8"]) + "\n"
    path = tmp_path / "blocks.csv"
    path.write_bytes(good.encode("utf-8"))  # a 2-byte letter over a boundary
    assert read(path)["name"].iloc[-1] == "Қарағанды"
    path.write_bytes(good.encode("utf-8") + "Café,71,45\n".encode("latin-1"))
    report = validate_file(path)
    assert [(p.code, p.feature, p.field) for p in report.errors] == [
        ("encoding.decode", 16, "name")
    ]
