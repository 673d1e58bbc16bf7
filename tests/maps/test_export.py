from __future__ import annotations

import html
from pathlib import Path

import geopandas as gpd
from shapely.geometry import Point

from kzmap.maps import (
    LayerSpec,
    Spec,
    add_layer,
    embed_html,
    empty_map,
    map_to_html,
    save,
)


def test_embed_escapes_the_whole_page_into_srcdoc() -> None:
    page = map_to_html(empty_map(title='Q"uote & <tag>'))
    fragment = embed_html(page, title='T"<x>', width=640, height=400)
    assert fragment.startswith('<iframe class="kzmap-embed" title="T&quot;&lt;x&gt;"')
    srcdoc = fragment.split('srcdoc="', 1)[1].rsplit('"></iframe>', 1)[0]
    assert '"' not in srcdoc
    assert "<" not in srcdoc
    assert html.unescape(srcdoc) == page
    assert 'sandbox="allow-scripts allow-popups' in fragment
    assert "allow-same-origin" not in fragment


def test_save_writes_html_and_embed(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame({"name_en": ["x"]}, geometry=[Point(70, 45)], crs=4326)
    path = tmp_path / "mine.geojson"
    frame.to_file(path, driver="GeoJSON")
    spec = Spec(layers=(LayerSpec(path=path),), title="Mine")
    out = save(spec, html=tmp_path / "a.html", embed=tmp_path / "a.embed.html")
    assert out.png is None
    page = out.html.read_text("utf-8")
    assert (
        html.unescape(
            out.embed.read_text("utf-8").split('srcdoc="')[1].split('"></iframe>')[0]
        )
        == page
    )


def test_save_refuses_to_overwrite_an_input(tmp_path: Path) -> None:
    import pytest

    from kzmap.geo import UsageError

    frame = gpd.GeoDataFrame({"name_en": ["x"]}, geometry=[Point(70, 45)], crs=4326)
    path = tmp_path / "mine.geojson"
    frame.to_file(path, driver="GeoJSON")
    before = path.read_bytes()
    with pytest.raises(UsageError, match=r"it is also an input"):
        save(Spec(layers=(LayerSpec(path=path),)), html=path)
    assert path.read_bytes() == before


def test_rendering_twice_keeps_ids(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame({"name_en": ["x"]}, geometry=[Point(70, 45)], crs=4326)
    m = empty_map()
    add_layer(m, frame, layer="mine")
    first = map_to_html(m)
    assert map_to_html(m) == first
    assert map_to_html(m, offline=False) != first


def test_locator_inset_reaches_beyond_the_default_map() -> None:
    from kzmap.maps.printing import _INSET, locator_svg
    from kzmap.maps.render import DEFAULT_BOUNDS

    south, west, north, east = DEFAULT_BOUNDS
    i_west, i_south, i_east, i_north = _INSET
    # the default map's frame is drawn well inside the inset, not over all of it
    assert i_west <= west - 5
    assert east + 5 <= i_east
    assert i_south <= south - 5
    assert north + 3 <= i_north
    svg = locator_svg("ru")
    assert 'aria-label="Расположение"' in svg
    assert svg.count("<path") > 20  # Central Asia and the countries around it
    assert 'fill="#8c8478"' in svg  # Kazakhstan shaded
