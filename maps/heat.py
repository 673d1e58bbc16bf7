"""An offline heat map of point density (heat.js, drawn on a canvas)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import numpy as np
from branca.element import Figure
from folium.map import Layer
from jinja2 import Template

from kzmap.geo.crs import to_storage_crs
from kzmap.geo.errors import UsageError
from kzmap.maps.offline import require_asset

if TYPE_CHECKING:
    import folium
    import geopandas as gpd

__all__ = ["HeatLayer", "add_heat"]


class HeatLayer(Layer):  # type: ignore[misc]  # folium is untyped
    """A heat layer of points (see `add_heat`)."""

    _template = Template(
        "{% macro script(this, kwargs) %}\n"
        "var {{ this.get_name() }} = L.kzmap.heat({{ this.points }}, "
        "{{ this.options }});\n"
        "{{ this.get_name() }}.addTo({{ this._parent.get_name() }});\n"
        "{% endmacro %}"
    )

    def __init__(self, points: str, options: str, *, name: str, show: bool) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "KzmapHeat"
        self.points = points
        self.options = options

    def render(self, **kwargs: object) -> None:  # type: ignore[override]
        """Inline heat.js, then render."""
        figure = self.get_root()
        if isinstance(figure, Figure):
            require_asset(figure, "heat.js")
        super().render(**kwargs)  # type: ignore[no-untyped-call]


def add_heat(
    m: folium.Map,
    frame: gpd.GeoDataFrame,
    *,
    name: str = "Heat",
    show: bool = True,
    radius: float = 18.0,
) -> HeatLayer:
    """
    Add a heat map of the points of `frame` to `m`, drawn offline on a canvas.

    Parameters
    ----------
    m
        The map.
    frame
        Point features in any CRS; other geometry types are an error.
    name
        Name in the layer control (escaped by the caller).
    show
        Whether the layer is on when the page opens.
    radius
        Radius of each point's disc in CSS pixels.

    Raises
    ------
    UsageError
        If `frame` holds anything but points.
    """
    frame = to_storage_crs(frame, name=name)
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    if not frame.geom_type.isin(["Point"]).all():
        kinds = ", ".join(sorted(set(frame.geom_type)))
        msg = f"Layer {name!r}: a heat map needs points, got {kinds}."
        raise UsageError(msg)
    coords = np.column_stack([frame.geometry.y, frame.geometry.x]).round(5).ravel()
    points = json.dumps([float(v) for v in coords])
    options = json.dumps({"radius": float(radius)})
    layer = HeatLayer(points, options, name=name, show=show)
    m.add_child(layer)
    return layer
