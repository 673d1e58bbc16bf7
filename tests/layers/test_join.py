from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from kzmap.geo.join import PolygonIndex
from kzmap.layers import load, points_to_regions


@pytest.fixture
def regions() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "id": ["KZ-79", "KZ-75", "KZ-19"],
            "name_en": ["Shymkent", "Almaty", "Almaty Region"],
        },
        geometry=[box(69, 42, 70, 43), box(76, 43, 77, 44), box(77, 43, 80, 46)],
        crs=4326,
    )


def test_points_to_regions_with_explicit_regions(regions) -> None:
    points = pd.DataFrame(
        {
            "lon": [69.5, 76.5, 77.0, 78.0, 60.0],
            "lat": [42.5, 43.5, 43.5, 44.0, 50.0],
            "market": ["fuel", "drugs", "drugs", "fuel", "fuel"],
            "seized_kg": [1.5, 2.0, 4.0, 8.0, 16.0],
        }
    )
    result = points_to_regions(points, regions=regions, by="market", sum="seized_kg")
    table = result.table
    assert list(table.columns) == ["id", "name_en", "market", "count", "seized_kg_sum"]
    assert table["id"].unique().tolist() == ["KZ-19", "KZ-75", "KZ-79"]
    rows = table.set_index(["id", "market"])
    # (77.0, 43.5) lies on the KZ-75 / KZ-19 border: the smaller id wins.
    assert rows.loc[("KZ-19", "drugs"), "count"] == 1
    assert rows.loc[("KZ-75", "drugs"), "seized_kg_sum"] == 2.0
    assert result.outside_index.tolist() == [4]


def test_points_to_regions_accepts_arrays_and_an_index(regions) -> None:
    index = PolygonIndex(regions)
    result = points_to_regions(
        lon=np.array([69.5, 69.6]), lat=np.array([42.5, 42.6]), regions=index
    )
    assert result.table.set_index("id").loc["KZ-79", "count"] == 2
    assert result.table.set_index("id").loc["KZ-79", "name_en"] == "Shymkent"


def test_default_regions_are_the_packaged_layer() -> None:
    regions = load("regions")
    centres = regions.geometry.representative_point()
    result = points_to_regions(lon=centres.x.to_numpy(), lat=centres.y.to_numpy())
    assert len(result.table) == len(regions) == 20
    assert result.table["count"].tolist() == [1] * 20
    assert result.table["id"].tolist() == sorted(regions["id"])
    assert "name_en" in result.table.columns
    assert result.outside_count == 0
