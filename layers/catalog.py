"""The packaged layers: their names, metadata and loader."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib.resources import as_file, files
from typing import TYPE_CHECKING

from kzmap.geo.crs import STORAGE_CRS
from kzmap.geo.errors import LayerNotFoundError
from kzmap.geo.io import read_vector

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["LayerInfo", "available_layers", "catalog", "layer_info", "load"]

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
    _require_name(name)
    with as_file(_DATA / f"{name}.geojson") as path:
        frame = read_vector(path)
    return frame.to_crs(STORAGE_CRS)


def _metadata() -> dict[str, dict[str, object]]:
    text = (_DATA / "catalog.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def layer_info(name: str) -> LayerInfo:
    """Return the catalog entry of layer `name`; raise `LayerNotFoundError` if none."""
    _require_name(name)
    meta = _metadata().get(name, {})
    frame = load(name)
    types = sorted(set(frame.geom_type.dropna().str.removeprefix("Multi")))
    return LayerInfo(
        name=name,
        title=str(meta.get("title", name)),
        description=str(meta.get("description", "")),
        geometry_type="/".join(types) if types else "None",
        feature_count=len(frame),
        sources=tuple(str(s) for s in meta.get("sources", ())),  # type: ignore[attr-defined]
        source_urls=tuple(str(s) for s in meta.get("source_urls", ())),  # type: ignore[attr-defined]
        licence=str(meta.get("licence", "")),
        checked=str(meta.get("checked", "")),
        geometry_quality=str(meta.get("geometry_quality", "")),
        disclaimer=str(meta.get("disclaimer", "")),
    )


def catalog() -> list[LayerInfo]:
    """Return the catalog entry of every packaged layer, sorted by name."""
    return [layer_info(name) for name in available_layers()]
