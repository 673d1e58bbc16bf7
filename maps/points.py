"""Large incident point layers: compact data, drawn on one canvas, popups on click."""

from __future__ import annotations

import base64
import json
from typing import TYPE_CHECKING

import numpy as np
from branca.element import Figure
from folium.map import Layer, LayerControl
from jinja2 import Template

from kzmap.geo.errors import UsageError
from kzmap.maps._points_data import UNDATED, Payload
from kzmap.maps._points_frame import (
    CATEGORY_COLORS,
    OTHER_COLOR,
    clean_points,
    encode_points,
    field_labels,
    layer_days,
    listed,
)
from kzmap.maps._points_precision import approximate_mask, with_location_note
from kzmap.maps.compact import DataBlock
from kzmap.maps.escape import safe_text
from kzmap.maps.i18n import message
from kzmap.maps.offline import require_asset

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    import folium
    import geopandas as gpd
    import pandas as pd
    from numpy.typing import NDArray

__all__ = ["CATEGORY_COLORS", "OTHER_COLOR", "PointsLayer", "add_points", "js_value"]


def js_value(value: object) -> str:
    r"""
    Return `value` as a JavaScript expression that no later pass can reinterpret.

    The JSON text travels inside a string literal whose braces and ``<``,
    ``>``, ``&`` are ``\u`` escapes, so folium's Jinja pass sees no ``{{``
    and the HTML parser no ``</script>``.

    Examples
    --------
    >>> print(js_value(["{{x}}"]))
    JSON.parse("[\"\u007b\u007bx\u007d\u007d\"]")
    """
    text = json.dumps(json.dumps(value, sort_keys=True, separators=(",", ":")))
    for char in "{}<>&":
        text = text.replace(char, f"\\u{ord(char):04x}")
    return f"JSON.parse({text})"


class PointsLayer(Layer):
    """
    A toggleable layer of many points drawn by kzmap's canvas code.

    Made by `add_points`. The page gets one base64 string of compressed,
    already-escaped columns and ``L.kzmap.points`` (``maps/js/points.js``)
    decodes it, draws points (or count bubbles where they are dense) and builds
    popups on click.
    """

    _template = Template(
        "{% macro script(this, kwargs) %}\n"
        "var {{ this.get_name() }} = L.kzmap.points({{ this.options_js() }}, "
        'document.getElementById("{{ this.data_id() }}").textContent);\n'
        "{% endmacro %}"
    )

    def __init__(
        self,
        payload: Payload,
        rows: pd.DataFrame,
        order: NDArray[np.intp],
        *,
        name: str,
        show: bool,
        cluster: bool,
        radius: float,
    ) -> None:
        super().__init__(name=safe_text(name), overlay=True, control=True, show=show)
        self._name = "KzmapPoints"
        self.payload = payload
        self.cluster = cluster
        self.radius = radius
        self._rows = rows
        self._order = order
        self._encoded: str | None = None

    def __len__(self) -> int:
        return len(self._order)

    def options_js(self) -> str:
        """Return the drawing options as an inert JavaScript expression."""
        return js_value({"cluster": self.cluster, "radius": self.radius})

    def data_id(self) -> str:
        """Return the id of the page element holding the layer's data."""
        return f"{self.get_name()}_data"

    def data_base64(self) -> str:
        """Return the compressed columns as base64 (computed once)."""
        if self._encoded is None:
            self._encoded = base64.b64encode(self.payload.compressed()).decode()
        return self._encoded

    def set_dates(self, date_field: str) -> tuple[int, int]:
        """
        Store each point's date from column `date_field` for time filtering.

        Parameters
        ----------
        date_field
            A column of the frame given to `add_points`: datetimes, dates or
            ISO text (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``); missing allowed.

        Returns
        -------
        (int, int)
            First and last day covered, in days since 1970-01-01.

        Raises
        ------
        UsageError
            If the frame has no column `date_field` or no date in it.
        DataError
            If some values are not dates (each is listed with its row).
        """
        first, last, dated = layer_days(self._rows, date_field, self.layer_name)
        first, last, dated = first[self._order], last[self._order], dated[self._order]
        low, high = int(first[dated].min()), int(last[dated].max())
        start = np.where(dated, first - low, UNDATED)
        self.payload.add_array("t0", start.astype(np.uint32))
        self.payload.add_array("t1", np.where(dated, last - first, 0))
        self.payload.header["time"] = {"min": low, "max": high}
        self._encoded = None
        return low, high

    def render(self, **kwargs: object) -> None:  # type: ignore[override]
        """Inline the layer's script and style, then render as a folium layer."""
        figure = self.get_root()
        if isinstance(figure, Figure):
            require_asset(figure, "kzmap.css")
            require_asset(figure, "compact.js")
            require_asset(figure, "points.js")
            # The data goes into the page beside the script, not through folium's
            # Jinja pass: base64 holds no markup and lexing 10^6 chars is slow.
            block = DataBlock(self.data_id(), self.data_base64())
            figure.html.add_child(block, name=self.data_id())
        super().render(**kwargs)  # type: ignore[no-untyped-call]


def add_points(
    m: folium.Map,
    frame: gpd.GeoDataFrame,
    *,
    category: str | None = None,
    popup_fields: Sequence[str] | Mapping[str, str] | None = None,
    lang: str = "en",
    name: str = "Incidents",
    show: bool = True,
    cluster: bool = True,
    radius: float = 4.0,
) -> PointsLayer:
    """
    Add many incident points (10^5-10^6) to `m` as one compact, fast layer.

    Points are drawn on a canvas from quantised coordinates (1e-5 degree)
    and dictionary-encoded columns, compressed and base64-encoded in the page.
    Where points are dense at low zoom they are grouped into bubbles showing
    the count (click to zoom in). Clicking a point opens a popup built from
    escaped text. Output is deterministic: the same input gives the same bytes.

    Parameters
    ----------
    m
        The map to add to.
    frame
        Point geometries in any CRS (reprojected to EPSG:4326); a missing CRS
        is an error. Rows with a missing, empty or non-finite point are dropped
        with a `KzmapWarning` listing their index labels.
    category
        Column whose values colour the points (the nine most frequent get
        their own colour, the rest grey "Other"), shown in a legend and in the
        popups; None draws every point in one colour.
    popup_fields
        Columns shown in the popup under the point's name (``name_<lang>``,
        ``name_en``, ``name`` or ``id``), in order; a mapping gives
        ``{column: label}``. None shows whichever of ``description`` (without
        a label), `category`, ``date``, ``confidence`` and ``source`` exist;
        ``source`` is linked to an ``http(s)`` ``source_url``. A frame from
        `kzmap.layers.geocode` also gets a "Location" line, and its
        district-, region- and country-level points are drawn as dashed
        rings: they stand for an area, not a place.
    lang
        ``"en"``, ``"ru"`` or ``"kk"``: which ``name_*`` column names a point
        and the language of the standard labels.
    name
        Name of the layer in the layer control and legend (escaped).
    show
        Whether the layer is visible when the page opens.
    cluster
        Group dense points into count bubbles below zoom 12 (default); False
        always draws every point.
    radius
        Radius of a point in CSS pixels.

    Returns
    -------
    PointsLayer
        The element added.

    Raises
    ------
    CRSError
        If `frame` has no CRS.
    DataError
        If a geometry is not a Point.
    UsageError
        If `category` or a popup field is not a column of `frame`.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> from kzmap.maps import empty_map
    >>> frame = gpd.GeoDataFrame(
    ...     {"name_en": ["A", "B"], "kind": ["fuel", "drugs"]},
    ...     geometry=[Point(76.9, 43.2), Point(71.4, 51.2)],
    ...     crs=4326,
    ... )
    >>> len(add_points(empty_map(), frame, category="kind"))
    2
    """
    rows, lon, lat = clean_points(frame, name)
    if category is not None and category not in rows.columns:
        msg = (
            f"category={category!r} is not a column of the frame. "
            f"Available: {listed(list(map(str, rows.columns)))}."
        )
        raise UsageError(msg)
    fields = field_labels(rows, popup_fields, category, lang)
    approximate = approximate_mask(rows)  # geocoded below town level: rings
    if approximate is not None:
        rows, fields = with_location_note(rows, fields, lang)
    payload, order = encode_points(
        rows, lon, lat, category=category, fields=fields, lang=lang, name=name
    )
    if approximate is not None:
        payload.add_array("approx", approximate[order].astype(np.uint32))
        if approximate.any():
            payload.header["approx"] = safe_text(message("geocode.legend", lang))
    layer = PointsLayer(
        payload, rows, order, name=name, show=show, cluster=cluster, radius=radius
    )
    m.add_child(layer)
    _layer_controls_last(m)
    return layer


def _layer_controls_last(m: folium.Map) -> None:
    """Move layer controls after every layer, so they can list layers added late."""
    for key, child in list(m._children.items()):
        if isinstance(child, LayerControl):
            m._children.move_to_end(key)
