from __future__ import annotations

import base64
import json
import re
import zlib

import geopandas as gpd
from shapely.geometry import (
    GeometryCollection,
    LineString,
    MultiPoint,
    MultiPolygon,
    Point,
    Polygon,
)

from kzmap.maps import add_layer, default_map, empty_map, map_to_html
from kzmap.maps.compact import CompactGeoJson, compact_geojson, expand_geojson

_BLOCK = re.compile(
    r'<script type="application/octet-stream" id="(geo_json_\w+_data)">([^<]*)</script>'
)


def _blocks(page: str) -> dict[str, dict]:
    return {
        name: expand_geojson(base64.b64decode(text))
        for name, text in _BLOCK.findall(page)
    }


def test_coordinates_are_rounded_and_vertices_kept() -> None:
    ring = [(70.123456, 45.0), (71.0, 45.987654), (71.5, 46.0), (70.123456, 45.0)]
    frame = gpd.GeoDataFrame({"name_en": ["a"]}, geometry=[Polygon(ring)], crs=4326)
    data = expand_geojson(compact_geojson(frame.__geo_interface__))
    coords = data["features"][0]["geometry"]["coordinates"][0]
    assert coords == [[70.1235, 45.0], [71.0, 45.9877], [71.5, 46.0], [70.1235, 45.0]]
    assert data["features"][0]["properties"] == {"name_en": "a"}


def test_packed_coordinates_round_trip_every_geometry_type() -> None:
    geoms = [
        Point(70.00004, -45.5),
        LineString([(179.9999, 89.9999), (-179.9999, -89.9999), (0, 0)]),
        MultiPoint([(70, 45), (70.0001, 45.0001)]),
        MultiPolygon(
            [
                Polygon([(70, 45), (71, 45), (71, 46), (70, 45)]),
                Polygon([(72, 45), (73, 45), (73, 46), (72, 45)]),
            ]
        ),
        GeometryCollection([Point(1, 2), LineString([(1, 2), (3, 4.00006)])]),
        LineString([(70, 45, 100.5), (71, 46, 90.25)]),
    ]
    frame = gpd.GeoDataFrame({"k": range(len(geoms))}, geometry=geoms, crs=4326)
    packed = json.loads(zlib.decompress(compact_geojson(frame.__geo_interface__)))
    line = packed["features"][1]["geometry"]["coordinates"]
    assert line == [[1799999, 899999], [-3599998, -1799998], [1799999, 899999]]
    assert packed["kzScale"] == 10_000
    back = gpd.GeoDataFrame.from_features(
        expand_geojson(compact_geojson(frame.__geo_interface__)), crs=4326
    )
    # every vertex kept, each within half a unit of 1e-4 degree
    assert back.geometry.geom_equals_exact(frame.geometry, 0.5e-4 + 1e-12).all()
    assert back.geometry.iloc[0].x == 70.0
    assert back.geometry.has_z.tolist() == [False] * 5 + [True]
    assert list(back.geometry.iloc[5].coords)[1] == (71.0, 46.0, 90.25)


def test_layer_data_travels_compressed_not_inline() -> None:
    frame = gpd.GeoDataFrame(
        {"name_en": ["<b>x</b>{{7*7}}"]}, geometry=[Point(70, 45)], crs=4326
    )
    m = empty_map()
    layer = add_layer(m, frame, layer="mine")
    assert isinstance(layer, CompactGeoJson)
    page = map_to_html(m)
    assert "{{7*7}}" not in page
    assert "<b>x" not in page
    assert '"coordinates"' not in page
    assert f'L.kzmap.addGeoJson({layer.get_name()}, "{layer.data_id()}")' in page
    (data,) = _blocks(page).values()
    props = data["features"][0]["properties"]
    assert "&lt;b&gt;x&lt;/b&gt;&#123;&#123;7*7&#125;&#125;" in props["_kz_popup"]
    assert data["features"][0]["geometry"]["coordinates"] == [70.0, 45.0]


def test_every_default_layer_is_compact_and_complete() -> None:
    m = default_map()
    page = map_to_html(m)
    blocks = _blocks(page)
    # 14 packaged layers (water, rivers and the context land with its outlines
    # in one block too) + route lines, waypoints
    assert len(blocks) == 15
    assert all(data["features"] for data in blocks.values())
    assert "_add({" not in page.replace('_add({"features": [], ', "")


def test_same_map_object_renders_identically_twice() -> None:
    m = default_map()
    assert map_to_html(m) == map_to_html(m)
