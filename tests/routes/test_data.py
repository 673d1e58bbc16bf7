"""The shipped northern-route data: schema, provenance and claimed border sequences."""

from __future__ import annotations

import re

import geopandas as gpd
import pytest
from pyproj import Geod

from kzmap.geo import to_metric_crs
from kzmap.layers import load
from kzmap.routes import (
    branch_ids,
    country_sequence,
    load_branches,
    load_network,
    load_routes,
    load_waypoints,
)
from kzmap.routes.schema import (
    CONFIDENCE,
    LOCATION_BASIS,
    ROLES,
    WAYPOINT_COLUMNS,
    parse_sequence,
)

GEOD = Geod(ellps="WGS84")
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@pytest.fixture(scope="module")
def waypoints() -> gpd.GeoDataFrame:
    return load_waypoints()


@pytest.fixture(scope="module")
def countries() -> gpd.GeoDataFrame:
    return load("countries")


def test_waypoints_have_the_agreed_columns_and_values(waypoints) -> None:
    assert set(WAYPOINT_COLUMNS) <= set(waypoints.columns)
    assert set(waypoints["role"]) <= ROLES
    assert set(waypoints["confidence"]) <= CONFIDENCE
    assert set(waypoints["location_basis"]) <= LOCATION_BASIS
    assert waypoints["id"].is_unique
    assert waypoints.crs.to_epsg() == 4326
    for branch, group in waypoints.groupby("branch_id"):
        assert group["seq"].tolist() == list(range(1, len(group) + 1)), branch
        assert all(i.startswith(f"{branch}-") for i in group["id"]), branch


def test_inferred_waypoints_are_approximate(waypoints) -> None:
    inferred = waypoints[waypoints["location_basis"] == "inferred"]
    assert len(inferred) > 0
    assert set(inferred["confidence"]) == {"approximate"}


def test_every_waypoint_has_provenance(waypoints) -> None:
    for row in waypoints.itertuples():
        assert row.source, row.id
        assert row.description, row.id
        assert row.source_url is None or row.source_url.startswith("http"), row.id
        assert row.date is None or DATE.match(row.date), (row.id, row.date)
        assert row.precision_km in {2.0, 10.0, 30.0}, row.id


def test_each_waypoint_lies_in_its_country_within_its_precision(
    waypoints, countries
) -> None:
    metric = to_metric_crs(countries, name="countries").set_index("iso_a2")
    points = to_metric_crs(waypoints, name="waypoints")
    for row, point in zip(waypoints.itertuples(), points.geometry, strict=True):
        km = metric.loc[row.country].geometry.distance(point) / 1000
        # Albers distorts distances by under 1 % here, hence the 1.02 margin.
        assert km <= row.precision_km * 1.02, (row.id, row.country, round(km, 1))


def test_branches_carry_commodities_sources_and_the_value_estimate() -> None:
    branches = load_branches()
    assert branches["id"].tolist() == branch_ids()
    assert {"NR-A", "NR-C", "NR-D", "NR-F"} <= set(branches["id"])
    for row in branches.itertuples():
        assert row.commodities, row.id
        assert set(row.commodities.split("; ")) <= {
            "heroin",
            "opium",
            "opiates",
            "cannabis resin",
        }
        assert row.confidence in CONFIDENCE
        assert "US$1.1–2.1 billion a year" in row.value_estimate
        assert row.value_source == "GI-TOC, via Caliber.az 2025-11-29"
        assert row.date is None or DATE.match(row.date), row.id
    tajik = branches.set_index("id").loc["NR-A", "actors"]
    assert "100–200 kg" in tajik


def test_network_record() -> None:
    network = load_network()
    assert network["id"] == "NR"
    assert "Caliber.az" in network["value_source"]


def test_first_and_last_waypoints_match_the_claimed_sequence(waypoints) -> None:
    for row in load_branches().itertuples():
        claimed = parse_sequence(row.border_sequence)
        stops = waypoints[waypoints["branch_id"] == row.id]
        assert stops["country"].iloc[0] == claimed[0], row.id
        assert stops["country"].iloc[-1] == claimed[-1], row.id
        # every country a waypoint sits in is in the claimed sequence
        assert set(stops["country"]) <= set(claimed), row.id


def test_branches_cross_the_claimed_borders_in_order(countries) -> None:
    routes = load_routes()
    found = country_sequence(routes, countries, by="iso_a2")
    claimed = {r.id: parse_sequence(r.border_sequence) for r in routes.itertuples()}
    assert found == claimed
    assert found["NR-A"] == ["AF", "TJ", "KG", "KZ", "RU"]


def test_wheel_carries_route_data() -> None:
    from importlib.metadata import files

    shipped = {str(f) for f in files("kzmap") or []}
    assert "kzmap/routes/data/waypoints.csv" in shipped
    assert "kzmap/routes/data/branches.toml" in shipped
