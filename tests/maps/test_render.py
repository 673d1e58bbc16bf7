from __future__ import annotations

import base64
import zlib

import folium
import pytest

from kzmap.geo import CRSError
from kzmap.layers import available_layers
from kzmap.maps import add_layer, default_map, empty_map, map_to_html
from kzmap.maps.interact import FILTER_KEYS
from kzmap.maps.page import page_state
from kzmap.maps.render import NOT_ON_DEFAULT_MAP


def _geojson_layers(m: folium.Map) -> list[folium.GeoJson]:
    return [c for c in m._children.values() if isinstance(c, folium.GeoJson)]


def test_default_map_has_every_packaged_layer() -> None:
    m = default_map()
    keys = [layer.key for layer in page_state(m).layers]
    # the northern route (kzmap.routes) is drawn as one group of its own and
    # the relief tint as an image; the context outlines travel with the
    # context land; districts and the 2018 frame stay off the default map (size)
    assert {"districts", "regions_2018"} == NOT_ON_DEFAULT_MAP
    packaged = set(available_layers()) - NOT_ON_DEFAULT_MAP - {"context_outlines"}
    assert sorted(keys) == sorted([*packaged, "routes", "relief"])
    assert len(_geojson_layers(m)) == len(keys) - 2


def test_layer_control_shows_translated_titles() -> None:
    names = [layer.layer_name for layer in _geojson_layers(default_map(lang="ru"))]
    assert "Страны" in names
    assert "Государственные границы" in names


def test_offline_page_links_nothing_external() -> None:
    page = map_to_html(default_map())
    assert "<script src=" not in page
    assert '<link rel="stylesheet"' not in page
    assert "cdn.jsdelivr" not in page
    assert "https://fonts." not in page


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_default_map_is_under_one_megabyte(lang: str) -> None:
    assert len(map_to_html(default_map(lang=lang)).encode()) < 1_000_000


def test_same_map_renders_byte_identical() -> None:
    assert map_to_html(default_map()) == map_to_html(default_map())


def test_html_lang_follows_map_language() -> None:
    assert '<html lang="kk">' in map_to_html(empty_map(lang="kk"))


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
    # the features travel compressed (kzmap.maps.compact), escaped inside
    block = page.split(f'id="{layer.data_id()}">')[1].split("</script>")[0]
    assert escaped in zlib.decompress(base64.b64decode(block)).decode()


def test_only_slug_keys_reach_the_geojson(points) -> None:
    points["<b>odd column</b>"] = ["x", "y"]
    layer = add_layer(empty_map(), points, layer="user")
    keys = set(layer.data["features"][0]["properties"])
    # fixed slugs only: display, popup, index, and the filter/search values
    assert keys == {"_kz_tooltip", "_kz_popup", "_kz_i"} | set(FILTER_KEYS)


def test_user_layer_popup_lists_other_columns_escaped(points) -> None:
    points["<b>odd column</b>"] = ["<i>v</i>", None]
    layer = add_layer(empty_map(), points, layer="user")
    popup = layer.data["features"][0]["properties"]["_kz_popup"]
    assert "<i>&lt;b&gt;odd column&lt;/b&gt;:</i> &lt;i&gt;v&lt;/i&gt;" in popup


def test_add_layer_needs_a_crs(points) -> None:
    with pytest.raises(CRSError, match=r"`user` has no CRS"):
        add_layer(empty_map(), points.set_crs(None, allow_override=True), layer="user")


def test_add_layer_needs_a_kzmap_map(points) -> None:
    with pytest.raises(ValueError, match=r"not made by kzmap\.maps\.empty_map"):
        add_layer(folium.Map(tiles=None), points, layer="user")


def test_title_is_escaped() -> None:
    page = map_to_html(empty_map(title="<script>x</script>", subtitle="{{7*7}}"))
    assert "&lt;script&gt;x&lt;/script&gt;" in page
    assert "&#123;&#123;7*7&#125;&#125;" in page
    assert "<title>&lt;script&gt;" in page


def test_datetime_columns_become_iso_dates(points) -> None:
    import pandas as pd

    points["date"] = pd.to_datetime(["2024-07-03", "2024-12-27"])
    layer = add_layer(empty_map(), points, layer="user")
    assert ">2024-07-03</span>" in layer.data["features"][0]["properties"]["_kz_popup"]


def test_online_tiles_are_announced_in_sources_panel() -> None:
    page = map_to_html(empty_map(tiles="osm"))
    assert "tile.openstreetmap.org" in page
    assert "makes no network request" not in page
    assert "makes no network request" in map_to_html(empty_map())


def test_features_without_geometry_are_reported(points) -> None:
    from kzmap.geo import KzmapWarning

    points.loc[1, "geometry"] = None
    with pytest.warns(
        KzmapWarning, match=r"Layer 'user': 1 feature\(s\) have no geometry .*index 1"
    ):
        layer = add_layer(empty_map(), points, layer="user")
    assert len(layer.data["features"]) == 1
