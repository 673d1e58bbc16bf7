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
        "64.4,39.8,fuel,8\n",  # Bukhara, Uzbekistan: outside Kazakhstan
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


@pytest.fixture
def points_parquet(tmp_path: Path) -> tuple[Path, pd.DataFrame]:
    """A folder of two lon/lat Parquet files (2 and 1 rows) and their rows."""
    folder = tmp_path / "points"
    folder.mkdir()
    frame = pd.DataFrame({"lon": [76.5, 78.0, 79.0], "lat": [43.5, 44.0, 45.0]})
    frame.iloc[:2].to_parquet(folder / "a.parquet")
    frame.iloc[2:].to_parquet(folder / "b.parquet")
    return folder, frame


def test_join_parquet_folder_uses_dask(tmp_path, regions_file, points_parquet) -> None:
    folder, _ = points_parquet
    out = tmp_path / "out.csv"
    assert main(["join", str(folder), "--to", str(regions_file), "-o", str(out)]) == 0
    assert pd.read_csv(out)["count"].tolist() == [2, 1]


def test_join_errors(tmp_path, regions_file, points_csv, capsys) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    # no coordinate columns: named with --lon/--lat, so bad usage (exit 2)
    assert main(["join", str(bad), "--to", str(regions_file), "-o", "x.csv"]) == 2
    err = capsys.readouterr().err
    assert "found no longitude column" in err
    assert "Pass --lon and --lat" in err
    assert "its columns are 'a', 'b'." in err
    # the same for render --add; kzmap validate reports it as a data error
    out = str(tmp_path / "m.html")
    assert main(["render", "--layers", "countries", "--add", str(bad), "-o", out]) == 2
    assert "its columns are 'a', 'b'." in capsys.readouterr().err
    assert main(["validate", str(bad)]) == 1
    capsys.readouterr()
    argv = ["join", str(points_csv), "--to", str(regions_file)]
    with pytest.raises(SystemExit) as exit_info:
        main([*argv, "-o", str(tmp_path / "x.txt")])
    assert exit_info.value.code == 2
    assert "must end in .csv or .parquet or .gpkg or .geojson" in (
        capsys.readouterr().err
    )
    assert main([*argv, "--by", "nope", "-o", str(tmp_path / "x.csv")]) == 2
    err = capsys.readouterr().err
    assert "--by 'nope': POINTS" in err
    assert "its columns are market, kg" in err
    assert main([*argv, "-o", str(points_csv)]) == 2
    assert "it is also an input" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()


def test_join_default_regions(tmp_path, points_csv) -> None:
    out = tmp_path / "out.csv"
    assert main(["join", str(points_csv), "-o", str(out)]) == 0
    table = pd.read_csv(out)
    assert len(table) == 20
    assert table["count"].sum() == 3  # the fourth point lies in Uzbekistan


def test_join_swapped_csv_fails_as_validate_does(tmp_path, capsys) -> None:
    swapped = tmp_path / "swapped.csv"
    swapped.write_text("lon,lat\n43.2,76.9\n51.2,71.4\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    assert main(["validate", str(swapped)]) == 1
    assert "crs.swapped" in capsys.readouterr().out
    assert main(["join", str(swapped), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "lon and lat swapped" in err
    assert "--no-aoi" in err
    assert "aoi=None" not in err
    assert not out.exists()


def test_join_csv_row_errors_name_the_line(tmp_path, capsys) -> None:
    bad = tmp_path / "bad_rows.csv"
    bad.write_text("lon,lat\n76.9,43.2\n76,9,43.2\n", encoding="utf-8")
    assert main(["join", str(bad), "-o", str(tmp_path / "o.csv")]) == 1
    assert "line" in capsys.readouterr().err


def test_join_one_coordinate_column_per_axis(tmp_path, capsys) -> None:
    twice = tmp_path / "twice.csv"
    twice.write_text("lon,x,lat\n76.9,76.9,43.2\n", encoding="utf-8")
    # ambiguous, like missing: resolved with --lon/--lat, so bad usage (exit 2)
    assert main(["join", str(twice), "-o", str(tmp_path / "o.csv")]) == 2
    err = capsys.readouterr().err
    assert "several ('lon', 'x') longitude column" in err
    assert "its columns are 'lon', 'x', 'lat'." in err
    argv = ["join", str(twice), "--lon", "x", "-o", str(tmp_path / "o.csv")]
    assert main(argv) == 0


@pytest.mark.parametrize("layer", ["countries", "regions", "regions_legacy"])
def test_join_to_any_packaged_polygon_layer(tmp_path, points_csv, layer) -> None:
    out = tmp_path / "out.csv"
    assert main(["join", str(points_csv), "--to", layer, "-o", str(out)]) == 0
    assert pd.read_csv(out)["count"].sum() >= 3


def test_join_to_unknown_or_non_polygon_layer_lists_polygon_layers(
    tmp_path, points_csv, capsys
) -> None:
    out = str(tmp_path / "out.csv")
    assert main(["join", str(points_csv), "--to", "nope", "-o", out]) == 2
    err = capsys.readouterr().err
    assert "--to 'nope': no such packaged polygon layer; choose one of: " in err
    assert "countries" in err
    assert "cities" not in err.split("choose one of:")[1]
    assert main(["join", str(points_csv), "--to", "cities", "-o", out]) == 2
    assert "--to 'cities': no such polygon layer" in capsys.readouterr().err


def test_join_key_detection_and_errors(tmp_path, points_csv, capsys) -> None:
    districts = tmp_path / "my_districts.gpkg"
    gpd.GeoDataFrame(
        {"district": ["A", "B"], "name_en": ["Alpha", "Beta"]},
        geometry=[box(76, 43, 77, 44), box(77, 43, 80, 46)],
        crs=4326,
    ).to_file(districts, driver="GPKG")
    out = tmp_path / "out.gpkg"
    argv = ["join", str(points_csv), "--to", str(districts), "-o", str(out)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "have no 'id' column" in err
    assert "pass --key with one of their columns: district, name_en" in err
    assert main([*argv, "--key", "nope"]) == 2
    assert "--key 'nope'" in capsys.readouterr().err
    assert main([*argv, "--key", "district"]) == 0
    assert gpd.read_file(out)["count"].tolist() == [2, 1]  # a border point: "A"


def test_join_scheduler_runs_on_that_cluster(
    tmp_path, regions_file, points_parquet
) -> None:
    # A real dask cluster in this process, reached over TCP on localhost only.
    distributed = pytest.importorskip("distributed")
    folder, frame = points_parquet
    single = tmp_path / "one.parquet"
    frame.to_parquet(single)
    cluster = distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=False,
        protocol="tcp://",
        host="127.0.0.1",
        dashboard_address=None,
    )
    with cluster:
        address = cluster.scheduler_address
        assert address.startswith("tcp://127.0.0.1:")
        before = _summaries_run(cluster)
        for points in (folder, single):
            out = tmp_path / f"{points.stem}.csv"
            argv = ["join", str(points), "--to", str(regions_file), "-o", str(out)]
            assert main([*argv, "--scheduler", address]) == 0
            assert pd.read_csv(out)["count"].tolist() == [2, 1]
        # the partial counts (a row group each) were computed on that cluster
        assert _summaries_run(cluster) == before + 3


def _summaries_run(cluster) -> int:
    """How many partial-count tasks (one per row group) reached memory there."""
    prefix = cluster.scheduler.task_prefixes.get("summarize")
    return 0 if prefix is None else int(prefix.state_counts["memory"])


def test_join_scheduler_flag_errors(tmp_path, regions_file, points_csv, capsys):
    argv = ["join", str(points_csv), "--to", str(regions_file), "-o"]
    for bad in ("localhost", "http://host:8786", "tcp://host:port", "tcp://:8786"):
        with pytest.raises(SystemExit) as exit_info:
            main([*argv, str(tmp_path / "x.csv"), "--scheduler", bad])
        assert exit_info.value.code == 2
        assert "dask distributed scheduler address" in capsys.readouterr().err or (
            bad == "tcp://host:port"
        )
    # a CSV is read here, not by dask: say so rather than ignore the flag
    out = str(tmp_path / "x.csv")
    assert main([*argv, out, "--scheduler", "tcp://127.0.0.1:8786"]) == 2
    assert "--scheduler runs the dask engine" in capsys.readouterr().err
    labels = [*argv, out, "--labels", "--scheduler", "tcp://127.0.0.1:8786"]
    assert main(labels) == 2
    assert "drop one" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()


@pytest.mark.parametrize("layer", ["context", "context_outlines", "rivers"])
def test_join_refuses_basemap_only_layers(tmp_path, points_csv, layer, capsys) -> None:
    # the surrounding land is a Polygon layer, but coarse and outside the
    # detailed extent: a join to it would count nothing useful
    out = str(tmp_path / "out.csv")
    assert main(["join", str(points_csv), "--to", layer, "-o", out]) == 2
    err = capsys.readouterr().err
    assert f"--to {layer!r}: a basemap-only layer" in err
    assert "regions" in err.split("choose one of:")[1]
    # and the list of choices offered for a wrong name leaves them out
    assert main(["join", str(points_csv), "--to", "nope", "-o", out]) == 2
    offered = capsys.readouterr().err.split("choose one of:")[1]
    assert "countries" in offered
    assert "context" not in offered
