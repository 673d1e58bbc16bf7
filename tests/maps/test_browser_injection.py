"""Hostile strings in every sink, opened in headless Chromium (issue 8 item 3).

Each payload goes into property values, a column name, a layer name, the
title/subtitle, legend labels (market values) and source fields. Every popup
and tooltip is then opened; no dialog may appear, no payload script may run
(``window.__pwned`` stays unset), the page may not break or be defaced, and
every string must show literally.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point

from kzmap.maps import add_layer, add_layer_control, empty_map, safe_text, save_html

pytestmark = pytest.mark.browser

PAYLOADS = (Path(__file__).parent / "payloads.txt").read_text("utf-8").splitlines()

_OPEN_ALL = """() => {
    const map = Object.values(window).find(v => v instanceof L.Map);
    const found = [];
    map.eachLayer(l => { if (l.feature) { found.push(l); } });
    return found.map(l => {
        const at = l.getLatLng ? l.getLatLng() : l.getCenter();
        const group = Object.values(l._eventParents)[0];
        l.fire('click', {latlng: at}, true);
        const popup = group.getPopup().getElement().querySelector(
            '.leaflet-popup-content');
        const text = popup ? popup.innerText : null;
        const elements = popup ? popup.querySelectorAll('*').length : -1;
        group.closePopup();
        l.fire('mouseover', {latlng: at}, true);
        const tip = group.getTooltip().getElement().innerText;
        l.fire('mouseout', {latlng: at}, true);
        return [l.feature.properties._kz_tooltip, text, tip, elements];
    });
}"""

_DAMAGE = """() => ({
    pwned: typeof window.__pwned,
    parentPwned: typeof window.parent.__pwned,
    bodyVisible: getComputedStyle(document.body).visibility === 'visible',
    mapVisible: getComputedStyle(document.querySelector('.leaflet-container'))
        .visibility === 'visible',
    overlays: [...document.querySelectorAll('div')].filter(d =>
        getComputedStyle(d).position === 'fixed' && d.offsetWidth > 500).length,
    foreignElements: document.querySelectorAll(
        'img, iframe, svg animate, ' +
        'details:not(.kzmap-sources-list):not(.kzmap-legend-box)' +
        ':not(.kzmap-filters), ' +
        // kzmap's own filter and search inputs are expected; no others
        'input:not(.leaflet-control-layers-selector):not(.kzmap-filters *)' +
        ':not(.kzmap-search *), noscript, math, base, ' +
        'meta[http-equiv=refresh], style:not(head style)'
    ).length,
    ready: document.body.classList.contains('kzmap-ready'),
})"""


def _hostile_map(tmp_path: Path, payloads: list[str]) -> Path:
    m = empty_map(title=payloads[0], subtitle=payloads[-1])
    values = gpd.GeoDataFrame(
        {
            "name_en": payloads,
            "description": payloads,
            "source": payloads,
            "source_url": payloads,
            "date": payloads,
            "confidence": payloads,
            "market": payloads,
        },
        geometry=[Point(60 + i * 0.5, 45) for i in range(len(payloads))],
        crs=4326,
    )
    add_layer(m, values, layer="values", title="Values")
    columns = gpd.GeoDataFrame(
        {"name_en": ["columns"], **{p: [p] for p in payloads}},
        geometry=[Point(70, 50)],
        crs=4326,
    )
    add_layer(m, columns, layer="columns", title="Columns")
    for n, payload in enumerate(payloads):
        named = gpd.GeoDataFrame(
            {"name_en": [f"layer {n}"]}, geometry=[Point(60 + n * 0.5, 40)], crs=4326
        )
        add_layer(m, named, layer=f"named-{n}", title=payload)
    add_layer_control(m)
    return save_html(m, tmp_path / "hostile.html")


@pytest.mark.parametrize("half", [0, 1])
def test_payloads_are_inert_and_literal(open_offline, tmp_path, half: int) -> None:
    middle = len(PAYLOADS) // 2
    payloads = PAYLOADS[:middle] if half == 0 else PAYLOADS[middle:]
    page, report = open_offline(_hostile_map(tmp_path, payloads))
    page.wait_for_function("() => document.body.classList.contains('kzmap-ready')")
    opened = page.evaluate(_OPEN_ALL)
    page.wait_for_timeout(300)  # let any deferred handler (onload, ontoggle) fire
    damage = page.evaluate(_DAMAGE)

    assert report.dialogs == []
    assert report.page_errors == []
    assert report.external_requests == []
    assert damage == {
        "pwned": "undefined",
        "parentPwned": "undefined",
        "bodyVisible": True,
        "mapVisible": True,
        "overlays": 0,
        "foreignElements": 0,
        "ready": True,
    }
    by_key = {key: (text, tip) for key, text, tip, _ in opened}
    for payload in payloads:
        text, tip = by_key[safe_text(payload)]
        assert tip.strip() == payload.strip()
        assert payload.strip() in text
    shapes = {n for key, _, _, n in opened if key not in {"columns"}}
    assert len({n for key, _, _, n in opened if key.startswith("layer ")}) == 1
    assert len(shapes) <= 2  # value popups all alike; named-layer popups alike
    column_popup = by_key["columns"][0]
    for payload in payloads:
        assert payload.strip() in column_popup
    title = page.locator("#kzmap-title").inner_text()
    assert payloads[0].strip() in title
    controls = page.locator(".leaflet-control-layers-overlays").inner_text()
    legend = page.locator("#kzmap-legend").inner_text()
    for payload in payloads:
        assert payload.strip() in controls
        assert payload.strip() in legend


def test_harness_detects_a_raw_sink(open_offline, tmp_path) -> None:
    """Positive control: an unescaped folium tooltip does run the payload."""
    import folium

    from kzmap.maps import map_to_html

    m = folium.Map(tiles=None)
    folium.CircleMarker(
        [45, 70], tooltip="<img src=x onerror=window.__pwned=2>"
    ).add_to(m)
    path = tmp_path / "raw.html"
    path.write_text(map_to_html(m), encoding="utf-8")
    page, _ = open_offline(path)
    page.evaluate(
        """() => { const map = Object.values(window).find(v => v instanceof L.Map);
        map.eachLayer(l => {
            if (l.getTooltip && l.getTooltip()) { l.openTooltip(); }
        }); }"""
    )
    page.wait_for_function("() => window.__pwned === 2", timeout=5_000)
