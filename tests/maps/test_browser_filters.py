"""The in-page filter panel hides features by confidence and year, with counts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kzmap.maps import default_map, save_html

pytestmark = pytest.mark.browser

_MAP = "Object.values(window).find(v => v instanceof L.Map)"
_COUNT = f"""(key) => {{
  let n = 0;
  {_MAP}.eachLayer(l => {{
    if (l.feature && l.feature.properties._kz_c === key) n++;
  }});
  return n;
}}"""


def test_filters_hide_and_count(tmp_path: Path, open_offline: Any) -> None:
    page, report = open_offline(save_html(default_map(lang="ru"), tmp_path / "m.html"))
    panel = page.locator(".kzmap-filters")
    panel.locator("summary").click()
    assert panel.locator("summary").inner_text() == "Фильтр"
    total = panel.locator(".kzmap-filter-count").inner_text()
    reported = page.evaluate(_COUNT, "reported")
    assert reported > 0
    box = panel.locator(".kzmap-filter-c label", has_text="по сообщениям")
    assert box.locator(".kzmap-filter-n").inner_text() != "(0)"
    box.locator("input").uncheck()
    assert page.evaluate(_COUNT, "reported") == 0
    assert page.evaluate(_COUNT, "confirmed") > 0
    assert panel.locator(".kzmap-filter-count").inner_text() != total
    box.locator("input").check()
    assert page.evaluate(_COUNT, "reported") == reported
    # a range of years keeps only features dated inside it (or undated)
    dated = f"""() => {{ let n = 0; {_MAP}.eachLayer(l => {{
      if (l.feature && l.feature.properties._kz_d) n++; }}); return n; }}"""
    assert page.evaluate(dated) > 0
    panel.locator("input.kzmap-filter-from").fill("2030")
    assert page.evaluate(dated) == 0
    assert report.page_errors == []


#: The sources the panel should list, worked out from the features drawn now:
#: a citation is listed when a feature citing it is on a layer switched on; a
#: layer with no cited features at all (the basemap's land, rivers and relief)
#: lists its own sources while it is on. The first call, made before any
#: filter, notes which layers have cited features.
_EXPECTED_SOURCES = """() => {
  const view = window.kzmapView, map = view.map, keys = new Set();
  const cited = (window.__kzCited = window.__kzCited || {});
  const first = Object.keys(cited).length === 0;
  Object.values(view.layers).forEach((layer, n) => {
    const on = map.hasLayer(layer);
    let any = false;
    const walk = (l) => {
      if (l.feature && l.feature.properties._kz_src !== undefined) {
        if (on) keys.add(n + ':' + l.feature.properties._kz_src);
        any = true;
      } else if (l.eachLayer) l.eachLayer(walk);
    };
    walk(layer);
    if (first) cited[n] = any;
    if (on && (any || !cited[n])) keys.add(n + ':*');
  });
  const items = [...document.querySelectorAll('.kzmap-sources-body > li')];
  const expected = items.map(li => {
    const own = li.getAttribute('data-kz-src');
    return !own || own.split(' ').some(k => keys.has(k));
  });
  return {
    expected: expected,
    actual: items.map(li => !li.hidden),
    count: Number(document.querySelector('.kzmap-sources-n').textContent),
  };
}"""


def _sources(page: Any) -> tuple[int, int]:
    got = page.evaluate(_EXPECTED_SOURCES)
    assert got["actual"] == got["expected"]
    assert got["count"] == sum(got["actual"])
    return got["count"], len(got["actual"])


def _legend_count(page: Any, label: str) -> str:
    row = page.locator(".kzmap-legend li", has_text=label).first
    return str(row.locator(".kzmap-legend-n").inner_text())


def test_sources_and_legend_follow_filters_and_layer_toggles(
    tmp_path: Path, open_offline: Any
) -> None:
    page, report = open_offline(save_html(default_map(), tmp_path / "m.html"))
    listed, total = _sources(page)
    assert 0 < listed < total  # the layers switched off at first cite the rest
    crossings = _legend_count(page, "Border crossings")
    panel = page.locator(".kzmap-filters")
    panel.locator("summary").click()
    confirmed = panel.locator(".kzmap-filter-c label", has_text="confirmed")
    confirmed.locator("input").uncheck()
    fewer, _ = _sources(page)
    assert fewer < listed
    assert int(_legend_count(page, "Border crossings")[1:-1]) < int(crossings[1:-1])
    # one market only: its citations, and those of features without a market
    markets = panel.locator(".kzmap-filter-m input")
    for n in range(markets.count()):
        if n:
            markets.nth(n).uncheck()
    one, _ = _sources(page)
    assert one < fewer
    for n in range(markets.count()):
        markets.nth(n).check()
    confirmed.locator("input").check()
    assert _sources(page)[0] == listed
    # a layer switched off takes its citations with it; on again, they are back
    toggle = page.locator(
        ".leaflet-control-layers-overlays label", has_text="Border crossings"
    ).locator("input")
    toggle.uncheck()
    off, _ = _sources(page)
    assert off < listed
    toggle.check()
    assert _sources(page)[0] == listed
    # a layer switched on (corridors start hidden) adds its citations
    page.get_by_role("checkbox", name="Smuggling corridors", exact=True).check()
    assert _sources(page)[0] > listed
    assert report.page_errors == []


def test_filters_work_in_the_embed(tmp_path: Path, open_offline: Any) -> None:
    from kzmap.maps.cli import main

    html, embed = tmp_path / "m.html", tmp_path / "m.frag.html"
    assert main(["render", "-o", str(html), "--embed", str(embed)]) == 0
    host = tmp_path / "host.html"
    host.write_text(
        "<!DOCTYPE html><html><body><h1>Briefing</h1>"
        + embed.read_text("utf-8")
        + "</body></html>",
        encoding="utf-8",
    )
    page, report = open_offline(host, width=1000, height=1000, wait=False)
    frame = page.locator("iframe.kzmap-embed").content_frame
    frame.locator(".kzmap-ready").wait_for(state="attached", timeout=30_000)
    inner = page.frames[1]
    count = """(key) => { let n = 0; window.kzmapView.map.eachLayer(l => {
      if (l.feature && l.feature.properties._kz_c === key) n++; }); return n; }"""
    assert inner.evaluate(count, "reported") > 0
    listed, _ = _sources(inner)
    panel = frame.locator(".kzmap-filters")
    panel.locator("summary").click()
    box = panel.locator(".kzmap-filter-c label", has_text="reported")
    box.locator("input").uncheck()
    assert inner.evaluate(count, "reported") == 0
    assert inner.evaluate(count, "confirmed") > 0
    assert _sources(inner)[0] < listed
    panel.locator("input.kzmap-filter-to").fill("1999")
    dated = """() => { let n = 0; window.kzmapView.map.eachLayer(l => {
      if (l.feature && l.feature.properties._kz_d > '2000') n++; }); return n; }"""
    assert inner.evaluate(dated) == 0
    assert report.external_requests == []
    assert report.page_errors == []
