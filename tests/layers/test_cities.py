from __future__ import annotations

import geopandas as gpd
import pytest

from kzmap.layers import load

CAPITALS = {
    "city-astana", "city-bishkek", "city-tashkent", "city-dushanbe",
    "city-ashgabat", "city-kabul",
}  # fmt: skip
NEIGHBOURS = {
    "city-bishkek", "city-osh", "city-tashkent", "city-dushanbe", "city-ashgabat",
    "city-kabul", "city-urumqi", "city-omsk", "city-orenburg", "city-novosibirsk",
    "city-samara", "city-yekaterinburg",
}  # fmt: skip


@pytest.fixture(scope="module")
def cities() -> gpd.GeoDataFrame:
    return load("cities")


def test_cities_are_points_with_unique_ids(cities: gpd.GeoDataFrame) -> None:
    assert cities.crs.to_epsg() == 4326
    assert (cities.geom_type == "Point").all()
    assert cities["id"].is_unique
    assert cities["id"].str.fullmatch(r"city-[a-z]+").all()
    assert set(cities["id"]) >= NEIGHBOURS
    assert {"city-almaty", "city-shymkent", "city-oral"} <= set(cities["id"])


def test_city_fields_are_present_and_typed(cities: gpd.GeoDataFrame) -> None:
    for column in ("name_en", "name_ru", "name_kk", "country", "description"):
        assert cities[column].map(lambda v: isinstance(v, str) and v != "").all()
    assert cities["is_capital"].map(lambda v: isinstance(v, bool)).all()
    assert set(cities.loc[cities["is_capital"], "id"]) == CAPITALS
    assert cities["population"].isna().all()  # no sourced figures yet
    assert set(cities["location_basis"]) == {"town"}
    assert cities["country"].str.fullmatch(r"[A-Z]{2}").all()


def test_region_id_is_set_exactly_for_kazakh_cities(cities: gpd.GeoDataFrame) -> None:
    kazakh = cities["country"] == "KZ"
    assert cities.loc[kazakh, "region_id"].str.fullmatch(r"KZ-\d{2}").all()
    assert cities.loc[~kazakh, "region_id"].isna().all()
    assert set(cities.loc[~kazakh, "id"]) == NEIGHBOURS


def test_every_city_lies_in_its_country(cities: gpd.GeoDataFrame) -> None:
    countries = load("countries").set_index("iso_a2").geometry
    outside = [
        row["id"]
        for _, row in cities.iterrows()
        if not countries[row["country"]].contains(row.geometry)
    ]
    assert outside == []


def test_every_kazakh_city_lies_in_the_region_it_claims(
    cities: gpd.GeoDataFrame,
) -> None:
    regions = load("regions").set_index("id").geometry
    kazakh = cities[cities["country"] == "KZ"]
    wrong = [
        (row["id"], row["region_id"])
        for _, row in kazakh.iterrows()
        if not regions[row["region_id"]].contains(row.geometry)
    ]
    assert wrong == []
    assert len(kazakh) == 40
