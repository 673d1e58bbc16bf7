"""The quiet basemap in the page: relief inlined, rivers and context not clickable."""

from __future__ import annotations

import base64
import io
import re
from importlib.resources import files

import folium
import numpy as np
from PIL import Image

from kzmap.maps import default_map, map_to_html
from kzmap.maps.basemap import LAND_PANE, RELIEF_PANE, relief_data_uri
from kzmap.maps.page import page_state
from kzmap.maps.style import RELIEF_FLOOR

_RELIEF = re.compile(r"data:image/jpeg;base64,[A-Za-z0-9+/=]+")


def _elements(m: folium.Map) -> dict[str, object]:
    return {layer.key: layer.element for layer in page_state(m).layers}


def test_relief_is_inlined_small_and_within_its_floors() -> None:
    page = map_to_html(default_map())
    (uri,) = _RELIEF.findall(page)
    assert uri == relief_data_uri()
    assert len(uri) < 25_000  # about 13 KB of JPEG
    image = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))
    assert image.mode == "L"
    assert 300 <= image.width <= 600
    # never darker than the darkest floor (Kazakhstan's), nowhere pure white only
    pixels = np.asarray(image)
    assert pixels.min() >= round(min(RELIEF_FLOOR.values()) * 255)
    assert (pixels < 250).mean() > 0.01
    # the image is the packaged file, unchanged
    packaged = (files("kzmap.maps") / "static" / "relief.jpg").read_bytes()
    assert base64.b64decode(uri.split(",", 1)[1]) == packaged


def test_relief_sits_between_the_land_and_the_overlays() -> None:
    m = default_map()
    elements = _elements(m)
    group = elements["relief"]
    assert isinstance(group, folium.FeatureGroup)
    (relief,) = group._children.values()
    assert isinstance(relief, folium.raster_layers.ImageOverlay)
    assert relief.options["pane"] == RELIEF_PANE
    assert relief.options["interactive"] is False
    for key in ("countries", "context"):
        assert elements[key].options["pane"] == LAND_PANE  # type: ignore[attr-defined]
    for key in ("water", "rivers", "regions", "borders"):
        assert "pane" not in elements[key].options  # type: ignore[attr-defined]
    page = map_to_html(m)
    assert re.search(r'createPane\(\s*"kzmapLand"\);\s*\S+\.style\.zIndex = 350', page)
    assert re.search(
        r'createPane\(\s*"kzmapRelief"\);\s*\S+\.style\.zIndex = 360', page
    )
    assert "mix-blend-mode:multiply" in page


def test_rivers_and_context_are_quiet() -> None:
    m = default_map()
    state = page_state(m)
    for layer in state.layers:
        if layer.key in {"rivers", "context", "relief"}:
            assert layer.legend is None
            assert layer.citations, layer.key
            assert any("Natural Earth" in c.text for c in layer.citations)
    elements = _elements(m)
    for key in ("rivers", "context"):
        element = elements[key]
        assert element.options["interactive"] is False  # type: ignore[attr-defined]
        assert not any(
            isinstance(child, folium.GeoJsonPopup | folium.GeoJsonTooltip)
            for child in element._children.values()  # type: ignore[attr-defined]
        )
    # the far context is not a layer to switch off; rivers and relief are
    assert elements["context"].control is False  # type: ignore[attr-defined]
    assert elements["rivers"].control is True  # type: ignore[attr-defined]
    assert elements["relief"].control is True  # type: ignore[attr-defined]


def test_water_tooltips_follow_the_map_language() -> None:
    assert "Балқаш көлі" in _water_tooltips("kk")
    assert "озеро Балхаш" in _water_tooltips("ru")
    assert "Lake Balkhash" in _water_tooltips("en")


def _water_tooltips(lang: str) -> str:
    import zlib

    m = default_map(lang=lang)
    element = _elements(m)["water"]
    page = map_to_html(m)
    data_id = element.data_id()  # type: ignore[attr-defined]
    block = re.search(rf'id="{data_id}">([^<]+)<', page)
    assert block
    return zlib.decompress(base64.b64decode(block.group(1))).decode()
