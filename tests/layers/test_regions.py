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
CHANGED = {"KZ-10", "KZ-19", "KZ-33", "KZ-35", "KZ-61", "KZ-62", "KZ-63", "KZ-79"}
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
    assert changed == CHANGED
    assert valid_from.max() == pd.Timestamp("2022-06-08")


def test_regions_are_geokz_and_credit_it(regions: gpd.GeoDataFrame) -> None:
    assert set(regions["geometry_quality"]) == {"geokz"}
    assert set(regions["confidence"]) == {"confirmed"}
    assert (
        regions["source"].str.contains("geokz, © Alexander Rodionov, CC BY 4.0").all()
    )
    assert regions["district_count"].sum() == 224


@pytest.mark.parametrize(
    "name", ["regions", "regions_legacy", "regions_2018", "districts"]
)
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
    assert abs(union / country - 1) < 5e-5  # snap-rounding of the fit: ~47 km²
    assert abs(metric.area.sum() / country - 1) < 5e-5
    tree = shapely.STRtree(metric)
    left, right = tree.query(metric, predicate="intersects")
    pairs = left < right
    overlap = shapely.area(
        shapely.intersection(metric[left[pairs]], metric[right[pairs]])
    )
    assert overlap.sum() < 1.0  # m²: neighbours share edges, nothing more
    outline = shapely.union_all(regions.geometry.values)
    assert shapely.hausdorff_distance(outline.boundary, kazakhstan.boundary) < 2e-4


def test_city_areas_match_published_figures(regions: gpd.GeoDataFrame) -> None:
    by_id = regions.set_index("id").geometry
    # Published: Almaty 682 km² (en.wikipedia "Almaty"), Shymkent 1,170 km²
    # (ru.wikipedia "Шымкент"), Ulytau
    # 188,937 km² (Wikipedia); the generalised geokz lines stay within 4 %.
    assert _area_m2(by_id["KZ-75"]) == pytest.approx(682e6, rel=0.04)
    assert _area_m2(by_id["KZ-79"]) == pytest.approx(1170e6, rel=0.01)
    assert _area_m2(by_id["KZ-62"]) == pytest.approx(188_937e6, rel=0.01)
    assert shapely.covers(shapely.Polygon(by_id["KZ-61"].exterior), by_id["KZ-79"])


def test_legacy_units_are_the_union_of_their_successors(
    regions: gpd.GeoDataFrame, legacy: gpd.GeoDataFrame
) -> None:
    assert legacy.crs.to_epsg() == 4326
    assert set(legacy["id"]) == LEGACY
    assert set(legacy["frame"]) == {"pre-2018"}
    assert legacy["id"].str.fullmatch(r"KZ-[A-Z]{3}").all()
    for column in TEXT:
        assert legacy[column].map(lambda v: isinstance(v, str) and v != "").all()
    for _, unit in legacy.iterrows():
        parts = regions[regions["legacy_id"] == unit["id"]]
        assert ",".join(parts["id"]) == unit["current_ids"]
        # district resolution: the legacy unit is exactly its successors
        merged = shapely.union_all(parts.geometry.values)
        assert shapely.symmetric_difference(merged, unit.geometry).area < 1e-8
        merged = shapely.union_all(parts.geometry.values)
        assert shapely.symmetric_difference(merged, unit.geometry).area < 1e-8


def test_2018_frame_separates_shymkent(legacy: gpd.GeoDataFrame) -> None:
    frame = load("regions_2018")
    assert set(frame["id"]) == LEGACY | {"KZ-SHY"}
    by_id = frame.set_index("id").geometry
    regions = load("regions").set_index("id").geometry
    assert shapely.symmetric_difference(by_id["KZ-SHY"], regions["KZ-79"]).area < 1e-8
    assert shapely.symmetric_difference(by_id["KZ-YUZ"], regions["KZ-61"]).area < 1e-8
    south = legacy.set_index("id").geometry["KZ-YUZ"]
    both = shapely.union(by_id["KZ-SHY"], by_id["KZ-YUZ"])
    assert shapely.symmetric_difference(both, south).area < 1e-8


@pytest.mark.parametrize("name", ["regions", "regions_legacy", "cities"])
def test_every_feature_lies_inside_the_map_extent(name: str) -> None:
    west, south, east, north = load(name).total_bounds
    assert west >= EXTENT[0]
    assert south >= EXTENT[1]
    assert east <= EXTENT[2]
    assert north <= EXTENT[3]


@pytest.mark.parametrize(
    "name", ["regions", "regions_legacy", "regions_2018", "districts", "cities"]
)
def test_catalog_entry_names_sources_and_disclaimer(name: str) -> None:
    info = layer_info(name)
    assert info.sources
    assert info.source_urls
    assert info.licence
    assert info.disclaimer
    if name != "cities":
        assert "geokz, © Alexander Rodionov, CC BY 4.0" in info.licence
        assert re.search(
            r"coverage-simplified|district resolution", info.geometry_quality
        )
        assert "not for border demarcation" in info.disclaimer
