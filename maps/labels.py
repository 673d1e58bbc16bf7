"""Label ranks for the collision pass, and place names drawn on the map."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import shapely
from branca.element import MacroElement
from jinja2 import Template

from kzmap.maps.escape import safe_text
from kzmap.maps.i18n import feature_name

if TYPE_CHECKING:
    from collections.abc import Mapping

    import folium
    import geopandas as gpd

__all__ = [
    "PLACE_LAYERS",
    "PlaceLabels",
    "add_place_labels",
    "label_rank",
]

#: Polygon layers whose names are drawn as place labels, with their rank.
PLACE_LAYERS = {"countries": 1, "regions": 3}
#: Ranks, most important first: capitals (with Kazakhstan's cities of
#: republican significance, first-level units of their own: Almaty, Shymkent),
#: countries, regional centres (and large foreign cities), regions, towns.
CAPITAL, COUNTRY, CENTRE, REGION, TOWN, OTHER = 0, 1, 2, 3, 4, 5
#: A place label is drawn only where its polygon shows over at least this
#: share of the view (a sliver along the edge gets no name).
_MIN_SHARE = 0.004


def label_rank(layer: str, props: Mapping[str, object]) -> int:
    """
    Return the collision rank of a feature's label: lower wins a clash.

    Examples
    --------
    >>> label_rank("cities", {"is_capital": True})
    0
    >>> almaty = {"country": "KZ", "description": "City of republican significance."}
    >>> label_rank("cities", almaty)
    0
    >>> label_rank("cities", {"description": "Administrative centre of Aktobe."})
    2
    >>> label_rank("crossings", {})
    5
    """
    if layer in PLACE_LAYERS:
        return PLACE_LAYERS[layer]
    if layer != "cities":  # crossings, user layers: after every town
        return OTHER
    if str(props.get("is_capital")) == "True":  # a Python or NumPy bool
        return CAPITAL
    text = str(props.get("description") or "").lower()
    if props.get("country") == "KZ" and "republican significance" in text:
        return CAPITAL  # Almaty, Shymkent: never dropped for a neighbour's town
    centre = ("administrative centre", "republican significance", "city in russia")
    return CENTRE if any(key in text for key in centre) else TOWN


class PlaceLabels(MacroElement):  # type: ignore[misc]  # branca is untyped
    """Names drawn at fixed points, shown while `element` (their layer) is."""

    _template = Template(
        """{% macro script(this, kwargs) %}
L.kzmap.placeLabels({{ this._parent.get_name() }}, {{ this.element.get_name() }},
  {{ this.items }});
{% endmacro %}"""
    )

    def __init__(self, element: folium.GeoJson, items: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "PlaceLabels"
        self.element = element
        self.items = items


def _places(
    frame: gpd.GeoDataFrame,
    layer: str,
    lang: str,
    bounds: tuple[float, float, float, float],
) -> list[list[object]]:
    south, west, north, east = bounds
    view = shapely.box(west, south, east, north)
    items: list[list[object]] = []
    names = frame.geometry.name
    for row in frame.to_dict("records"):
        props = {str(key): value for key, value in row.items()}
        geometry = props.get(str(names))
        if geometry is None or geometry.is_empty:
            continue
        shown = shapely.intersection(geometry, view)
        if shown.is_empty or shown.area < _MIN_SHARE * view.area:
            continue
        name = feature_name(props, lang)
        if not name:
            continue
        point = shown.point_on_surface()
        # Escaped text (tooltips are HTML); "<" escaped again for the script.
        items.append(
            [
                round(point.y, 4),
                round(point.x, 4),
                safe_text(name),
                label_rank(layer, props),
            ]
        )
    return items


def add_place_labels(
    m: folium.Map,
    element: folium.GeoJson,
    frame: gpd.GeoDataFrame,
    *,
    layer: str,
    lang: str,
    bounds: tuple[float, float, float, float],
) -> PlaceLabels | None:
    """
    Draw the names of `frame`'s polygons (a `PLACE_LAYERS` layer) on `m`.

    Each name sits inside the part of its polygon within `bounds` (the first
    view), in language `lang`, and shows while `element` is on the map.
    Returns None when `layer` has no place labels or no name falls in view.
    """
    if layer not in PLACE_LAYERS:
        return None
    items = _places(frame, layer, lang, bounds)
    if not items:
        return None
    text = json.dumps(items, ensure_ascii=False).replace("<", "\\u003c")
    labels = PlaceLabels(element, text)
    labels.add_to(m)
    return labels
