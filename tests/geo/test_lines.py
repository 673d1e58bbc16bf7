from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from pyproj import Geod
from shapely.geometry import LineString, Point, box

from kzmap.geo.errors import DataError, UsageError
from kzmap.geo.lines import features_near_lines, line_length_by_polygon

GEOD = Geod(ellps="WGS84")


@pytest.fixture
def zones() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"zone": ["west", "east"]},
        geometry=[box(70, 44, 72, 46), box(72, 44, 74, 46)],
        crs=4326,
    )


def test_lengths_add_up_to_the_geodesic_total(zones) -> None:
    line = LineString([(69, 45), (71, 45.5), (73.5, 44.5), (75, 45)])
    lines = gpd.GeoDataFrame({"id": ["r1"]}, geometry=[line], crs=4326)
    out = line_length_by_polygon(lines, polygons=zones, key="zone")
    assert out["zone"].tolist()[:2] == ["east", "west"]
    assert out["zone"].isna().sum() == 1
    # Cut points lie on the lon/lat chord, not the geodesic: tiny differences.
    total = GEOD.geometry_length(line) / 1000
    assert out["length_km"].sum() == pytest.approx(total, rel=1e-4)


def test_a_line_on_a_shared_border_counts_once(zones) -> None:
    border = LineString([(72, 44.5), (72, 45.5)])
    lines = gpd.GeoDataFrame({"id": ["b"]}, geometry=[border], crs=4326)
    out = line_length_by_polygon(lines, polygons=zones.to_crs(3857), key="zone")
    assert out["zone"].tolist() == ["east"]
    assert out["length_km"].iloc[0] == pytest.approx(111.1, abs=0.2)


def test_line_key_problems(zones) -> None:
    lines = gpd.GeoDataFrame(
        {"id": ["x", "x"]}, geometry=[LineString([(0, 0), (1, 1)])] * 2, crs=4326
    )
    with pytest.raises(DataError, match=r"'id' values must be unique"):
        line_length_by_polygon(lines, polygons=zones, key="zone")
    with pytest.raises(UsageError, match=r"no column 'nope'"):
        line_length_by_polygon(lines, polygons=zones, key="zone", line_key="nope")


def test_same_key_name_gives_line_and_polygon_columns(zones) -> None:
    # Shipped routes and polygons are both keyed by "id" (issue 15).
    lines = gpd.GeoDataFrame(
        {"id": ["r"]}, geometry=[LineString([(69, 45), (75, 45)])], crs=4326
    )
    polygons = zones.rename(columns={"zone": "id"})
    out = line_length_by_polygon(lines, polygons=polygons)
    assert list(out.columns) == ["line", "polygon", "length_km"]
    assert set(out["line"]) == {"r"}


def test_features_near_lines_uses_metric_distance() -> None:
    # Along a meridian, which the Albers projection keeps straight.
    road = LineString([(71, 44), (71, 46)])
    lines = gpd.GeoDataFrame({"id": ["road"]}, geometry=[road], crs=4326)
    # 0.07 deg of longitude at 45 N is about 5.5 km; 0.3 deg about 24 km.
    points = gpd.GeoDataFrame(
        geometry=[Point(71.07, 45), Point(71.3, 45), Point(71, 45)],
        index=["near", "far", "on"],
        crs=4326,
    )
    out = features_near_lines(points, lines, distance_km=10)
    assert out["feature"].tolist() == ["near", "on"]
    assert out["id"].tolist() == ["road", "road"]
    assert out["distance_km"].iloc[0] == pytest.approx(5.51, abs=0.06)
    assert out["distance_km"].iloc[1] == pytest.approx(0, abs=1e-9)
    zones = gpd.GeoDataFrame(geometry=[box(71.14, 44.5, 72, 45.5)], crs=4326)
    assert len(features_near_lines(zones, lines, distance_km=12)) == 1
    assert len(features_near_lines(zones, lines, distance_km=10)) == 0


@pytest.mark.parametrize("distance", [-1.0, np.inf, np.nan])
def test_bad_distance(distance) -> None:
    lines = gpd.GeoDataFrame({"id": ["r"]}, geometry=[LineString([(0, 0), (1, 1)])])
    with pytest.raises(ValueError, match=r"`distance_km` must be a finite number"):
        features_near_lines(lines, lines, distance_km=distance)
