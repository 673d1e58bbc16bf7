"""Colours and per-layer styles shared by every map, legend and PNG."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["LAND", "LAND_CONTEXT", "LAYER_ORDER", "SEA", "layer_style", "point_style"]

SEA = "#cfe0ec"
LAND = "#efe9dc"
LAND_KAZAKHSTAN = "#fffdf6"
LAND_CONTEXT = "#e0ddd6"
BORDER = "#7a6f64"
KAZAKHSTAN_EDGE = "#3b3b3b"

#: Draw order of packaged layers, bottom first; unlisted layers go before "cities".
LAYER_ORDER = (
    "countries",
    "regions_legacy",
    "regions",
    "affected_regions",
    "borders",
    "corridors",
    "fuel_corridors",
    "routes",
    "crossings",
    "tunnels",
    "cities",
)

Style = dict[str, object]


def _countries(props: Mapping[str, object]) -> Style:
    focus = bool(props.get("focus"))
    is_kz = props.get("iso_a2") == "KZ"
    return {
        "fillColor": LAND_KAZAKHSTAN if is_kz else LAND if focus else LAND_CONTEXT,
        "fillOpacity": 1.0,
        "color": KAZAKHSTAN_EDGE if is_kz else "#b8b0a4",
        "weight": 1.6 if is_kz else 0.8,
    }


def _borders(_props: Mapping[str, object]) -> Style:
    return {"color": BORDER, "weight": 1.4, "dashArray": "6 3", "opacity": 0.9}


def _generic(_props: Mapping[str, object]) -> Style:
    return {
        "color": "#444444",
        "weight": 1.5,
        "fillColor": "#888888",
        "fillOpacity": 0.2,
    }


_STYLES = {"countries": _countries, "borders": _borders}


def layer_style(layer: str, props: Mapping[str, object]) -> Style:
    """Return the Leaflet path style of one feature of packaged layer `layer`."""
    return _STYLES.get(layer, _generic)(props)


def point_style() -> dict[str, float]:
    """Return the circle-marker options for point layers (colours come per feature)."""
    return {"radius": 5.0}
