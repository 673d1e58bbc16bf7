"""The search box finds named features in any language and zooms to them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kzmap.maps import default_map, save_html

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("korday", "Кордай"), ("Кордай", "Кордай"), ("Сарыағаш", "Сарыагаш")],
)
def test_search_finds_and_opens(
    typed: str, expected: str, tmp_path: Path, open_offline: Any
) -> None:
    page, report = open_offline(save_html(default_map(lang="ru"), tmp_path / "m.html"))
    box = page.locator(".kzmap-search input")
    assert box.get_attribute("placeholder").startswith("Найти")
    box.fill(typed)
    items = page.locator(".kzmap-search-item")
    assert items.count() >= 1
    hit = items.filter(has_text=expected).first
    hit.click()
    popup = page.locator(".leaflet-popup-content", has_text=expected).first
    popup.wait_for(timeout=3_000)
    zoom = page.evaluate(
        "() => Object.values(window).find(v => v instanceof L.Map).getZoom()"
    )
    assert zoom >= 7
    assert report.page_errors == []
