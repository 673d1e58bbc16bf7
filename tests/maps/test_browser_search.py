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


def _gazetteer(name: str, kind: str) -> tuple[float, float]:
    from importlib.resources import files

    import pandas as pd

    frame = pd.read_csv(files("kzmap.layers") / "data" / "gazetteer.csv")
    row = frame[(frame["name"] == name) & (frame["kind"] == kind)].iloc[0]
    return float(row["lat"]), float(row["lon"])


_PLACES = {
    "kk-district": ("kk", "Шардара", "Шардара аудан", "district", "Shardara", 9),
    "ru-town-kg": ("ru", "Кара-Балта", "Кара-Балта населённый пункт", "town",
                   "Kara-Balta", 11),
    "ru-town": ("ru", "Жетысай", "Джетысай населённый пункт", "town", "Zhetysay", 11),
}  # fmt: skip


@pytest.mark.parametrize("case", list(_PLACES))
def test_search_finds_gazetteer_places_and_zooms_there(
    case: str, tmp_path: Path, open_offline: Any
) -> None:
    """Towns and districts no layer draws come from the packaged gazetteer."""
    lang, typed, shown, kind, english, zoom = _PLACES[case]
    page, report = open_offline(save_html(default_map(lang=lang), tmp_path / "m.html"))
    page.locator(".kzmap-search input").fill(typed)
    hit = page.locator(".kzmap-search-item", has_text=shown).first
    hit.wait_for(timeout=3_000)
    hit.click()
    popup = page.locator(".leaflet-popup-content .kzmap-place")
    popup.wait_for(timeout=3_000)
    assert popup.inner_text().startswith(shown.split(" ", maxsplit=1)[0])
    assert "geokz" in popup.inner_text() or "GeoNames" in popup.inner_text()
    lat, lon = _gazetteer(english, kind)
    view = page.evaluate(
        "() => { const m = window.kzmapView.map; const c = m.getCenter();"
        " return [c.lat, c.lng, m.getZoom()]; }"
    )
    assert abs(view[0] - lat) < 0.01
    assert abs(view[1] - lon) < 0.01
    assert view[2] == zoom
    assert report.page_errors == []
