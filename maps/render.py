"""Build folium maps from kzmap layers: the default map and composable pieces."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Literal, cast

import folium
from folium.utilities import JsCode

from kzmap.geo.crs import to_storage_crs
from kzmap.geo.errors import KzmapWarning, UsageError
from kzmap.layers import available_layers, layer_info, load
from kzmap.maps.basemap import (
    LAND_LAYERS,
    LAND_PANE,
    QUIET_LAYERS,
    WITH_CONTEXT,
    add_quiet_layer,
    add_relief,
    ensure_panes,
)
from kzmap.maps.compact import CompactGeoJson
from kzmap.maps.drawn import add_drawn
from kzmap.maps.escape import safe_text
from kzmap.maps.features import (
    classes_for,
    dates_as_text,
    extra_fields,
    feature_styles,
    legend_for,
    records,
)
from kzmap.maps.i18n import layer_title, require_language
from kzmap.maps.inline import KzmapMap
from kzmap.maps.interact import filter_properties, install_pick
from kzmap.maps.labels import add_place_labels, label_rank
from kzmap.maps.page import DrawnLayer, PageState, install_page, page_state
from kzmap.maps.popups import popup_html, tooltip_html
from kzmap.maps.routes import add_routes
from kzmap.maps.sources import Citation, citations_from_frame
from kzmap.maps.style import LAYER_ORDER, SEA
from kzmap.routes import load_routes, load_waypoints

if TYPE_CHECKING:
    from collections.abc import Sequence

    import geopandas as gpd
    from branca.element import Figure

    from kzmap.maps.choropleth import ChoroplethOptions
    from kzmap.maps.style import Style

__all__ = [
    "BASEMAP_LAYERS",
    "DEFAULT_BOUNDS",
    "HIDDEN_BY_DEFAULT",
    "NOT_ON_DEFAULT_MAP",
    "TILE_PROVIDERS",
    "Bounds",
    "Tiles",
    "add_layer",
    "add_layer_control",
    "add_packaged_layer",
    "default_map",
    "empty_map",
    "packaged_layer_order",
]

Tiles = Literal["none", "osm"]
#: Online tile sources: name → (folium tiles name, host the page contacts).
TILE_PROVIDERS: dict[str, tuple[str, str]] = {
    "osm": ("OpenStreetMap", "tile.openstreetmap.org"),
}
#: (south, west, north, east) in degrees.
Bounds = tuple[float, float, float, float]
#: (south, west, north, east) of the default view: Kazakhstan and its neighbours,
#: and the whole northern route (44.0-86.1E, 35.3-56.8N, per kzmap.routes).
DEFAULT_BOUNDS: Bounds = (34.3, 43.5, 57.2, 88.0)
#: Layers drawn as the basemap: no legend section of their own for countries.
#: "context" (the land around the map extent) brings the relief tint with it.
BASEMAP_LAYERS = ("countries", "context", "water", "rivers", "borders")
#: Permanent per-feature labels (a layer-wide tooltip shows only one at a time).
#: The text is the already escaped ``_kz_tooltip`` property; ``_kz_rank`` is
#: an integer kzmap computes (its collision rank).
_LABEL_JS = """function (feature, layer) {
    layer.bindTooltip(feature.properties._kz_tooltip, {
        permanent: true, direction: "%s", offset: [4, 0],
        className: "kzmap-label kzmap-rank-" + (feature.properties._kz_rank ?? 4)
    });
}"""
_TOOLTIP = "_kz_tooltip"
_POPUP = "_kz_popup"
_INDEX = "_kz_i"


def empty_map(
    *,
    tiles: Tiles = "none",
    lang: str = "en",
    title: str | None = None,
    subtitle: str | None = None,
    bounds: Bounds = DEFAULT_BOUNDS,
) -> folium.Map:
    """
    Return an empty map with title block, legend, sources panel and scale bar.

    Parameters
    ----------
    tiles
        ``"none"`` draws no web tiles: the page makes no request at all.
        ``"osm"`` adds OpenStreetMap tiles, fetched from the provider when the
        page is opened (the sources panel says so).
    lang
        Interface and feature-name language: ``"en"``, ``"ru"`` or ``"kk"``.
    title, subtitle
        Title block text; None shows none. Escaped.
    bounds
        (south, west, north, east) in degrees to fit the view to.

    Returns
    -------
    folium.Map

    Raises
    ------
    UsageError
        If `lang` or `tiles` is unknown.
    """
    lang = require_language(lang)
    provider = _tile_provider(tiles)
    south, west, north, east = bounds
    m = KzmapMap(
        # folium takes (lat, lon)
        location=[(south + north) / 2, (west + east) / 2],
        zoom_start=4,
        tiles=provider[0] if provider else None,
        control_scale=True,
        prefer_canvas=False,
        zoom_snap=0.25,
    )
    # The page script fits `bounds` once its panels are laid out, keeping the
    # view clear of them (maps/js/layout.js); an initial fit here would start
    # a zoom animation that ends after, and undoes, that fit.
    cast("Figure", m.get_root()).header.add_child(
        folium.Element(
            "<style>html body .leaflet-container{background:" + SEA + ";}</style>"
        ),
        name="kzmap_background",
    )
    state = PageState(
        bounds=bounds,
        lang=lang,
        title=title or "",
        subtitle=subtitle or "",
        tiles_provider=provider[1] if provider else None,
    )
    install_page(m, state)
    install_pick(m, state)
    return m


def _tile_provider(tiles: str) -> tuple[str, str] | None:
    if tiles == "none":
        return None
    if tiles not in TILE_PROVIDERS:
        choices = ", ".join(["none", *TILE_PROVIDERS])
        msg = f"Unknown tiles {tiles!r}; use one of {choices}."
        raise UsageError(msg)
    return TILE_PROVIDERS[tiles]


def add_layer(
    m: folium.Map,
    frame: gpd.GeoDataFrame,
    *,
    layer: str,
    title: str | None = None,
    show: bool = True,
    labels: bool = False,
    choropleth: ChoroplethOptions | None = None,
) -> folium.GeoJson:
    """
    Add `frame` to `m` as one toggleable layer with tooltips, popups and legend.

    Parameters
    ----------
    m
        A map made by `empty_map` (its language applies).
    frame
        Features in any CRS (reprojected to EPSG:4326); a missing CRS is an error.
    layer
        Style key: a packaged layer name, or any other name for the user-layer
        style (coloured by ``market`` if the column exists, else grey).
    title
        Name in the layer control, legend and sources panel (escaped); None
        uses the packaged layer's title, else `layer`.
    show
        Whether the layer is visible when the page opens.
    labels
        Show each feature's name as a permanent label instead of a hover tooltip.
    choropleth
        Fill polygons by classes of a numeric column; None uses the layer style.

    Returns
    -------
    folium.GeoJson
        The element added.

    Raises
    ------
    CRSError
        If `frame` has no CRS.
    DataError
        If the choropleth column is missing or not numeric.
    """
    state = page_state(m)
    frame = to_storage_crs(frame, name=layer)
    drawable = frame.geometry.notna() & ~frame.geometry.is_empty
    if not drawable.all():
        missing = [str(i) for i in frame.index[~drawable]]
        more = ", …" if len(missing) > 10 else ""
        msg = (
            f"Layer {layer!r}: {len(missing)} feature(s) have no geometry and are "
            f"not drawn (index {', '.join(missing[:10])}{more})."
        )
        warnings.warn(msg, KzmapWarning, stacklevel=2)
    frame = frame[drawable]
    frame = dates_as_text(frame)
    shown_title = title or layer_title(layer, state.lang)
    rows = records(frame)
    classes = classes_for(frame, choropleth, layer)
    styles = feature_styles(layer, rows, classes)
    extra = extra_fields(layer, frame)
    shown = frame[[frame.geometry.name]].reset_index(drop=True)
    shown[_TOOLTIP] = [tooltip_html(r, state.lang) for r in rows]
    shown[_POPUP] = [popup_html(r, state.lang, extra_fields=extra) for r in rows]
    shown[_INDEX] = [str(i) for i in range(len(shown))]
    if labels:  # collision rank of each label (maps/js/layout.js)
        shown["_kz_rank"] = [label_rank(layer, r) for r in rows]
    for key, values in filter_properties(rows, state.lang).items():
        shown[key] = values
    if layer in LAND_LAYERS:
        ensure_panes(m)
    element = _geojson(
        shown, styles, safe_text(shown_title), show, labels, land=layer in LAND_LAYERS
    )
    element.add_to(m)
    add_place_labels(
        m, element, frame, layer=layer, lang=state.lang, bounds=state.bounds
    )
    state.layers.append(
        DrawnLayer(
            key=layer,
            title=shown_title,
            element=element,
            legend=legend_for(
                layer=layer,
                title=shown_title,
                frame=frame,
                records=rows,
                classes=classes,
                lang=state.lang,
            ),
            citations=citations_from_frame(frame, layer=shown_title),
        )
    )
    return element


def _geojson(
    shown: gpd.GeoDataFrame,
    styles: Sequence[Style],
    name: str,
    show: bool,
    labels: bool,
    *,
    land: bool = False,
) -> folium.GeoJson:
    points = bool(shown.geom_type.isin(["Point", "MultiPoint"]).any())
    tooltip = None if labels else folium.GeoJsonTooltip(fields=[_TOOLTIP], labels=False)
    element = CompactGeoJson(
        shown,
        name=name,
        show=show,
        style_function=lambda f: styles[int(f["properties"][_INDEX])],
        highlight_function=None,
        marker=folium.CircleMarker(radius=5) if points else None,
        tooltip=tooltip,
        popup=folium.GeoJsonPopup(fields=[_POPUP], labels=False, max_width=360),
        zoom_on_click=False,
        # Leaflet clips polygons to the drawn area by adding edges along its
        # border, which show as stray straight lines once the map pans (a popup
        # opening near the edge); whole rings cost little at these sizes.
        noClip=not points,
        on_each_feature=JsCode(_LABEL_JS % ("right" if points else "center"))
        if labels
        else None,
    )
    if land:  # land fills go under the relief tint (kzmap.maps.basemap)
        element.options["pane"] = LAND_PANE
    return element


def add_packaged_layer(
    m: folium.Map,
    name: str,
    *,
    frame: gpd.GeoDataFrame | None = None,
    title: str | None = None,
    show: bool = True,
    labels: bool = False,
    choropleth: ChoroplethOptions | None = None,
) -> folium.GeoJson:
    """
    Add packaged layer `name` (or `frame`, a filtered copy of it) with its sources.

    Besides the features' own sources, the catalog's sources of the layer
    (with the date they were checked) go into the sources panel.

    Raises
    ------
    LayerNotFoundError
        If no packaged layer has that name.
    """
    if name in QUIET_LAYERS and frame is None:  # plain basemap, not clickable
        element = add_quiet_layer(m, name, show=show)
        if name == "context":
            add_relief(m, show=show)
        return element
    data = load(name) if frame is None else frame
    info = layer_info(name)
    element = add_layer(
        m,
        data,
        layer=name,
        title=title,
        show=show,
        labels=labels,
        choropleth=choropleth,
    )
    drawn = page_state(m).layers[-1]
    urls = [*info.source_urls, *[""] * len(info.sources)][: len(info.sources)]
    drawn.citations.extend(
        Citation(
            text=text, url=url or None, checked=info.checked, layers=(drawn.title,)
        )
        for text, url in zip(info.sources, urls, strict=True)
    )
    return element


def add_layer_control(m: folium.Map) -> folium.LayerControl:
    """Add the layer control (collapsed on small screens); add it last."""
    control = folium.LayerControl(collapsed=False)
    control.add_to(m)
    # Collapsed by the page script on small and touch screens (maps/js/layout.js).
    page_state(m).control = control
    return control


def packaged_layer_order() -> list[str]:
    """Return the packaged layer names in draw order (`LAYER_ORDER`, bottom first)."""
    names = available_layers()
    ordered = [n for n in LAYER_ORDER if n in names]
    extra = [n for n in names if n not in LAYER_ORDER]
    if "cities" in ordered:
        ordered[ordered.index("cities") : ordered.index("cities")] = extra
    else:
        ordered += extra
    return ordered


#: Packaged layers the default map lists in the layer control but leaves
#: switched off, so the first view stays readable.
HIDDEN_BY_DEFAULT = frozenset({"regions_legacy", "affected_regions", "corridors"})

#: Packaged layers left out of the default map (size: the 224 districts alone
#: would add about 0.6 MB); ask for them with ``kzmap render --layers``.
NOT_ON_DEFAULT_MAP = frozenset({"districts", "regions_2018"})


def _with_routes(order: list[str]) -> list[str]:
    """Insert the northern route at its `LAYER_ORDER` slot among packaged layers."""
    slot = LAYER_ORDER.index("routes")
    above = (
        i
        for i, name in enumerate(order)
        if name in LAYER_ORDER and LAYER_ORDER.index(name) > slot
    )
    at = next(above, len(order))
    return [*order[:at], "routes", *order[at:]]


def default_map(
    *,
    tiles: Tiles = "none",
    lang: str = "en",
    title: str | None = None,
    subtitle: str | None = None,
    bounds: Bounds = DEFAULT_BOUNDS,
    extra: Sequence[tuple[str, gpd.GeoDataFrame]] = (),
    extra_as: str = "features",
    extra_time: str | None = None,
) -> folium.Map:
    """
    Return the default map: every packaged layer over Kazakhstan and its neighbours.

    Parameters
    ----------
    tiles
        See `empty_map`.
    lang
        Language of feature names and interface: ``"en"``, ``"ru"`` or ``"kk"``.
    title, subtitle
        Optional title block text.
    bounds
        (south, west, north, east) in degrees to fit the view to.
    extra
        The user's own layers as (title, frame), drawn on top with the
        user-layer style.
    extra_as, extra_time
        Draw the `extra` layers as ``"points"``, ``"cluster"`` or ``"heat"``
        instead of vector features, with a time slider on column `extra_time`.

    Returns
    -------
    folium.Map
    """
    m = empty_map(tiles=tiles, lang=lang, title=title, subtitle=subtitle, bounds=bounds)
    for name in _with_routes(packaged_layer_order()):
        if name in NOT_ON_DEFAULT_MAP or name == WITH_CONTEXT:  # drawn with context
            continue
        if name == "routes":  # kzmap.routes data, drawn by maps/routes.py
            add_routes(m, load_routes(), waypoints=load_waypoints(), lang=lang)
        else:
            add_packaged_layer(
                m, name, labels=name == "cities", show=name not in HIDDEN_BY_DEFAULT
            )
    for name, frame in extra:
        if extra_as == "features":
            add_layer(m, frame, layer=f"file:{name}", title=name)
        else:
            add_drawn(m, frame, draw=extra_as, title=name, lang=lang, time=extra_time)
    add_layer_control(m)
    return m
