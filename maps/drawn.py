"""Draw a spec layer as canvas points, clustered points or a heat map."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kzmap.maps.escape import safe_text
from kzmap.maps.heat import add_heat
from kzmap.maps.plugins import add_time_slider
from kzmap.maps.points import add_points

if TYPE_CHECKING:
    import folium
    import geopandas as gpd

__all__ = ["add_drawn"]


def add_drawn(
    m: folium.Map,
    frame: gpd.GeoDataFrame,
    *,
    draw: str,
    title: str,
    lang: str,
    show: bool = True,
    time: str | None = None,
) -> None:
    """
    Add `frame` drawn as `draw` says: ``points``, ``cluster`` or ``heat``.

    With `time` (a date column), the layer gets a from/to date slider on it.

    Raises
    ------
    UsageError
        If the frame is not points, or has no column `time`.
    """
    shown = safe_text(title)
    if draw == "heat":
        heat = add_heat(m, frame, name=shown, show=show)
        if time:
            add_time_slider(m, heat, time, lang=lang)
        return
    points = add_points(
        m, frame, lang=lang, name=shown, show=show, cluster=draw == "cluster"
    )
    if time:
        add_time_slider(m, points, time, lang=lang)
