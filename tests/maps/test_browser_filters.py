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
