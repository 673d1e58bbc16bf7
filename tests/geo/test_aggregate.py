from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from kzmap.geo.aggregate import aggregate_points
from kzmap.geo.errors import DataError, UsageError
from kzmap.geo.join import PolygonIndex


@pytest.fixture
def sample() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "lon": [0.5, 0.5, 1.0, 3.0, 1.5, np.nan, 9.0],
            "lat": [0.5, 0.6, 1.5, 1.0, 0.5, 1.0, 9.0],
            "market": ["fuel", "drugs", "fuel", None, "fuel", "fuel", "drugs"],
            "kg": [1.0, 2.0, np.nan, 4.0, 8.0, 16.0, 32.0],
        },
        index=list("pqrstuv"),
    )


def test_counts_every_polygon_in_key_order(polygons_tiling, sample) -> None:
    result = aggregate_points(sample, polygons=polygons_tiling)
    expected = pd.DataFrame(
        {"id": list("abcdef"), "count": np.array([0, 1, 0, 2, 1, 0], dtype="int64")}
    )
    pd.testing.assert_frame_equal(result.table, expected, check_dtype=False)
    assert result.table["count"].dtype == np.int64


def test_outside_points_are_reported_not_dropped(polygons_tiling, sample) -> None:
    result = aggregate_points(sample, polygons=polygons_tiling)
    assert result.outside_count == 3
    assert result.outside_index.tolist() == ["t", "u", "v"]
    assert result.total == 7
    assert result.table["count"].sum() + result.outside_count == result.total
    assert result.complete
    assert result.summary().startswith("3 of 7 points lie outside every polygon")


def test_by_and_sum_give_every_combination(polygons_tiling, sample) -> None:
    result = aggregate_points(
        sample, polygons=polygons_tiling, by="market", sum="kg", keep=("name_en",)
    )
    table = result.table
    assert list(table.columns) == ["id", "name_en", "market", "count", "kg_sum"]
    assert len(table) == 6 * 3  # six polygons x (drugs, fuel, missing)
    assert table["market"].iloc[:3].tolist()[:2] == ["drugs", "fuel"]
    assert pd.isna(table["market"].iloc[2])
    rows = table.set_index(["id", "market"])
    assert rows.loc[("d", "fuel"), "count"] == 1
    assert rows.loc[("d", "drugs"), "kg_sum"] == 2.0
    assert rows.loc[("b", "fuel"), "kg_sum"] == 0.0  # its one value is NaN
    assert rows.loc[("b", "fuel"), "count"] == 1
    assert table.loc[table["id"] == "c", "name_en"].unique().tolist() == ["Cee"]


def test_arrays_and_index_give_the_same_table(polygons_tiling, sample) -> None:
    index = PolygonIndex(polygons_tiling, engine="grid")
    from_frame = aggregate_points(sample, polygons=index)
    from_arrays = aggregate_points(
        lon=sample["lon"].to_numpy(), lat=sample["lat"].to_numpy(), polygons=index
    )
    pd.testing.assert_frame_equal(from_frame.table, from_arrays.table)
    assert from_arrays.outside_index.tolist() == [4, 5, 6]


def test_geodataframe_input(polygons_tiling, sample) -> None:
    points = gpd.GeoDataFrame(
        sample[["market"]],
        geometry=gpd.points_from_xy(sample["lon"], sample["lat"]),
        crs=4326,
    )
    result = aggregate_points(points, polygons=polygons_tiling, by="market")
    assert result.table["count"].sum() == 4


def test_sum_needs_numbers_and_categories_sort_as_values(polygons_tiling, sample):
    with pytest.raises(DataError, match=r"Cannot sum column 'market': its type"):
        aggregate_points(sample, polygons=polygons_tiling, sum="market")
    categorical = sample.astype({"market": "category"})
    categorical["market"] = categorical["market"].cat.set_categories(
        ["fuel", "drugs", "arms"]
    )
    table = aggregate_points(categorical, polygons=polygons_tiling, by="market").table
    assert table["market"].iloc[:2].tolist() == ["drugs", "fuel"]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"by": "nope"}, r"`points` has no column 'nope'"),
        ({"sum": "weight"}, r"`points` has no column 'weight'"),
        ({"keep": ("title",)}, r"`polygons` has no column 'title'"),
        ({"by": "id"}, r"output columns would clash"),
    ],
)
def test_bad_columns(polygons_tiling, sample, kwargs, match) -> None:
    frame = sample.assign(id=1)
    with pytest.raises(UsageError, match=match):
        aggregate_points(frame, polygons=polygons_tiling, **kwargs)
