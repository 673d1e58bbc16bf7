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
    # Segments are geodesics, pieces fractions of them: the total is exact.
    total = GEOD.geometry_length(line) / 1000
    assert out["length_km"].sum() == pytest.approx(total, rel=1e-9)


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


def test_features_near_lines_is_geodesic_far_from_central_asia() -> None:
    # A meridian in Africa, where kzmap's Albers for Central Asia is far off:
    # the local azimuthal-equidistant pieces keep the geodesic distance.
    from pyproj import Geod

    lon, lat, _ = Geod(ellps="WGS84").fwd(10, 10, 90, 100_000)
    road = LineString([(10, 0), (10, 20)])
    lines = gpd.GeoDataFrame({"id": ["road"]}, geometry=[road], crs=4326)
    points = gpd.GeoDataFrame(geometry=[Point(lon, lat)], crs=4326)
    out = features_near_lines(points, lines, distance_km=150)
    assert out["distance_km"].iloc[0] == pytest.approx(100, rel=5e-4)
    assert features_near_lines(points, lines, distance_km=99.5).empty


def test_features_near_lines_and_exposure_share_one_engine() -> None:
    from kzmap.routes.exposure import exposure

    route = LineString([(60, 40), (66, 44), (72, 43)])
    routes = gpd.GeoDataFrame({"id": ["r"]}, geometry=[route], crs=4326)
    zones = gpd.GeoDataFrame(
        {"id": ["a", "b"]},
        geometry=[box(66.5, 44.3, 67.5, 45), box(61, 38, 62, 39.9)],
        crs=4326,
    )
    near = features_near_lines(zones, routes, distance_km=80)
    table = exposure(routes, zones, buffer_km=80).set_index("polygon")
    assert sorted(near["feature"].map(zones["id"])) == sorted(table.index)
    # one engine (geodesic segments, local AEQD pieces): identical distances
    assert len(near) == 2
    for pos, km in zip(near["feature"], near["distance_km"], strict=True):
        assert km == table.loc[zones["id"][pos], "distance_km"]
    # a polygon just beyond the radius is left out by both
    km_b = float(table.loc["b", "distance_km"])
    assert 0 < table.loc["a", "distance_km"] < km_b
    assert len(features_near_lines(zones, routes, distance_km=km_b * 0.999)) == 1
    assert list(exposure(routes, zones, buffer_km=km_b * 0.999)["polygon"]) == ["a"]
    assert len(features_near_lines(zones, routes, distance_km=km_b * 1.001)) == 2


def test_features_near_lines_takes_segments_as_geodesics() -> None:
    # A 40-degree segment along 60 N: its geodesic bulges ~700 km north of
    # the parallel, so a point on the geodesic's middle is on the line.
    lon, lat = GEOD.npts(40, 60, 80, 60, 1)[0]
    road = LineString([(40, 60), (80, 60)])
    lines = gpd.GeoDataFrame({"id": ["road"]}, geometry=[road], crs=4326)
    points = gpd.GeoDataFrame(geometry=[Point(lon, lat), Point(60, 60)], crs=4326)
    out = features_near_lines(points, lines, distance_km=1)
    assert out["feature"].tolist() == [0]
    assert out["distance_km"].iloc[0] < 0.05
