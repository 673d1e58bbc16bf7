"""Data and user strings never become code: Python side (Jinja) of issue 8.3."""

from __future__ import annotations

import os
import re
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point

from kzmap.maps import add_layer, add_layer_control, empty_map, map_to_html, safe_text
from kzmap.maps.escape import safe_url

PAYLOADS = (Path(__file__).parent / "payloads.txt").read_text("utf-8").splitlines()
_SCRIPT_OPEN = re.compile(r"<script\b", re.IGNORECASE)


def _frame(value: str) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "name_en": [value],
            "description": [value],
            "source": [value],
            "source_url": [value],
            "date": [value],
            "confidence": [value],
            "market": [value],
            value: [value],
        },
        geometry=[Point(70, 45)],
        crs=4326,
    )


def _page(value: str) -> str:
    m = empty_map(title=value, subtitle=value)
    add_layer(m, _frame(value), layer=value, title=value)
    add_layer_control(m)
    return map_to_html(m)


def _present(text: str, page: str) -> bool:
    escaped = safe_text(text)
    return escaped in page or escaped.replace("&", "\\u0026") in page


def test_corpus_has_the_promised_size() -> None:
    assert len(PAYLOADS) >= 45
    assert "{{7*7}}" in PAYLOADS


@pytest.fixture(scope="module")
def baseline_scripts() -> int:
    return len(_SCRIPT_OPEN.findall(_page("benign")))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_renders_literally_everywhere(payload: str, baseline_scripts) -> None:
    page = _page(payload)  # a Jinja payload must not raise or evaluate
    assert _present(payload, page)
    assert len(_SCRIPT_OPEN.findall(page)) == baseline_scripts
    assert str(os.getpid()) not in page.split("<body>")[1].split("L.map(")[0]


def test_jinja_is_never_evaluated() -> None:
    page = _page("{{7*7}} {% if true %}JINJA-RAN{% endif %} {# c #}")
    assert "&#123;&#123;7*7&#125;&#125;" in page
    assert "&#123;% if true %&#125;JINJA-RAN&#123;% endif %&#125;" in page
    assert "&#123;# c #&#125;" in page


def test_no_data_in_any_style() -> None:
    page = _page('red"}</script><script>window.__pwned=1</script>')
    styles = re.findall(r'"(?:color|fillColor)": "([^"]*)"', page)
    assert styles
    assert all(re.fullmatch(r"#[0-9a-fA-F]{6}", s) for s in styles)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " JaVaScRiPt:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "//evil.invalid/x",
        "file:///etc/passwd",
        "http:/no-host",
    ],
)
def test_only_http_links_survive(url: str) -> None:
    assert safe_url(url) is None
