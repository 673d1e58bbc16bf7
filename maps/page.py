"""Page furniture: title block, legend, sources panel, their CSS and script."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, cast

from branca.element import Element, Figure, MacroElement
from jinja2 import Template

from kzmap.maps.escape import safe_text
from kzmap.maps.legend import legend_html
from kzmap.maps.offline import require_asset
from kzmap.maps.sources import merge_citations, sources_html

if TYPE_CHECKING:
    from collections.abc import Callable

    import folium
    from folium.map import Layer

    from kzmap.maps.legend import LegendSection
    from kzmap.maps.sources import Citation

__all__ = ["DrawnLayer", "PageState", "install_page", "page_state"]

_NAME = "kzmap_page"
_JS_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass
class DrawnLayer:
    """A layer on the map, with what the legend and sources panel need of it."""

    key: str
    title: str
    element: Layer
    legend: LegendSection | None
    citations: list[Citation]


@dataclass
class PageState:
    """Everything the page furniture shows; filled in as layers are added."""

    lang: str = "en"
    title: str = ""
    subtitle: str = ""
    tiles_provider: str | None = None
    layers: list[DrawnLayer] = field(default_factory=list)
    layer_citations: list[Citation] = field(default_factory=list)
    #: (south, west, north, east) the first view is fitted to.
    bounds: tuple[float, float, float, float] = (34.3, 43.5, 57.2, 88.0)
    #: The layer control, once `kzmap.maps.add_layer_control` has added it.
    control: Element | None = None


class _Lazy(Element):  # type: ignore[misc]  # branca is untyped
    """An element whose text is produced at render time and never run as Jinja."""

    def __init__(self, produce: Callable[[], str]) -> None:
        super().__init__()
        self._produce = produce

    def render(self, **_kwargs: object) -> str:
        return self._produce()


class _PageElement(_Lazy):
    def __init__(self, state: PageState) -> None:
        super().__init__(lambda: _body_html(state))
        self.state = state


class _LayoutAssets(MacroElement):  # type: ignore[misc]  # branca is untyped
    """Inlines the layout script and CSS; a child of the map, so after Leaflet."""

    _template = Template("")

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]

    def render(self, **kwargs: object) -> None:  # type: ignore[override]
        figure = self.get_root()
        if isinstance(figure, Figure):
            require_asset(figure, "layout.js")
            require_asset(figure, "layout.css")
        super().render(**kwargs)  # type: ignore[no-untyped-call]


def install_page(m: folium.Map, state: PageState) -> PageState:
    """Attach the title block, legend, sources panel, CSS and script to `m`."""
    root = cast("Figure", m.get_root())
    root.title = safe_text(state.title) if state.title else "kzmap"
    root.header.add_child(_Lazy(lambda: _CSS), name="kzmap_css")
    root.html.add_child(_PageElement(state), name=_NAME)
    root.script.add_child(_Lazy(lambda: _script(m, state)), name="kzmap_script")
    m.add_child(_LayoutAssets(), name="kzmap_layout_assets")
    return state


def page_state(m: folium.Map) -> PageState:
    """
    Return the page state of a map made by `empty_map`.

    Raises
    ------
    ValueError
        If `m` was not made by `kzmap.maps.empty_map`.
    """
    element = cast("Figure", m.get_root()).html._children.get(_NAME)
    if not isinstance(element, _PageElement):
        msg = "This map was not made by kzmap.maps.empty_map(); start from there."
        raise ValueError(msg)
    return element.state


def _section_id(n: int) -> str:
    return f"kzmap-legend-{n}"


def _title_html(state: PageState) -> str:
    if not (state.title or state.subtitle):
        return ""
    sub = (
        f'<div class="kzmap-subtitle">{safe_text(state.subtitle)}</div>'
        if state.subtitle
        else ""
    )
    return (
        '<div id="kzmap-title" class="kzmap-panel kzmap-title">'
        f'<div class="kzmap-title-text">{safe_text(state.title)}</div>{sub}</div>'
    )


def _body_html(state: PageState) -> str:
    sections = [
        (_section_id(n), layer.legend)
        for n, layer in enumerate(state.layers)
        if layer.legend is not None and layer.legend.entries
    ]
    citations = [*state.layer_citations]
    for n, layer in enumerate(state.layers):
        # tie each citation to its layer, for the panel to follow what is shown
        citations.extend(
            replace(c, keys=tuple(f"{n}:{k}" for k in c.keys or ("*",)))
            for c in layer.citations
        )
    legend = legend_html(sections, state.lang) if sections else ""
    sources = sources_html(
        merge_citations(citations),
        lang=state.lang,
        tiles_provider=state.tiles_provider,
    )
    return f'<div id="kzmap-page" hidden>{_title_html(state)}{legend}{sources}</div>'


def _js_name(element: Element) -> str:
    name = str(element.get_name())
    if not _JS_NAME.match(name):  # never data: folium builds it from a hex id
        msg = f"Unexpected element name {name!r}."
        raise ValueError(msg)
    return name


def _script(m: folium.Map, state: PageState) -> str:
    pairs = ",".join(
        f'[{_js_name(layer.element)},"{_section_id(n)}"]'
        for n, layer in enumerate(state.layers)
        if layer.legend is not None and layer.legend.entries
    )
    south, west, north, east = state.bounds
    bounds = json.dumps([[south, west], [north, east]])
    control = _js_name(state.control) if state.control is not None else "null"
    # packaged layers by name, the user's own by position (never their text)
    keys = ",".join(
        json.dumps(layer.key if _JS_NAME.match(layer.key) else f"layer{n}")
        + ":"
        + _js_name(layer.element)
        for n, layer in enumerate(state.layers)
    )
    return (
        _JS.replace("MAP", _js_name(m))
        .replace("PAIRS", pairs)
        .replace("BOUNDS", bounds)
        .replace("CONTROL", control)
        .replace("LAYERS", "{" + keys + "}")
    )


_JS = """
document.addEventListener("DOMContentLoaded", function () {
  var map = MAP, pairs = [PAIRS];
  function put(id, position) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var control = L.control({position: position});
    control.onAdd = function () {
      L.DomEvent.disableClickPropagation(el);
      L.DomEvent.disableScrollPropagation(el);
      return el;
    };
    control.addTo(map);
  }
  if (map.zoomControl) { map.zoomControl.remove(); }
  put("kzmap-title", "topleft");
  if (map.zoomControl) { map.zoomControl.addTo(map); }
  put("kzmap-legend", "bottomright");
  put("kzmap-sources", "bottomleft");
  function sync() {
    var shown = 0;
    pairs.forEach(function (p) {
      var section = document.getElementById(p[1]);
      var on = map.hasLayer(p[0]);
      if (section) { section.hidden = !on; }
      shown += on ? 1 : 0;
    });
    var legend = document.getElementById("kzmap-legend");
    if (legend) { legend.hidden = shown === 0; }
  }
  map.on("overlayadd overlayremove", sync);
  sync();
  function expand() {
    document.querySelectorAll("details.kzmap-sources-list").forEach(function (d) {
      d.open = true;
    });
  }
  window.addEventListener("beforeprint", expand);
  if (document.body.classList.contains("kzmap-print")) { expand(); }
  document.getElementById("kzmap-page").remove();
  window.kzmapView = {map: map, bounds: BOUNDS, layers: LAYERS};
  L.kzmap.layout(map, {bounds: BOUNDS, control: CONTROL}, function () {
    document.body.classList.add("kzmap-ready");
  });
});
"""

_CSS = """<style>
.kzmap-panel{background:rgba(255,255,255,.94);border-radius:5px;
box-shadow:0 1px 4px rgba(0,0,0,.3);padding:6px 9px;color:#1a1a1a;
font:12px/1.35 system-ui,"DejaVu Sans",Arial,sans-serif;}
.kzmap-title{max-width:min(46vw,560px);}
.kzmap-title-text{font-weight:650;font-size:17px;line-height:1.25;}
.kzmap-subtitle{font-size:13px;color:#444;margin-top:2px;}
.kzmap-panel-title{font-weight:650;margin-bottom:3px;}
.kzmap-legend{max-height:52vh;overflow:auto;max-width:300px;}
.kzmap-legend-section{margin-top:4px;}
.kzmap-legend-title{font-weight:600;}
.kzmap-legend-sub{font-weight:400;color:#555;}
.kzmap-legend ul{list-style:none;margin:1px 0 0;padding:0;}
.kzmap-legend li{display:flex;align-items:center;gap:6px;min-height:17px;}
.kzmap-swatch{flex:none;}
.kzmap-sources{max-width:min(40vw,420px);font-size:11px;}
.kzmap-sources summary{cursor:pointer;font-weight:650;font-size:12px;}
.kzmap-sources-body{max-height:30vh;overflow:auto;margin:3px 0;padding-left:18px;}
.kzmap-sources-body li{margin:1px 0;overflow-wrap:anywhere;}
.kzmap-dates,.kzmap-cited-by{color:#555;}
.kzmap-cited-by::before{content:"— ";}
.kzmap-disclaimer{font-style:italic;margin-top:2px;}
.kzmap-network{color:#555;}
.kzmap-popup{max-height:300px;overflow:auto;overflow-wrap:anywhere;}
.kzmap-popup .kzmap-market{color:#444;font-style:italic;}
.kzmap-popup .kzmap-desc{margin:3px 0;}
.leaflet-tooltip.kzmap-label{background:rgba(255,255,255,.75);border:0;
box-shadow:none;padding:0 3px;font:600 11px system-ui,"DejaVu Sans",sans-serif;}
.leaflet-tooltip.kzmap-label::before{display:none;}
.leaflet-control-layers{font:13px/1.4 system-ui,"DejaVu Sans",Arial,sans-serif;}
.kzmap-print .leaflet-control-zoom,.kzmap-print .leaflet-control-layers{display:none;}
.kzmap-print .kzmap-legend{max-height:calc(100vh - 30px);overflow:hidden;}
.kzmap-print .kzmap-sources-body{display:none;}
</style>"""
