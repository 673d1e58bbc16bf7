"""Routes on the folium map: styles, arrows, escaped popups, the default map hook."""

from __future__ import annotations

import re

import folium
import geopandas as gpd
import pytest
from shapely.geometry import LineString

from kzmap.geo import CRSError
from kzmap.maps import default_map, empty_map, map_to_html
from kzmap.maps.routes import add_routes, route_style
from kzmap.routes import load_routes, load_waypoints


def _children(element: folium.Element, kind: type) -> list[folium.Element]:
    return [c for c in element._children.values() if isinstance(c, kind)]


def _user_route() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "id": ["mine"],
            "name_en": ["<script>alert(1)</script>{{7*7}}"],
            "confidence": ["approximate"],
            "source": ["My notes"],
            "source_url": ["javascript:alert(1)"],
        },
        geometry=[LineString([(70.0, 45.0), (75.0, 45.0)])],
        crs=4326,
    )


def test_packaged_routes_draw_legs_arrows_and_waypoints() -> None:
    routes, waypoints = load_routes(), load_waypoints()
    group = add_routes(empty_map(), routes, waypoints=waypoints)
    lines, points = _children(group, folium.GeoJson)
    # one feature per (route, confidence) of its legs
    assert len(routes) <= len(lines.data["features"]) <= 3 * len(routes)
    assert len(points.data["features"]) == len(waypoints)
    arrows = _children(group, folium.Marker)
    assert len(arrows) >= len(routes)
    styles = [lines.style_function(f) for f in lines.data["features"]]
    dashed = [s for s in styles if s["dashArray"]]
    assert dashed
    assert len(dashed) < len(styles)
    assert all("kzmap-route-approximate" in s["className"] for s in dashed)


def test_route_style_solid_for_sourced_dashed_for_approximate() -> None:
    assert route_style("#123456", "reported")["dashArray"] is None
    assert route_style("#123456", "approximate")["dashArray"] == "7 6"


def test_popups_list_waypoints_with_linked_sources() -> None:
    routes, waypoints = load_routes(), load_waypoints()
    group = add_routes(empty_map(), routes, waypoints=waypoints)
    lines, points = _children(group, folium.GeoJson)
    first = lines.data["features"][0]["properties"]["_kz_popup"]
    assert "Fayzabad (Badakhshan)" in first
    assert "<ol>" in first
    assert "US&#36;1.1–2.1 billion a year" in first  # "$" is neutralised
    assert 'href="https://www.stephenmbland.com/road-of-sorrow"' in first
    karakul = [
        f["properties"]["_kz_popup"]
        for f in points.data["features"]
        if "Karakul post" in f["properties"]["_kz_popup"]
    ]
    assert len(karakul) == 1
    assert "M. Sharikov" in karakul[0]
    assert "±30 km" in karakul[0]


def test_arrow_points_along_travel() -> None:
    group = add_routes(empty_map(), _user_route())
    (arrow, *_) = _children(group, folium.Marker)
    html = arrow.icon.options["html"]
    angle = float(re.search(r"rotate\(([\d.]+)deg\)", html).group(1))
    assert 85.0 < angle < 95.0  # eastbound


def test_user_route_text_is_escaped() -> None:
    m = empty_map()
    group = add_routes(m, _user_route())
    (lines,) = _children(group, folium.GeoJson)
    props = lines.data["features"][0]["properties"]
    assert props["_kz_tooltip"] == (
        "&lt;script&gt;alert(1)&lt;/script&gt;&#123;&#123;7*7&#125;&#125;"
    )
    assert "javascript:" not in props["_kz_popup"]
    page = map_to_html(m)
    assert "<script>alert(1)" not in page
    assert "{{7*7}}" not in page


def test_add_routes_needs_a_crs() -> None:
    route = _user_route().set_crs(None, allow_override=True)
    with pytest.raises(CRSError, match=r"`routes` has no CRS"):
        add_routes(empty_map(), route)


def test_default_map_draws_the_route_offline() -> None:
    m = default_map()
    groups = [g for g in _children(m, folium.FeatureGroup) if "route" in g.layer_name]
    assert len(groups) == 1
    page = map_to_html(m)
    assert "kzmap-route-arrow" in page
    assert "<script src=" not in page
    assert "antpath" not in page.lower()


def test_russian_labels() -> None:
    m = empty_map()
    group = add_routes(m, load_routes(), waypoints=load_waypoints(), lang="ru")
    assert group.layer_name == "Северный наркомаршрут"
    (lines, _) = _children(group, folium.GeoJson)
    assert lines.data["features"][0]["properties"]["_kz_tooltip"].startswith(
        "Памиро-киргизская"
    )
