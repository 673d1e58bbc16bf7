from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from kzmap.maps.cli import main


@pytest.fixture
def regions_file(tmp_path: Path) -> Path:
    frame = gpd.GeoDataFrame(
        {"id": ["KZ-75", "KZ-19"], "name_en": ["Almaty", "Almaty Region"]},
        geometry=[box(76, 43, 77, 44), box(77, 43, 80, 46)],
        crs=4326,
    )
    path = tmp_path / "regions.geojson"
    frame.to_file(path, driver="GeoJSON")
    return path


@pytest.fixture
def points_csv(tmp_path: Path) -> Path:
    path = tmp_path / "seizures.csv"
    path.write_text(
        "Longitude,Latitude,market,kg\n"
        "76.5,43.5,fuel,1\n"
        "77.0,43.5,drugs,2\n"
        "78.0,44.0,fuel,4\n"
        "60.0,50.0,fuel,8\n",
        encoding="utf-8",
    )
    return path


def test_join_csv_to_csv(tmp_path, regions_file, points_csv, capsys) -> None:
    out = tmp_path / "out.csv"
    argv = [str(points_csv), "--to", str(regions_file), "--by", "market"]
    assert main(["join", *argv, "--sum", "kg", "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == str(out)
    assert "1 of 4 points lie outside every polygon (rows 3)" in captured.err
    table = pd.read_csv(out)
    assert list(table.columns) == ["id", "name_en", "market", "count", "kg_sum"]
    assert table["count"].tolist() == [1, 1, 0, 1]
    assert table["kg_sum"].tolist() == [2, 4, 0, 1]


@pytest.mark.parametrize("suffix", [".gpkg", ".geojson", ".parquet"])
def test_join_writes_geo_and_parquet(tmp_path, regions_file, points_csv, suffix):
    out = tmp_path / f"out{suffix}"
    argv = [str(points_csv), "--to", str(regions_file), "-o", str(out)]
    assert main(["join", *argv]) == 0
    if suffix == ".parquet":
        table = pd.read_parquet(out)
    else:
        table = gpd.read_file(out)
        assert table.geometry.geom_type.tolist() == ["Polygon", "Polygon"]
    assert table["count"].tolist() == [2, 1]


def test_join_labels_points(tmp_path, regions_file, points_csv, capsys) -> None:
    out = tmp_path / "labelled.csv"
    argv = ["join", str(points_csv), "--to", str(regions_file), "--labels"]
    assert main([*argv, "-o", str(out)]) == 0
    table = pd.read_csv(out)
    assert table["region_id"].tolist()[:3] == ["KZ-75", "KZ-19", "KZ-19"]
    assert pd.isna(table["region_id"].iloc[3])
    assert "1 points lie outside every polygon" in capsys.readouterr().err
    assert main([*argv, "-o", str(tmp_path / "labelled.geojson")]) == 0
    points = gpd.read_file(tmp_path / "labelled.geojson")
    assert points.geometry.geom_type.unique().tolist() == ["Point"]
    assert points["region_id"].tolist()[:3] == ["KZ-75", "KZ-19", "KZ-19"]


def test_join_vector_points_with_progress(tmp_path, regions_file, capsys) -> None:
    rng = np.random.default_rng(0)
    points = gpd.GeoDataFrame(
        geometry=gpd.points_from_xy(rng.uniform(77, 80, 500), rng.uniform(43, 46, 500)),
        crs=4326,
    )
    path = tmp_path / "points.gpkg"
    points.to_file(path, driver="GPKG")
    out = tmp_path / "out.csv"
    argv = [str(path), "--to", str(regions_file), "--progress", "-o", str(out)]
    assert main(["join", *argv]) == 0
    assert "join [" in capsys.readouterr().err
    assert pd.read_csv(out)["count"].sum() == 500


def test_join_parquet_folder_uses_dask(tmp_path, regions_file) -> None:
    folder = tmp_path / "points"
    folder.mkdir()
    frame = pd.DataFrame({"lon": [76.5, 78.0, 79.0], "lat": [43.5, 44.0, 45.0]})
    frame.iloc[:2].to_parquet(folder / "a.parquet")
    frame.iloc[2:].to_parquet(folder / "b.parquet")
    out = tmp_path / "out.csv"
    assert main(["join", str(folder), "--to", str(regions_file), "-o", str(out)]) == 0
    assert pd.read_csv(out)["count"].tolist() == [2, 1]


def test_join_errors(tmp_path, regions_file, points_csv, capsys) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    assert main(["join", str(bad), "--to", str(regions_file), "-o", "x.csv"]) == 1
    assert "no longitude/latitude columns" in capsys.readouterr().err
    argv = ["join", str(points_csv), "--to", str(regions_file)]
    assert main([*argv, "-o", str(tmp_path / "x.txt")]) == 2
    assert "use one of .csv, .parquet, .gpkg, .geojson" in capsys.readouterr().err
    assert main([*argv, "--by", "nope", "-o", str(tmp_path / "x.csv")]) == 2
    assert "`points` has no column 'nope'" in capsys.readouterr().err
    assert main([*argv, "-o", str(points_csv)]) == 2
    assert "it is also an input" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()


def test_join_default_regions(tmp_path, points_csv) -> None:
    out = tmp_path / "out.csv"
    assert main(["join", str(points_csv), "-o", str(out)]) == 0
    table = pd.read_csv(out)
    assert len(table) == 20
    assert table["count"].sum() == 3  # the fourth point lies in Uzbekistan
