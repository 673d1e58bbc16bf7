"""Offline controls (full screen, measure, time slider) and asset inlining."""

from __future__ import annotations

from pathlib import Path

import folium
import folium.plugins
import geopandas as gpd
import numpy as np
import pytest
from pyproj import Geod
from shapely.geometry import Point

from kzmap.geo import DataError, UsageError
from kzmap.maps import (
    add_fullscreen,
    add_layer,
    add_measure,
    add_points,
    add_time_slider,
    empty_map,
    map_to_html,
    save_html,
)
from kzmap.maps.offline import OfflineAssetError, require_asset
from kzmap.maps.plugins import FullscreenControl, MeasureControl, TimeSlider

MAP_JS = "Object.values(window).find(v => v instanceof L.Map)"


def dated_points(n: int = 40) -> gpd.GeoDataFrame:
    """`n` points, one per month from 2020-01, on a line across Kazakhstan."""
    return gpd.GeoDataFrame(
        {
            "name_en": [f"P{i}" for i in range(n)],
            "date": [f"{2020 + i // 12}-{i % 12 + 1:02d}" for i in range(n)],
        },
        geometry=[Point(60 + i * 0.5, 48) for i in range(n)],
        crs=4326,
    )


# ---- element tree and page fragments -----------------------------------------


def test_controls_are_children_of_the_map() -> None:
    m = empty_map()
    full = add_fullscreen(m)
    ruler = add_measure(m, position="topright", lang="ru")
    assert isinstance(full, FullscreenControl)
    assert isinstance(ruler, MeasureControl)
    assert full in m._children.values()
    assert ruler in m._children.values()
    assert ruler.options["title"] == "Измерить расстояние"
    assert ruler.options["position"] == "topright"


def test_controls_inline_their_code_once_and_link_nothing() -> None:
    m = empty_map()
    add_fullscreen(m)
    add_measure(m)
    page = map_to_html(m)
    assert page.count("kzmap map controls") == 1  # controls.js, inlined once
    assert page.count(".kzmap-timeslider {") == 1  # kzmap.css
    assert "<script src=" not in page
    assert '<link rel="stylesheet"' not in page
    assert "L.kzmap.fullscreen(" in page
    assert "L.kzmap.measure(" in page


def test_time_slider_range_and_escaped_title() -> None:
    m = empty_map()
    layer = add_points(m, dated_points())
    slider = add_time_slider(m, layer, "date", title="<b>{{when}}</b>")
    assert isinstance(slider, TimeSlider)
    days = lambda s: int(  # noqa: E731
        (np.datetime64(s) - np.datetime64("1970-01-01")).astype(int)
    )
    assert slider.options["min"] == days("2020-01-01")
    assert slider.options["max"] == days("2023-04-30")
    assert slider.options["title"] == "&lt;b&gt;&#123;&#123;when&#125;&#125;&lt;/b&gt;"
    page = map_to_html(m)
    assert "{{when}}" not in page
    assert f"L.kzmap.timeSlider({layer.get_name()}, JSON.parse(" in page


def test_time_slider_needs_a_points_layer_on_the_map(polygons) -> None:
    m = empty_map()
    geo = add_layer(m, polygons, layer="user")
    with pytest.raises(
        TypeError, match=r"needs a layer made by .*add_heat, got CompactGeoJson"
    ):
        add_time_slider(m, geo, "date")  # type: ignore[arg-type]
    layer = add_points(empty_map(), dated_points())
    with pytest.raises(UsageError, match=r"`layer` belongs to another map"):
        add_time_slider(m, layer, "date")


def test_time_slider_refuses_bad_dates() -> None:
    frame = dated_points(3)
    frame["date"] = ["2020-01", "yesterday", None]
    m = empty_map()
    layer = add_points(m, frame)
    with pytest.raises(
        DataError, match=r"1 values that are not dates \(1: 'yesterday'\)"
    ):
        add_time_slider(m, layer, "date")


@pytest.mark.parametrize("kind", ["points", "heat"])
def test_points_and_heat_word_date_errors_alike(kind: str) -> None:
    from kzmap.maps.heat import add_heat

    frame = dated_points(4)
    frame["date"] = ["2020-01", "soon", None, "2021-13"]
    m = empty_map()
    layer = add_points(m, frame) if kind == "points" else add_heat(m, frame)
    with pytest.raises(
        DataError, match=r"2 values that are not dates \(1: 'soon', 3: '2021-13'\)"
    ):
        add_time_slider(m, layer, "date")
    with pytest.raises(UsageError, match=r"has no column 'when'\. Available: .*'date'"):
        add_time_slider(m, layer, "when")
    frame["date"] = None
    m = empty_map()
    layer = add_points(m, frame) if kind == "points" else add_heat(m, frame)
    with pytest.raises(UsageError, match=r"Column 'date' of layer .* has no date"):
        add_time_slider(m, layer, "date")


def test_folium_plugins_without_offline_copy_name_the_alternative() -> None:
    m = empty_map()
    folium.plugins.Fullscreen().add_to(m)
    with pytest.raises(OfflineAssetError, match=r"Use kzmap.maps.add_fullscreen"):
        map_to_html(m)
    m = empty_map()
    folium.plugins.MeasureControl().add_to(m)
    with pytest.raises(OfflineAssetError, match=r"Use kzmap.maps.add_measure"):
        map_to_html(m)
    m = empty_map()
    folium.plugins.MiniMap().add_to(m)
    with pytest.raises(OfflineAssetError, match=r"no offline minimap"):
        map_to_html(m)


def test_unknown_own_asset_is_an_offline_error() -> None:
    figure = empty_map().get_root()
    with pytest.raises(OfflineAssetError, match=r"no browser asset 'nope.js'"):
        require_asset(figure, "nope.js")


# ---- in the browser ----------------------------------------------------------


def _open(tmp_path: Path, m: folium.Map, open_offline, polygons):
    add_layer(m, polygons, layer="user")  # an SVG path for open_offline to wait for
    page, report = open_offline(save_html(m, tmp_path / "controls.html"))
    return page, report


@pytest.mark.browser
def test_fullscreen_button_fills_the_screen(
    tmp_path: Path, polygons, open_offline
) -> None:
    m = empty_map()
    add_fullscreen(m)
    page, report = _open(tmp_path, m, open_offline, polygons)
    page.click(".kzmap-fullscreen a")
    page.wait_for_function(
        "() => document.fullscreenElement !== null"
        " || document.querySelector('.kzmap-pseudo-fullscreen') !== null",
        timeout=5_000,
    )
    assert page.locator(".kzmap-fullscreen a.kzmap-active").count() == 1
    assert report.page_errors == []
    assert report.external_requests == []


@pytest.mark.browser
def test_measure_gives_the_geodesic_length(
    tmp_path: Path, polygons, open_offline
) -> None:
    m = empty_map()
    add_measure(m)
    page, report = _open(tmp_path, m, open_offline, polygons)
    page.click(".kzmap-measure a")
    for lat, lon in [(43, 76), (43, 77), (45, 77)]:
        xy = page.evaluate(
            f"([a, b]) => {{ const p = {MAP_JS}.latLngToContainerPoint([a, b]);"
            " return [p.x, p.y]; }",
            [lat, lon],
        )
        page.mouse.click(*xy)
    clicked = page.evaluate(
        f"() => {{ const m = {MAP_JS}; return ["
        "[43, 76], [43, 77], [45, 77]].map(p => m.containerPointToLatLng("
        "m.latLngToContainerPoint(p))).map(l => [l.lng, l.lat]); }"
    )
    lons, lats = zip(*clicked, strict=True)
    expected = Geod(ellps="WGS84").line_length(lons, lats)
    metres = float(page.get_attribute(".kzmap-measure-readout", "data-kz-metres"))
    assert metres == pytest.approx(expected, abs=2_000)  # clicks snap to pixels
    exact = page.evaluate(
        "() => L.kzmap.geodesicMetres(L.latLng(43, 76), L.latLng(43, 77))"
    )
    assert exact == pytest.approx(
        Geod(ellps="WGS84").line_length([76, 77], [43, 43]), abs=0.01
    )
    assert "km" in page.inner_text(".kzmap-measure-readout")
    assert report.page_errors == []


@pytest.mark.browser
def test_time_slider_hides_points_outside_the_range(
    tmp_path: Path, polygons, open_offline
) -> None:
    m = empty_map()
    layer = add_points(m, dated_points(), cluster=False)
    add_time_slider(m, layer, "date")
    page, report = _open(tmp_path, m, open_offline, polygons)
    canvas = "canvas.kzmap-points"
    page.wait_for_selector(f"{canvas}[data-kz-first-drawn-ms]", state="attached")
    assert page.get_attribute(canvas, "data-kz-points") == "40"
    # from 2021-01-01 to 2021-12-31: the twelve points of 2021
    first = int((np.datetime64("2021-01-01") - np.datetime64("1970-01-01")).astype(int))
    page.fill(".kzmap-timeslider-to", str(first + 364))
    page.fill(".kzmap-timeslider-from", str(first))
    assert page.get_attribute(canvas, "data-kz-points") == "12"
    label = page.inner_text(".kzmap-timeslider-range")
    assert label == "2021-01-01 – 2021-12-31 · 12 shown"
    assert report.console_errors == []
    assert report.page_errors == []


def test_wheel_carries_browser_assets() -> None:
    from importlib.metadata import files

    shipped = {str(f) for f in files("kzmap") or []}
    for asset in ("js/points.js", "js/controls.js", "static/kzmap.css"):
        assert f"kzmap/maps/{asset}" in shipped
