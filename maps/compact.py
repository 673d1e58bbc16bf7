"""Vector layers embedded compactly: deflate-compressed GeoJSON inflated in the page."""

from __future__ import annotations

import base64
import json
import zlib
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast

import folium
from branca.element import Element, Figure

from kzmap.maps.offline import require_asset

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from jinja2 import Template

__all__ = [
    "COORDINATE_DECIMALS",
    "CompactGeoJson",
    "DataBlock",
    "compact_geojson",
    "expand_geojson",
]

#: Decimals of longitude/latitude in the page: 1e-4 degree (about 11 m), the
#: precision the packaged layers are shipped with.
COORDINATE_DECIMALS = 4
_EMPTY: dict[str, object] = {"type": "FeatureCollection", "features": []}
_MACROS = ("header", "html", "script")


class DataBlock(Element):  # type: ignore[misc]  # branca is untyped
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


#: Coordinates travel as integers in units of 10**-COORDINATE_DECIMALS degree.
SCALE = 10**COORDINATE_DECIMALS
#: The FeatureCollection member telling the page (and `expand_geojson`) that
#: coordinates are scaled integers, delta-encoded along each line or ring.
SCALE_MEMBER = "kzScale"


def _is_position(value: object) -> bool:
    return isinstance(value, list | tuple) and (
        not value or isinstance(value[0], int | float)
    )


def _encoded(coordinates: object) -> object:
    """
    Scale a GeoJSON coordinate array to integers; delta-encode each sequence.

    A lone position (a Point's) is absolute; in a sequence of positions (a
    line, a ring, a MultiPoint) each position after the first is stored as
    its difference from the one before. Neighbouring vertices are close, so
    the differences are short numbers that deflate well (about a third less
    than decimal JSON on the default map's polygons).
    """
    items = list(cast("Sequence[Any]", coordinates))
    if _is_position(items):
        return [round(float(c) * SCALE) for c in items]
    if items and _is_position(items[0]):
        out: list[list[int]] = []
        last: list[int] = []
        for position in items:
            current = [round(float(c) * SCALE) for c in position]
            out.append(
                [c - p for c, p in zip(current, last, strict=False)]
                + current[len(last) :]
            )
            last = current
        return out
    return [_encoded(c) for c in items]


def _decoded(coordinates: object) -> object:
    """Undo `_encoded`: running sums along each sequence, back to degrees."""
    items = list(cast("Sequence[Any]", coordinates))
    if _is_position(items):
        return [c / SCALE for c in items]
    if items and _is_position(items[0]):
        out: list[list[float]] = []
        total: list[int] = []
        for delta in items:
            total = [t + d for t, d in zip(total, delta, strict=False)] + list(
                delta[len(total) :]
            )
            out.append([c / SCALE for c in total])
        return out
    return [_decoded(c) for c in items]


def _geometry(geometry: object, code: Callable[[object], object]) -> object:
    if not isinstance(geometry, dict):
        return geometry
    out = dict(geometry)
    if "coordinates" in out:
        out["coordinates"] = code(out["coordinates"])
    if "geometries" in out:
        out["geometries"] = [_geometry(g, code) for g in out["geometries"]]
    return out


def compact_geojson(data: dict[str, object]) -> bytes:
    """
    Return a FeatureCollection as zlib-compressed UTF-8 JSON, coordinates packed.

    Coordinates are rounded to `COORDINATE_DECIMALS` decimals and written as
    integers (units of 1e-4 degree), each line or ring delta-encoded; the
    collection says so with a ``kzScale`` member. No vertex is dropped and
    properties are unchanged. `expand_geojson` (and ``maps/js/compact.js`` in
    the page) gives back plain GeoJSON. The bytes are deterministic.

    Parameters
    ----------
    data
        A GeoJSON FeatureCollection (lon/lat, EPSG:4326) as a dict.

    Returns
    -------
    bytes
        A zlib stream, as the browser's ``DecompressionStream("deflate")`` reads.

    Examples
    --------
    >>> fc = {"type": "FeatureCollection", "features": [{"type": "Feature",
    ...     "properties": {}, "geometry": {"type": "LineString",
    ...     "coordinates": [[76.912345, 43.25], [76.9, 43.2501]]}}]}
    >>> import zlib
    >>> zlib.decompress(compact_geojson(fc)).decode()[-46:]
    '[[769123,432500],[-123,1]]}}],"kzScale":10000}'
    >>> expand_geojson(compact_geojson(fc))["features"][0]["geometry"]["coordinates"]
    [[76.9123, 43.25], [76.9, 43.2501]]
    """
    features = cast("list[dict[str, object]]", data.get("features", []))
    shown = {
        **data,
        "features": [
            {**f, "geometry": _geometry(f.get("geometry"), _encoded)} for f in features
        ],
        SCALE_MEMBER: SCALE,
    }
    text = json.dumps(shown, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return zlib.compress(text.encode("utf-8"), 9)


def expand_geojson(blob: bytes) -> dict[str, object]:
    """
    Return the plain GeoJSON FeatureCollection packed by `compact_geojson`.

    Coordinates come back in degrees, rounded to `COORDINATE_DECIMALS`; the
    ``kzScale`` member is removed.
    """
    data = cast("dict[str, object]", json.loads(zlib.decompress(blob)))
    if data.pop(SCALE_MEMBER, None) != SCALE:
        return data
    features = cast("list[dict[str, object]]", data.get("features", []))
    data["features"] = [
        {**f, "geometry": _geometry(f.get("geometry"), _decoded)} for f in features
    ]
    return data


class _FeatureFreeTemplate:
    """Folium's GeoJson template, run with no inline features plus a load call.

    branca calls a template's macros through ``template.module``; this one
    hands out folium's macros wrapped so the layer's ``data`` is an empty
    FeatureCollection while they run (the features go in the data block).
    """

    def __init__(self, template: Template) -> None:
        self._template = template

    @property
    def module(self) -> SimpleNamespace:
        macros = self._template.module.__dict__
        return SimpleNamespace(
            **{
                part: _feature_free(
                    cast("Callable[..., str]", macros[part]), load=part == "script"
                )
                for part in _MACROS
                if part in macros
            }
        )


def _feature_free(macro: Callable[..., str], *, load: bool) -> Callable[..., str]:
    def call(this: CompactGeoJson, kwargs: dict[str, object]) -> str:
        data = this.data
        this.data = _EMPTY
        try:
            text = macro(this, kwargs)
        finally:
            this.data = data
        if not load:
            return text
        return f'{text}\nL.kzmap.addGeoJson({this.get_name()}, "{this.data_id()}");\n'

    return call


class CompactGeoJson(folium.GeoJson):  # type: ignore[misc]  # folium is untyped
    """
    A `folium.GeoJson` whose features travel compressed in the page.

    Styles, tooltips, popups, markers and ``onEachFeature`` work as in
    folium (they are options of the Leaflet layer, so they apply to features
    added later). The features are written as base64 of a zlib stream in a
    non-executed ``<script>`` block, never through folium's Jinja pass;
    ``L.kzmap.addGeoJson`` (``maps/js/compact.js``) inflates them with the
    browser's ``DecompressionStream`` and adds them to the layer, in page
    order, so layers stack as they were added. Browsers without
    ``DecompressionStream`` log a console warning and draw no features.
    """

    _template = _FeatureFreeTemplate(folium.GeoJson._template)

    def data_id(self) -> str:
        """Return the id of the page element holding the compressed features."""
        return f"{self.get_name()}_data"

    def render(self, **kwargs: object) -> None:  # type: ignore[override]
        """Write the compressed features beside the page, then render as folium."""
        figure = self.get_root()
        if isinstance(figure, Figure):
            require_asset(figure, "compact.js")
            encoded = base64.b64encode(compact_geojson(self.data)).decode("ascii")
            block = DataBlock(self.data_id(), encoded)
            figure.html.add_child(block, name=self.data_id())
        super().render(**kwargs)  # type: ignore[no-untyped-call]
