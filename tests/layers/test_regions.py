from __future__ import annotations

import re

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from kzmap.geo import METRIC_CRS
from kzmap.layers import layer_info, load

CURRENT = {
    "KZ-10", "KZ-11", "KZ-15", "KZ-19", "KZ-23", "KZ-27", "KZ-31", "KZ-33",
    "KZ-35", "KZ-39", "KZ-43", "KZ-47", "KZ-55", "KZ-59", "KZ-61", "KZ-62",
    "KZ-63", "KZ-71", "KZ-75", "KZ-79",
}  # fmt: skip
LEGACY = {
    "KZ-AKM", "KZ-AKT", "KZ-ALA", "KZ-ALM", "KZ-AST", "KZ-ATY", "KZ-KAR",
    "KZ-KUS", "KZ-KZY", "KZ-MAN", "KZ-PAV", "KZ-SEV", "KZ-VOS", "KZ-YUZ",
    "KZ-ZAP", "KZ-ZHA",
}  # fmt: skip
DERIVED = {"KZ-10", "KZ-19", "KZ-33", "KZ-35", "KZ-61", "KZ-62", "KZ-63", "KZ-79"}
EXTENT = (43.0, 30.0, 90.0, 57.5)
TEXT = ("id", "name_en", "name_ru", "name_kk", "description", "source", "source_url")


@pytest.fixture(scope="module")
def regions() -> gpd.GeoDataFrame:
    return load("regions")


@pytest.fixture(scope="module")
def legacy() -> gpd.GeoDataFrame:
    return load("regions_legacy")


@pytest.fixture(scope="module")
def kazakhstan() -> shapely.Geometry:
    countries = load("countries")
    (kz,) = countries.loc[countries["id"] == "KAZ", "geometry"]
    return kz


def _area_m2(geom: shapely.Geometry) -> float:
    return float(gpd.GeoSeries([geom], crs=4326).to_crs(METRIC_CRS).area.iloc[0])


def test_regions_are_the_20_current_iso_units(regions: gpd.GeoDataFrame) -> None:
    assert regions.crs.to_epsg() == 4326
    assert regions["id"].is_unique
    assert set(regions["id"]) == CURRENT
    assert (regions["iso_3166_2"] == regions["id"]).all()
    assert regions["id"].str.fullmatch(r"KZ-\d{2}").all()
    cities = regions.loc[regions["kind"] == "city", "id"]
    assert set(cities) == {"KZ-71", "KZ-75", "KZ-79"}
    assert set(regions["kind"]) == {"region", "city"}


def test_region_fields_are_present_and_typed(regions: gpd.GeoDataFrame) -> None:
    for column in TEXT:
        assert regions[column].map(lambda v: isinstance(v, str) and v != "").all()
    is_region = regions["kind"] == "region"
    assert regions.loc[is_region, "admin_centre"].map(bool).all()
    assert regions.loc[~is_region, "admin_centre"].isna().all()
    assert set(regions["legacy_id"]) <= LEGACY
    valid_from = pd.to_datetime(regions["valid_from"])
    changed = set(regions.loc[valid_from.notna(), "id"])
    assert changed == DERIVED
    assert valid_from.max() == pd.Timestamp("2022-06-08")


def test_derived_regions_are_marked_approximate(regions: gpd.GeoDataFrame) -> None:
    quality = dict(zip(regions["id"], regions["geometry_quality"], strict=True))
    assert {k for k, v in quality.items() if v == "approximate"} == DERIVED
    assert set(quality.values()) == {"approximate", "natural_earth"}
    approximate = regions["confidence"] == "approximate"
    assert set(regions.loc[approximate, "id"]) == DERIVED


@pytest.mark.parametrize("name", ["regions", "regions_legacy"])
def test_region_layers_are_valid_polygons(name: str) -> None:
    frame = load(name)
    assert frame.geometry.is_valid.all()
    assert set(frame.geom_type) <= {"Polygon", "MultiPolygon"}
    assert shapely.coverage_is_valid(frame.geometry.values)


def test_regions_tile_the_shipped_kazakhstan_polygon(
    regions: gpd.GeoDataFrame, kazakhstan: shapely.Geometry
) -> None:
    metric = regions.to_crs(METRIC_CRS).geometry.values
    union = shapely.union_all(metric).area
    country = _area_m2(kazakhstan)
    assert abs(union / country - 1) < 1e-3
    assert abs(metric.area.sum() / country - 1) < 1e-3
    tree = shapely.STRtree(metric)
    left, right = tree.query(metric, predicate="intersects")
    pairs = left < right
    overlap = shapely.area(
        shapely.intersection(metric[left[pairs]], metric[right[pairs]])
    )
    assert overlap.sum() < 1e6  # m², i.e. below 1 km² in total


def test_shymkent_is_an_enclave_of_its_stated_area(regions: gpd.GeoDataFrame) -> None:
    by_id = regions.set_index("id").geometry
    assert _area_m2(by_id["KZ-79"]) == pytest.approx(1170e6, rel=0.01)
    assert shapely.covers(shapely.Polygon(by_id["KZ-61"].exterior), by_id["KZ-79"])


def test_legacy_units_are_the_union_of_their_successors(
    regions: gpd.GeoDataFrame, legacy: gpd.GeoDataFrame
) -> None:
    assert legacy.crs.to_epsg() == 4326
    assert set(legacy["id"]) == LEGACY
    assert legacy["id"].str.fullmatch(r"KZ-[A-Z]{3}").all()
    for column in TEXT:
        assert legacy[column].map(lambda v: isinstance(v, str) and v != "").all()
    for _, unit in legacy.iterrows():
        parts = regions[regions["legacy_id"] == unit["id"]]
        assert ",".join(parts["id"]) == unit["current_ids"]
        merged = shapely.union_all(parts.geometry.values)
        assert shapely.symmetric_difference(merged, unit.geometry).area < 1e-8


@pytest.mark.parametrize("name", ["regions", "regions_legacy", "cities"])
def test_every_feature_lies_inside_the_map_extent(name: str) -> None:
    west, south, east, north = load(name).total_bounds
    assert west >= EXTENT[0]
    assert south >= EXTENT[1]
    assert east <= EXTENT[2]
    assert north <= EXTENT[3]


@pytest.mark.parametrize("name", ["regions", "regions_legacy", "cities"])
def test_catalog_entry_names_sources_and_disclaimer(name: str) -> None:
    info = layer_info(name)
    assert info.sources
    assert info.source_urls
    assert info.licence
    assert info.checked == "2026-11-22"
    assert info.disclaimer
    if name != "cities":
        assert info.disclaimer == "Boundaries are not authoritative."
        assert re.search(r"Voronoi|fitted", info.geometry_quality)
