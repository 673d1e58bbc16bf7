"""The districts layer (geokz adm2_2024) and its nesting in the regions."""

from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from kzmap.geo import METRIC_CRS
from kzmap.layers import load, points_to_regions

ROOT = Path(__file__).resolve().parents[2]
GEOKZ = ROOT / "scripts" / "data" / "geokz"


@pytest.fixture(scope="module")
def districts() -> gpd.GeoDataFrame:
    return load("districts")


@pytest.fixture(scope="module")
def regions() -> gpd.GeoDataFrame:
    return load("regions")


def _geokz(name: str) -> gpd.GeoDataFrame:
    path = GEOKZ / f"geokz_kaz_admbnda_{name}.zip"
    assert zipfile.is_zipfile(path)
    return gpd.read_file(f"zip://{path}")


def test_224_kato_units_with_names_and_provenance(districts: gpd.GeoDataFrame) -> None:
    assert len(districts) == 224
    assert districts["id"].is_unique
    assert districts["id"].str.fullmatch(r"\d{9}").all()
    assert (districts["id"] == districts["kato"]).all()
    for column in ("name_en", "name_ru", "name_kk", "source", "source_url", "date"):
        assert districts[column].map(lambda v: isinstance(v, str) and v != "").all()
    assert set(districts["confidence"]) == {"confirmed"}
    assert districts["source"].str.contains("CC BY 4.0").all()


def test_every_district_region_matches_geokz(districts: gpd.GeoDataFrame) -> None:
    raw = _geokz("adm2_2024")
    want = dict(zip(raw["KATO"], "KZ-" + raw["ADM1_PCODE"].str[2:], strict=True))
    assert dict(zip(districts["id"], districts["region_id"], strict=True)) == want
    assert districts["region_id"].nunique() == 20


def test_districts_tile_without_overlap(districts: gpd.GeoDataFrame) -> None:
    geoms = districts.geometry.values
    assert shapely.coverage_is_valid(geoms)
    metric = districts.to_crs(METRIC_CRS).geometry.values
    union = shapely.union_all(metric).area
    assert abs(metric.area.sum() / union - 1) < 1e-9


def test_districts_dissolve_exactly_to_regions(
    districts: gpd.GeoDataFrame, regions: gpd.GeoDataFrame
) -> None:
    for code, geom in zip(regions["id"], regions.geometry, strict=True):
        mine = districts.loc[districts["region_id"] == code, "geometry"].values
        merged = shapely.coverage_union_all(mine)
        assert shapely.symmetric_difference(merged, geom).area < 1e-9, code


def test_50_district_points_land_in_their_units(
    districts: gpd.GeoDataFrame, regions: gpd.GeoDataFrame
) -> None:
    # A representative point of 50 geokz districts (unsimplified), spread over
    # the KATO order; each must fall in its own district and region.
    raw = _geokz("adm2_2024").sort_values("KATO", ignore_index=True)
    sample = raw.iloc[np.linspace(0, len(raw) - 1, 50).round().astype(int)]
    points = gpd.GeoDataFrame(
        {"kato": sample["KATO"].to_numpy()},
        geometry=shapely.point_on_surface(sample.geometry.values),
        crs=4326,
    )
    hits = points_to_regions(points, regions=districts, by="kato").table
    got = hits[hits["count"] > 0]
    assert sorted(got["id"]) == sorted(got["kato"])
    assert len(got) == 50
    in_region = gpd.sjoin(points, regions[["id", "geometry"]], predicate="within")
    want = points["kato"].map(
        dict(zip(districts["id"], districts["region_id"], strict=True))
    )
    assert (in_region["id"] == want.loc[in_region.index]).all()
    assert len(in_region) >= 49  # a seat may sit on a generalised edge


def test_geokz_regional_centres_land_in_their_region(regions: gpd.GeoDataFrame) -> None:
    centres = _geokz("cnt1_2022")
    joined = gpd.sjoin(centres, regions[["id", "geometry"]], predicate="within")
    want = "KZ-" + joined["ADM1_PCODE"].str[2:]
    assert (joined["id"] == want).all()
    assert len(joined) == len(centres)


def test_points_to_regions_accepts_districts(districts: gpd.GeoDataFrame) -> None:
    frame = pd.DataFrame({"lon": [76.95, 69.6], "lat": [43.24, 42.32]})
    table = points_to_regions(frame, regions=districts).table
    hit = table[table["count"] > 0]
    assert len(table) == 224
    assert set(hit["id"].str[:2]) == {"75", "79"}  # Almaty city and Shymkent
