"""Compact vector layers in headless Chromium with the network blocked (issue 6)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kzmap.layers import load
from kzmap.maps import (
    add_layer_control,
    add_packaged_layer,
    default_map,
    empty_map,
    save_html,
)
from kzmap.maps.compact import CompactGeoJson
from kzmap.maps.export import _walk

pytestmark = pytest.mark.browser

_MAP = "Object.values(window).find(v => v instanceof L.Map)"
_COUNTS = """(names) => names.map(name => {
    const layer = window[name];
    const drawn = layer.getLayers().filter(l => l._path && l._path.isConnected);
    return [layer.getLayers().length, layer._map ? drawn.length : -1];
})"""


def test_default_map_draws_every_layer(tmp_path: Path, open_offline) -> None:
    m = default_map()
    layers = [e for e in _walk(m.get_root()) if isinstance(e, CompactGeoJson)]
    # 14 packaged layers (water, rivers, the context land with its outlines in
    # one layer), route lines, waypoints
    assert len(layers) == 15
    path = save_html(m, tmp_path / "kazakhstan.html")
    page, report = open_offline(path)
    counts = page.evaluate(_COUNTS, [layer.get_name() for layer in layers])
    for layer, (features, drawn) in zip(layers, counts, strict=True):
        assert features == len(layer.data["features"]) > 0, layer.layer_name
        assert drawn == (features if layer.show else -1), layer.layer_name
    assert page.evaluate("() => document.documentElement.dataset.kzPending") == "0"
    assert report.external_requests == []
    assert report.console_errors == []
    assert report.page_errors == []


def test_country_popup_shows_escaped_text(tmp_path: Path, open_offline) -> None:
    countries = load("countries")
    kaz = countries["id"] == "KAZ"
    countries.loc[kaz, "name_en"] = "<b>Qazaq</b>{{7*7}}"
    m = empty_map()
    add_packaged_layer(m, "countries", frame=countries)
    add_layer_control(m)
    page, report = open_offline(save_html(m, tmp_path / "countries.html"))
    point = page.evaluate(
        f"() => {{ const p = {_MAP}.latLngToContainerPoint([48, 67]);"
        " return [p.x, p.y]; }"
    )
    page.mouse.click(point[0], point[1])
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(timeout=5_000)
    assert "<b>Qazaq</b>{{7*7}}" in popup.inner_text()
    # The name is text inside the popup's own bold title, not markup of its own.
    bold = popup.locator("b").evaluate_all("bs => bs.map(b => b.textContent)")
    assert "Qazaq" not in bold
    assert report.external_requests == []
    assert report.console_errors == []
    assert report.page_errors == []


def test_missing_decompression_is_a_console_warning(tmp_path: Path, browser) -> None:
    path = save_html(default_map(), tmp_path / "kazakhstan.html")
    url = path.resolve().as_uri()
    page = browser.new_page()
    messages: list[tuple[str, str]] = []
    page.on("console", lambda msg: messages.append((msg.type, msg.text)))
    page.on("pageerror", lambda exc: messages.append(("pageerror", str(exc))))
    page.route("**/*", lambda r: r.continue_() if r.request.url == url else r.abort())
    page.add_init_script("delete window.DecompressionStream;")
    try:
        page.goto(url)
        page.wait_for_function("() => document.body.classList.contains('kzmap-ready')")
        warnings = [text for kind, text in messages if kind == "warning"]
        assert len(warnings) == 1
        assert "DecompressionStream" in warnings[0]
        assert [m for m in messages if m[0] in {"error", "pageerror"}] == []
    finally:
        page.close()


def test_packed_coordinates_are_restored_in_the_page(
    tmp_path: Path, open_offline
) -> None:
    import geopandas as gpd
    from shapely.geometry import LineString, MultiPolygon, Polygon

    from kzmap.maps import add_layer

    square = Polygon([(70.12344, 45), (71, 45.98766), (71.5, 46), (70.12344, 45)])
    hole = Polygon(
        [(60, 40), (62, 40), (62, 42), (60, 42), (60, 40)],
        [[(60.5, 40.5), (61, 40.5), (61, 41), (60.5, 40.5)]],
    )
    frame = gpd.GeoDataFrame(
        {"name_en": ["a", "b"]},
        geometry=[
            MultiPolygon([square, hole]),
            LineString([(50, 50), (49.9999, 50.0001)]),
        ],
        crs=4326,
    )
    m = empty_map()
    layer = add_layer(m, frame, layer="mine")
    page, report = open_offline(save_html(m, tmp_path / "mine.html"))
    page.wait_for_function("() => document.documentElement.dataset.kzPending === '0'")
    features = f"{layer.get_name()}.toGeoJSON().features"
    drawn = page.evaluate(f"() => {features}.map(f => f.geometry.coordinates)")
    assert drawn[0][0][0] == [[70.1234, 45], [71, 45.9877], [71.5, 46], [70.1234, 45]]
    assert drawn[0][1][1] == [[60.5, 40.5], [61, 40.5], [61, 41], [60.5, 40.5]]
    assert drawn[1] == [[50, 50], [49.9999, 50.0001]]
    assert report.console_errors == []
    assert report.page_errors == []
