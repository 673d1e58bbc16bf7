"""The northern route on the default map, in headless Chromium with the network off."""

from __future__ import annotations

from pathlib import Path

import pytest

from kzmap.maps import default_map, save_html
from kzmap.routes import load_routes

pytestmark = pytest.mark.browser

_MAP = "Object.values(window).find(v => v instanceof L.Map)"


def test_default_map_draws_routes_and_waypoint_popup(
    tmp_path: Path, open_offline
) -> None:
    path = save_html(default_map(), tmp_path / "kazakhstan.html")
    page, report = open_offline(path)
    # one path per (route, confidence) of its legs
    drawn = page.locator("path.kzmap-route").count()
    assert len(load_routes()) <= drawn <= 3 * len(load_routes())
    assert page.locator("path.kzmap-route-approximate").count() > 0
    assert page.locator("path.kzmap-route-sourced").count() > 0
    assert page.locator(".kzmap-route-arrow svg").count() >= len(load_routes())
    # on a kzmap page the routes are a section of the page legend
    assert page.locator(".kzmap-route-legend").count() == 0
    assert "Northern drug route" in page.locator("#kzmap-legend").inner_text()
    # Click the Karakul post waypoint (lon 73.55, lat 39.02) and read its popup.
    page.evaluate(f"() => {_MAP}.setView([39.02, 73.55], 8, {{animate: false}})")
    point = page.evaluate(
        f"() => {{ const p = {_MAP}.latLngToContainerPoint([39.02, 73.55]);"
        " return [p.x, p.y]; }"
    )
    page.mouse.click(point[0], point[1])
    # the waypoint lies on its route line: the chooser lists both, point first
    entry = page.locator(".kzmap-chooser-item").first
    entry.wait_for(timeout=5_000)
    assert entry.inner_text().startswith("Karakul post")
    entry.click()
    popup = page.locator(".leaflet-popup-content", has_text="M. Sharikov")
    popup.wait_for(timeout=5_000)
    text = popup.inner_text()
    assert "Karakul post" in text
    assert "M. Sharikov" in text
    link = popup.locator("a").first
    assert link.get_attribute("href").startswith("https://thelib.ru/")
    assert report.external_requests == []
    assert report.console_errors == []
    assert report.page_errors == []
