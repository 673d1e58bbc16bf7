"""Legend sections built from what a layer actually draws, and their HTML."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kzmap.maps.choropleth import NO_DATA_COLOUR
from kzmap.maps.escape import safe_text
from kzmap.maps.i18n import market_label, message
from kzmap.maps.style import MARKET_COLOURS, Symbol, layer_style, symbol_for

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from kzmap.maps.choropleth import Classes
    from kzmap.maps.style import Geometry

__all__ = [
    "LegendEntry",
    "LegendSection",
    "choropleth_section",
    "legend_html",
    "market_section",
    "single_section",
    "swatch_svg",
]


@dataclass(frozen=True)
class LegendEntry:
    """One legend row: a symbol and its raw (unescaped) label."""

    label: str
    symbol: Symbol


@dataclass(frozen=True)
class LegendSection:
    """The legend rows of one layer, under the layer's raw title."""

    title: str
    entries: tuple[LegendEntry, ...]
    subtitle: str = ""


def _market_order(market: str) -> tuple[int, str]:
    keys = list(MARKET_COLOURS)
    key = market.strip().lower()
    return (keys.index(key) if key in keys else len(keys), key)


def market_section(
    layer: str,
    title: str,
    geometry: Geometry,
    markets: Iterable[object],
    lang: str,
) -> LegendSection:
    """
    Return a section with one row per distinct market in `markets`.

    Missing markets (None, NaN, "") get one "other" row with the fallback style.
    """
    present = {str(m).strip() for m in markets if isinstance(m, str) and m.strip()}
    has_other = any(not (isinstance(m, str) and m.strip()) for m in markets)
    entries = [
        LegendEntry(
            label=market_label(market, lang),
            symbol=symbol_for(layer, geometry, {"market": market}),
        )
        for market in sorted(present, key=_market_order)
    ]
    if has_other:
        entries.append(
            LegendEntry(
                label=message("ui.other", lang),
                symbol=symbol_for(layer, geometry, {}),
            )
        )
    return LegendSection(title=title, entries=tuple(entries))


def single_section(
    layer: str, title: str, geometry: Geometry, props: Mapping[str, object]
) -> LegendSection:
    """Return a section with one row: the layer's own symbol."""
    symbol = Symbol(geometry=geometry, style=layer_style(layer, props))
    return LegendSection(title=title, entries=(LegendEntry(title, symbol),))


def choropleth_section(
    title: str, classes: Classes, geometry: Geometry, lang: str
) -> LegendSection:
    """Return a classed legend: one row per class, plus "No data" when needed."""

    def fill(colour: str) -> Symbol:
        style = {"color": "#555555", "weight": 1.0, "fillColor": colour}
        return Symbol(geometry=geometry, style={**style, "fillOpacity": 0.85})

    entries = [
        LegendEntry(label, fill(colour))
        for label, colour, count in zip(
            classes.labels(), classes.colours, classes.counts, strict=True
        )
        if count
    ]
    if classes.missing:
        entries.append(LegendEntry(message("ui.no_data", lang), fill(NO_DATA_COLOUR)))
    return LegendSection(title=title, entries=tuple(entries), subtitle=classes.column)


def _num(style: Mapping[str, object], key: str, default: float) -> float:
    value = style.get(key, default)
    return float(value) if isinstance(value, int | float) else default


def swatch_svg(symbol: Symbol) -> str:
    """
    Return a small inline SVG drawing `symbol` (colours come from validated styles).

    Examples
    --------
    >>> from kzmap.maps.style import Symbol
    >>> swatch_svg(Symbol("line", {"color": "#D55E00", "weight": 3.0}))[:40]
    '<svg class="kzmap-swatch" width="30" hei'
    """
    s = symbol.style
    colour = safe_text(s.get("color", "#333333"))
    fill = safe_text(s.get("fillColor", colour))
    weight = min(_num(s, "weight", 2.0), 5.0)
    if symbol.geometry == "line":
        dash = s.get("dashArray")
        dash_attr = f' stroke-dasharray="{safe_text(dash)}"' if dash else ""
        body = (
            f'<line x1="2" y1="8" x2="28" y2="8" stroke="{colour}" '
            f'stroke-width="{weight:g}"{dash_attr}/>'
        )
    elif symbol.geometry == "point":
        radius = min(max(_num(s, "radius", 5.0), 3.0), 7.0)
        body = (
            f'<circle cx="15" cy="8" r="{radius:g}" fill="{fill}" '
            f'fill-opacity="{_num(s, "fillOpacity", 1.0):g}" stroke="{colour}" '
            f'stroke-width="{min(weight, 2.0):g}"/>'
        )
    else:
        dash = s.get("dashArray")
        dash_attr = f' stroke-dasharray="{safe_text(dash)}"' if dash else ""
        body = (
            f'<rect x="3" y="2" width="24" height="12" fill="{fill}" '
            f'fill-opacity="{_num(s, "fillOpacity", 0.3):g}" stroke="{colour}" '
            f'stroke-width="{max(weight, 1.0):g}"{dash_attr}/>'
        )
    return (
        '<svg class="kzmap-swatch" width="30" height="16" viewBox="0 0 30 16" '
        f'aria-hidden="true">{body}</svg>'
    )


def legend_html(sections: Sequence[tuple[str, LegendSection]], lang: str) -> str:
    """
    Return the legend panel: a heading, then each `(dom_id, section)` in order.

    Every label and title is escaped; `dom_id` values are kzmap's own ids.
    """
    parts = [
        '<div id="kzmap-legend" class="kzmap-panel kzmap-legend">'
        '<details class="kzmap-legend-box" open>',
        '<summary class="kzmap-panel-title">'
        f"{safe_text(message('ui.legend', lang))}</summary>",
    ]
    for dom_id, section in sections:
        parts.append(f'<section id="{safe_text(dom_id)}" class="kzmap-legend-section">')
        only = [e.label for e in section.entries] == [section.title]
        if not only:
            parts.append(f'<div class="kzmap-legend-title">{safe_text(section.title)}')
            if section.subtitle:
                sub = safe_text(section.subtitle)
                parts.append(f' <span class="kzmap-legend-sub">({sub})</span>')
            parts.append("</div>")
        parts.append("<ul>")
        parts.extend(
            f'<li>{swatch_svg(e.symbol)}<span class="kzmap-legend-label">'
            f"{safe_text(e.label)}</span></li>"
            for e in section.entries
        )
        parts.append("</ul></section>")
    parts.append("</details></div>")
    return "".join(parts)
