"""The packaged layers: their names, metadata and loader.

Each packaged layer is parsed at most once per process and kept read-only in
a cache; `load` hands out a copy. The files are read without the user-file
checks of `kzmap.geo.read` (size caps, text and geometry checks, swap
detection): they are data kzmap ships, and ``tests/layers/test_catalog.py``
checks that this fast path gives the same frame as the checked reader for
every packaged layer.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from importlib.resources import as_file, files
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd

from kzmap.geo.crs import STORAGE_CRS
from kzmap.geo.errors import LayerNotFoundError

if TYPE_CHECKING:
    from pathlib import Path

__all__ = [
    "LayerInfo",
    "analysis_layers",
    "available_layers",
    "catalog",
    "layer_info",
    "load",
    "read_shipped",
]

_DATA = files("kzmap.layers") / "data"


@dataclass(frozen=True)
class LayerInfo:
    """Metadata of one packaged layer, as listed by ``kzmap layers``."""

    name: str
    title: str
    description: str
    geometry_type: str
    feature_count: int
    sources: tuple[str, ...]
    source_urls: tuple[str, ...]
    licence: str
    checked: str
    geometry_quality: str
    disclaimer: str
    #: True for a basemap-only layer (``basemap = true`` in the catalog: the
    #: surrounding land, its outlines, the rivers): drawn under the maps for
    #: orientation, coarse, with no names or data to count; not an analysis
    #: target (``kzmap join --to`` refuses it).
    basemap: bool = False


def available_layers() -> list[str]:
    """Return the names of the packaged layers, sorted."""
    return sorted(
        p.name.removesuffix(".geojson")
        for p in _DATA.iterdir()
        if p.name.endswith(".geojson")
    )


def _require_name(name: str) -> str:
    names = available_layers()
    if name not in names:
        msg = f"No packaged layer named {name!r}. Available: {', '.join(names)}."
        raise LayerNotFoundError(msg)
    return name


def load(name: str) -> gpd.GeoDataFrame:
    """
    Load the packaged layer `name` as a new GeoDataFrame in EPSG:4326.

    Parameters
    ----------
    name
        One of `available_layers()`, for example ``"countries"``.

    Returns
    -------
    geopandas.GeoDataFrame
        A fresh frame (lon, lat; EPSG:4326) with the layer's properties.

    Raises
    ------
    LayerNotFoundError
        If no packaged layer has that name.

    Examples
    --------
    >>> load("countries").crs.to_epsg()
    4326
    """
    return _cached(_require_name(name)).copy()


def read_shipped(path: str | Path) -> gpd.GeoDataFrame:
    """
    Read a GeoJSON file kzmap ships, without the checks for users' files.

    The result equals ``kzmap.geo.read_vector(path)`` for every packaged layer
    (a test checks it); use `read_vector` for anything else.
    """
    frame = gpd.read_file(path, engine="pyogrio", DATE_AS_STRING="YES")
    for column in frame.columns:
        if pd.api.types.is_signed_integer_dtype(frame[column].dtype):
            frame[column] = frame[column].astype("int64")
    return frame.to_crs(STORAGE_CRS)


@functools.cache
def _cached(name: str) -> gpd.GeoDataFrame:
    """Return the parsed layer `name`, shared: never hand it out, copy it."""
    with as_file(_DATA / f"{name}.geojson") as path:
        return read_shipped(path)


@functools.cache
def _metadata() -> dict[str, dict[str, object]]:
    text = (_DATA / "catalog.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


@functools.cache
def _shape(name: str) -> tuple[str, int]:
    """Return the geometry type (``Point``, ``Polygon`` …) and feature count."""
    frame = _cached(name)
    types = sorted(set(frame.geom_type.dropna().str.removeprefix("Multi")))
    return ("/".join(types) if types else "None"), len(frame)


def layer_info(name: str) -> LayerInfo:
    """Return the catalog entry of layer `name`; raise `LayerNotFoundError` if none."""
    meta = _metadata().get(_require_name(name), {})
    geometry_type, count = _shape(name)
    return LayerInfo(
        name=name,
        title=str(meta.get("title", name)),
        description=str(meta.get("description", "")),
        geometry_type=geometry_type,
        feature_count=count,
        sources=tuple(str(s) for s in meta.get("sources", ())),  # type: ignore[attr-defined]
        source_urls=tuple(str(s) for s in meta.get("source_urls", ())),  # type: ignore[attr-defined]
        licence=str(meta.get("licence", "")),
        checked=str(meta.get("checked", "")),
        geometry_quality=str(meta.get("geometry_quality", "")),
        disclaimer=str(meta.get("disclaimer", "")),
        basemap=meta.get("basemap") is True,
    )


def catalog() -> list[LayerInfo]:
    """Return the catalog entry of every packaged layer, sorted by name."""
    return [layer_info(name) for name in available_layers()]


def analysis_layers() -> list[str]:
    """
    Return the packaged layers meant for analysis: all but the basemap-only ones.

    Examples
    --------
    >>> "context" in analysis_layers(), "countries" in analysis_layers()
    (False, True)
    """
    return [
        name
        for name in available_layers()
        if not _metadata().get(name, {}).get("basemap")
    ]
