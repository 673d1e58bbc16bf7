"""The join and route functions work on every shipped polygon layer with defaults."""

from __future__ import annotations

import warnings

import pytest

from kzmap.geo import features_near_lines, line_length_by_polygon
from kzmap.layers import available_layers, layer_info, load, points_to_regions
from kzmap.routes import length_by_polygon, load_routes

POLYGON_LAYERS = [
    n for n in available_layers() if layer_info(n).geometry_type == "Polygon"
]


def test_there_are_shipped_polygon_layers() -> None:
    assert {"countries", "regions"} <= set(POLYGON_LAYERS)


@pytest.mark.parametrize("name", POLYGON_LAYERS)
def test_defaults_work_on_shipped_polygon_layer(name: str) -> None:
    routes, polygons, cities = load_routes(), load(name), load("cities")
    with warnings.catch_warnings():
        # repairs of shipped geometries or overlap notes are not the point here
        warnings.simplefilter("ignore")
        lengths = line_length_by_polygon(routes, polygons=polygons)
        per_route = length_by_polygon(routes, polygons)
    assert set(lengths["line"]) <= set(routes["id"])
    assert set(lengths["polygon"].dropna()) <= set(polygons["id"])
    assert set(per_route["polygon"].dropna()) <= set(polygons["id"])
    counted = points_to_regions(cities, regions=polygons)
    assert counted.table["count"].sum() + counted.outside_count == len(cities)
    near = features_near_lines(polygons, routes, distance_km=10)
    assert set(near["id"]) <= set(routes["id"])
