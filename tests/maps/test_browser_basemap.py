"""The basemap in Chromium: no view of the default map ends in a bare rectangle."""

from __future__ import annotations

from pathlib import Path

import pytest

from kzmap.maps import default_map, save_html
from kzmap.maps.style import LAND, contrast_ratio

pytestmark = pytest.mark.browser

#: Where the surrounding land (context layer) reaches: west, south, east, north.
WINDOW = (15.0, 0.0, 120.0, 75.0)
_BOUNDS = """() => {
  const m = window.kzmapView.map, b = m.getBounds();
  return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
}"""
_PIXELS = """([lat, lon0, lon1]) => {
  const m = window.kzmapView.map;
  const a = m.latLngToContainerPoint([lat, lon0]);
  const b = m.latLngToContainerPoint([lat, lon1]);
  return [Math.round(a.x), Math.round(b.x), Math.round(a.y)];
}"""


@pytest.fixture(scope="module")
def page_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("basemap") / "default.html"
    save_html(default_map(), path)
    return path


@pytest.mark.parametrize(
    ("width", "height"),
    [(1280, 800), (1920, 1080), (1400, 900), (800, 600), (390, 844)],
)
def test_default_view_stays_on_the_basemap(
    page_path: Path, open_offline, width: int, height: int
) -> None:
    page, report = open_offline(page_path, width=width, height=height)
    page.wait_for_function("() => document.body.classList.contains('kzmap-ready')")
    west, south, east, north = page.evaluate(_BOUNDS)
    assert west >= WINDOW[0], west
    assert east <= WINDOW[2], east
    # a tall phone view may reach a little past the equator: open sea there
    assert south >= WINDOW[1] - 5, south
    assert north <= WINDOW[3], north
    assert report.external_requests == []
    assert report.console_errors == []


def _hex(rgb: tuple[int, ...]) -> str:
    return "#" + "".join(f"{c:02x}" for c in rgb[:3])


def test_no_line_along_the_edge_of_the_detailed_countries(
    page_path: Path, open_offline, tmp_path: Path
) -> None:
    from PIL import Image

    page, _ = open_offline(page_path, width=1400, height=900)
    page.wait_for_function("() => document.body.classList.contains('kzmap-ready')")
    # hide everything but the land, so only a stroked clip edge could show
    page.add_style_tag(
        content=".leaflet-overlay-pane,.leaflet-tooltip-pane,.leaflet-marker-pane,"
        ".leaflet-control-container{display:none!important}"
    )
    shot = tmp_path / "land.png"
    page.screenshot(path=str(shot))
    image = Image.open(shot).convert("RGB")
    # across 43 E at 54 N (Russia on both sides) and 90 E at 50 N (Mongolia,
    # Russia): the land never turns as dark as a country outline
    for lat, lon0, lon1 in ((54.0, 42.6, 43.4), (50.5, 89.6, 90.4)):
        x0, x1, y = page.evaluate(_PIXELS, [lat, lon0, lon1])
        row = [_hex(image.getpixel((x, y))) for x in range(x0, x1 + 1)]
        darkest = max(contrast_ratio(LAND, c) for c in row)
        assert darkest < 1.3, (lat, lon0, lon1, row)


def test_relief_shows_at_country_scale_and_fades_at_town_scale(
    page_path: Path, open_offline
) -> None:
    page, _ = open_offline(page_path, width=1400, height=900)
    page.wait_for_function("() => document.body.classList.contains('kzmap-ready')")
    style = "getComputedStyle(window.kzmapView.map.getPane('kzmapRelief'))"
    opacity = f"() => {style}.opacity"
    blend = f"() => {style}.mixBlendMode"
    assert page.evaluate(opacity) == "1"
    assert page.evaluate(blend) == "multiply"
    img = page.locator(".leaflet-kzmapRelief-pane img.kzmap-relief")
    assert img.count() == 1
    assert img.get_attribute("src").startswith("data:image/jpeg;base64,")
    page.evaluate("() => window.kzmapView.map.setZoom(9, {animate: false})")
    page.wait_for_function(f"() => ({opacity})() === '0'")
