from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from kzmap.geo.aggregate import aggregate_points
from kzmap.geo.errors import ReadError, UsageError
from kzmap.geo.scale import aggregate_dataset

distributed = pytest.importorskip("distributed", reason="needs kzmap[scale]")


@pytest.fixture(scope="module")
def client() -> Iterator[object]:
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    )
    with cluster, distributed.Client(cluster) as c:
        yield c


def _points(n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "lon": rng.uniform(-0.5, 4.5, n),
            "lat": rng.uniform(-0.5, 3.5, n),
            "market": rng.choice(["fuel", "drugs", "arms"], n),
            "kg": rng.integers(0, 100, n),
        }
    )
    # Points exactly on edges and vertices, where engines could disagree.
    frame.loc[: n // 10, ["lon", "lat"]] = frame.loc[: n // 10, ["lon", "lat"]].round(0)
    return frame


def _write_parts(frame: pd.DataFrame, folder: Path, parts: int) -> Path:
    folder.mkdir()
    for i, chunk in enumerate(np.array_split(np.arange(len(frame)), parts)):
        frame.iloc[chunk].to_parquet(folder / f"part-{i:03d}.parquet")
    return folder


def test_lon_lat_dataset_equals_in_memory(client, tmp_path, polygons_tiling) -> None:
    frame = _points(60_000, seed=3)
    folder = _write_parts(frame, tmp_path / "points", parts=6)
    expected = aggregate_points(
        frame, polygons=polygons_tiling, by="market", sum="kg", keep=("name_en",)
    )
    result = aggregate_dataset(
        folder,
        polygons=polygons_tiling,
        by="market",
        sum="kg",
        keep=("name_en",),
        output=tmp_path / "regions.csv",
    )
    pd.testing.assert_frame_equal(result.table, expected.table)
    assert result.outside_count == expected.outside_count > 0
    assert result.outside_index.tolist() == expected.outside_index.tolist()[:10_000]
    assert result.total == 60_000
    written = pd.read_csv(tmp_path / "regions.csv", keep_default_na=False)
    assert written["count"].tolist() == expected.table["count"].tolist()


def test_geoparquet_dataset_in_another_crs(client, tmp_path, polygons_tiling) -> None:
    frame = _points(20_000, seed=4)
    points = gpd.GeoDataFrame(
        frame[["market"]],
        geometry=gpd.points_from_xy(frame["lon"], frame["lat"]),
        crs=4326,
    )
    folder = tmp_path / "geo"
    folder.mkdir()
    for i, chunk in enumerate(np.array_split(np.arange(len(points)), 3)):
        points.iloc[chunk].to_parquet(folder / f"part-{i}.parquet")
    expected = aggregate_points(points, polygons=polygons_tiling, by="market")
    result = aggregate_dataset(folder, polygons=polygons_tiling, by="market")
    pd.testing.assert_frame_equal(result.table, expected.table)
    assert result.outside_index.tolist() == list(expected.outside_index[:10_000])


def test_outside_positions_are_capped(tmp_path, polygons_tiling) -> None:
    frame = _points(3_000, seed=5)
    folder = _write_parts(frame, tmp_path / "points", parts=3)
    result = aggregate_dataset(folder, polygons=polygons_tiling, max_outside=5)
    assert len(result.outside_index) == 5
    assert result.outside_count > 5
    assert not result.complete


def test_missing_columns_and_bad_source(tmp_path, polygons_tiling) -> None:
    folder = _write_parts(_points(100, seed=6), tmp_path / "points", parts=1)
    with pytest.raises(UsageError, match=r"no column\(s\) \['x', 'y'\]"):
        aggregate_dataset(folder, polygons=polygons_tiling, lon="x", lat="y")
    with pytest.raises(UsageError, match=r"`points` has no column 'kind'"):
        aggregate_dataset(folder, polygons=polygons_tiling, by="kind")
    (tmp_path / "junk.parquet").write_text("not parquet", encoding="utf-8")
    with pytest.raises(ReadError, match=r"not a readable Parquet dataset"):
        aggregate_dataset(tmp_path / "junk.parquet", polygons=polygons_tiling)


def test_missing_optional_packages_name_the_extra(
    monkeypatch, tmp_path, polygons_tiling
) -> None:
    monkeypatch.setitem(sys.modules, "dask_geopandas", None)
    with pytest.raises(ImportError, match=r"pip install 'kzmap\[scale\]'"):
        aggregate_dataset(tmp_path, polygons=polygons_tiling)
