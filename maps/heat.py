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
from kzmap.maps._points_frame import layer_days
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

    def __init__(
        self,
        points: str,
        options: str,
        *,
        name: str,
        show: bool,
        frame: gpd.GeoDataFrame | None = None,
    ) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "KzmapHeat"
        self.points = points
        self.options = options
        self.layer_name = name
        self._frame = frame

    def set_dates(self, date_field: str) -> tuple[int, int]:
        """
        Store each point's first and last day from column `date_field`.

        The time slider (`kzmap.maps.add_time_slider`) then draws only the
        points dated within its range, as it does for `add_points` layers.

        Returns
        -------
        (int, int)
            First and last day covered, in days since 1970-01-01.

        Raises
        ------
        UsageError
            If the frame has no column `date_field` or no date in it.
        DataError
            If some values are not dates.
        """
        first, last, dated = layer_days(self._frame, date_field, self.layer_name)
        days = np.column_stack(
            [np.where(dated, first, -1), np.where(dated, last, -1)]
        ).ravel()
        options = json.loads(self.options)
        options["days"] = [int(v) for v in days]
        self.options = json.dumps(options)
        return int(first[dated].min()), int(last[dated].max())

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
    layer = HeatLayer(points, options, name=name, show=show, frame=frame)
    m.add_child(layer)
    return layer
