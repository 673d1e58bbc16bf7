"""Vector layers embedded compactly: deflate-compressed GeoJSON inflated in the page."""

from __future__ import annotations

import base64
import json
import zlib
from types import SimpleNamespace
from typing import TYPE_CHECKING, cast

import folium
from branca.element import Element, Figure

from kzmap.maps.offline import require_asset

if TYPE_CHECKING:
    from collections.abc import Callable

    from jinja2 import Template

__all__ = ["COORDINATE_DECIMALS", "CompactGeoJson", "DataBlock", "compact_geojson"]

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


def _rounded(coordinates: object) -> object:
    """Round every number of a GeoJSON coordinate array to `COORDINATE_DECIMALS`."""
    if isinstance(coordinates, list | tuple):
        return [_rounded(c) for c in coordinates]
    if isinstance(coordinates, float):
        return round(coordinates, COORDINATE_DECIMALS)
    return coordinates


def _geometry(geometry: object) -> object:
    if not isinstance(geometry, dict):
        return geometry
    out = dict(geometry)
    if "coordinates" in out:
        out["coordinates"] = _rounded(out["coordinates"])
    if "geometries" in out:
        out["geometries"] = [_geometry(g) for g in out["geometries"]]
    return out


def compact_geojson(data: dict[str, object]) -> bytes:
    """
    Return a FeatureCollection as zlib-compressed UTF-8 JSON, coordinates rounded.

    Coordinates are rounded to `COORDINATE_DECIMALS` decimals; nothing else
    changes (no vertex is dropped). The bytes are deterministic.

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
    >>> import zlib
    >>> fc = {"type": "FeatureCollection", "features": [{"type": "Feature",
    ...     "properties": {}, "geometry": {"type": "Point",
    ...     "coordinates": [76.912345, 43.25]}}]}
    >>> zlib.decompress(compact_geojson(fc)).decode()[-45:]
    'pe":"Point","coordinates":[76.9123,43.25]}}]}'
    """
    features = cast("list[dict[str, object]]", data.get("features", []))
    shown = {
        **data,
        "features": [{**f, "geometry": _geometry(f.get("geometry"))} for f in features],
    }
    text = json.dumps(shown, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return zlib.compress(text.encode("utf-8"), 9)


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
