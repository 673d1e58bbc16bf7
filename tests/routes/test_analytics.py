"""Route analytics on synthetic polygons and on the shipped route and countries."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from pyproj import Geod
from shapely.geometry import LineString, Point, Polygon, box

from kzmap.geo import CRSError, RepairWarning, UsageError
from kzmap.layers import load
from kzmap.routes import (
    OverlapWarning,
    border_crossings,
    country_sequence,
    exposure,
    length_by_polygon,
    load_routes,
    route_length_km,
)
from kzmap.routes.geodesy import geodesic_line

GEOD = Geod(ellps="WGS84")


def _route(*coords: tuple[float, float], rid: str = "r") -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"id": [rid]}, geometry=[geodesic_line(list(coords))], crs=4326
    )


@pytest.fixture
def squares() -> gpd.GeoDataFrame:
    """A and B share lon 71; a 0.5-degree gap; then C."""
    return gpd.GeoDataFrame(
        {"code": ["A", "B", "C"], "name_en": ["Alpha", "Beta", "Gamma"]},
        geometry=[box(70, 44, 71, 46), box(71, 44, 72, 46), box(72.5, 44, 73.5, 46)],
        crs=4326,
    )


def _independent_km(line: LineString, polygon: Polygon) -> float:
    """Shapely intersection with the polygon, measured with pyproj.Geod."""
    return GEOD.geometry_length(line.intersection(polygon)) / 1000


def test_route_length_km_matches_geod_and_ignores_projection() -> None:
    route = _route((69.6, 42.3), (71.4, 51.2))
    _, _, metres = GEOD.inv(69.6, 42.3, 71.4, 51.2)
    assert route_length_km(route).iloc[0] == pytest.approx(metres / 1000, rel=1e-9)
    projected = route_length_km(route.to_crs(3857)).iloc[0]
    assert projected == pytest.approx(metres / 1000, rel=1e-6)


def test_route_length_km_needs_a_crs(routes) -> None:
    with pytest.raises(CRSError, match=r"`routes` has no CRS"):
        route_length_km(routes.set_crs(None, allow_override=True))


def test_length_by_polygon_pieces_sum_and_match_shapely(squares) -> None:
    route = _route((69.5, 45.0), (74.0, 45.2))
    table = length_by_polygon(route, squares, by="code")
    total = route_length_km(route).iloc[0]
    # outside stretches (before A, the gap, after C) are summed in one row
    assert table["polygon"].tolist() == [None, "A", "B", "C"]
    inside = table.dropna(subset=["polygon"]).set_index("polygon")["length_km"]
    line = route.geometry.iloc[0]
    for code, geom in zip(squares["code"], squares.geometry, strict=True):
        assert inside[code] == pytest.approx(_independent_km(line, geom), rel=1e-4)
    assert table["length_km"].sum() == pytest.approx(total, rel=1e-9)
    assert table["share"].sum() == pytest.approx(1.0, rel=1e-9)


def test_length_by_polygon_orders_by_first_entry(squares) -> None:
    route = _route((73.4, 45.0), (70.5, 45.0))  # east to west
    table = length_by_polygon(route, squares, by="code")
    inside = [p for p in table["polygon"] if p is not None]
    assert inside == ["C", "B", "A"]


def test_length_by_polygon_region_like_keys() -> None:
    regions = gpd.GeoDataFrame(
        {"id": ["KZ-19", "KZ-75"], "name_en": ["Almaty Region", "Almaty"]},
        geometry=[box(74, 42, 80, 46), box(76.7, 43.1, 77.1, 43.4)],
        crs=4326,
    )
    # The city is cut out of the region, as in the real layer.
    regions.loc[0, "geometry"] = regions.geometry[0].difference(regions.geometry[1])
    route = _route((74.7, 43.0), (76.9, 43.24), (77.5, 45.0))
    table = length_by_polygon(route, regions, by="id")
    assert set(table["polygon"]) == {"KZ-19", "KZ-75"}
    assert table["length_km"].sum() == pytest.approx(route_length_km(route).iloc[0])
    crossings = border_crossings(route, regions, by="id")
    assert list(
        zip(crossings["from_country"], crossings["to_country"], strict=True)
    ) == [
        ("KZ-19", "KZ-75"),
        ("KZ-75", "KZ-19"),
    ]


def test_length_by_polygon_warns_on_overlap() -> None:
    overlapping = gpd.GeoDataFrame(
        {"id": ["a", "b"]},
        geometry=[box(70, 44, 72, 46), box(71, 44, 73, 46)],
        crs=4326,
    )
    with pytest.warns(OverlapWarning, match=r"polygons overlap"):
        table = length_by_polygon(_route((70.5, 45), (72.5, 45)), overlapping)
    assert table["share"].sum() > 1.0


def test_length_by_polygon_repairs_invalid_polygons() -> None:
    bowtie = Polygon([(70, 44), (72, 46), (72, 44), (70, 46)])
    polygons = gpd.GeoDataFrame({"id": ["bow"]}, geometry=[bowtie], crs=4326)
    with pytest.warns(RepairWarning, match=r"repaired invalid polygon\(s\) \['bow'\]"):
        table = length_by_polygon(_route((69, 45.5), (73, 45.5)), polygons)
    assert "bow" in set(table["polygon"])


def test_length_by_polygon_errors(squares) -> None:
    route = _route((69.5, 45.0), (74.0, 45.0))
    with pytest.raises(UsageError, match=r"no column 'iso' to key the polygons by"):
        length_by_polygon(route, squares, by="iso")
    with pytest.raises(CRSError, match=r"`polygons` has no CRS"):
        length_by_polygon(route, squares.set_crs(None, allow_override=True), by="code")
    points = gpd.GeoDataFrame({"id": ["p"]}, geometry=[Point(70, 45)], crs=4326)
    with pytest.raises(ValueError, match=r"geometry is Point"):
        length_by_polygon(points, squares, by="code")


def test_border_crossings_in_order_with_gap(squares) -> None:
    route = _route((70.5, 45.0), (73.0, 45.0), (71.5, 45.5))
    found = border_crossings(route, squares, by="code")
    pairs = list(zip(found["from_country"], found["to_country"], strict=True))
    assert pairs == [("A", "B"), ("B", "C"), ("C", "B")]
    assert found["seq"].tolist() == [1, 2, 3]
    assert found["lon"].iloc[0] == pytest.approx(71.0, abs=1e-9)
    assert found["lat"].iloc[0] == pytest.approx(45.0, abs=0.01)
    _, _, gap = GEOD.inv(72.0, 45.0, 72.5, 45.0)
    assert found["gap_km"].iloc[1] == pytest.approx(gap / 1000, rel=1e-3)
    assert found["gap_km"].iloc[0] == 0.0
    assert found["along_km"].is_monotonic_increasing


def test_border_crossings_nearest_official_crossing(squares) -> None:
    crossings = gpd.GeoDataFrame(
        {
            "id": ["x-far", "x-near", "x-other-pair"],
            "name_en": ["Far", "Near", "Other"],
            "country_a": ["A", "B", "B"],
            "country_b": ["B", "A", "C"],
        },
        geometry=[Point(71.0, 44.2), Point(71.0, 45.3), Point(71.0, 45.0)],
        crs=4326,
    )
    found = border_crossings(
        _route((70.5, 45.0), (71.5, 45.0)), squares, by="code", crossings=crossings
    )
    assert found["crossing_id"].tolist() == ["x-near"]
    _, _, d = GEOD.inv(found["lon"].iloc[0], found["lat"].iloc[0], 71.0, 45.3)
    assert found["crossing_distance_km"].iloc[0] == pytest.approx(d / 1000, rel=1e-6)


def test_shipped_route_per_country_lengths() -> None:
    routes = load_routes()
    countries = load("countries")
    table = length_by_polygon(routes, countries, by="iso_a2")
    totals = route_length_km(routes).set_axis(routes["id"])
    sums = table.groupby("route", sort=False)["length_km"].sum()
    for rid in routes["id"]:
        assert abs(sums[rid] - totals[rid]) / totals[rid] < 1e-3, rid
    kz = countries.set_index("iso_a2").geometry
    for row in table.dropna(subset=["polygon"]).itertuples():
        line = routes.set_index("id").geometry[row.route]
        expected = _independent_km(line, kz[row.polygon])
        assert row.length_km == pytest.approx(expected, rel=1e-3, abs=0.01), row


def test_shipped_route_crossings_match_sequence() -> None:
    routes = load_routes()
    countries = load("countries")
    found = border_crossings(routes, countries)
    sequences = country_sequence(routes, countries)
    for rid, sequence in sequences.items():
        rows = found[found["route"] == rid]
        assert [sequence[0], *rows["to_country"]] == sequence


def test_exposure_distance_and_share() -> None:
    route = _route((70.0, 40.0), (70.0, 45.0))
    polygons = gpd.GeoDataFrame(
        {"id": ["strip", "east", "far"]},
        geometry=[box(69.5, 42, 70.5, 43), box(70.5, 42, 71, 43), box(75, 42, 76, 43)],
        crs=4326,
    )
    table = exposure(route, polygons, buffer_km=45).set_index("polygon")
    assert set(table.index) == {"strip", "east"}
    assert table.loc["strip", "distance_km"] == 0.0
    # independent: shortest geodesic from the east square's west edge to the meridian
    edge_lat = np.linspace(42, 43, 101)
    line_lat = np.linspace(40, 45, 5001)
    lat1, lat2 = np.meshgrid(edge_lat, line_lat)
    _, _, d = GEOD.inv(
        np.full(lat1.size, 70.5), lat1.ravel(), np.full(lat1.size, 70.0), lat2.ravel()
    )
    assert table.loc["east", "distance_km"] == pytest.approx(d.min() / 1000, rel=2e-3)
    total, _ = GEOD.geometry_area_perimeter(box(69.5, 42, 70.5, 43))
    assert table.loc["strip", "area_km2"] == pytest.approx(abs(total) / 1e6, rel=1e-9)


def test_exposure_area_share_matches_a_geodesic_strip() -> None:
    route = _route((70.0, 40.0), (70.0, 45.0))
    square = box(69.5, 42, 70.5, 43)
    polygons = gpd.GeoDataFrame({"id": ["sq"]}, geometry=[square], crs=4326)
    table = exposure(route, polygons, buffer_km=20)
    # strip of points 20 km east and west of the meridian, built with Geod.fwd
    lats = np.linspace(41.5, 43.5, 201)
    east = GEOD.fwd(
        np.full(lats.size, 70.0),
        lats,
        np.full(lats.size, 90.0),
        np.full(lats.size, 20e3),
    )
    west = GEOD.fwd(
        np.full(lats.size, 70.0),
        lats,
        np.full(lats.size, 270.0),
        np.full(lats.size, 20e3),
    )
    strip = Polygon(
        list(zip(east[0], east[1], strict=True))
        + list(zip(west[0][::-1], west[1][::-1], strict=True))
    )
    inside, _ = GEOD.geometry_area_perimeter(square.intersection(strip))
    total, _ = GEOD.geometry_area_perimeter(square)
    expected = abs(inside) / abs(total)
    assert table["area_share"].iloc[0] == pytest.approx(expected, rel=5e-4)
    assert 0.45 < table["area_share"].iloc[0] < 0.52


def test_exposure_on_shipped_route_and_errors() -> None:
    routes = load_routes()
    countries = load("countries")
    one = routes[routes["id"] == "NR-E"]
    table = exposure(one, countries, buffer_km=10, by="iso_a2")
    assert set(table.loc[table["distance_km"] == 0, "polygon"]) == {"UZ", "KZ"}
    assert (table["area_share"] > 0).all()
    with pytest.raises(UsageError, match=r"`buffer_km` must be a number of km"):
        exposure(one, countries, buffer_km=0, by="iso_a2")
    with pytest.raises(CRSError, match=r"`routes` has no CRS"):
        exposure(one.set_crs(None, allow_override=True), countries, buffer_km=5)


def test_results_are_plain_dataframes(squares) -> None:
    table = length_by_polygon(_route((69.5, 45.0), (74.0, 45.0)), squares, by="code")
    assert isinstance(table, pd.DataFrame)
    assert list(table.columns) == ["route", "polygon", "length_km", "share"]


def test_exposure_merges_features_sharing_a_key() -> None:
    route = _route((70.0, 40.0), (70.0, 45.0))
    halves = gpd.GeoDataFrame(
        {"id": ["sq", "sq"]},
        geometry=[box(69.5, 42, 70.0, 43), box(70.0, 42, 70.5, 43)],
        crs=4326,
    )
    whole = gpd.GeoDataFrame(
        {"id": ["sq"]}, geometry=[box(69.5, 42, 70.5, 43)], crs=4326
    )
    split = exposure(route, halves, buffer_km=20)
    joined = exposure(route, whole, buffer_km=20)
    assert split["polygon"].tolist() == ["sq"]
    assert split["area_share"].iloc[0] == pytest.approx(
        joined["area_share"].iloc[0], rel=1e-4
    )


def test_length_by_polygon_and_geo_line_length_by_polygon_agree(squares) -> None:
    # One engine (kzmap.geo.lines.length_runs): the same lengths, to the bit.
    from kzmap.geo.lines import line_length_by_polygon

    raw = gpd.GeoDataFrame(
        {"id": ["r", "s"]},
        geometry=[
            LineString([(69.5, 45.0), (74.0, 45.2)]),  # long: geodesic segments
            LineString([(71.0, 44.5), (71.0, 45.5), (73.0, 45.8)]),  # on A|B
        ],
        crs=4326,
    )
    routes_table = length_by_polygon(raw, squares, by="code")
    geo_table = line_length_by_polygon(raw, polygons=squares, key="code")
    for rid in ("r", "s"):
        ours = routes_table[routes_table["route"] == rid]
        theirs = geo_table[geo_table["id"] == rid]
        a = dict(zip(ours["polygon"].fillna("-"), ours["length_km"], strict=True))
        b = dict(zip(theirs["code"].fillna("-"), theirs["length_km"], strict=True))
        assert a == b
        # segments are geodesics: the pieces add up to the geodesic length
        line = raw.set_index("id").geometry[rid]
        total = GEOD.geometry_length(line) / 1000
        assert sum(a.values()) == pytest.approx(total, rel=1e-9)
    # the stretch along the shared A|B border counts once, for A (smallest key)
    on_border = routes_table[routes_table["route"] == "s"].set_index("polygon")
    assert on_border.loc["A", "length_km"] == pytest.approx(111.1, abs=0.3)
