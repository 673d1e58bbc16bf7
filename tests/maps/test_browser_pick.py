"""A click on the drawn middle of every route leg, corridor and tunnel opens it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kzmap.layers import load
from kzmap.maps import default_map, save_html

pytestmark = pytest.mark.browser

_MAP = "Object.values(window).find(v => v instanceof L.Map)"

#: Switch every overlay on, then list the click targets: (group name, feature
#: title, lat, lon, zoom). Lines are clicked at the point halfway along each
#: drawn part (a route leg, a corridor) at the default view; areas at a
#: representative point, zoomed to fit each area.
_TARGETS = f"""([groups, anchors]) => {{
  const map = {_MAP};
  const controls = L.kzmap.layerControls(map);
  const entries = controls.flatMap(c => c._layers);
  const out = [];
  const home = [map.getCenter(), map.getZoom()];
  for (const e of entries) {{
    if (!groups.includes(e.name)) continue;
    map.addLayer(e.layer);
    const leaves = [];
    const walk = l => l.eachLayer ? l.eachLayer(walk) : leaves.push(l);
    walk(e.layer);
    for (const leaf of leaves) {{
      if (!(leaf instanceof L.Polyline) || !leaf.feature) continue;
      const title = new DOMParser().parseFromString(
        leaf.feature.properties._kz_tooltip, 'text/html').body.textContent;
      if (leaf instanceof L.Polygon) {{
        // a point inside the area (from shapely), zoomed to fit the area
        const zoom = Math.min(map.getBoundsZoom(leaf.getBounds()), 16);
        const at = anchors[title];
        if (at) out.push([e.name, title, at[1], at[0], zoom]);
        continue;
      }}
      const all = leaf.getLatLngs();
      const parts = L.LineUtil.isFlat(all) ? [all] : all;
      for (const part of parts) {{
        const px = part.map(ll => map.project(ll, home[1]));
        let total = 0;
        for (let i = 1; i < px.length; i++) total += px[i].distanceTo(px[i - 1]);
        let walked = 0;
        for (let i = 1; i < px.length; i++) {{
          const step = px[i].distanceTo(px[i - 1]);
          if (walked + step >= total / 2) {{
            const f = step ? (total / 2 - walked) / step : 0;
            const at = px[i - 1].add(px[i].subtract(px[i - 1]).multiplyBy(f));
            const mid = map.unproject(at, home[1]);
            out.push([e.name, title, mid.lat, mid.lng, home[1]]);
            break;
          }}
          walked += step;
        }}
      }}
    }}
  }}
  return {{targets: out, home: [home[0].lat, home[0].lng, home[1]]}};
}}"""


def _anchors() -> dict[str, tuple[float, float]]:
    """A point inside each packaged area, by feature name (lon, lat)."""
    frame = load("tunnels")
    inside = frame.geometry.representative_point()
    return {str(n): (p.x, p.y) for n, p in zip(frame["name_en"], inside, strict=True)}


def click_rate(page: Any, groups: list[str]) -> tuple[int, list[tuple[str, str]]]:
    """Click every target; return how many there were and the ones missed."""
    found = page.evaluate(_TARGETS, [groups, _anchors()])
    missed = []
    for group, title, lat, lon, zoom in found["targets"]:
        xy = page.evaluate(
            f"""([lat, lon, zoom, home]) => {{
              const map = {_MAP};
              map.closePopup();  // and drop it now, not after its fade-out
              document.querySelectorAll('.leaflet-popup').forEach(e => e.remove());
              // centred, so that no panel (layer control, legend) covers it
              map.setView([lat, lon], zoom, {{animate: false}});
              const p = map.latLngToContainerPoint([lat, lon]);
              return [p.x, p.y];
            }}""",
            [lat, lon, zoom, found["home"]],
        )
        page.mouse.click(xy[0], xy[1])
        popup = page.locator(".leaflet-popup-content")
        try:
            popup.first.wait_for(timeout=2_000)
            text = popup.first.inner_text()
        except Exception:
            text = ""
        if title not in text:
            missed.append((group, title, text[:300]))
    return len(found["targets"]), missed


_GROUPS = [
    "Northern drug route",
    "Smuggling corridors",
    "Fuel smuggling corridors",
    "Smuggling tunnels",
]


def test_click_opens_every_route_corridor_and_tunnel(
    tmp_path: Path, open_offline: Any
) -> None:
    path = save_html(default_map(), tmp_path / "map.html")
    page, report = open_offline(path)
    total, missed = click_rate(page, _GROUPS)
    assert total >= 7 + 13 + 4 + 2
    assert missed == [], f"{len(missed)} of {total} clicks missed: {missed}"
    assert report.page_errors == []


def test_chooser_lists_both_tunnels_and_opens_the_small_one(
    tmp_path: Path, open_offline: Any
) -> None:
    path = save_html(default_map(), tmp_path / "map.html")
    page, report = open_offline(path)
    found = page.evaluate(_TARGETS, [["Smuggling tunnels"], _anchors()])["targets"]
    small = next(t for t in found if t[1].startswith("310"))
    xy = page.evaluate(
        f"""([lat, lon]) => {{ const map = {_MAP};
          map.setView([lat, lon], 8, {{animate: false}});
          const p = map.latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }}""",
        small[2:4],
    )
    page.mouse.click(xy[0], xy[1])
    items = page.locator(".kzmap-chooser-item")
    items.first.wait_for(timeout=2_000)
    titles = items.all_inner_texts()
    # lines and points first, then areas from the smallest; entries name the layer
    small_at = next(i for i, t in enumerate(titles) if t.startswith("310"))
    large_at = next(i for i, t in enumerate(titles) if t.startswith("450"))
    assert small_at < large_at
    assert "Smuggling tunnels" in titles[small_at]
    items.nth(small_at).click()
    popup = page.locator(".leaflet-popup-content .kzmap-popup")
    popup.wait_for(timeout=2_000)
    assert popup.inner_text().startswith("310")
    assert report.page_errors == []
