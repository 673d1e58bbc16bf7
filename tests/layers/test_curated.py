"""Checks on the curated layers: schema, provenance, geography, markets."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from kzmap.geo import METRIC_CRS
from kzmap.layers import MARKETS, available_layers, layer_info, load

CURATED = ("crossings", "tunnels", "fuel_corridors", "corridors", "affected_regions")
TABLES = Path(__file__).resolve().parents[2] / "scripts" / "data"
EXTENT = (43.0, 30.0, 90.0, 57.5)  # west, south, east, north
CONFIDENCE = {"confirmed", "reported", "approximate"}
LOCATION_BASIS = {"source", "town", "inferred"}
REGION_IDS = {
    "KZ-10", "KZ-11", "KZ-15", "KZ-19", "KZ-23", "KZ-27", "KZ-31", "KZ-33", "KZ-35",
    "KZ-39", "KZ-43", "KZ-47", "KZ-55", "KZ-59", "KZ-61", "KZ-62", "KZ-63", "KZ-71",
    "KZ-75", "KZ-79",
}  # fmt: skip
MAX_BORDER_KM = 5.0
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")

COMMON = ("id", "name_en", "description", "source", "date", "confidence")
REQUIRED = {
    "crossings": (*COMMON, "name_ru", "name_kk", "country_a", "country_b", "mode",
                  "status", "location_basis", "location_source", "precision_km"),
    "tunnels": (*COMMON, "length_m", "commodity", "region_id", "found",
                "precision_km", "location_basis"),
    "fuel_corridors": (*COMMON, "market", "commodity", "from_country", "to_country",
                       "driver", "figures", "location_basis"),
    "corridors": (*COMMON, "market", "commodity", "from_country", "to_country",
                  "location_basis"),
    "affected_regions": (*COMMON, "region_id", "market", "topic", "claim",
                         "location_basis"),
}  # fmt: skip
GEOMETRY = {
    "crossings": {"Point"},
    "tunnels": {"Polygon"},
    "fuel_corridors": {"LineString", "MultiLineString"},
    "corridors": {"LineString", "MultiLineString"},
    "affected_regions": {"Point"},
}


def _as_text(value: object) -> str:
    """Dates as ISO text, whether GDAL parsed them into timestamps or not."""
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.strftime("%Y-%m-%d")
    return str(value)


def _date_problem(value: object) -> str | None:
    text = _as_text(value)
    ends = text.split("/")
    if len(ends) > 2 or not all(_DATE.match(e) for e in ends):
        return f"{text!r} is not YYYY, YYYY-MM, YYYY-MM-DD or an interval a/b"
    try:
        parsed = [dt.date.fromisoformat((e + "-01-01")[:10]) for e in ends]
    except ValueError as err:
        return f"{text!r}: {err}"
    if len(parsed) == 2 and parsed[0] > parsed[1]:
        return f"{text!r} ends before it starts"
    return None


@pytest.fixture(scope="module")
def countries() -> gpd.GeoDataFrame:
    return load("countries").set_index("iso_a2")


@pytest.fixture(scope="module")
def borders() -> gpd.GeoDataFrame:
    return load("borders").set_index("id")


@pytest.fixture(scope="module", params=CURATED)
def layer(request: pytest.FixtureRequest) -> tuple[str, gpd.GeoDataFrame]:
    return request.param, load(request.param)


def test_curated_layers_are_packaged_with_catalog_entries() -> None:
    assert set(CURATED) <= set(available_layers())
    for name in CURATED:
        info = layer_info(name)
        # checked: the day the entry was last reviewed, not before the first curation
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", info.checked), name
        assert info.checked >= "2026-11-22", name
        assert "CC BY 4.0" in info.licence
        assert info.sources
        assert info.geometry_quality


def test_crs_geometry_and_ids(layer: tuple[str, gpd.GeoDataFrame]) -> None:
    name, frame = layer
    assert frame.crs.to_epsg() == 4326
    assert len(frame) > 0
    assert frame.geometry.is_valid.all(), name
    assert not frame.geometry.is_empty.any(), name
    assert set(frame.geom_type) <= GEOMETRY[name], (name, set(frame.geom_type))
    assert frame["id"].is_unique, frame.loc[frame["id"].duplicated(), "id"].tolist()


def test_required_fields_present_and_typed(layer: tuple[str, gpd.GeoDataFrame]) -> None:
    name, frame = layer
    problems = []
    for column in REQUIRED[name]:
        if column not in frame.columns:
            problems.append(f"{name}: no column {column!r}")
            continue
        for fid, value in zip(frame["id"], frame[column], strict=True):
            missing = value is None or (isinstance(value, float) and pd.isna(value))
            if missing and column != "figures":
                problems.append(f"{name}: {fid!r} has no {column!r}")
    assert not problems, "\n".join(problems)
    assert set(frame["confidence"]) <= CONFIDENCE
    assert set(frame["location_basis"]) <= LOCATION_BASIS
    numeric = {"precision_km", "length_m", "border_distance_km"}
    for column in set(REQUIRED[name]) - numeric - {"date", "found"}:
        values = frame[column].dropna()
        assert values.map(lambda v: isinstance(v, str) and v.strip() != "").all(), (
            column
        )
    for column in numeric & set(frame.columns):
        assert pd.api.types.is_numeric_dtype(frame[column]), column
        assert (frame[column] >= 0).all(), column


def test_source_urls_are_http_or_null(layer: tuple[str, gpd.GeoDataFrame]) -> None:
    _, frame = layer
    urls = frame["source_url"].dropna()
    assert urls.str.match(r"^https?://[^\s]+$").all(), urls.tolist()


def test_dates_are_iso(layer: tuple[str, gpd.GeoDataFrame]) -> None:
    name, frame = layer
    columns = ["date", "found"] if "found" in frame.columns else ["date"]
    problems = [
        f"{name}: {fid!r} {column}: {problem}"
        for column in columns
        for fid, value in zip(frame["id"], frame[column], strict=True)
        if (problem := _date_problem(value)) is not None
    ]
    assert not problems, "\n".join(problems)


def test_date_checker_rejects_bad_values() -> None:
    assert _date_problem("2024-07-03") is None
    assert _date_problem("2022/2024") is None
    assert _date_problem(pd.Timestamp("2025-07-22")) is None
    assert _date_problem("c. 2012") is not None
    assert _date_problem("2024-13") is not None
    assert _date_problem("2025/2024") is not None


def test_features_inside_map_extent(layer: tuple[str, gpd.GeoDataFrame]) -> None:
    name, frame = layer
    west, south, east, north = frame.total_bounds
    assert west >= EXTENT[0], name
    assert south >= EXTENT[1], name
    assert east <= EXTENT[2], name
    assert north <= EXTENT[3], name


def test_iso_codes_are_valid(
    layer: tuple[str, gpd.GeoDataFrame], countries: gpd.GeoDataFrame
) -> None:
    name, frame = layer
    if "region_id" in frame.columns:
        assert set(frame["region_id"].dropna()) <= REGION_IDS, (
            set(frame["region_id"].dropna()) - REGION_IDS
        )
    for column in ("country_a", "country_b", "from_country", "to_country"):
        if column in frame.columns:
            assert set(frame[column]) <= set(countries.index), (name, column)


def test_market_values_belong_to_the_vocabulary() -> None:
    for name in available_layers():
        frame = load(name)
        if "market" not in frame.columns:
            continue
        unknown = set(frame["market"].dropna()) - set(MARKETS)
        assert not unknown, f"{name}: markets not in kzmap.layers.MARKETS: {unknown}"


def test_lines_and_claims_name_a_market() -> None:
    for name in ("fuel_corridors", "corridors", "affected_regions"):
        assert load(name)["market"].notna().all(), name
    assert set(load("fuel_corridors")["market"]) == {"non-renewable resource crimes"}


def test_crossings_lie_near_the_border_of_their_two_countries(
    borders: gpd.GeoDataFrame,
) -> None:
    crossings = load("crossings")
    points = crossings.to_crs(METRIC_CRS)
    lines = borders.to_crs(METRIC_CRS)
    far = []
    for fid, pair, point, recorded in zip(
        crossings["id"],
        crossings["country_a"] + "-" + crossings["country_b"],
        points.geometry,
        crossings["border_distance_km"],
        strict=True,
    ):
        km = point.distance(lines.loc[pair, "geometry"]) / 1000.0
        if km > MAX_BORDER_KM:
            far.append(f"{fid}: {km:.2f} km from {pair}")
        assert recorded == pytest.approx(km, abs=0.05), fid
    assert not far, "\n".join(far)
    assert (crossings["country_a"] != crossings["country_b"]).all()


def test_kazakh_crossings_and_only_they_have_a_region() -> None:
    crossings = load("crossings")
    kazakh = (crossings["country_a"] == "KZ") | (crossings["country_b"] == "KZ")
    assert crossings.loc[kazakh, "region_id"].notna().all()
    assert crossings.loc[~kazakh, "region_id"].isna().all()
    assert (~kazakh).sum() >= 5  # AF-TJ, AF-UZ and TJ-KG crossings on the routes


def test_crossing_points_lie_in_one_of_their_countries(
    countries: gpd.GeoDataFrame,
) -> None:
    crossings = load("crossings")
    outside = [
        fid
        for fid, a, b, point in zip(
            crossings["id"],
            crossings["country_a"],
            crossings["country_b"],
            crossings.geometry,
            strict=True,
        )
        if not (
            countries.loc[a, "geometry"].covers(point)
            or countries.loc[b, "geometry"].covers(point)
        )
    ]
    assert not outside, outside


def test_affected_region_points_lie_in_kazakhstan(countries: gpd.GeoDataFrame) -> None:
    frame = load("affected_regions")
    kz = countries.loc["KZ", "geometry"]
    outside = frame.loc[~frame.geometry.map(kz.covers), "id"].tolist()
    assert not outside, outside


def test_affected_regions_one_row_per_region_market_topic() -> None:
    frame = load("affected_regions")
    assert not frame.duplicated(["region_id", "market", "topic"]).any()
    assert all(
        fid.startswith(f"aff-{rid}-")
        for fid, rid in zip(frame["id"], frame["region_id"], strict=True)
    )
    assert (
        (frame.loc[frame["location_basis"] == "town", "description"])
        .str.contains("administrative centre")
        .all()
    )


def test_gi_toc_only_claims_are_reported() -> None:
    frame = load("affected_regions")
    only = frame["source"] == "GI-TOC OC Index 2025, Kazakhstan"
    assert only.any()
    assert set(frame.loc[only, "confidence"]) == {"reported"}


def test_tunnels_are_approximate_areas_not_pins(countries: gpd.GeoDataFrame) -> None:
    tunnels = load("tunnels")
    assert set(tunnels["confidence"]) == {"approximate"}
    assert tunnels["description"].str.contains("approximate").all()
    assert set(tunnels["length_m"]) == {310, 450}
    metric = tunnels.to_crs(METRIC_CRS)
    for fid, geom, radius_km in zip(
        tunnels["id"], metric.geometry, tunnels["precision_km"], strict=True
    ):
        # a sector of a disc of that radius: never wider than its diameter, and
        # never so small that it pretends to pinpoint the tunnel
        minx, miny, maxx, maxy = geom.bounds
        assert max(maxx - minx, maxy - miny) <= 2 * radius_km * 1000 * 1.01, fid
        assert geom.area > 1e6, fid
    for geom in tunnels.geometry:
        assert geom.intersects(countries.loc["KZ", "geometry"])
        assert geom.intersects(countries.loc["UZ", "geometry"])


def test_corridors_touch_their_origin_and_destination(
    countries: gpd.GeoDataFrame,
) -> None:
    for name in ("fuel_corridors", "corridors"):
        frame = load(name)
        for fid, a, b, geom in zip(
            frame["id"],
            frame["from_country"],
            frame["to_country"],
            frame.geometry,
            strict=True,
        ):
            assert geom.intersects(countries.loc[a, "geometry"]), (fid, a)
            assert geom.intersects(countries.loc[b, "geometry"]), (fid, b)


def test_via_lists_shipped_crossings() -> None:
    ids = set(load("crossings")["id"])
    for name in ("fuel_corridors", "corridors"):
        for via in load(name)["via"].dropna():
            assert set(via.split(",")) <= ids, via


def test_shipped_features_match_the_source_tables() -> None:
    with (TABLES / "crossings.toml").open("rb") as fh:
        rows = tomllib.load(fh)["crossing"]
    shipped = {r["id"] for r in rows if r["ship"]}
    assert set(load("crossings")["id"]) == shipped
    for name, key in (
        ("tunnels", "tunnel"),
        ("fuel_corridors", "corridor"),
        ("corridors", "corridor"),
        ("affected_regions", "claim"),
    ):
        with (TABLES / f"{name}.toml").open("rb") as fh:
            ids = {r["id"] for r in tomllib.load(fh)[key]}
        assert set(load(name)["id"]) == ids, name


def _regions() -> gpd.GeoDataFrame:
    return load("regions").set_index("id")


def test_affected_region_points_lie_in_their_region() -> None:
    regions = _regions()
    frame = load("affected_regions")
    wrong = [
        f"{fid}: not in {rid}"
        for fid, rid, point in zip(
            frame["id"], frame["region_id"], frame.geometry, strict=True
        )
        if rid not in regions.index or not regions.loc[rid, "geometry"].covers(point)
    ]
    assert not wrong, "\n".join(wrong)


def test_crossing_region_is_the_nearest_region() -> None:
    regions = _regions().to_crs(METRIC_CRS)
    crossings = load("crossings").to_crs(METRIC_CRS)
    crossings = crossings[crossings["region_id"].notna()]
    wrong = []
    for fid, rid, point in zip(
        crossings["id"], crossings["region_id"], crossings.geometry, strict=True
    ):
        nearest = regions.geometry.distance(point).idxmin()
        if nearest != rid:
            wrong.append(f"{fid}: claims {rid}, nearest region is {nearest}")
    assert not wrong, "\n".join(wrong)


def test_tunnels_touch_their_region() -> None:
    regions = _regions()
    tunnels = load("tunnels")
    for fid, rid, geom in zip(
        tunnels["id"], tunnels["region_id"], tunnels.geometry, strict=True
    ):
        assert rid in regions.index, (fid, rid)
        assert geom.intersects(regions.loc[rid, "geometry"]), fid
