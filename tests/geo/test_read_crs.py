"""CRS: missing, legacy, contradicting, projected and swapped coordinates."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point

from kzmap.geo import CRSError, DataWarning, UsageError, read, validate_file

from .conftest import fc, feature, point

ALMATY_3857 = (8560000.0, 5346000.0)


def test_crs01_shapefile_without_prj(tmp_path: Path, points, engine) -> None:
    points.to_file(tmp_path / "p.shp")
    (tmp_path / "p.prj").unlink()
    with pytest.raises(CRSError, match=r"p\.shp: the Shapefile has no p\.prj"):
        read(tmp_path / "p.shp", engine=engine)
    assert read(tmp_path / "p.shp", crs=4326, engine=engine).crs.to_epsg() == 4326


def test_crs01_geoparquet_with_unknown_crs(tmp_path: Path, points) -> None:
    path = tmp_path / "nocrs.parquet"
    points.set_crs(None, allow_override=True).to_parquet(path)
    with pytest.raises(CRSError, match="the CRS is unknown"):
        read(path)


def test_crs02_legacy_crs_member_honoured_with_warning(write_json, engine) -> None:
    doc = fc(
        feature(point(*ALMATY_3857)),
        crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}},
    )
    with pytest.warns(DataWarning, match="legacy 'crs' member"):
        out = read(write_json(doc), engine=engine)
    assert out.crs.to_epsg() == 4326
    assert out.geometry.iloc[0].x == pytest.approx(76.9, abs=0.1)


def test_crs84_member_written_by_gdal_is_silent(write_json, engine) -> None:
    doc = fc(
        feature(point(76.9, 43.2)),
        crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
    )
    out = read(write_json(doc), engine=engine)  # filterwarnings=error: no warning
    assert out.crs.to_epsg() == 4326
    assert out.geometry.iloc[0].x == pytest.approx(76.9)


def test_crs05_crs_member_url_is_refused(write_json) -> None:
    doc = fc(
        feature(point(70, 45)),
        crs={"type": "link", "properties": {"href": "http://example.invalid/crs"}},
    )
    with pytest.raises(CRSError, match="not an EPSG code or CRS84"):
        read(write_json(doc))


def test_crs02_metres_without_crs_member(write_json) -> None:
    with pytest.raises(CRSError, match="look like metres"):
        read(write_json(fc(feature(point(*ALMATY_3857)))), crs=None)


def test_crs02_crs_option_declares_geojson_in_metres(write_json) -> None:
    out = read(write_json(fc(feature(point(*ALMATY_3857)))), crs=3857)
    assert out.geometry.iloc[0].y == pytest.approx(43.2, abs=0.1)


def test_crs02_declared_crs_far_from_its_area_of_use(tmp_path: Path) -> None:
    # Web Mercator metres written into a file that claims UTM zone 43N.
    frame = gpd.GeoDataFrame(geometry=[Point(76.9, 43.2)], crs=4326).to_crs(3857)
    path = tmp_path / "wrong.gpkg"
    frame.set_crs(32643, allow_override=True).to_file(path)
    with pytest.raises(CRSError, match="outside the area where EPSG:32643 is used"):
        read(path)


def test_crs_option_contradicting_file_is_a_usage_error(tmp_path: Path, points) -> None:
    points.to_crs(32643).to_file(tmp_path / "p.gpkg")
    with pytest.raises(UsageError, match=r"`crs` is EPSG:4326, but the file declares"):
        read(tmp_path / "p.gpkg", crs="EPSG:4326")


@pytest.mark.parametrize("bad", ["+proj=longlat", "http://x/crs", "WGS84", True])
def test_crs05_only_epsg_codes_are_accepted(write_json, bad: object) -> None:
    with pytest.raises(UsageError, match="`crs` must be an EPSG code"):
        read(write_json(fc(feature(point(70, 45)))), crs=bad)  # type: ignore[arg-type]


def test_crs04_swapped_lat_lon_detected(write_json, engine) -> None:
    # Almaty, Astana, Tashkent written as [lat, lon].
    doc = fc(
        feature(point(43.24, 76.89)),
        feature(point(51.17, 71.45)),
        feature(point(41.3, 69.24)),
    )
    with pytest.raises(CRSError, match=r"3 of 3 features .* lon and lat swapped"):
        read(write_json(doc), engine=engine)
    assert len(read(write_json(doc), aoi=None, engine=engine)) == 3


def test_crs04_data_elsewhere_is_not_flagged(write_json) -> None:
    # Berlin and Paris: outside Central Asia, but also outside it when swapped.
    doc = fc(feature(point(13.4, 52.5)), feature(point(2.35, 48.85)))
    assert len(read(write_json(doc))) == 2


def test_crs04_swapped_csv_columns(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("name,lon,lat\nAlmaty,43.24,76.89\nAstana,51.17,71.45\n")
    report = validate_file(path)
    assert [p.code for p in report.errors] == ["crs.swapped"]


def test_crs_projected_csv_without_crs(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(f"name,x,y\nAlmaty,{ALMATY_3857[0]},{ALMATY_3857[1]}\n")
    with pytest.raises(CRSError, match=r"lines 2 are outside .* pass `crs=`"):
        read(path)
    assert read(path, crs="EPSG:3857").geometry.iloc[0].x == pytest.approx(
        76.9, abs=0.1
    )


def test_crs_csv_lat_over_90_suggests_swap(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("name,lat,lon\nX,120.5,45.1\n")
    with pytest.raises(CRSError, match="the columns look swapped"):
        read(path)


def test_crs05_crs_without_authority_code_warns(tmp_path: Path, points) -> None:
    from kzmap.geo import METRIC_CRS

    path = tmp_path / "custom.gpkg"
    points.to_crs(METRIC_CRS).to_file(path)
    with pytest.warns(DataWarning, match="matches no EPSG or other authority code"):
        out = read(path)
    assert out.geometry.iloc[0].x == pytest.approx(76.9)
