"""Acceptance in real headless Chromium with the network blocked (issue 6)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest
from PIL import Image, ImageStat
from shapely.geometry import LineString

from kzmap.maps import LayerSpec, Spec, build, save, save_html, shipped_specs
from kzmap.maps.cli import main

pytestmark = pytest.mark.browser

MAP_JS = "Object.values(window).find(v => v instanceof L.Map)"


@pytest.fixture
def corridors(tmp_path: Path) -> Path:
    frame = gpd.GeoDataFrame(
        {
            "name_en": ["<b>bold</b>{{7*7}}", "Heroin line"],
            "name_ru": ["<b>жирный</b>{{7*7}}", "Героиновая линия"],
            "market": ["fuel smuggling", "heroin trade"],
            "description": ["Fuel goes south & east", "North"],
            "source": ["24.kg 2019-05-04", "UNODC 2018"],
            "source_url": ["https://24.kg/english/116783/", "javascript:alert(1)"],
            "date": ["2019-05-04", "2018-06"],
            "confidence": ["reported", "approximate"],
        },
        geometry=[
            LineString([(71.4, 42.9), (74.6, 42.9)]),
            LineString([(69.3, 41.3), (71.4, 51.2)]),
        ],
        crs=4326,
    )
    path = tmp_path / "corridors.geojson"
    frame.to_file(path, driver="GeoJSON")
    return path


def _open_spec(open_offline, tmp_path: Path, spec: Spec):
    out = save(spec, html=tmp_path / "map.html").html
    page, report = open_offline(out)
    page.wait_for_function("() => document.body.classList.contains('kzmap-ready')")
    return page, report


def _fire(page, event: str, index: int) -> None:
    page.evaluate(
        f"""([event, index]) => {{
        const map = {MAP_JS};
        let target = null;
        map.eachLayer(l => {{
            if (l.feature && l.feature.properties._kz_i === String(index)
                && l.feature.properties._kz_tooltip.length) {{ target = target || l; }}
        }});
        const at = target.getLatLng ? target.getLatLng() : target.getCenter();
        target.fire(event, {{latlng: at}}, true);
    }}""",
        [event, index],
    )


def _legend(page) -> list[str]:
    return page.locator(
        "#kzmap-legend li:visible .kzmap-legend-label"
    ).all_inner_texts()


def test_legend_lists_exactly_the_categories(open_offline, tmp_path, corridors) -> None:
    spec = Spec(layers=(LayerSpec(path=corridors, title="Corridors"),))
    page, report = _open_spec(open_offline, tmp_path, spec)
    assert _legend(page) == ["International borders", "Heroin trade", "Fuel smuggling"]
    assert report.external_requests == []
    assert report.page_errors == []


def test_toggling_a_layer_hides_it_and_its_legend(
    open_offline, tmp_path, corridors
) -> None:
    spec = Spec(layers=(LayerSpec(path=corridors, title="Corridors"),))
    page, _ = _open_spec(open_offline, tmp_path, spec)
    before = page.locator(".leaflet-overlay-pane path").count()
    page.locator(".leaflet-control-layers-overlays label", has_text="Corridors").click()
    assert page.locator(".leaflet-overlay-pane path").count() == before - 2
    assert _legend(page) == ["International borders"]
    page.locator(".leaflet-control-layers-overlays label", has_text="Corridors").click()
    assert page.locator(".leaflet-overlay-pane path").count() == before


def test_popup_and_tooltip_show_escaped_text(open_offline, tmp_path, corridors) -> None:
    spec = Spec(layers=(LayerSpec(path=corridors, title="Corridors"),), basemap=False)
    page, report = _open_spec(open_offline, tmp_path, spec)
    _fire(page, "click", 0)
    popup = page.locator(".leaflet-popup-content")
    text = popup.inner_text()
    assert "<b>bold</b>{{7*7}}" in text
    assert "Fuel goes south & east" in text
    # date, confidence and source share one line, each labelled on hover
    assert popup.locator('.kzmap-meta span[title="Confidence"]').inner_text() == (
        "reported"
    )
    assert popup.locator("b b, b > b").count() == 0
    assert popup.locator("a").get_attribute("href") == "https://24.kg/english/116783/"
    _fire(page, "mouseover", 0)
    assert page.locator(".leaflet-tooltip").last.inner_text() == "<b>bold</b>{{7*7}}"
    _fire(page, "click", 1)
    assert page.locator(".leaflet-popup-content a").count() == 0  # javascript: link
    assert report.dialogs == []


def test_sources_panel_lists_layer_sources(open_offline, tmp_path, corridors) -> None:
    spec = Spec(layers=(LayerSpec(path=corridors, title="Corridors"),))
    page, _ = _open_spec(open_offline, tmp_path, spec)
    page.locator("#kzmap-sources summary").click()
    text = page.locator("#kzmap-sources").inner_text()
    assert "24.kg 2019-05-04" in text
    assert "UNODC 2018" in text
    assert "Natural Earth" in text
    assert "Boundaries are not authoritative." in text
    assert "This page makes no network request." in text
    links = page.locator("#kzmap-sources a").evaluate_all("a => a.map(x => x.href)")
    assert links
    assert all(href.startswith(("http://", "https://")) for href in links)


def test_russian_map_shows_russian_names(open_offline, tmp_path, corridors) -> None:
    spec = Spec(layers=(LayerSpec(path=corridors, title="Коридоры"),), lang="ru")
    page, _ = _open_spec(open_offline, tmp_path, spec)
    point = page.evaluate(
        f"() => {{ const p = {MAP_JS}.latLngToContainerPoint([48, 67]); "
        "return [p.x, p.y]; }"
    )
    page.mouse.move(point[0], point[1])
    hover = ".leaflet-tooltip:not(.kzmap-place)"  # not the permanent place names
    page.wait_for_selector(hover, timeout=5_000)
    assert page.locator(hover).first.inner_text() == "Казахстан"
    assert page.locator("#kzmap-legend .kzmap-panel-title").inner_text() == (
        "Условные обозначения"
    )
    assert "Контрабанда топлива" in _legend(page)
    assert page.evaluate("() => document.documentElement.lang") == "ru"


def test_png_has_size_times_scale_and_is_not_blank(tmp_path, corridors) -> None:
    # A separate process: Playwright's sync API runs once per process, and the
    # session's `browser` fixture may already hold it.
    spec = tmp_path / "png.toml"
    spec.write_text(
        f'title = "PNG test"\n[[layers]]\npath = "{corridors.name}"\n', "utf-8"
    )
    png = tmp_path / "m.png"
    args = ["--spec", str(spec), "-o", str(tmp_path / "m.html"), "--png", str(png)]
    size = ["--size", "640x400", "--scale", "2"]
    result = subprocess.run(
        [sys.executable, "-m", "kzmap.maps.cli", "render", *args, *size],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    with Image.open(png) as image:
        assert image.size == (1280, 800)
        variance = ImageStat.Stat(image.convert("L")).var[0]
    assert variance > 100


def test_two_embeds_on_one_page_both_draw(browser, tmp_path, corridors) -> None:
    spec = Spec(layers=(LayerSpec(path=corridors),), title="Embed")
    out = save(spec, html=tmp_path / "e.html", embed=tmp_path / "e.frag.html")
    fragment = out.embed.read_text("utf-8")
    host = tmp_path / "host.html"
    host.write_text(
        f"<!DOCTYPE html><html><body><h1>Briefing</h1>{fragment}<p>and</p>"
        f"{fragment}</body></html>",
        encoding="utf-8",
    )
    page = browser.new_page(viewport={"width": 900, "height": 1800})
    external: list[str] = []
    url = host.resolve().as_uri()

    def route(r) -> None:
        if r.request.url == url:
            r.continue_()
        else:
            external.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url)
    frames = page.locator("iframe.kzmap-embed")
    assert frames.count() == 2
    for n in range(2):
        frame = frames.nth(n).content_frame
        frame.locator(".kzmap-ready").wait_for(state="attached", timeout=20_000)
        assert frame.locator(".leaflet-overlay-pane path").count() > 20
        assert frame.locator("#kzmap-legend").count() == 1
    assert frames.nth(0).bounding_box()["height"] > 300
    assert external == []
    assert errors == []
    page.close()


def test_user_spec_renders_offline_with_zero_requests(
    open_offline, tmp_path, corridors
) -> None:
    spec = tmp_path / "brief.toml"
    spec.write_text(
        'title = "Brief"\nfocus = "KZ"\n[[layers]]\nname = "countries"\n'
        f'[[layers]]\npath = "{corridors.name}"\n',
        encoding="utf-8",
    )
    out = tmp_path / "brief.html"
    assert main(["render", "--spec", str(spec), "-o", str(out)]) == 0
    page, report = open_offline(out)
    assert report.external_requests == []
    assert report.console_errors == []
    assert page.locator("#kzmap-title").inner_text().startswith("Brief")


@pytest.mark.parametrize("name", sorted(shipped_specs()))
def test_shipped_spec_renders_offline(
    open_offline, tmp_path, monkeypatch, name: str
) -> None:
    # the spec's own [output] paths (its PNG) are relative to the working folder
    monkeypatch.chdir(tmp_path)
    out = tmp_path / f"{name}.html"
    assert main(["render", "--spec", name, "-o", str(out)]) == 0
    assert (tmp_path / f"{name}.png").stat().st_size > 10_000
    _, report = open_offline(out)
    assert report.external_requests == []
    assert report.page_errors == []


def test_online_tiles_are_the_only_request(open_offline, tmp_path) -> None:
    m = build(Spec(layers=(LayerSpec(name="borders"),), tiles="osm"))
    path = save_html(m, tmp_path / "osm.html")
    _, report = open_offline(path)
    assert report.external_requests
    assert all("tile.openstreetmap.org" in u for u in report.external_requests)
