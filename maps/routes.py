"""Draw route branches on a folium map: direction arrows, confidence styles, popups."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import folium
import geopandas as gpd
import pandas as pd
from branca.element import Element, Figure

from kzmap.geo.crs import STORAGE_CRS, to_storage_crs
from kzmap.maps._route_popups import (
    display_name,
    labels_for,
    route_popup,
    waypoint_popup,
)
from kzmap.maps.compact import CompactGeoJson
from kzmap.maps.escape import safe_text
from kzmap.maps.interact import filter_properties
from kzmap.maps.legend import LegendEntry, LegendSection
from kzmap.maps.page import DrawnLayer, page_state
from kzmap.maps.sources import citations_from_frame
from kzmap.maps.style import Symbol
from kzmap.routes import legs_from_waypoints
from kzmap.routes.geodesy import densify_line, length_km, line_parts, point_at_km

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

__all__ = ["ROUTE_COLOURS", "add_routes", "route_style"]

#: One colour per route, in row order (repeats after seven routes): each at
#: least 3:1 on every basemap colour, and the seven at least 9 CIELAB units
#: apart in normal vision and under protanopia, deuteranopia and tritanopia.
ROUTE_COLOURS = (
    "#c0392b",  # red
    "#7d3c98",  # purple
    "#891f42",  # wine (brown #a0522d fell within 3.7 of the red for protans)
    "#a76d00",  # ochre (orange #d35400 came within 7.5 of the red for tritans)
    "#d63384",  # magenta
    "#12898c",  # teal (#138d90 had 2.96:1 on the shaded sea)
    "#2e7d32",  # green
)
#: Roughly one arrowhead per this many km of route.
ARROW_SPACING_KM = 300.0
_ARROW_PX = 20
_TOOLTIP, _POPUP, _INDEX = "_kz_tooltip", "_kz_popup", "_kz_i"

_CSS = """<style>
.kzmap-route-arrow{pointer-events:none;background:none;border:none}
.kzmap-route-arrow svg{display:block}
path.kzmap-route:focus,path.kzmap-waypoint:focus{outline:none}
.kzmap-route-popup{max-height:320px;overflow-y:auto}
.kzmap-route-popup ol{margin:4px 0 0 0;padding-left:20px}
.kzmap-route-legend{position:absolute;bottom:28px;right:10px;z-index:1000;
background:rgba(255,255,255,.92);padding:6px 10px;border-radius:4px;
font:12px/1.5 sans-serif;box-shadow:0 1px 4px rgba(0,0,0,.3)}
.kzmap-route-legend i{display:inline-block;width:28px;margin-right:6px;
vertical-align:middle;border-top:3px solid #444}
</style>"""


def route_style(colour: str, confidence: object) -> dict[str, object]:
    """Leaflet path style of a route leg: solid if sourced, dashed if approximate."""
    approximate = confidence == "approximate"
    return {
        "color": colour,
        "weight": 3.0,
        "opacity": 1.0,
        "dashArray": "7 6" if approximate else None,
        "lineCap": "butt" if approximate else "round",
        "className": "kzmap-route kzmap-route-"
        + ("approximate" if approximate else "sourced"),
    }


def _arrow_html(colour: str, azimuth: float) -> str:
    """Return an arrowhead pointing north, turned clockwise by `azimuth` degrees."""
    size = _ARROW_PX
    return (
        f'<div style="width:{size}px;height:{size}px;'
        f'transform:rotate({azimuth:.1f}deg)">'
        f'<svg width="{size}" height="{size}" viewBox="0 0 20 20">'
        f'<path d="M10 1.5 L17.5 17.5 L10 13 L2.5 17.5 Z" fill="{colour}" '
        'stroke="#ffffff" stroke-width="1.5" stroke-linejoin="round"/></svg></div>'
    )


def _add_arrows(group: folium.FeatureGroup, line: BaseGeometry, colour: str) -> int:
    """Add arrowheads about every `ARROW_SPACING_KM` along `line`; return how many."""
    count = 0
    for part in line_parts(densify_line(line)):
        total = length_km(part)
        n = max(1, round(total / ARROW_SPACING_KM))
        for k in range(n):
            lon, lat, azimuth = point_at_km(part, (k + 0.5) * total / n)
            # Web Mercator is conformal, so the geodesic azimuth is the on-screen
            # direction. folium takes (lat, lon).
            folium.Marker(
                location=[lat, lon],
                icon=folium.DivIcon(
                    html=_arrow_html(colour, azimuth),
                    icon_size=(_ARROW_PX, _ARROW_PX),
                    icon_anchor=(_ARROW_PX // 2, _ARROW_PX // 2),
                    class_name="kzmap-route-arrow",
                ),
                interactive=False,
                keyboard=False,
            ).add_to(group)
            count += 1
    return count


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    return [{str(k): v for k, v in r.items()} for r in frame.to_dict("records")]


def _legend(m: folium.Map, lang: str) -> None:
    labels = labels_for(lang)
    arrow = _arrow_html("#444444", 90.0)
    block = (
        '<div class="kzmap-route-legend">'
        f"<b>{safe_text(labels['title'])}</b><br>"
        f"<i></i>{safe_text(labels['legend_sourced'])}<br>"
        '<i style="border-top-style:dashed"></i>'
        f"{safe_text(labels['legend_inferred'])}<br>"
        '<span style="display:inline-block;vertical-align:middle;width:28px;'
        f'margin-right:6px">{arrow}</span>'
        f"{safe_text(labels['legend_arrow'])}</div>"
    )
    root = cast("Figure", m.get_root())
    root.html.add_child(Element(block), name="kzmap_route_legend")


def _legs(
    routes: gpd.GeoDataFrame, stops: list[list[dict[str, object]]]
) -> gpd.GeoDataFrame:
    """One row per (route, confidence), with ``_route`` (row position).

    A route with waypoints is cut leg by leg, so each leg can carry its own
    confidence; legs of one route with the same confidence are then merged
    into one MultiLineString, so the route's popup is embedded once per style
    rather than once per leg. A route without waypoints is drawn whole with
    the route's confidence.
    """
    parts = []
    for r, (row, ws) in enumerate(zip(_records(routes), stops, strict=True)):
        if len(ws) >= 2:
            legs = legs_from_waypoints(pd.DataFrame(ws).drop(columns="geometry"))
        else:
            legs = gpd.GeoDataFrame(
                {"confidence": [row.get("confidence") or "reported"]},
                geometry=[routes.geometry.iloc[r]],
                crs=STORAGE_CRS,
            )
        parts.append(legs[["confidence", "geometry"]].assign(_route=r))
    joined = gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), crs=STORAGE_CRS)
    merged = joined.dissolve(by=["_route", "confidence"], sort=True, as_index=False)
    return merged[["confidence", "geometry", "_route"]]


def add_routes(
    m: folium.Map,
    routes: gpd.GeoDataFrame,
    *,
    waypoints: gpd.GeoDataFrame | None = None,
    lang: str = "en",
    title: str | None = None,
    legend: bool = True,
    show: bool = True,
) -> folium.FeatureGroup:
    """
    Draw routes with direction arrows, confidence styles and sourced popups.

    Each route gets its own colour. Lines are solid where sourced and dashed
    where ``confidence`` is ``"approximate"`` (with `waypoints`, per leg: a leg
    is approximate if either end is). Arrowheads about every 300 km point in
    the direction of travel; they are inline SVG, so the page needs no plugin
    or network. Every text is escaped with `safe_text`, links with `safe_url`.

    Parameters
    ----------
    m
        The map to draw on.
    routes
        One (Multi)LineString per route, in any CRS (a missing CRS is an
        error), in travel order; optional ``id``, ``name_<lang>``,
        ``description``, ``commodities``, ``actors``, ``value_estimate``,
        ``confidence``, ``source``/``source_url`` columns feed the popups.
    waypoints
        Optional waypoint table (as `kzmap.routes.load_waypoints`): drawn as
        points with their own popups and listed in the route popups; matched
        to routes by ``branch_id`` = route ``id``. None draws lines only.
    lang
        ``"en"``, ``"ru"`` or ``"kk"`` for names and labels.
    title
        Name in the layer control (escaped); None uses a default per `lang`.
    legend
        Whether to add a small legend explaining line styles and arrows.
    show
        Whether the layer is visible when the page opens.

    Returns
    -------
    folium.FeatureGroup
        The group holding lines, arrows and waypoints, already added to `m`.

    Raises
    ------
    CRSError
        If `routes` or `waypoints` has no CRS.
    """
    labels = labels_for(lang)
    routes = to_storage_crs(routes, name="routes").reset_index(drop=True)
    if waypoints is not None:
        waypoints = to_storage_crs(waypoints, name="waypoints")
    group = folium.FeatureGroup(name=safe_text(title or labels["title"]), show=show)
    route_rows = _records(routes)
    stops: list[list[dict[str, object]]] = [[] for _ in route_rows]
    if waypoints is not None and "id" in routes.columns:
        ids = [str(v) for v in routes["id"]]
        for w in _records(waypoints):
            if str(w.get("branch_id")) in ids:
                stops[ids.index(str(w.get("branch_id")))].append(w)
    colours = [ROUTE_COLOURS[n % len(ROUTE_COLOURS)] for n in range(len(routes))]
    popups = [route_popup(r, s, lang) for r, s in zip(route_rows, stops, strict=True)]
    legs = _legs(routes, stops)
    styles = [
        route_style(colours[r], c)
        for r, c in zip(legs["_route"], legs["confidence"], strict=True)
    ]
    shown = legs[[legs.geometry.name]].copy()
    shown[_TOOLTIP] = [
        safe_text(display_name(route_rows[r], lang)) for r in legs["_route"]
    ]
    shown[_POPUP] = [popups[r] for r in legs["_route"]]
    shown[_INDEX] = [str(n) for n in range(len(legs))]
    leg_rows = [
        {**route_rows[r], "confidence": c}
        for r, c in zip(legs["_route"], legs["confidence"], strict=True)
    ]
    for key, values in filter_properties(leg_rows, lang).items():
        shown[key] = values
    CompactGeoJson(
        shown,
        style_function=lambda f: styles[int(f["properties"][_INDEX])],
        highlight_function=None,
        tooltip=folium.GeoJsonTooltip(fields=[_TOOLTIP], labels=False),
        popup=folium.GeoJsonPopup(fields=[_POPUP], labels=False, max_width=420),
        control=False,
        zoom_on_click=False,
    ).add_to(group)
    for geometry, colour in zip(routes.geometry, colours, strict=True):
        if geometry is not None and not geometry.is_empty:
            _add_arrows(group, geometry, colour)
    if waypoints is not None:
        _add_waypoints(group, stops, colours, lang)
    group.add_to(m)
    root = cast("Figure", m.get_root())
    root.header.add_child(Element(_CSS), name="kzmap_routes_css")
    registered = _register(
        m,
        group,
        title=title or labels["title"],
        tables=(routes, waypoints),
        rows=route_rows,
        colours=colours,
        lang=lang,
        legend=legend,
    )
    if legend and not registered:
        _legend(m, lang)
    return group


def _register(
    m: folium.Map,
    group: folium.FeatureGroup,
    *,
    title: str,
    tables: tuple[gpd.GeoDataFrame, gpd.GeoDataFrame | None],
    rows: list[dict[str, object]],
    colours: list[str],
    lang: str,
    legend: bool,
) -> bool:
    """Put the routes in the page legend and sources panel of a kzmap page.

    Returns False for a bare folium map (no kzmap page furniture), which then
    gets the routes' own small legend.
    """
    try:
        state = page_state(m)
    except ValueError:
        return False
    labels = labels_for(lang)
    entries = [
        LegendEntry(
            label=display_name(row, lang),
            symbol=Symbol("line", route_style(colour, "confirmed")),
        )
        for row, colour in zip(rows, colours, strict=True)
    ]
    entries.append(
        LegendEntry(
            label=labels["legend_inferred"],
            symbol=Symbol("line", route_style("#555555", "approximate")),
        )
    )
    routes, waypoints = tables
    citations = citations_from_frame(routes, layer=title)
    if waypoints is not None:
        citations += citations_from_frame(waypoints, layer=title)
    state.layers.append(
        DrawnLayer(
            key="routes",
            title=title,
            element=group,
            legend=LegendSection(title=title, entries=tuple(entries))
            if legend
            else None,
            citations=citations,
        )
    )
    return True


def _add_waypoints(
    group: folium.FeatureGroup,
    stops: list[list[dict[str, object]]],
    colours: list[str],
    lang: str,
) -> None:
    """Add the waypoints of every route as small circles with sourced popups."""
    rows = [(w, colours[r]) for r, ws in enumerate(stops) for w in ws]
    if not rows:
        return
    frame = pd.DataFrame(
        {
            _TOOLTIP: [safe_text(display_name(w, lang)) for w, _ in rows],
            _POPUP: [waypoint_popup(w, lang) for w, _ in rows],
            _INDEX: [str(n) for n in range(len(rows))],
            **filter_properties([w for w, _ in rows], lang),
        }
    )
    points = gpd.GeoDataFrame(
        frame,
        geometry=[cast("BaseGeometry", w["geometry"]) for w, _ in rows],
        crs=STORAGE_CRS,
    )
    styles = [
        {
            "color": colour,
            "weight": 2.0,
            "fill": True,
            "fillColor": "#ffffff",
            "fillOpacity": 1.0,
            "radius": 4.0,
            "className": "kzmap-waypoint",
        }
        for _, colour in rows
    ]
    CompactGeoJson(
        points,
        style_function=lambda f: styles[int(f["properties"][_INDEX])],
        highlight_function=None,
        marker=folium.CircleMarker(radius=4.0),
        tooltip=folium.GeoJsonTooltip(fields=[_TOOLTIP], labels=False),
        popup=folium.GeoJsonPopup(fields=[_POPUP], labels=False, max_width=360),
        control=False,
        zoom_on_click=False,
    ).add_to(group)
