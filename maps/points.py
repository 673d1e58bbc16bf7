"""Large incident point layers: compact data, drawn on one canvas, popups on click."""

from __future__ import annotations

import base64
import json
import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, cast

import numpy as np
import pandas as pd
import shapely
from branca.element import Element, Figure
from folium.map import Layer, LayerControl
from jinja2 import Template

from kzmap.geo.crs import to_storage_crs
from kzmap.geo.errors import DataError, KzmapWarning, UsageError
from kzmap.maps._points_data import (
    COORD_SCALE,
    NO_DAY,
    UNDATED,
    Payload,
    codes_and_table,
    day_intervals,
    quantise,
)
from kzmap.maps.escape import safe_text, safe_url
from kzmap.maps.offline import require_asset

if TYPE_CHECKING:
    from collections.abc import Sequence

    import folium
    import geopandas as gpd
    from numpy.typing import NDArray

__all__ = ["CATEGORY_COLORS", "OTHER_COLOR", "PointsLayer", "add_points", "js_value"]

#: Colours of the most frequent categories, in order; the rest are "Other".
CATEGORY_COLORS = (
    "#d62728",
    "#1f77b4",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
)
#: Colour of points whose category is rare or missing.
OTHER_COLOR = "#7f7f7f"
#: Colour of every point when no category column is given.
_SINGLE_COLOR = "#c0392b"
_LABELS = {
    "en": {"date": "Date", "confidence": "Confidence", "source": "Source"},
    "ru": {"date": "Дата", "confidence": "Достоверность", "source": "Источник"},
    "kk": {"date": "Күні", "confidence": "Сенімділік", "source": "Дереккөз"},
}
_OTHER = {"en": "Other", "ru": "Другое", "kk": "Басқа"}
_DEFAULT_FIELDS = ("description", "date", "confidence", "source")
_MAX_LISTED = 20
_SOURCE = ["source", "source_url"]
_GEOM_NAMES = {
    1: "LineString",
    2: "LinearRing",
    3: "Polygon",
    4: "MultiPoint",
    5: "MultiLineString",
    6: "MultiPolygon",
    7: "GeometryCollection",
}


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


def _listed(labels: Sequence[object]) -> str:
    shown = ", ".join(repr(v) for v in labels[:_MAX_LISTED])
    more = len(labels) - _MAX_LISTED
    return shown + (f" and {more} more" if more > 0 else "")


def _clean(
    frame: gpd.GeoDataFrame, name: str
) -> tuple[pd.DataFrame, NDArray[np.float64], NDArray[np.float64]]:
    """Return the usable rows (attributes only) and their lon/lat in degrees."""
    frame = to_storage_crs(frame, name=name)
    geoms = cast("NDArray[np.object_]", frame.geometry.to_numpy())
    kinds = shapely.get_type_id(geoms)
    wrong = np.flatnonzero((kinds != 0) & (kinds != -1))  # -1: missing geometry
    if len(wrong):
        types = shapely.get_type_id(geoms[wrong]).tolist()
        names = sorted({_GEOM_NAMES.get(t, str(t)) for t in types})
        msg = (
            f"`{name}` must hold Point geometries; {len(wrong)} rows do not "
            f"(index {_listed(frame.index[wrong].tolist())}: "
            f"{_listed(names)}). Use `frame.explode()` for "
            "MultiPoints or `frame.representative_point()` for areas."
        )
        raise DataError(msg)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    lon = np.full(len(geoms), np.nan)
    lat = np.full(len(geoms), np.nan)
    lon[present] = shapely.get_x(geoms[present])
    lat[present] = shapely.get_y(geoms[present])
    with np.errstate(invalid="ignore"):
        bad = ~(np.isfinite(lon) & np.isfinite(lat))
        bad |= (np.abs(lon) > 180) | (np.abs(lat) > 90)
    if bad.any():
        dropped = frame.index[bad].tolist()
        msg = (
            f"`{name}`: dropped {len(dropped)} of {len(frame)} points with a "
            f"missing, empty, non-finite or out-of-range coordinate (index "
            f"{_listed(dropped)})."
        )
        warnings.warn(msg, KzmapWarning, stacklevel=3)
    keep = ~bad
    rows = pd.DataFrame(frame.drop(columns=frame.geometry.name)).loc[keep]
    return rows, lon[keep], lat[keep]


def _title(rows: pd.DataFrame, lang: str) -> pd.Series | None:
    """Return each row's name: ``name_<lang>``, else ``name_en``, ``name``, ``id``."""
    keys = list(dict.fromkeys((f"name_{lang}", "name_en", "name", "id")))
    present = [k for k in keys if k in rows.columns]
    if not present:
        return None
    title = rows[present[0]].astype(object)
    for key in present[1:]:
        missing = title.isna() | (title.astype(str) == "")
        title = title.where(~missing, rows[key].astype(object))
    return title


def _fields(
    rows: pd.DataFrame,
    popup_fields: Sequence[str] | Mapping[str, str] | None,
    category: str | None,
    lang: str,
) -> list[tuple[str, str]]:
    """Return (column, escaped label) of each popup field, validated."""
    labels = _LABELS.get(lang, _LABELS["en"])
    if popup_fields is None:
        columns = [c for c in _DEFAULT_FIELDS if c in rows.columns and c != category]
        if category:
            columns.insert(int("description" in columns), category)
        named = {c: labels.get(c, c) for c in columns}
        if "description" in named:
            named["description"] = ""  # shown under the name without a label
    elif isinstance(popup_fields, Mapping):
        named = dict(popup_fields)
    else:
        named = {c: labels.get(c, c) for c in popup_fields}
    missing = [c for c in named if c not in rows.columns]
    if missing:
        msg = (
            f"popup_fields names columns the frame does not have: {_listed(missing)}. "
            f"Available: {_listed(list(map(str, rows.columns)))}."
        )
        raise UsageError(msg)
    return [(c, safe_text(label)) for c, label in named.items()]


def _source_links(rows: pd.DataFrame) -> tuple[NDArray[np.uint32], list[str]]:
    """Dictionary-encode ``source`` as escaped text, linked where ``source_url`` is."""
    src_codes, src_table = codes_and_table(rows["source"])
    if "source_url" not in rows.columns:
        return src_codes, src_table
    raw_codes, raw_urls = pd.factorize(rows["source_url"], use_na_sentinel=True)
    urls = [None, *(safe_url(u) for u in raw_urls)]
    keys = src_codes.astype(np.int64) * len(urls) + (raw_codes + 1)
    codes, uniques = pd.factorize(keys)
    table = []
    for key in uniques.tolist():
        text, url = src_table[key // len(urls)], urls[key % len(urls)]
        if text and url:
            text = f'<a href="{url}" target="_blank" rel="noopener">{text}</a>'
        table.append(text)
    return codes.astype(np.uint32), table


def _category_colours(
    codes: NDArray[np.uint32], table: list[str], lang: str
) -> dict[str, object]:
    """Colour index per table entry, the colour list and the legend rows."""
    counts = np.bincount(codes, minlength=len(table))
    ranked = sorted(range(1, len(table)), key=lambda k: (-counts[k], table[k]))
    ranked = [k for k in ranked if counts[k] > 0]
    top = ranked[: len(CATEGORY_COLORS)]
    colour_of = [len(top)] * len(table)
    legend: list[list[object]] = []
    for i, k in enumerate(top):
        colour_of[k] = i
        legend.append([table[k], i, int(counts[k])])
    rest = int(len(codes) - sum(counts[k] for k in top))
    if rest:
        legend.append([safe_text(_OTHER.get(lang, _OTHER["en"])), len(top), rest])
    colours = [*CATEGORY_COLORS[: len(top)], OTHER_COLOR]
    return {"map": colour_of, "colors": colours, "legend": legend}


class _DataBlock(Element):
    """A non-executed ``<script>`` holding base64 text, written verbatim."""

    def __init__(self, element_id: str, base64_text: str) -> None:
        super().__init__()
        self._name = "KzmapData"
        self.text = (
            f'<script type="application/octet-stream" id="{element_id}">'
            f"{base64_text}</script>\n"
        )

    def render(self, **kwargs: object) -> str:
        """Return the element (base64 cannot close the script early)."""
        return self.text


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
            If some values are not dates (all of them are listed).
        """
        if date_field not in self._rows.columns:
            msg = (
                f"Layer {self.layer_name!r} has no column {date_field!r}. "
                f"Available: {_listed(list(map(str, self._rows.columns)))}."
            )
            raise UsageError(msg)
        first, last, bad = day_intervals(self._rows[date_field])
        if bad:
            values = self._rows[date_field].iloc[bad]
            shown = [f"{i!r}: {v!r}" for i, v in values.items()][:_MAX_LISTED]
            msg = (
                f"Column {date_field!r} of layer {self.layer_name!r} has "
                f"{len(bad)} values that are not dates ({', '.join(shown)}). "
                "Use ISO text such as '2024-05-17', '2024-05' or '2024', "
                "datetimes, or leave the value empty."
            )
            raise DataError(msg)
        first, last = first[self._order], last[self._order]
        dated = first != NO_DAY
        if not dated.any():
            msg = f"Column {date_field!r} of layer {self.layer_name!r} has no date."
            raise UsageError(msg)
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
            require_asset(figure, "points.js")
            # The data goes into the page beside the script, not through folium's
            # Jinja pass: base64 holds no markup and lexing 10^6 chars is slow.
            block = _DataBlock(self.data_id(), self.data_base64())
            figure.html.add_child(block, name=self.data_id())
        super().render(**kwargs)  # type: ignore[no-untyped-call]


def _encode(
    rows: pd.DataFrame,
    lon: NDArray[np.float64],
    lat: NDArray[np.float64],
    *,
    category: str | None,
    fields: list[tuple[str, str]],
    lang: str,
    name: str,
) -> tuple[Payload, NDArray[np.intp]]:
    """Build the payload of `add_points`; returns it and the stored row order."""
    q = quantise(lon, lat)
    order = cast("NDArray[np.intp]", q["order"])
    header: dict[str, object] = {
        "v": 1,
        "n": len(order),
        "x0": q["x0"],
        "y0": q["y0"],
        "scale": COORD_SCALE,
        "name": safe_text(name),
    }
    payload = Payload(header)
    payload.add_array("x", cast("NDArray[np.uint32]", q["x"]))
    payload.add_array("y", cast("NDArray[np.uint32]", q["dy"]), delta=True)
    title = _title(rows, lang)
    if title is not None:
        codes, header["title"] = codes_and_table(title.iloc[order])
        payload.add_array("title", codes)
    described: list[dict[str, object]] = []
    colour_array = None
    for i, (column, label) in enumerate(fields):
        values = rows[column].iloc[order]
        if column == "source" and column != category:
            linked = rows[[c for c in _SOURCE if c in rows.columns]].iloc[order]
            codes, table = _source_links(linked)
        else:
            codes, table = codes_and_table(values)
        payload.add_array(f"f{i}", codes)
        described.append({"label": label, "values": table})
        if column == category:
            colour_array, colour_codes, colour_table = f"f{i}", codes, table
    header["fields"] = described
    if category is not None and colour_array is None:
        colour_codes, colour_table = codes_and_table(rows[category].iloc[order])
        colour_array = "c"
        payload.add_array("c", colour_codes)
    if colour_array is None:
        header["color"] = {"array": None, "map": [0], "colors": [_SINGLE_COLOR]}
    else:
        colours = _category_colours(colour_codes, colour_table, lang)
        header["color"] = {"array": colour_array, **colours}
    return payload, order


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
        ``source`` is linked to an ``http(s)`` ``source_url``.
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
    rows, lon, lat = _clean(frame, name)
    if category is not None and category not in rows.columns:
        msg = (
            f"category={category!r} is not a column of the frame. "
            f"Available: {_listed(list(map(str, rows.columns)))}."
        )
        raise UsageError(msg)
    fields = _fields(rows, popup_fields, category, lang)
    payload, order = _encode(
        rows, lon, lat, category=category, fields=fields, lang=lang, name=name
    )
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
