"""The default map in real headless Chromium with all network blocked."""

from __future__ import annotations

from pathlib import Path

import pytest
from shapely.geometry import Point

from kzmap.layers import load
from kzmap.maps import default_map, save_html

pytestmark = pytest.mark.browser


def test_default_map_draws_offline(tmp_path: Path, open_offline) -> None:
    path = save_html(default_map(), tmp_path / "kazakhstan.html")
    page, report = open_offline(path)
    assert page.evaluate("() => typeof L === 'object' && L.version") == "1.9.3"
    assert page.locator(".leaflet-container").count() == 1
    # one SVG path per drawn feature: countries + borders at least
    assert page.locator(".leaflet-overlay-pane path").count() >= 20
    assert report.external_requests == []
    assert report.console_errors == []
    assert report.page_errors == []


#: The hover tooltip, not a permanent city label.
_HOVER = ".leaflet-tooltip:not(.kzmap-label):not(.kzmap-place)"  # not name labels


def test_tooltip_names_kazakhstan(tmp_path: Path, open_offline) -> None:
    path = save_html(default_map(), tmp_path / "kazakhstan.html")
    page, _ = open_offline(path)
    # Hover the middle of Kazakhstan (lon 67, lat 48) and read the tooltip.
    point = page.evaluate(
        """() => {
        const m = Object.values(window).find(v => v instanceof L.Map);
        const p = m.latLngToContainerPoint([48, 67]);
        return [p.x, p.y];
    }"""
    )
    page.mouse.move(point[0], point[1])
    page.wait_for_selector(_HOVER, timeout=5_000)
    # The topmost polygon there is Kazakhstan, or the region layer drawn over it.
    regions = load("regions")
    expected = {"Kazakhstan"} | set(
        regions.loc[regions.contains(Point(67, 48)), "name_en"]
    )
    text = page.locator(_HOVER).first.inner_text()
    assert any(name in text for name in expected), (text, expected)
