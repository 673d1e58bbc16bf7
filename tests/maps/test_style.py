"""The market palette: complete, valid and colour-blind safe."""

from __future__ import annotations

import io
import itertools
from importlib.resources import files
from typing import TYPE_CHECKING

import numpy as np
import pytest

from kzmap.maps import i18n
from kzmap.maps.style import (
    BASEMAP_COLOURS,
    FALLBACK_COLOUR,
    LAND,
    LAND_CONTEXT,
    LINE_COLOURS,
    MARKET_COLOURS,
    RELIEF_FLOOR,
    RIVER,
    SEA,
    USER_COLOUR,
    contrast_ratio,
    layer_style,
    market_colour,
    shaded,
    validate_style,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

# Machado et al. (2009) simulation matrices, severity 1.0, on linear RGB.
_CVD = {
    "protan": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
               [-0.003882, -0.048116, 1.051998]],
    "deutan": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
               [-0.011820, 0.042940, 0.968881]],
    "tritan": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
               [0.004733, 0.691367, 0.303900]],
}  # fmt: skip


def _lab(linear: np.ndarray) -> np.ndarray:
    m = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                  [0.0193, 0.1192, 0.9505]])  # fmt: skip
    t = (m @ linear) / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > 0.008856, np.cbrt(t), 7.787 * t + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def _views(colour: str) -> dict[str, np.ndarray]:
    rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    views = {"normal": _lab(linear)}
    for name, matrix in _CVD.items():
        views[name] = _lab(np.clip(np.array(matrix) @ linear, 0, 1))
    return views


def test_palette_stays_distinct_under_colour_blindness() -> None:
    colours = [*MARKET_COLOURS.values(), FALLBACK_COLOUR, USER_COLOUR, *BASEMAP_COLOURS]
    views = {c: _views(c) for c in colours}
    worst = min(
        (float(np.linalg.norm(views[a][k] - views[b][k])), a, b, k)
        for a, b in itertools.combinations(colours, 2)
        if not {a, b} <= set(BASEMAP_COLOURS)  # land tints are meant to be close
        for k in views[a]
    )
    assert worst[0] >= 9.0, worst


def test_route_colours_stay_distinct_under_colour_blindness() -> None:
    from kzmap.maps.routes import ROUTE_COLOURS

    views = {c: _views(c) for c in ROUTE_COLOURS}
    worst = min(
        (float(np.linalg.norm(views[a][k] - views[b][k])), a, b, k)
        for a, b in itertools.combinations(ROUTE_COLOURS, 2)
        for k in views[a]
    )
    assert worst[0] >= 9.0, worst


def test_every_line_and_fill_colour_stands_out_from_the_basemap() -> None:
    # WCAG 2's 3:1 for graphical objects, against every land tint and the sea.
    colours = {*MARKET_COLOURS.values(), *LINE_COLOURS}
    worst = min(
        (contrast_ratio(c, base), c, base) for c in colours for base in BASEMAP_COLOURS
    )
    assert worst[0] >= 3.0, worst
    # The lime of the old fuel corridors (1.3:1 on the context land) would fail.
    assert min(contrast_ratio("#BBCC33", b) for b in BASEMAP_COLOURS) < 3.0


def _blend(colour: str, base: str, alpha: float) -> str:
    """`colour` drawn at opacity `alpha` over `base`, as the browser shows it."""
    top, under = (
        np.array([int(c[i : i + 2], 16) for i in (1, 3, 5)]) for c in (colour, base)
    )
    mixed = np.round(alpha * top + (1 - alpha) * under).astype(int)
    return "#" + "".join(f"{v:02x}" for v in mixed)


def _darkest_relief() -> dict[str, str]:
    """
    Each land tint at its darkest under the shipped relief tint, as the page shows it.

    The page multiplies maps/static/relief.jpg (at the opacity of its image
    overlay, Leaflet's default 1 when unset; the pane is fully opaque up to
    zoom 7) over the land pane. The image is bilinearly stretched, so a place
    of one tint also sees the image pixels one pixel around it.
    """
    import folium
    import shapely
    from PIL import Image, ImageDraw, ImageFilter

    from kzmap.layers import load
    from kzmap.maps import empty_map
    from kzmap.maps.basemap import RELIEF_BOUNDS, add_relief
    from kzmap.maps.style import LAND_KAZAKHSTAN

    (overlay,) = add_relief(empty_map())._children.values()
    assert isinstance(overlay, folium.raster_layers.ImageOverlay)
    alpha = float(overlay.options.get("opacity", 1.0))
    relief = files("kzmap.maps") / "static" / "relief.jpg"
    image = np.asarray(Image.open(io.BytesIO(relief.read_bytes())).convert("L"), float)
    height, width = image.shape
    south, west, north, east = RELIEF_BOUNDS

    def mercator(lat: np.ndarray) -> np.ndarray:
        return np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))

    top, bottom = mercator(np.array(north)), mercator(np.array(south))

    def pixels(xy: np.ndarray) -> list[tuple[float, float]]:
        x = (xy[:, 0] - west) / (east - west) * width
        y = (top - mercator(xy[:, 1])) / (top - bottom) * height
        return list(zip(x.tolist(), y.tolist(), strict=True))

    # which tint each pixel shows: 0 other land or sea, 1 a focus country, 2 KZ
    countries = load("countries")
    classes = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(classes)
    kz = countries["iso_a2"] == "KZ"
    for value, rows in ((1, countries["focus"].astype(bool) & ~kz), (2, kz)):
        for geom in countries.geometry[rows]:
            for part in shapely.get_parts(geom):
                draw.polygon(pixels(shapely.get_coordinates(part.exterior)), fill=value)
    darkest = {}
    for tint, value in ((LAND_CONTEXT, 0), (LAND, 1), (LAND_KAZAKHSTAN, 2)):
        mask = Image.fromarray((np.asarray(classes) == value).astype(np.uint8) * 255)
        near = np.asarray(mask.filter(ImageFilter.MaxFilter(3))) > 0
        factor = 1 - alpha * (1 - image[near].min() / 255)
        darkest[tint] = shaded(tint, factor)
    return darkest


def _drawn_colours() -> list[tuple[str, str, float]]:
    """(what, colour, opacity) of every line and solid fill a data layer draws."""
    from kzmap.layers import analysis_layers
    from kzmap.maps.routes import ROUTE_COLOURS, route_style

    styles: list[tuple[str, Mapping[str, object]]] = []
    for layer in [*analysis_layers(), "my_own_layer"]:
        if layer in {"countries", "water"}:  # basemap fills: the backgrounds
            continue
        for market in [*MARKET_COLOURS, None]:
            for schematic in (False, True):
                props = {"market": market, "schematic": schematic}
                styles.append(
                    (f"{layer} {market} {schematic}", layer_style(layer, props))
                )
    for colour in ROUTE_COLOURS:
        for confidence in ("confirmed", "approximate"):
            styles.append((f"route {colour}", route_style(colour, confidence)))
    drawn = []
    for what, style in styles:
        parts = []
        if style.get("stroke", True) is not False and "color" in style:
            parts.append((str(style["color"]), float(str(style.get("opacity", 1.0)))))
        fill = float(str(style.get("fillOpacity", 0.2)))  # Leaflet's default 0.2
        if style.get("fill", True) and "fillColor" in style and fill >= 0.5:
            parts.append((str(style["fillColor"]), fill))
        # a white halo or a white dot inside a dark ring: the other part carries it
        dark = [p for p in parts if p[0].lower() != "#ffffff"]
        assert dark, what
        drawn += [(what, colour, alpha) for colour, alpha in dark]
    return drawn


def test_drawn_colours_keep_3_to_1_on_every_basemap_colour_as_blended() -> None:
    # WCAG 2's 3:1 for graphical objects, for the colour the browser shows: a
    # line or solid fill at its opacity over each land tint, the sea, and each
    # land tint at its darkest under the relief tint (measured in relief.jpg).
    # Before: schematic corridors at opacity 0.7 fell to 2.1:1 and the
    # district grey #9b9b9b (opacity 0.8) to 1.8:1 on the relief-shaded land.
    relief = _darkest_relief()
    bases = [LAND, LAND_CONTEXT, SEA, *BASEMAP_COLOURS, *relief.values()]
    for tint, darkest in relief.items():  # the image keeps to RELIEF_FLOOR
        floor = shaded(tint, RELIEF_FLOOR[tint] - 2 / 255)
        assert contrast_ratio(darkest, "#000000") >= contrast_ratio(floor, "#000000")
    worst = min(
        (contrast_ratio(_blend(colour, base, alpha), base), what, colour, base)
        for what, colour, alpha in _drawn_colours()
        for base in bases
    )
    assert worst[0] >= 3.0, worst
    # the same check on the old schematic style fails
    old = _blend(MARKET_COLOURS["heroin trade"], relief[LAND], 0.7)
    assert contrast_ratio(old, relief[LAND]) < 3.0


def test_layer_styles_use_only_checked_colours() -> None:
    checked = {c.lower() for c in (*MARKET_COLOURS.values(), *LINE_COLOURS)}
    for layer in ("regions", "regions_legacy", "borders", "crossings", "cities"):
        assert str(layer_style(layer, {})["color"]).lower() in checked | {"#ffffff"}
    kz = layer_style("countries", {"iso_a2": "KZ"})
    other = layer_style("countries", {"iso_a2": "CN"})
    assert {kz["color"], other["color"]} <= set(LINE_COLOURS)


def test_every_market_has_a_name_in_every_language() -> None:
    for lang in i18n.LANGUAGES:
        for market in MARKET_COLOURS:
            assert i18n.market_label(market, lang) != market, (lang, market)


def test_palette_covers_the_curated_market_vocabulary() -> None:
    from kzmap.layers import MARKETS

    known = set(MARKET_COLOURS) | {
        "extortion and protection racketeering",
        "cyber-dependent crimes",
        "financial crimes",
    }
    assert {str(m).lower() for m in MARKETS} <= known


def test_market_lookup_ignores_case_and_falls_back() -> None:
    assert market_colour(" Fuel smuggling ") == MARKET_COLOURS["fuel smuggling"]
    assert market_colour(None) == FALLBACK_COLOUR


def test_corridors_are_coloured_by_market() -> None:
    style = layer_style("fuel_corridors", {"market": "fuel smuggling"})
    assert style["color"] == MARKET_COLOURS["fuel smuggling"]
    assert layer_style("tunnels", {"market": "heroin trade"})["fillOpacity"] < 0.5


@pytest.mark.parametrize(
    "style",
    [
        {"color": "red;}</script><script>alert(1)//"},
        {"fillColor": "#12345"},
        {"weight": float("nan")},
        {"dashArray": "1,2);alert(1"},
        {"opacity": True},
        {"className": "pwned"},
    ],
)
def test_validate_style_refuses_anything_but_safe_values(style) -> None:
    with pytest.raises(ValueError, match=r"not an allowed Leaflet style value"):
        validate_style(style)


def test_relief_floors_are_checked_as_basemap_colours() -> None:
    # the relief tint darkens each land tint at most to its floor; those
    # darkest tints are colours lines are drawn on (the contrast test above)
    for colour, factor in RELIEF_FLOOR.items():
        assert 0.5 < factor <= 1.0
        assert shaded(colour, factor) in BASEMAP_COLOURS
    # a darker floor would break the 3:1 rule for some line colour
    worst = min(
        contrast_ratio(c, shaded(LAND, RELIEF_FLOOR[LAND] - 0.03))
        for c in {*MARKET_COLOURS.values(), *LINE_COLOURS}
    )
    assert worst < 3.0


def test_rivers_never_read_as_a_route() -> None:
    # a thin basemap line like the lake shores: thinner than any route or
    # corridor by 3x, and apart from every market colour (CIELAB >= 9) in
    # normal vision and the three colour-vision deficiencies
    river = layer_style("rivers", {})
    assert river["color"] == RIVER
    route = layer_style("routes", {"market": "heroin trade", "schematic": True})
    assert float(str(river["weight"])) * 2.5 <= float(str(route["weight"]))
    assert float(str(river["weight"])) * 3 <= 4.0  # a solid route line
    views = _views(RIVER)
    for market, colour in MARKET_COLOURS.items():
        other = _views(colour)
        distance = min(float(np.linalg.norm(views[k] - other[k])) for k in views)
        assert distance >= 9.0, (market, distance)


def test_context_land_has_no_outline_and_outlines_no_fill() -> None:
    land = layer_style("context", {"kind": "land", "focus": True})
    assert land["stroke"] is False
    assert land["fillColor"] == LAND
    assert layer_style("context", {"kind": "land"})["fillColor"] == LAND_CONTEXT
    outline = layer_style("context_outlines", {"kind": "outline"})
    assert outline["fill"] is False
    assert outline["color"] in LINE_COLOURS
