"""Colours and per-layer styles shared by every map, legend and PNG."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "BASEMAP_COLOURS",
    "FALLBACK_COLOUR",
    "LAND",
    "LAND_CONTEXT",
    "LAYER_ORDER",
    "LINE_COLOURS",
    "MARKET_COLOURS",
    "RELIEF_FLOOR",
    "RIVER",
    "SEA",
    "USER_COLOUR",
    "Geometry",
    "Style",
    "Symbol",
    "contrast_ratio",
    "layer_style",
    "market_colour",
    "market_dash",
    "point_style",
    "shaded",
    "symbol_for",
    "validate_style",
]

SEA = "#d3e3ee"
LAND = "#efe9dc"
LAND_KAZAKHSTAN = "#fffdf6"
LAND_CONTEXT = "#e6e3dc"
BORDER = "#7a6f64"
COUNTRY_EDGE = "#857d72"
#: Shore line of lakes and seas (a basemap line; not a thematic colour).
WATER_EDGE = "#8fb0c8"
#: Rivers: a thin basemap line in the shore colour, like lake outlines (not a
#: thematic colour; tests/maps/test_style.py keeps it apart from every market
#: colour and much thinner than any route).
RIVER = "#8fb0c8"
RIVER_WEIGHT = 0.9


def shaded(colour: str, factor: float) -> str:
    """
    Return `colour` multiplied by `factor` (0-1), as the relief tint darkens it.

    Examples
    --------
    >>> shaded("#ffffff", 0.5)
    '#808080'
    """
    return "#" + "".join(
        f"{round(int(colour[i : i + 2], 16) * factor):02x}" for i in (1, 3, 5)
    )


#: Darkest the relief tint (maps/static/relief.jpg, multiplied over the land)
#: may make each land tint: as dark as every line colour's 3:1 contrast allows.
#: scripts/build_basemap.py builds the image within these floors; over the
#: context land and the sea (already grey) it draws next to nothing.
RELIEF_FLOOR: dict[str, float] = {
    LAND_KAZAKHSTAN: 0.885,
    LAND: 0.955,
    LAND_CONTEXT: 0.985,
    SEA: 0.985,
}
#: Every colour a line or fill is drawn on: the three land tints, the sea and
#: the darkest the relief tint makes each land tint.
BASEMAP_COLOURS = (
    LAND,
    LAND_KAZAKHSTAN,
    LAND_CONTEXT,
    SEA,
    *(shaded(c, f) for c, f in RELIEF_FLOOR.items()),
)
KAZAKHSTAN_EDGE = "#3b3b3b"
#: District outlines: the lightest grey with 3:1 on every basemap colour.
DISTRICT_EDGE = "#7d7d7d"
#: Colour of a feature whose market has no colour of its own.
FALLBACK_COLOUR = "#777777"
#: Default colour of the user's own layers (``--add FILE``).
USER_COLOUR = "#333333"

#: One colour per criminal market, keyed by the GI-TOC Organized Crime Index
#: market names (lower case). The colours are drawn from Okabe & Ito's and
#: Paul Tol's colour-blind-safe schemes and picked so that every pair, and every
#: colour against the land, the fallback grey and the user-layer grey, stays
#: apart (CIELAB distance >= 9) in normal vision and in simulated protanopia,
#: deuteranopia and tritanopia, and every colour has a contrast ratio of at
#: least 3:1 (WCAG 2 relative luminance) against each land tint and the sea it
#: may be drawn on (tests/maps/test_style.py checks both). Markets
#: with no spatial footprint in the shipped data (extortion, cyber-dependent
#: and financial crimes) use `FALLBACK_COLOUR`.
MARKET_COLOURS: dict[str, str] = {
    "heroin trade": "#CC5500",
    "synthetic drug trade": "#882255",
    "cannabis trade": "#117733",
    "cocaine trade": "#666699",
    "human trafficking": "#332288",
    "human smuggling": "#445577",
    "arms trafficking": "#222255",
    "trade in counterfeit goods": "#557788",
    "illicit trade in excisable goods": "#BB6655",
    "fuel smuggling": "#0072B2",
    "flora crimes": "#225522",
    "fauna crimes": "#555500",
    "non-renewable resource crimes": "#668811",
}

#: Every other line or outline colour drawn over the basemap (besides markets).
LINE_COLOURS = (
    BORDER,
    COUNTRY_EDGE,
    KAZAKHSTAN_EDGE,
    FALLBACK_COLOUR,
    USER_COLOUR,
    "#6b6b6b",  # regions
    "#9a6b3f",  # regions before 2018/2022
    DISTRICT_EDGE,
    "#222222",  # crossings
    "#111111",  # cities
)


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(a: str, b: str) -> float:
    """
    Return the WCAG 2 contrast ratio of two ``#rrggbb`` colours (1 to 21).

    Examples
    --------
    >>> round(contrast_ratio("#000000", "#ffffff"), 1)
    21.0
    """
    low, high = sorted((_luminance(a), _luminance(b)))
    return (high + 0.05) / (low + 0.05)


#: Line dash per market family, so lines differ by more than colour alone.
_FAMILY_DASH = {
    "drugs": None,
    "people": "10 5",
    "goods": "4 3",
    "environment": "12 4 2 4",
}
_FAMILY = {
    "heroin trade": "drugs",
    "synthetic drug trade": "drugs",
    "cannabis trade": "drugs",
    "cocaine trade": "drugs",
    "human trafficking": "people",
    "human smuggling": "people",
    "arms trafficking": "goods",
    "trade in counterfeit goods": "goods",
    "illicit trade in excisable goods": "goods",
    "fuel smuggling": "goods",
    "flora crimes": "environment",
    "fauna crimes": "environment",
    "non-renewable resource crimes": "environment",
}

#: Draw order of packaged layers, bottom first; unlisted layers go before "cities".
LAYER_ORDER = (
    "countries",
    "context",
    "context_outlines",
    "rivers",
    "water",
    "regions_legacy",
    "regions_2018",
    "districts",
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
Geometry = Literal["point", "line", "polygon"]
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_DASH = re.compile(r"^[0-9]{1,3}( [0-9]{1,3}){1,5}$")
_NUMBERS = {"weight": 20.0, "opacity": 1.0, "fillOpacity": 1.0, "radius": 30.0}


@dataclass(frozen=True)
class Symbol:
    """How one legend entry is drawn: geometry kind plus its Leaflet style."""

    geometry: Geometry
    style: Mapping[str, object]


def _normal(market: object) -> str:
    return str(market).strip().lower() if market is not None else ""


def market_colour(market: object) -> str:
    """
    Return the colour of criminal market `market`, or `FALLBACK_COLOUR`.

    Examples
    --------
    >>> market_colour("Heroin trade")
    '#CC5500'
    >>> market_colour("something else")
    '#777777'
    """
    return MARKET_COLOURS.get(_normal(market), FALLBACK_COLOUR)


def market_dash(market: object) -> str | None:
    """Return the SVG dash pattern of `market`'s family; None draws a solid line."""
    return _FAMILY_DASH.get(_FAMILY.get(_normal(market), ""), "3 3")


def _countries(props: Mapping[str, object]) -> Style:
    focus = bool(props.get("focus"))
    is_kz = props.get("iso_a2") == "KZ"
    return {
        "fillColor": LAND_KAZAKHSTAN if is_kz else LAND if focus else LAND_CONTEXT,
        "fillOpacity": 1.0,
        "color": KAZAKHSTAN_EDGE if is_kz else COUNTRY_EDGE,
        "weight": 1.6 if is_kz else 0.8,
    }


def _water(_props: Mapping[str, object]) -> Style:
    # lakes, reservoirs and seas in the sea colour, so the Caspian and the
    # page background read as one water body
    return {"fillColor": SEA, "fillOpacity": 1.0, "color": WATER_EDGE, "weight": 0.6}


def _context(props: Mapping[str, object]) -> Style:
    # land with no outline (its clip edge must not show) and the real outlines
    if props.get("kind") == "outline":
        return {"color": COUNTRY_EDGE, "weight": 0.8, "fill": False}
    fill = LAND if props.get("focus") else LAND_CONTEXT
    return {"fillColor": fill, "fillOpacity": 1.0, "stroke": False}


def _rivers(_props: Mapping[str, object]) -> Style:
    return {"color": RIVER, "weight": RIVER_WEIGHT, "opacity": 1.0, "fill": False}


def _borders(_props: Mapping[str, object]) -> Style:
    return {"color": BORDER, "weight": 1.4, "dashArray": "6 3", "opacity": 1.0}


def _regions(_props: Mapping[str, object]) -> Style:
    return {"color": LINE_COLOURS[5], "weight": 1.0, "fillOpacity": 0.0, "opacity": 1.0}


def _districts(_props: Mapping[str, object]) -> Style:
    return {"color": DISTRICT_EDGE, "weight": 0.6, "fillOpacity": 0.0, "opacity": 1.0}


def _regions_legacy(_props: Mapping[str, object]) -> Style:
    return {
        "color": LINE_COLOURS[6],
        "weight": 1.2,
        "dashArray": "4 4",
        "fillOpacity": 0.0,
        "opacity": 1.0,
    }


def _by_market_line(props: Mapping[str, object]) -> Style:
    style: Style = {"color": market_colour(props.get("market")), "weight": 4.0}
    dash = market_dash(props.get("market"))
    if dash:
        style["dashArray"] = dash
    # opaque: a translucent line blends into the land and loses its 3:1
    # contrast (a 0.7 schematic line fell to 2.1:1 on the relief-shaded land)
    style["opacity"] = 1.0
    if props.get("schematic") is True:
        # a schematic line shows direction, not a road: thinner and dashed
        style.update(weight=2.5, dashArray=dash or "8 6")
    return style


def _tunnels(props: Mapping[str, object]) -> Style:
    colour = market_colour(props.get("market"))
    return {
        "color": colour,
        "weight": 1.5,
        "dashArray": "4 3",
        "fillColor": colour,
        "fillOpacity": 0.25,
    }


def _by_market_point(props: Mapping[str, object]) -> Style:
    return {
        "radius": 7.0,
        "fill": True,
        "color": "#ffffff",
        "weight": 1.5,
        "fillColor": market_colour(props.get("market")),
        "fillOpacity": 1.0,
    }


def _crossings(_props: Mapping[str, object]) -> Style:
    return {
        "radius": 5.0,
        "fill": True,
        "color": "#222222",
        "weight": 2.0,
        "fillColor": "#ffffff",
        "fillOpacity": 1.0,
    }


def _cities(props: Mapping[str, object]) -> Style:
    capital = bool(props.get("is_capital"))
    return {
        "radius": 5.0 if capital else 3.5,
        "fill": True,
        "color": "#ffffff",
        "weight": 1.0,
        "fillColor": "#111111",
        "fillOpacity": 1.0,
    }


def _generic(props: Mapping[str, object]) -> Style:
    if props.get("market") is not None:
        colour = market_colour(props.get("market"))
    else:
        colour = USER_COLOUR
    return {
        "color": colour,
        "weight": 2.5,
        "fillColor": colour,
        "fillOpacity": 0.25,
        "radius": 5.0,
        "fill": True,
    }


_STYLES = {
    "countries": _countries,
    "water": _water,
    "context": _context,
    "context_outlines": _context,
    "rivers": _rivers,
    "borders": _borders,
    "regions": _regions,
    "regions_legacy": _regions_legacy,
    "regions_2018": _regions_legacy,
    "districts": _districts,
    "corridors": _by_market_line,
    "fuel_corridors": _by_market_line,
    "routes": _by_market_line,
    "tunnels": _tunnels,
    "affected_regions": _by_market_point,
    "crossings": _crossings,
    "cities": _cities,
}


def layer_style(layer: str, props: Mapping[str, object]) -> Style:
    """
    Return the Leaflet path style of one feature of layer `layer`.

    Parameters
    ----------
    layer
        A packaged layer name (``"fuel_corridors"``); any other name gets the
        user-layer style: coloured by ``market`` when present, else grey.
    props
        The feature's properties.

    Returns
    -------
    dict
        Leaflet path options; colours are ``#rrggbb`` from this module only.
    """
    return validate_style(_STYLES.get(layer, _generic)(props))


def symbol_for(layer: str, geometry: Geometry, props: Mapping[str, object]) -> Symbol:
    """Return the legend symbol of a feature of `layer` with `props`."""
    return Symbol(geometry=geometry, style=layer_style(layer, props))


def point_style() -> dict[str, float]:
    """Return the circle-marker options for point layers (colours come per feature)."""
    return {"radius": 5.0}


def validate_style(style: Mapping[str, object]) -> Style:
    """
    Return `style` if every value is a safe Leaflet style value, else raise.

    Style values are written into the page's script unescaped (by folium), so
    only ``#rrggbb`` colours, numeric dash patterns and finite numbers within
    range are accepted; data never reaches a style directly.

    Raises
    ------
    ValueError
        Naming the first bad key and its value.
    """
    for key, value in style.items():
        ok = False
        if key in {"color", "fillColor"}:
            ok = isinstance(value, str) and bool(_COLOUR.match(value))
        elif key == "dashArray":
            ok = isinstance(value, str) and bool(_DASH.match(value))
        elif key in {"fill", "stroke"}:
            ok = isinstance(value, bool)
        elif key in _NUMBERS:
            ok = (
                isinstance(value, int | float)
                and not isinstance(value, bool)
                and math.isfinite(value)
                and 0 <= value <= _NUMBERS[key]
            )
        if not ok:
            msg = f"Style {key!r}={value!r} is not an allowed Leaflet style value."
            raise ValueError(msg)
    return dict(style)
