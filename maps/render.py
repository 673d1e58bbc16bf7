"""Build folium maps from kzmap layers: the default map and composable pieces."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, cast

import folium
import pandas as pd
from branca.element import Element, Figure

from kzmap.geo.crs import to_storage_crs
from kzmap.layers import available_layers, load
from kzmap.maps.escape import safe_text
from kzmap.maps.popups import popup_html, tooltip_html
from kzmap.maps.routes import add_routes
from kzmap.maps.style import LAYER_ORDER, SEA, layer_style, point_style
from kzmap.routes import load_routes, load_waypoints

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["DEFAULT_BOUNDS", "Tiles", "add_layer", "default_map", "empty_map"]

Tiles = Literal["none", "osm"]

#: (south, west, north, east) of the default view: Kazakhstan and its neighbours.
DEFAULT_BOUNDS = (35.0, 46.0, 56.0, 88.0)

_TOOLTIP = "_kz_tooltip"
_POPUP = "_kz_popup"
_STYLE = "_kz_style"


def empty_map(*, tiles: Tiles = "none", title: str | None = None) -> folium.Map:
    """
    Return an empty map fitted to `DEFAULT_BOUNDS`.

    Parameters
    ----------
    tiles
        ``"none"`` draws no web tiles (the shipped vector layers are the basemap
        and the page makes no request); ``"osm"`` adds OpenStreetMap tiles,
        fetched online when the page is opened.
    title
        Text shown in a title block; None shows none. Escaped.

    Returns
    -------
    folium.Map
    """
    south, west, north, east = DEFAULT_BOUNDS
    m = folium.Map(
        # folium takes (lat, lon)
        location=[(south + north) / 2, (west + east) / 2],
        zoom_start=4,
        tiles="OpenStreetMap" if tiles == "osm" else None,
        control_scale=True,
        prefer_canvas=False,
        zoom_snap=0.25,
    )
    # folium wants [[lat, lon], [lat, lon]]: (south, west), (north, east).
    m.fit_bounds([[south, west], [north, east]])
    css = f"<style>html body .leaflet-container{{background:{SEA};}}</style>"
    root = cast("Figure", m.get_root())  # a folium.Map always sits in a Figure
    root.header.add_child(Element(css), name="kzmap_background")
    if title:
        block = (
            '<div class="kzmap-title" style="position:absolute;top:10px;left:50px;'
            "z-index:1000;background:rgba(255,255,255,.9);padding:4px 10px;"
            f'font:600 16px sans-serif;border-radius:4px">{safe_text(title)}</div>'
        )
        root.html.add_child(Element(block), name="kzmap_title")
    return m


def _display_frame(frame: gpd.GeoDataFrame, layer: str, lang: str) -> gpd.GeoDataFrame:
    """Keep only geometry plus escaped tooltip/popup text and a style per feature."""
    records: list[dict[str, object]] = [
        {str(k): v for k, v in r.items()}
        for r in frame.drop(columns=frame.geometry.name).to_dict("records")
    ]
    out = frame[[frame.geometry.name]].copy()
    out[_TOOLTIP] = [tooltip_html(r, lang) for r in records]
    out[_POPUP] = [popup_html(r, lang) for r in records]
    out[_STYLE] = pd.Series([layer_style(layer, r) for r in records], index=out.index)
    return out[out.geometry.notna() & ~out.geometry.is_empty]


def add_layer(
    m: folium.Map,
    frame: gpd.GeoDataFrame,
    *,
    layer: str,
    title: str | None = None,
    lang: str = "en",
    show: bool = True,
) -> folium.GeoJson:
    """
    Add `frame` to `m` as one toggleable GeoJSON layer with tooltips and popups.

    Parameters
    ----------
    m
        The map to add to.
    frame
        Features in any CRS (reprojected to EPSG:4326); a missing CRS is an error.
    layer
        Style key: a packaged layer name, or any other name for the generic style.
    title
        Name in the layer control (escaped); None uses `layer`.
    lang
        ``"en"``, ``"ru"`` or ``"kk"``: which ``name_*`` field labels features.
    show
        Whether the layer is visible when the page opens.

    Returns
    -------
    folium.GeoJson
        The element added.

    Raises
    ------
    CRSError
        If `frame` has no CRS.
    """
    frame = to_storage_crs(frame, name=layer)
    shown = _display_frame(frame, layer, lang)
    styles = dict(enumerate(shown[_STYLE]))
    shown = shown.drop(columns=_STYLE).reset_index(drop=True)
    shown["_kz_i"] = shown.index.astype(str)
    points = shown.geom_type.isin(["Point", "MultiPoint"]).all() and len(shown) > 0
    element = folium.GeoJson(
        shown,
        name=safe_text(title or layer),
        show=show,
        style_function=lambda f: styles[int(f["properties"]["_kz_i"])],
        highlight_function=None,
        marker=folium.CircleMarker(radius=point_style()["radius"]) if points else None,
        tooltip=folium.GeoJsonTooltip(fields=[_TOOLTIP], labels=False),
        popup=folium.GeoJsonPopup(fields=[_POPUP], labels=False, max_width=360),
        zoom_on_click=False,
    )
    element.add_to(m)
    return element


def default_map(
    *, tiles: Tiles = "none", lang: str = "en", title: str | None = None
) -> folium.Map:
    """
    Return the default map: every packaged layer over Kazakhstan and its neighbours.

    Parameters
    ----------
    tiles
        See `empty_map`.
    lang
        Language of feature names: ``"en"``, ``"ru"`` or ``"kk"``.
    title
        Optional title block text.

    Returns
    -------
    folium.Map
    """
    m = empty_map(tiles=tiles, title=title)
    names = available_layers()
    ordered = [n for n in LAYER_ORDER if n in names or n == "routes"]
    extra = [n for n in names if n not in LAYER_ORDER]
    if "cities" in ordered:
        ordered[ordered.index("cities") : ordered.index("cities")] = extra
    else:
        ordered += extra
    for name in ordered:
        if name == "routes":  # kzmap.routes data, drawn by maps/routes.py
            add_routes(m, load_routes(), waypoints=load_waypoints(), lang=lang)
            continue
        frame = load(name)
        for column in frame.columns:
            if isinstance(frame[column].dtype, pd.DatetimeTZDtype) or str(
                frame[column].dtype
            ).startswith("datetime"):
                frame[column] = frame[column].astype("string")
        add_layer(m, frame, layer=name, lang=lang)
    folium.LayerControl(collapsed=False).add_to(m)
    return m
