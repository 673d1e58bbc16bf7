"""add_points: compact encoding, escaping, cleaning, and drawing in Chromium."""

from __future__ import annotations

import base64
import json
import zlib
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, Point

from kzmap.geo import CRSError, DataError, KzmapWarning, UsageError
from kzmap.maps import (
    add_layer,
    add_points,
    empty_map,
    map_to_html,
    safe_text,
    save_html,
)
from kzmap.maps._points_data import day_intervals, escape_all
from kzmap.maps.points import CATEGORY_COLORS, OTHER_COLOR, PointsLayer, js_value

KINDS = np.array(["drugs", "fuel", "weapons", "migrants", "wildlife"])
PAYLOAD = "<img src=x onerror=alert(1)>{{7*7}}</script><script>alert(2)</script>"


def incidents(n: int, *, seed: int = 0) -> gpd.GeoDataFrame:
    """`n` random points in Kazakhstan's bounding box with kind/date/source."""
    rng = np.random.default_rng(seed)
    days = rng.integers(0, 3650, n).astype("timedelta64[D]")
    return gpd.GeoDataFrame(
        {
            "name_en": [f"Incident {i}" for i in range(n)],
            "kind": KINDS[rng.integers(0, len(KINDS), n)],
            "date": np.datetime64("2015-01-01") + days,
            "source": "synthetic",
        },
        geometry=gpd.points_from_xy(
            rng.uniform(46.5, 87.3, n), rng.uniform(40.6, 55.4, n)
        ),
        crs=4326,
    )


def decode(layer: PointsLayer) -> tuple[dict, dict[str, np.ndarray]]:
    """Decode a layer's payload the way points.js does, independently, in NumPy."""
    raw = zlib.decompress(base64.b64decode(layer.data_base64()))
    length = int.from_bytes(raw[:4], "little")
    header = json.loads(raw[4 : 4 + length].decode("utf-8"))
    arrays = {}
    n = header["n"]
    for name, (offset, width, codec) in header["arrays"].items():
        planes = np.frombuffer(raw, np.uint8, n * width, 4 + length + offset)
        values = np.zeros(n, dtype=np.uint64)
        for b in range(width):
            values |= planes[b * n : (b + 1) * n].astype(np.uint64) << np.uint64(8 * b)
        arrays[name] = np.cumsum(values) if codec == "delta" else values
    return header, arrays


def lonlat(header: dict, arrays: dict[str, np.ndarray]) -> np.ndarray:
    lon = (header["x0"] + arrays["x"].astype(np.int64)) / header["scale"]
    lat = (header["y0"] + arrays["y"].astype(np.int64)) / header["scale"]
    return np.column_stack([lon, lat])


def entry(header: dict, arrays: dict, i: int) -> dict[str, str]:
    """The popup texts of stored point `i`, by field label."""
    out = {"title": header["title"][arrays["title"][i]]}
    for k, field in enumerate(header["fields"]):
        out[field["label"]] = field["values"][arrays[f"f{k}"][i]]
    return out


# ---- encoding --------------------------------------------------------------


def test_coordinates_round_trip_to_1e5_degree() -> None:
    frame = incidents(5000)
    layer = add_points(empty_map(), frame)
    header, arrays = decode(layer)
    got = lonlat(header, arrays)
    expected = np.column_stack([frame.geometry.x, frame.geometry.y])[layer._order]
    assert header["n"] == len(layer) == 5000
    assert np.abs(got - expected).max() <= 0.5e-5 + 1e-12


def test_stored_rows_keep_their_attributes() -> None:
    frame = incidents(300)
    layer = add_points(empty_map(), frame, category="kind")
    header, arrays = decode(layer)
    labels = [f["label"] for f in header["fields"]]
    assert labels == ["kind", "Date", "Source"]
    for i in (0, 57, 299):
        row = frame.iloc[layer._order[i]]
        texts = entry(header, arrays, i)
        assert texts["title"] == row["name_en"]
        assert texts["kind"] == row["kind"]
        assert texts["Date"] == str(row["date"].date())


def test_categories_are_small_ints_with_a_legend_by_count() -> None:
    frame = incidents(1000)
    frame.loc[:9, "kind"] = "rare"
    layer = add_points(empty_map(), frame, category="kind")
    header, arrays = decode(layer)
    color = header["color"]
    assert header["arrays"][color["array"]][1] == 1  # one byte per point
    counts = frame["kind"].value_counts()
    legend = {label: (index, count) for label, index, count in color["legend"]}
    assert {k: v[1] for k, v in legend.items()} == counts.to_dict()
    assert color["legend"][-1][0] == "rare"  # least frequent last
    values = header["fields"][0]["values"]
    drawn = np.array(color["map"])[arrays[color["array"]].astype(int)]
    names = np.array(values)[arrays[color["array"]].astype(int)]
    assert all(
        color["colors"][drawn[i]] == color["colors"][legend[n][0]]
        for i, n in enumerate(names)
    )


def test_rare_categories_share_other() -> None:
    frame = incidents(200)
    frame["kind"] = [f"k{i % 12}" for i in range(200)]
    header, _ = decode(add_points(empty_map(), frame, category="kind"))
    color = header["color"]
    assert color["colors"] == [*CATEGORY_COLORS, OTHER_COLOR]
    assert color["legend"][-1][0] == "Other"
    assert len(color["legend"]) == len(CATEGORY_COLORS) + 1
    # 12 kinds: k0-k7 have 17 points, k8-k11 16; three of the 16s share "Other"
    assert color["legend"][-1][1:] == [len(CATEGORY_COLORS), 3 * 16]


def test_size_per_point_is_small() -> None:
    frame = incidents(20_000).drop(columns="name_en")
    layer = add_points(empty_map(), frame, category="kind")
    # quantised coords + category + date + source, compressed, as base64
    assert len(layer.data_base64()) / len(frame) < 12


def test_same_input_gives_same_bytes() -> None:
    def page() -> str:
        m = empty_map()
        add_points(m, incidents(500), category="kind")
        return map_to_html(m)

    assert page() == page()


# ---- escaping ----------------------------------------------------------------


def test_popup_text_is_escaped_and_inert(points) -> None:
    points.loc[0, "name_en"] = PAYLOAD
    points["description"] = [PAYLOAD, "plain"]
    points["source_url"] = ["javascript:alert(3)", "https://example.org/?a=1&b=2"]
    m = empty_map()
    layer = add_points(m, points)
    header, _ = decode(layer)
    assert safe_text(PAYLOAD) in header["title"]
    assert header["fields"][0]["values"][1:] == [safe_text(PAYLOAD), "plain"]
    sources = header["fields"][1]["values"]
    assert "test" in sources  # not linked: the URL is not http(s)
    assert '<a href="https://example.org/?a=1&amp;b=2"' in sources[1]
    page = map_to_html(m)
    assert "{{7*7}}" not in page
    assert "alert(" not in page  # all data is inside the compressed payload
    assert page.count("</script>") == page.count("<script")


def test_escape_all_matches_safe_text_value_by_value() -> None:
    values = pd.Index(["a\nb", "\x1f", "{{x}}", "<&>'\"", "`$\\", "", "ok", 1.5])
    assert escape_all(values) == [safe_text(v) for v in values]


def test_js_value_is_inert_and_round_trips() -> None:
    value = {"a": PAYLOAD, "b": [1, "{%x%}"]}
    literal = js_value(value)
    assert literal.startswith("JSON.parse(")
    assert not {"{", "}", "<", ">", "&"} & set(literal)
    assert json.loads(json.loads(literal.removeprefix("JSON.parse(")[:-1])) == value


# ---- cleaning and errors -------------------------------------------------------


def test_bad_coordinates_are_dropped_with_a_warning() -> None:
    frame = incidents(10)
    frame.geometry = [
        Point(np.nan, 45),
        Point(70, np.inf),
        None,
        Point(),
        Point(200, 45),
        *frame.geometry.iloc[5:],
    ]
    with pytest.warns(
        KzmapWarning, match=r"dropped 5 of 10 points .*index 0, 1, 2, 3, 4\)"
    ):
        layer = add_points(empty_map(), frame)
    header, arrays = decode(layer)
    assert header["n"] == 5
    assert np.isfinite(lonlat(header, arrays)).all()


def test_missing_crs_is_an_error() -> None:
    with pytest.raises(CRSError, match=r"`Incidents` has no CRS"):
        add_points(empty_map(), incidents(3).set_crs(None, allow_override=True))


def test_other_crs_is_reprojected() -> None:
    frame = incidents(50)
    layer = add_points(empty_map(), frame.to_crs(32642))
    got = lonlat(*decode(layer))
    expected = np.column_stack([frame.geometry.x, frame.geometry.y])[layer._order]
    assert np.abs(got - expected).max() < 1e-5


def test_non_points_are_refused_with_their_index() -> None:
    frame = incidents(3)
    frame.geometry = [
        frame.geometry.iloc[0],
        LineString([(70, 45), (71, 46)]),
        frame.geometry.iloc[2],
    ]
    with pytest.raises(DataError, match=r"1 rows do not \(index 1: 'LineString'\)"):
        add_points(empty_map(), frame)


def test_unknown_columns_are_usage_errors() -> None:
    with pytest.raises(UsageError, match=r"category='kinds' is not a column"):
        add_points(empty_map(), incidents(3), category="kinds")
    with pytest.raises(UsageError, match=r"popup_fields names columns .*'nope'"):
        add_points(empty_map(), incidents(3), popup_fields=["kind", "nope"])


def test_popup_fields_mapping_sets_labels() -> None:
    layer = add_points(empty_map(), incidents(3), popup_fields={"kind": "<Kind>"})
    header, _ = decode(layer)
    assert [f["label"] for f in header["fields"]] == ["&lt;Kind&gt;"]


def test_empty_frame_gives_an_empty_layer() -> None:
    header, _ = decode(add_points(empty_map(), incidents(0)))
    assert header["n"] == 0


def test_layer_goes_before_an_existing_layer_control(points) -> None:
    m = empty_map()
    folium.LayerControl().add_to(m)
    layer = add_points(m, points)
    kinds = [type(c) for c in m._children.values()]
    assert kinds.index(PointsLayer) < kinds.index(folium.LayerControl)
    assert layer.layer_name == "Incidents"


# ---- dates -------------------------------------------------------------------


def test_day_intervals_cover_years_months_and_days() -> None:
    first, last, bad = day_intervals(
        pd.Series(["2020", "2020-02", "2020-03-05", None, "", "soon", pd.NaT])
    )
    d = lambda s: (np.datetime64(s) - np.datetime64("1970-01-01")).astype(int)  # noqa: E731
    assert first[:3].tolist() == [d("2020-01-01"), d("2020-02-01"), d("2020-03-05")]
    assert last[:3].tolist() == [d("2020-12-31"), d("2020-02-29"), d("2020-03-05")]
    assert bad == [5]


def test_set_dates_lists_every_bad_value() -> None:
    frame = incidents(4)
    frame["when"] = ["2020", "later", "2021-13", None]
    layer = add_points(empty_map(), frame)
    with pytest.raises(
        DataError, match=r"2 values that are not dates \(1: 'later', 2: '2021-13'\)"
    ):
        layer.set_dates("when")
    with pytest.raises(UsageError, match=r"has no column 'whence'"):
        layer.set_dates("whence")


def test_set_dates_stores_offsets_from_the_first_day() -> None:
    frame = incidents(100)
    frame.loc[3, "date"] = pd.NaT
    layer = add_points(empty_map(), frame)
    low, high = layer.set_dates("date")
    header, arrays = decode(layer)
    assert header["time"] == {"min": low, "max": high}
    days = (frame["date"] - pd.Timestamp("1970-01-01")).dt.days.to_numpy()[layer._order]
    dated = ~np.isnan(days)
    assert (arrays["t0"][dated] + low == days[dated]).all()
    assert (arrays["t0"][~dated] == 0xFFFFFFFF).all()


# ---- in the browser ----------------------------------------------------------

MAP_JS = "Object.values(window).find(v => v instanceof L.Map)"


def _screen(page, lat: float, lon: float) -> tuple[float, float]:
    """Container pixel position of (lat, lon) on the page's map."""
    return page.evaluate(
        f"([lat, lon]) => {{ const p = {MAP_JS}.latLngToContainerPoint([lat, lon]);"
        " return [p.x, p.y]; }",
        [lat, lon],
    )


DRAWN = "canvas.kzmap-points[data-kz-first-drawn-ms]"


def _base(polygons) -> folium.Map:
    m = empty_map()
    add_layer(m, polygons, layer="user")  # an SVG path for open_offline to wait for
    return m


@pytest.mark.browser
def test_ten_thousand_points_draw_offline(
    tmp_path: Path, polygons, open_offline
) -> None:
    m = _base(polygons)
    add_points(m, incidents(10_000), category="kind")
    page, report = open_offline(save_html(m, tmp_path / "points.html"))
    page.wait_for_selector(DRAWN, state="attached", timeout=10_000)
    canvas = page.locator("canvas.kzmap-points")
    assert int(canvas.get_attribute("data-kz-bubbles")) > 0
    assert page.locator(".kzmap-legend-row").count() == 5
    assert report.external_requests == []
    assert report.console_errors == []
    assert report.page_errors == []


@pytest.mark.browser
def test_click_opens_escaped_popup(tmp_path: Path, polygons, open_offline) -> None:
    frame = gpd.GeoDataFrame(
        {"name_en": [PAYLOAD, "Other"], "description": [PAYLOAD, "x"]},
        geometry=[Point(71.0, 46.0), Point(80.0, 50.0)],
        crs=4326,
    )
    m = _base(polygons)  # the polygon covers (71, 46): the point must win the click
    add_points(m, frame)
    page, report = open_offline(save_html(m, tmp_path / "popup.html"))
    page.wait_for_selector(DRAWN, state="attached", timeout=10_000)
    x, y = _screen(page, 46, 71)
    page.mouse.move(x, y)
    tooltip = page.locator(".kzmap-points-tooltip")
    tooltip.wait_for(timeout=5_000)
    assert (
        tooltip.inner_text()
        == "<img src=x onerror=alert(1)>{{7*7}}</script><script>alert(2)</script>"
    )
    page.mouse.click(x, y)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(timeout=5_000)
    text = popup.inner_text()
    assert "<img src=x onerror=alert(1)>{{7*7}}" in text
    assert "49" not in text
    assert popup.locator("img, script").count() == 0
    assert report.dialogs == []
    assert report.page_errors == []


@pytest.mark.browser
def test_bubble_click_zooms_in(tmp_path: Path, polygons, open_offline) -> None:
    frame = incidents(400)
    frame.geometry = gpd.points_from_xy(
        71 + np.linspace(0, 0.2, 400), np.full(400, 48.0)
    )
    m = _base(polygons)
    add_points(m, frame)
    page, _ = open_offline(save_html(m, tmp_path / "bubble.html"))
    page.wait_for_selector(DRAWN, state="attached", timeout=10_000)
    zoom = page.evaluate(f"() => {MAP_JS}.getZoom()")
    x, y = _screen(page, 48, 71.1)
    page.mouse.click(x, y)
    page.wait_for_function(f"() => {MAP_JS}.getZoom() > {zoom}", timeout=5_000)


# ---- geocoded records ------------------------------------------------------


def test_approximate_geocoded_points_are_flagged_and_explained() -> None:
    from kzmap.layers import geocode

    places = ["West Kazakhstan region", "Chimkent", "Korday checkpoint"]
    table = geocode(pd.DataFrame({"name_en": places, "place": places}), column="place")
    frame = gpd.GeoDataFrame(
        table, geometry=gpd.points_from_xy(table["lon"], table["lat"]), crs=4326
    )
    layer = add_points(empty_map(), frame, lang="ru")
    header, arrays = decode(layer)
    flags = {entry(header, arrays, i)["title"]: arrays["approx"][i] for i in range(3)}
    assert flags == {places[0]: 1, places[1]: 0, places[2]: 0}
    notes = {
        entry(header, arrays, i)["title"]: entry(header, arrays, i)["Местоположение"]
        for i in range(3)
    }
    assert notes[places[0]].startswith("приблизительно")
    assert notes[places[1]] == notes[places[2]] == ""
    assert header["approx"].startswith("приблизительное местоположение")


def test_frames_without_geocode_precision_have_no_rings() -> None:
    _, arrays = decode(add_points(empty_map(), incidents(10)))
    assert "approx" not in arrays
