"""Build folium maps from kzmap layers: the default map and composable pieces."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, cast

import folium
import pandas as pd

from kzmap.geo.crs import to_storage_crs
from kzmap.layers import available_layers, layer_info, load
from kzmap.maps.choropleth import classify
from kzmap.maps.escape import safe_text
from kzmap.maps.i18n import layer_title, require_language
from kzmap.maps.legend import (
    LegendSection,
    choropleth_section,
    market_section,
    single_section,
)
from kzmap.maps.page import DrawnLayer, PageState, install_page, page_state
from kzmap.maps.popups import PROVENANCE_FIELDS, popup_html, tooltip_html
from kzmap.maps.sources import Citation, citations_from_frame
from kzmap.maps.style import LAYER_ORDER, SEA, layer_style, validate_style

if TYPE_CHECKING:
    from collections.abc import Sequence

    import geopandas as gpd
    from branca.element import Figure

    from kzmap.maps.choropleth import ChoroplethOptions, Classes
    from kzmap.maps.style import Geometry, Style

__all__ = [
    "BASEMAP_LAYERS",
    "DEFAULT_BOUNDS",
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
#: (south, west, north, east) of the default view: Kazakhstan and its neighbours.
DEFAULT_BOUNDS: Bounds = (35.0, 46.0, 56.0, 88.0)
#: Layers drawn as the basemap: no legend section of their own for countries.
BASEMAP_LAYERS = ("countries", "borders")
#: Layers coloured by their ``market`` column.
_MARKET_LAYERS = {
    "corridors",
    "fuel_corridors",
    "routes",
    "tunnels",
    "affected_regions",
}
#: Extra popup rows per packaged layer (provenance rows are always shown).
_EXTRA_FIELDS = {
    "crossings": ("name_other_side", "mode", "status"),
    "tunnels": ("length_m", "found", "precision_km"),
    "fuel_corridors": ("from_country", "to_country", "via", "driver", "figures"),
    "corridors": ("from_country", "to_country", "via", "driver", "figures"),
    "affected_regions": ("claim",),
    "cities": ("population",),
    "regions": ("admin_centre", "valid_from", "legacy_id"),
    "borders": ("length_km",),
}

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
    m = folium.Map(
        # folium takes (lat, lon)
        location=[(south + north) / 2, (west + east) / 2],
        zoom_start=4,
        tiles=provider[0] if provider else None,
        control_scale=True,
        prefer_canvas=False,
        zoom_snap=0.25,
    )
    # folium wants [[lat, lon], [lat, lon]]: (south, west), (north, east).
    m.fit_bounds([[south, west], [north, east]])
    cast("Figure", m.get_root()).header.add_child(
        folium.Element(
            "<style>html body .leaflet-container{background:" + SEA + ";}</style>"
        ),
        name="kzmap_background",
    )
    state = PageState(
        lang=lang,
        title=title or "",
        subtitle=subtitle or "",
        tiles_provider=provider[1] if provider else None,
    )
    install_page(m, state)
    return m


def _tile_provider(tiles: str) -> tuple[str, str] | None:
    if tiles == "none":
        return None
    if tiles not in TILE_PROVIDERS:
        from kzmap.geo.errors import UsageError  # noqa: PLC0415

        choices = ", ".join(["none", *TILE_PROVIDERS])
        msg = f"Unknown tiles {tiles!r}; use one of {choices}."
        raise UsageError(msg)
    return TILE_PROVIDERS[tiles]


def _geometry_kind(frame: gpd.GeoDataFrame) -> Geometry:
    types = set(frame.geom_type.dropna())
    if types and types <= {"Point", "MultiPoint"}:
        return "point"
    if types and types <= {"LineString", "MultiLineString"}:
        return "line"
    return "polygon"


def _dates_as_text(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Write datetime columns as ISO text: dates alone when every time is 00:00."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if column == out.geometry.name or not pd.api.types.is_datetime64_any_dtype(
            values
        ):
            continue
        stamps = pd.to_datetime(values)
        midnight = bool((stamps.dropna() == stamps.dropna().dt.normalize()).all())
        text = stamps.dt.strftime("%Y-%m-%d" if midnight else "%Y-%m-%dT%H:%M:%S")
        out[column] = text.astype("object").where(stamps.notna(), None)
    return out


def _records(frame: gpd.GeoDataFrame) -> list[dict[str, object]]:
    plain = frame.drop(columns=frame.geometry.name)
    return [{str(k): v for k, v in r.items()} for r in plain.to_dict("records")]


def _styles(
    layer: str, records: list[dict[str, object]], classes: Classes | None
) -> list[Style]:
    styles = [layer_style(layer, r) for r in records]
    if classes is None:
        return styles
    return [
        validate_style(
            {**s, "fillColor": classes.colour_of(r.get(classes.column))}
            | {"fillOpacity": 0.8, "color": "#555555", "weight": 0.8}
        )
        for s, r in zip(styles, records, strict=True)
    ]


def _legend(
    *,
    layer: str,
    title: str,
    frame: gpd.GeoDataFrame,
    records: list[dict[str, object]],
    classes: Classes | None,
    lang: str,
) -> LegendSection | None:
    geometry = _geometry_kind(frame)
    if classes is not None:
        return choropleth_section(title, classes, geometry, lang)
    if layer == "countries" or not records:
        return None
    if "market" in frame.columns and (layer in _MARKET_LAYERS or not _packaged(layer)):
        return market_section(
            layer, title, geometry, [r.get("market") for r in records], lang
        )
    return single_section(layer, title, geometry, records[0])


def _packaged(layer: str) -> bool:
    return layer in available_layers()


def _extra_fields(layer: str, frame: gpd.GeoDataFrame) -> list[str]:
    if _packaged(layer):
        return [f for f in _EXTRA_FIELDS.get(layer, ()) if f in frame.columns]
    geometry = frame.geometry.name
    return [
        str(c) for c in frame.columns if c != geometry and c not in PROVENANCE_FIELDS
    ]


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
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    frame = _dates_as_text(frame)
    shown_title = title or layer_title(layer, state.lang)
    records = _records(frame)
    classes = _classes(frame, choropleth, layer)
    styles = _styles(layer, records, classes)
    extra = _extra_fields(layer, frame)
    shown = frame[[frame.geometry.name]].reset_index(drop=True)
    shown[_TOOLTIP] = [tooltip_html(r, state.lang) for r in records]
    shown[_POPUP] = [popup_html(r, state.lang, extra_fields=extra) for r in records]
    shown[_INDEX] = [str(i) for i in range(len(shown))]
    element = _geojson(shown, styles, safe_text(shown_title), show, labels)
    element.add_to(m)
    state.layers.append(
        DrawnLayer(
            key=layer,
            title=shown_title,
            element=element,
            legend=_legend(
                layer=layer,
                title=shown_title,
                frame=frame,
                records=records,
                classes=classes,
                lang=state.lang,
            ),
            citations=citations_from_frame(frame, layer=shown_title),
        )
    )
    return element


def _classes(
    frame: gpd.GeoDataFrame, options: ChoroplethOptions | None, layer: str
) -> Classes | None:
    if options is None:
        return None
    if options.column not in frame.columns:
        from kzmap.geo.errors import DataError  # noqa: PLC0415

        columns = ", ".join(repr(str(c)) for c in frame.columns)
        msg = (
            f"Layer {layer!r} has no column {options.column!r} for the choropleth; "
            f"its columns are {columns}."
        )
        raise DataError(msg)
    return classify(
        frame[options.column],
        column=options.column,
        scheme=options.scheme,
        k=options.k,
        bins=options.bins,
    )


def _geojson(
    shown: gpd.GeoDataFrame,
    styles: Sequence[Style],
    name: str,
    show: bool,
    labels: bool,
) -> folium.GeoJson:
    points = bool(shown.geom_type.isin(["Point", "MultiPoint"]).any())
    if labels:
        tooltip = folium.GeoJsonTooltip(
            fields=[_TOOLTIP],
            labels=False,
            sticky=False,
            permanent=True,
            direction="right" if points else "center",
            class_name="kzmap-label",
        )
    else:
        tooltip = folium.GeoJsonTooltip(fields=[_TOOLTIP], labels=False)
    return folium.GeoJson(
        shown,
        name=name,
        show=show,
        style_function=lambda f: styles[int(f["properties"][_INDEX])],
        highlight_function=None,
        marker=folium.CircleMarker(radius=5) if points else None,
        tooltip=tooltip,
        popup=folium.GeoJsonPopup(fields=[_POPUP], labels=False, max_width=360),
        zoom_on_click=False,
    )


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
    """Add the (expanded) layer control; call it after the last layer."""
    control = folium.LayerControl(collapsed=False)
    control.add_to(m)
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


def default_map(
    *,
    tiles: Tiles = "none",
    lang: str = "en",
    title: str | None = None,
    subtitle: str | None = None,
    bounds: Bounds = DEFAULT_BOUNDS,
    extra: Sequence[tuple[str, gpd.GeoDataFrame]] = (),
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

    Returns
    -------
    folium.Map
    """
    m = empty_map(tiles=tiles, lang=lang, title=title, subtitle=subtitle, bounds=bounds)
    for name in packaged_layer_order():
        add_packaged_layer(m, name, labels=name == "cities")
    # Layers that other kzmap.maps modules draw themselves are added here.
    for name, frame in extra:
        add_layer(m, frame, layer=f"file:{name}", title=name)
    add_layer_control(m)
    return m
