"""Each supported format reads to the same checked frame in EPSG:4326."""

from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from geopandas.testing import assert_geodataframe_equal
from shapely.geometry import Point

from kzmap.geo import (
    DEFAULT_ENGINE,
    ReadError,
    UsageError,
    list_layers,
    read,
    read_vector,
)

from .conftest import fc, feature, point


def _frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"id": ["a", "b"], "name_en": ["Almaty", "Astana"], "n": [1, 2]},
        geometry=[Point(76.9, 43.2), Point(71.4, 51.2)],
        crs=4326,
    )


def test_geojson_both_engines_give_the_same_frame(write_json) -> None:
    path = write_json(
        fc(
            feature(point(76.9, 43.2), id="a", n=1, date="2025-11-29"),
            feature(point(71.4, 51.2), id="b", n=2, date="2025"),
        )
    )
    a = read(path, engine="pyogrio")
    b = read(path, engine="fiona")
    assert_geodataframe_equal(a, b)
    assert a.crs.to_epsg() == 4326
    assert a["date"].tolist() == ["2025-11-29", "2025"]


def test_geopackage_layer_choice(tmp_path: Path, engine: str) -> None:
    path = tmp_path / "data.gpkg"
    _frame().to_file(path, layer="first")
    _frame().iloc[:1].to_file(path, layer="second")
    assert list_layers(path, engine=engine) == ["first", "second"]  # type: ignore[arg-type]
    with pytest.raises(
        UsageError, match=r"2 layers \('first', 'second'\); pass `layer=`"
    ):
        read(path, engine=engine)  # type: ignore[arg-type]
    assert len(read(path, layer="second", engine=engine)) == 1  # type: ignore[arg-type]
    with pytest.raises(UsageError, match=r"no layer 'third'"):
        read(path, layer="third", engine=engine)  # type: ignore[arg-type]


def test_geopackage_single_layer_reads_without_layer(
    tmp_path: Path, engine: str
) -> None:
    path = tmp_path / "one.gpkg"
    _frame().to_file(path, layer="only")
    assert_geodataframe_equal(read(path, engine=engine), _frame())  # type: ignore[arg-type]


def test_projected_geopackage_is_reprojected(tmp_path: Path, engine: str) -> None:
    path = tmp_path / "utm.gpkg"
    _frame().to_crs(32643).to_file(path)
    out = read(path, engine=engine)  # type: ignore[arg-type]
    assert out.crs.to_epsg() == 4326
    assert out.geometry.iloc[0].x == pytest.approx(76.9)


def test_shapefile(tmp_path: Path, engine: str) -> None:
    _frame().to_file(tmp_path / "p.shp")
    out = read(tmp_path / "p.shp", engine=engine)  # type: ignore[arg-type]
    assert_geodataframe_equal(out, _frame())


def test_zipped_shapefile(tmp_path: Path, engine: str) -> None:
    _frame().to_file(tmp_path / "p.shp")
    archive = tmp_path / "p.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for ext in ("shp", "shx", "dbf", "prj", "cpg"):
            zf.write(tmp_path / f"p.{ext}", f"folder/p.{ext}")
    out = read(archive, engine=engine)  # type: ignore[arg-type]
    assert_geodataframe_equal(out, _frame())


def test_zip_with_two_shapefiles_needs_layer(tmp_path: Path) -> None:
    _frame().to_file(tmp_path / "p.shp")
    archive = tmp_path / "two.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for stem in ("a", "b"):
            for ext in ("shp", "shx", "dbf", "prj"):
                zf.write(tmp_path / f"p.{ext}", f"{stem}.{ext}")
    with pytest.raises(UsageError, match=r"several Shapefiles \('a.shp', 'b.shp'\)"):
        read(archive)
    assert len(read(archive, layer="b")) == 2


def test_geoparquet(tmp_path: Path) -> None:
    path = tmp_path / "p.parquet"
    _frame().to_crs(3857).to_parquet(path)
    out = read(path)
    assert out.crs.to_epsg() == 4326
    assert out.geometry.iloc[1].y == pytest.approx(51.2)


def test_parquet_without_geo_metadata_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "plain.parquet"
    _frame().drop(columns="geometry").pipe(lambda d: d.to_parquet(path))
    with pytest.raises(ReadError, match=r"plain\.parquet: not readable as GeoParquet"):
        read(path)


def test_csv_detects_columns_in_any_case(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("name,LATITUDE,Lng\nAlmaty,43.2,76.9\n", encoding="utf-8")
    out = read(path)
    assert out.geometry.iloc[0].coords[0] == (76.9, 43.2)
    assert list(out.columns) == ["name", "geometry"]


def test_csv_columns_as_options_and_projected_crs(tmp_path: Path) -> None:
    path = tmp_path / "utm.csv"
    x, y = gpd.GeoSeries([Point(76.9, 43.2)], crs=4326).to_crs(32643).iloc[0].coords[0]
    path.write_text(f"name,east,north\nAlmaty,{x},{y}\n", encoding="utf-8")
    out = read(path, lon="east", lat="north", crs="EPSG:32643")
    assert out.geometry.iloc[0].x == pytest.approx(76.9)


def test_read_vector_still_works_for_the_layers_loader(write_json) -> None:
    path = write_json(fc(feature(point(76.9, 43.2), id="a")))
    assert read_vector(path).crs.to_epsg() == 4326
    assert DEFAULT_ENGINE == "pyogrio"
