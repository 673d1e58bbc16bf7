"""Turn a frame of incident points into the compact payload of a points layer."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, cast

import numpy as np
import pandas as pd
import shapely

from kzmap.geo.crs import to_storage_crs
from kzmap.geo.errors import DataError, KzmapWarning, UsageError
from kzmap.maps._points_data import (
    COORD_SCALE,
    NO_DAY,
    Payload,
    codes_and_table,
    day_intervals,
    quantise,
)
from kzmap.maps.escape import safe_text, safe_url
from kzmap.maps.i18n import message

if TYPE_CHECKING:
    from collections.abc import Sequence

    import geopandas as gpd
    from numpy.typing import NDArray

__all__ = [
    "CATEGORY_COLORS",
    "OTHER_COLOR",
    "clean_points",
    "encode_points",
    "field_labels",
    "layer_days",
    "listed",
]

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


def listed(labels: Sequence[object]) -> str:
    shown = ", ".join(repr(v) for v in labels[:_MAX_LISTED])
    more = len(labels) - _MAX_LISTED
    return shown + (f" and {more} more" if more > 0 else "")


def layer_days(
    frame: pd.DataFrame | None, date_field: str, layer: str
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.bool_]]:
    """
    Return each row's first and last day from column `date_field`, and which are dated.

    Days count from 1970-01-01 (`day_intervals`); undated rows hold `NO_DAY`.
    Shared by the points and heat layers' time filters, so both word their
    errors alike.

    Raises
    ------
    UsageError
        If `frame` has no column `date_field`, or no date in it.
    DataError
        If some values are not dates; each is listed with its row label.
    """
    if frame is None or date_field not in frame.columns:
        columns = [] if frame is None else [str(c) for c in frame.columns]
        msg = (
            f"Layer {layer!r} has no column {date_field!r}. "
            f"Available: {listed(columns)}."
        )
        raise UsageError(msg)
    values = frame[date_field]
    first, last, bad = day_intervals(values)
    if bad:
        shown = [f"{i!r}: {v!r}" for i, v in values.iloc[bad].items()]
        more = len(shown) - _MAX_LISTED
        msg = (
            f"Column {date_field!r} of layer {layer!r} has {len(bad)} values that "
            f"are not dates ({', '.join(shown[:_MAX_LISTED])}"
            f"{f' and {more} more' if more > 0 else ''}). Use ISO text such as "
            "'2024-05-17', '2024-05' or '2024', datetimes, or leave the value empty."
        )
        raise DataError(msg)
    dated = first != NO_DAY
    if not dated.any():
        msg = f"Column {date_field!r} of layer {layer!r} has no date."
        raise UsageError(msg)
    return first, last, dated


def clean_points(
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
            f"(index {listed(frame.index[wrong].tolist())}: "
            f"{listed(names)}). Use `frame.explode()` for "
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
            f"{listed(dropped)})."
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


def field_labels(
    rows: pd.DataFrame,
    popup_fields: Sequence[str] | Mapping[str, str] | None,
    category: str | None,
    lang: str,
) -> list[tuple[str, str]]:
    """Return (column, escaped label) of each popup field, validated."""
    labels = {k: message(f"popup.{k}", lang) for k in ("date", "confidence", "source")}
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
            f"popup_fields names columns the frame does not have: {listed(missing)}. "
            f"Available: {listed(list(map(str, rows.columns)))}."
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
        legend.append([safe_text(message("ui.other", lang)), len(top), rest])
    colours = [*CATEGORY_COLORS[: len(top)], OTHER_COLOR]
    return {"map": colour_of, "colors": colours, "legend": legend}


def encode_points(
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
