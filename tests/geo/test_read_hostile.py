"""Issue 16: hostile files end in a located kzmap error, never a traceback or hang."""

from __future__ import annotations

import sqlite3
import struct
import time
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point

from kzmap.geo import CRSError, DataWarning, ReadError, UsageError, read

from .conftest import fc, feature, point


@pytest.fixture
def points() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"name": [f"p{i}" for i in range(67)]},
        geometry=[Point(70 + i / 100, 45) for i in range(67)],
        crs=4326,
    )


def test_unknown_epsg_in_crs_member_names_file_and_code(write_json) -> None:
    doc = fc(
        feature(point(70, 45), a=1),
        crs={"type": "name", "properties": {"name": "EPSG:999999"}},
    )
    with pytest.raises(
        CRSError, match=r"data\.geojson: the 'crs' member names EPSG:999999"
    ):
        read(write_json(doc))


def test_unknown_epsg_as_option_is_a_usage_error(write_json) -> None:
    with pytest.raises(UsageError, match=r"EPSG:999999 is not a known CRS"):
        read(write_json(fc(feature(point(70, 45)))), crs="EPSG:999999")


@pytest.mark.parametrize("where", ["value", "key"])
def test_lone_surrogate_names_feature_and_field(write_json, where: str) -> None:
    prop = '"name":"a\\ud800b"' if where == "value" else '"n\\udc00":"x"'
    text = (
        '{"type":"FeatureCollection","features":['
        '{"type":"Feature","properties":{"name":"ok"},'
        '"geometry":{"type":"Point","coordinates":[70,45]}},'
        f'{{"type":"Feature","properties":{{{prop}}},'
        '"geometry":{"type":"Point","coordinates":[71,45]}}]}'
    )
    field = "name" if where == "value" else "n\ufffd"
    with pytest.raises(
        ReadError,
        match=rf"data\.geojson: feature 1: field '{field}': .*lone UTF-16 surrogate",
    ):
        read(write_json(text))


def test_dbf_with_header_past_its_end(tmp_path: Path, points) -> None:
    points.to_file(tmp_path / "p.shp")
    dbf = tmp_path / "p.dbf"
    dbf.write_bytes(dbf.read_bytes()[:40])
    with pytest.raises(ReadError, match=r"p\.shp: p\.dbf has a corrupt header"):
        read(tmp_path / "p.shp")


def test_dbf_field_past_record_names_field(tmp_path: Path, points) -> None:
    points.to_file(tmp_path / "p.shp")
    dbf = tmp_path / "p.dbf"
    data = bytearray(dbf.read_bytes())
    data[32 + 16] = 250  # the field "name" claims 250 bytes of a short record
    dbf.write_bytes(bytes(data))
    with pytest.raises(ReadError, match=r"field 'name': p\.dbf: the field runs past"):
        read(tmp_path / "p.shp")


def test_encrypted_zip_is_refused(tmp_path: Path, points) -> None:
    points.to_file(tmp_path / "p.shp")
    archive = tmp_path / "p.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for ext in (".shp", ".shx", ".dbf", ".prj"):
            zf.write(tmp_path / f"p{ext}", f"p{ext}")
    data = bytearray(archive.read_bytes())
    for magic, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(magic)
        while at >= 0:
            data[at + flag_at] |= 1
            at = data.find(magic, at + 4)
    archive.write_bytes(bytes(data))
    with pytest.raises(ReadError, match=r"p\.zip.*member 'p\.shp' is encrypted"):
        read(archive)


def _truncate_shp(tmp_path: Path, points, keep: int) -> Path:
    points.to_file(tmp_path / "t.shp")
    shp = tmp_path / "t.shp"
    # a point record is 8 bytes of header + 20 of content, after a 100-byte header
    shp.write_bytes(shp.read_bytes()[: 100 + 28 * keep + 5])
    return shp


def test_truncated_shapefile_is_an_error_saying_how_much(tmp_path, points) -> None:
    shp = _truncate_shp(tmp_path, points, keep=16)
    with pytest.raises(
        ReadError, match=r"t\.shp: the Shapefile is truncated: 51 of its 67 records"
    ):
        read(shp)


def test_lenient_keeps_readable_records_with_one_warning(tmp_path, points) -> None:
    shp = _truncate_shp(tmp_path, points, keep=16)
    with pytest.warns(DataWarning) as caught:
        frame = read(shp, lenient=True)
    assert frame["name"].tolist() == [f"p{i}" for i in range(16)]
    assert len(caught) == 1
    assert "51 of its 67 records" in str(caught[0].message)
    assert "kept the 16 readable" in str(caught[0].message)


def _gpkg_with_view(path: Path, view_sql: str) -> Path:
    frame = gpd.GeoDataFrame(
        {"name": [f"n{i}" for i in range(100)]},
        geometry=[Point(70 + i / 100, 45) for i in range(100)],
        crs=4326,
    )
    frame.to_file(path, layer="pts", driver="GPKG")
    with sqlite3.connect(path) as con:
        con.execute(f"CREATE VIEW slow AS {view_sql}")
        con.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) "
            "VALUES ('slow', 'features', 'slow', 4326)"
        )
        con.execute(
            "INSERT INTO gpkg_geometry_columns VALUES ('slow','geom','POINT',4326,0,0)"
        )
    con.close()
    return path


def test_recursive_view_is_refused_before_gdal(tmp_path: Path) -> None:
    path = _gpkg_with_view(
        tmp_path / "r.gpkg",
        "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) "
        "SELECT n AS fid, (SELECT geom FROM pts LIMIT 1) AS geom FROM r",
    )
    with pytest.raises(ReadError, match=r"r\.gpkg.*: view 'slow' uses a recursive"):
        read(path, layer="pts")


def test_huge_view_hits_the_time_budget(tmp_path: Path) -> None:
    # 100^4 = 10^8 rows from a 100 KB file: counting them takes seconds.
    path = _gpkg_with_view(
        tmp_path / "x.gpkg",
        "SELECT a.fid * 1000000 + b.fid * 10000 + c.fid * 100 + d.fid AS fid, "
        "a.geom AS geom FROM pts a, pts b, pts c, pts d",
    )
    start = time.monotonic()
    with pytest.raises(ReadError, match=r"x\.gpkg.*took over 0\.2 s"):
        read(path, layer="slow", max_seconds=0.2, max_features=10**9)
    assert time.monotonic() - start < 5
    with pytest.raises(ReadError, match=r"has 100000000 features, over the limit"):
        read(path, layer="slow", max_seconds=60)


def test_geometry_blob_over_the_cap_is_refused(tmp_path: Path) -> None:
    line = LineString([(60 + i / 100, 45) for i in range(1000)])
    path = tmp_path / "big.gpkg"
    gpd.GeoDataFrame(geometry=[line], crs=4326).to_file(path, driver="GPKG")
    with pytest.raises(
        ReadError, match=r"field 'geom': a geometry takes 1\d{4} bytes, over the limit"
    ):
        read(path, max_geometry_bytes=10_000)
    assert len(read(path)) == 1


def test_limit_options_are_checked(write_json) -> None:
    path = write_json(fc(feature(point(70, 45))))
    with pytest.raises(TypeError, match="max_seconds"):
        read(path, max_seconds="5")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="max_seconds"):
        read(path, max_seconds=0)


def test_shx_offsets_are_read_big_endian(tmp_path: Path, points) -> None:
    # guards lost_records: an intact file loses nothing
    points.to_file(tmp_path / "ok.shp")
    index = (tmp_path / "ok.shx").read_bytes()
    assert struct.unpack_from(">i", index, 100)[0] == 50
    assert len(read(tmp_path / "ok.shp")) == 67


def test_dbf_claiming_billions_of_records_is_cheap(tmp_path: Path, points) -> None:
    points.to_file(tmp_path / "p.shp")
    dbf = tmp_path / "p.dbf"
    data = bytearray(dbf.read_bytes())
    struct.pack_into("<I", data, 4, 3_000_000_000)
    dbf.write_bytes(bytes(data))
    start = time.monotonic()
    with pytest.raises(ReadError, match=r"2999999933 of its 3000000000 records lie"):
        read(tmp_path / "p.shp")
    with pytest.warns(DataWarning, match="kept the 67 readable"):
        assert len(read(tmp_path / "p.shp", lenient=True)) == 67
    assert time.monotonic() - start < 10


def test_crs_without_a_transform_to_lonlat(tmp_path: Path, points) -> None:
    points.to_file(tmp_path / "p.shp")
    (tmp_path / "p.prj").write_text(
        'LOCAL_CS["Engineering",UNIT["metre",1],AXIS["X",EAST],AXIS["Y",NORTH]]'
    )
    with pytest.raises(CRSError, match=r"p\.shp: the layer's CRS 'Engineering'"):
        read(tmp_path / "p.shp")
