"""Click picking on a kzmap page: every feature under a click, and a chooser."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from branca.element import Element, Figure, MacroElement

from kzmap.maps.escape import safe_text
from kzmap.maps.i18n import message
from kzmap.maps.offline import require_asset

if TYPE_CHECKING:
    import folium

    from kzmap.maps.page import PageState

__all__ = ["BACKGROUND_LAYERS", "install_pick"]

#: Base areas a click lists only when it hits nothing else, so that a region
#: underneath never hides a line, point or smaller area on top of it.
BACKGROUND_LAYERS = frozenset({"countries", "regions", "regions_legacy"})

_CSS = """<style>
.kzmap-chooser-head{font-weight:650;margin-bottom:3px;}
.kzmap-chooser ul{list-style:none;margin:0;padding:0;}
.kzmap-chooser-item{display:block;width:100%;text-align:left;border:0;
background:none;padding:3px 2px;cursor:pointer;font:inherit;color:inherit;}
.kzmap-chooser-item:hover,.kzmap-chooser-item:focus{background:#eef3f8;}
.kzmap-chooser-layer{color:#666;font-size:11px;}
.kzmap-chooser-layer::before{content:"· ";}
.kzmap-popup .kzmap-meta{color:#444;margin:3px 0;}
.kzmap-metric-only .leaflet-control-scale-line:nth-child(2){display:none;}
</style>"""


class _Pick(MacroElement):  # type: ignore[misc]  # branca is untyped
    """Inlines pick.js and starts it once the page's layers exist."""

    def __init__(self, m: folium.Map, state: PageState) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "KzmapPick"
        self._map = m
        self._state = state

    def render(self, **kwargs: object) -> None:  # type: ignore[override]
        """Inline pick.js and its style; start it when the page has loaded."""
        figure = self.get_root()
        if isinstance(figure, Figure):
            require_asset(figure, "pick.js")
            figure.header.add_child(Element(_CSS), name="kzmap_pick_css")
            figure.script.add_child(
                Element(_script(self._map, self._state)), name="kzmap_pick"
            )


def _js_name(element: object) -> str:
    name = str(getattr(element, "get_name", lambda: "")())
    if not name.replace("_", "").isalnum():  # folium builds names from hex ids
        msg = f"Unexpected element name {name!r}."
        raise ValueError(msg)
    return name


def _script(m: folium.Map, state: PageState) -> str:
    background = ",".join(
        _js_name(layer.element)
        for layer in state.layers
        if layer.key in BACKGROUND_LAYERS
    )
    options = json.dumps({"heading": safe_text(message("pick.heading", state.lang))})
    units = json.dumps({k: message(f"units.{k}", state.lang) for k in ("m", "km")})
    metric = (
        f'  {_js_name(m)}.getContainer().classList.add("kzmap-metric-only");\n'
        if state.lang != "en"
        else ""
    )
    return (
        'document.addEventListener("DOMContentLoaded", function () {\n'
        f"  var options = {options};\n{metric}"
        f"  options.background = [{background}];\n"
        f"  L.kzmap.pick({_js_name(m)}, options);\n"
        f"  L.kzmap.units = {units};\n"
        f"  {_js_name(m)}.fire('moveend');\n"
        "});\n"
    )


def install_pick(m: folium.Map, state: PageState) -> None:
    """Make every click on `m` list all features within a few pixels of it."""
    m.add_child(_Pick(m, state), name="kzmap_pick")
