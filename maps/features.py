"""Per-feature display data of a layer: popup rows, styles, legend, dates."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from kzmap.geo.errors import DataError
from kzmap.layers import available_layers
from kzmap.maps.choropleth import classify
from kzmap.maps.legend import (
    LegendSection,
    choropleth_section,
    market_section,
    single_section,
)
from kzmap.maps.popups import PROVENANCE_FIELDS
from kzmap.maps.style import layer_style, validate_style

if TYPE_CHECKING:
    import geopandas as gpd

    from kzmap.maps.choropleth import ChoroplethOptions, Classes
    from kzmap.maps.style import Geometry, Style

__all__ = [
    "classes_for",
    "dates_as_text",
    "extra_fields",
    "feature_styles",
    "geometry_kind",
    "legend_for",
    "records",
]

#: Layers coloured by their ``market`` column.
_MARKET_LAYERS = {
    "corridors",
    "fuel_corridors",
    "routes",
    "tunnels",
    "affected_regions",
}
#: Extra popup rows of both corridor layers.
_CORRIDOR_FIELDS = (
    "from_country",
    "to_country",
    "via",
    "schematic",
    "driver",
    "figures",
    "location_note",
)
#: Extra popup rows per packaged layer (provenance rows are always shown).
_EXTRA_FIELDS = {
    "tunnels": ("length_m", "found", "precision_km"),
    "fuel_corridors": _CORRIDOR_FIELDS,
    "corridors": _CORRIDOR_FIELDS,
    "crossings": ("name_other_side", "mode", "status", "location_source"),
    "affected_regions": ("claim",),
    "cities": ("population",),
    "regions": ("admin_centre", "valid_from", "legacy_id"),
    "borders": ("length_km",),
}


def geometry_kind(frame: gpd.GeoDataFrame) -> Geometry:
    """Return the legend geometry of `frame`: point, line, else polygon."""
    types = set(frame.geom_type.dropna())
    if types and types <= {"Point", "MultiPoint"}:
        return "point"
    if types and types <= {"LineString", "MultiLineString"}:
        return "line"
    return "polygon"


def dates_as_text(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Write datetime columns as ISO text: dates alone when every time is 00:00."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if column == out.geometry.name or not pd.api.types.is_datetime64_any_dtype(
            values
        ):
            continue
        stamps = pd.to_datetime(values)
        midnight = bool((stamps.dropna() == stamps.dropna().dt.normalize()).all())
        text = stamps.dt.strftime("%Y-%m-%d" if midnight else "%Y-%m-%dT%H:%M:%S")
        out[column] = text.astype("object").where(stamps.notna(), None)
    return out


def records(frame: gpd.GeoDataFrame) -> list[dict[str, object]]:
    """Return each feature's properties as a dict with string keys."""
    plain = frame.drop(columns=frame.geometry.name)
    return [{str(k): v for k, v in r.items()} for r in plain.to_dict("records")]


def feature_styles(
    layer: str, records: list[dict[str, object]], classes: Classes | None
) -> list[Style]:
    """Return each feature's validated Leaflet style (choropleth fills if any)."""
    styles = [layer_style(layer, r) for r in records]
    if classes is None:
        return styles
    return [
        validate_style(
            {**s, "fillColor": classes.colour_of(r.get(classes.column))}
            | {"fillOpacity": 0.8, "color": "#555555", "weight": 0.8}
        )
        for s, r in zip(styles, records, strict=True)
    ]


def legend_for(
    *,
    layer: str,
    title: str,
    frame: gpd.GeoDataFrame,
    records: list[dict[str, object]],
    classes: Classes | None,
    lang: str,
) -> LegendSection | None:
    """Return the legend section of a layer as drawn; None for the basemap."""
    geometry = geometry_kind(frame)
    if classes is not None:
        return choropleth_section(title, classes, geometry, lang)
    if layer in {"countries", "water"} or not records:  # basemap: no legend
        return None
    if "market" in frame.columns and (layer in _MARKET_LAYERS or not _packaged(layer)):
        return market_section(
            layer, title, geometry, [r.get("market") for r in records], lang
        )
    return single_section(layer, title, geometry, records[0])


def _packaged(layer: str) -> bool:
    return layer in available_layers()


def extra_fields(layer: str, frame: gpd.GeoDataFrame) -> list[str]:
    """Return the fields a layer's popups list beyond the provenance rows."""
    if _packaged(layer):
        return [f for f in _EXTRA_FIELDS.get(layer, ()) if f in frame.columns]
    geometry = frame.geometry.name
    return [
        str(c) for c in frame.columns if c != geometry and c not in PROVENANCE_FIELDS
    ]


def classes_for(
    frame: gpd.GeoDataFrame, options: ChoroplethOptions | None, layer: str
) -> Classes | None:
    """Return the choropleth classes of `frame`, or None without options."""
    if options is None:
        return None
    if options.column not in frame.columns:
        columns = ", ".join(repr(str(c)) for c in frame.columns)
        msg = (
            f"Layer {layer!r} has no column {options.column!r} for the choropleth; "
            f"its columns are {columns}."
        )
        raise DataError(msg)
    return classify(
        frame[options.column],
        column=options.column,
        scheme=options.scheme,
        k=options.k,
        bins=options.bins,
    )
