from __future__ import annotations

import folium
import pytest

from kzmap.geo import CRSError
from kzmap.layers import available_layers
from kzmap.maps import add_layer, default_map, empty_map, map_to_html


def _geojson_layers(m: folium.Map) -> list[folium.GeoJson]:
    return [c for c in m._children.values() if isinstance(c, folium.GeoJson)]


def test_default_map_has_every_packaged_layer() -> None:
    m = default_map()
    names = [layer.layer_name for layer in _geojson_layers(m)]
    assert sorted(names) == sorted(available_layers())


def test_offline_page_links_nothing_external() -> None:
    page = map_to_html(default_map())
    assert "<script src=" not in page
    assert '<link rel="stylesheet"' not in page
    assert "cdn.jsdelivr" not in page


def test_same_map_renders_byte_identical() -> None:
    assert map_to_html(default_map()) == map_to_html(default_map())


def test_popup_text_is_escaped_and_not_evaluated(points) -> None:
    points.loc[0, "name_en"] = "<img src=x onerror=alert(1)>{{7*7}}"
    m = empty_map()
    layer = add_layer(m, points, layer="user")
    escaped = "&lt;img src=x onerror=alert(1)&gt;&#123;&#123;7*7&#125;&#125;"
    props = layer.data["features"][0]["properties"]
    assert props["_kz_tooltip"] == escaped
    assert escaped in props["_kz_popup"]
    page = map_to_html(m)
    assert "<img src=x" not in page
    assert "{{7*7}}" not in page
    # folium's JSON encoder writes & < > as \u escapes inside the script
    assert escaped.replace("&", "\\u0026") in page


def test_add_layer_needs_a_crs(points) -> None:
    with pytest.raises(CRSError, match=r"`user` has no CRS"):
        add_layer(empty_map(), points.set_crs(None, allow_override=True), layer="user")


def test_title_is_escaped() -> None:
    page = map_to_html(empty_map(title="<script>x</script>"))
    assert "&lt;script&gt;x&lt;/script&gt;" in page
