"""No English interface word is left on a Russian or Kazakh page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from kzmap.layers import available_layers, load
from kzmap.maps import default_map, save_html
from kzmap.routes import load_routes, load_waypoints

pytestmark = pytest.mark.browser

#: Interface parts of the page (data-free chrome): layer control, legend,
#: sources panel heading and notes, scale bar, the click chooser's heading.
_UI = (
    ".leaflet-control-layers label",
    ".kzmap-legend-title",
    ".kzmap-legend li",
    ".kzmap-panel-title",
    ".kzmap-sources summary",
    ".kzmap-disclaimer",
    ".kzmap-network",
    ".leaflet-control-scale-line",
    ".leaflet-control-attribution",
)
#: Opened by the test before the scan: the filter panel, the click chooser
#: and the popup of a feature picked from it, scanned text node by text node
#: (data values and text marked ``lang="en"`` as quoted data are skipped).
_OPENED = (".kzmap-filters", ".kzmap-chooser", ".leaflet-popup-content")
_TEXT_NODES = """(selector) => {
  const out = [];
  document.querySelectorAll(selector).forEach(root => {
    const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walk.nextNode())) {
      const parent = node.parentElement;
      if (parent.closest('[lang="en"]') || parent.closest('a')) continue;
      const text = node.textContent.trim();
      if (text) out.push(text);
    }
  });
  return out;
}"""
#: Proper names that stay Latin in every language.
_NAMES = {"Leaflet", "OpenStreetMap", "kzmap", "GI-TOC", "UNODC", "geokz"}
_LATIN = re.compile(r"[A-Za-z]{3,}")


def _data_values(*, names_only: bool = False) -> set[str]:
    """
    Every text value of the shipped data: these are shown as written.

    With `names_only`, only names and sources: in popups and the chooser,
    English descriptions must be marked ``lang="en"`` (with a note) and
    enumerated values (mode, status, role, ...) translated.
    """
    frames = [load(n) for n in available_layers()] + [load_routes(), load_waypoints()]
    return {
        str(v).strip()
        for f in frames
        for c in f.columns
        if c != f.geometry.name
        and (not names_only or c.startswith(("name", "source")) or c == "id")
        for v in f[c].dropna().unique()
        if isinstance(v, str)
    }


def _english_left(page: Any) -> list[tuple[str, str]]:
    data, names = _data_values(), _data_values(names_only=True)
    english = []
    shown = [(s, t) for s in _UI for t in page.locator(s).all_inner_texts()]
    shown += [(s, t) for s in _OPENED for t in page.evaluate(_TEXT_NODES, s)]
    for selector, raw in shown:
        text = raw.strip().strip(":·()").strip()
        known = data if selector in _UI else names
        if not text or text in known or text.split(" (")[0] in known:
            continue
        words = [w for w in _LATIN.findall(text) if w not in _NAMES]
        if words:
            english.append((selector, text))
    return english


def _open_chooser_and_popup(page: Any) -> None:
    """Open the filter panel; click both tunnels (a chooser), pick the first."""
    page.locator(".kzmap-filters summary").click()
    inside = load("tunnels").geometry.representative_point().iloc[0]
    xy = page.evaluate(
        """([lat, lon]) => { const map = window.kzmapView.map;
          map.setView([lat, lon], 8, {animate: false});
          const p = map.latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }""",
        [inside.y, inside.x],
    )
    page.mouse.click(xy[0], xy[1])
    page.locator(".kzmap-chooser-item").first.wait_for(timeout=3_000)
    for selector in _OPENED[:2]:
        assert page.locator(selector).count() > 0


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_no_english_interface_text(
    lang: str, tmp_path: Path, open_offline: Any
) -> None:
    page, _ = open_offline(save_html(default_map(lang=lang), tmp_path / "m.html"))
    _open_chooser_and_popup(page)
    left = _english_left(page)
    page.locator(".kzmap-chooser-item").first.click()
    page.locator(".leaflet-popup-content .kzmap-popup").wait_for(timeout=3_000)
    left += _english_left(page)
    if lang != "en":  # the shipped data is translated: no "in English" note
        assert page.locator(".leaflet-popup-content .kzmap-lang-note").count() == 0
    placeholder = page.locator(".kzmap-search input").get_attribute("placeholder")
    if lang != "en":
        assert not _LATIN.search(placeholder or "")
    if lang == "en":  # the scan does see interface words when they are English
        assert ("#kzmap-legend", "Legend") in left or len(left) > 5
    else:
        assert left == []
