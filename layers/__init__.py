"""Curated, sourced layers shipped with kzmap, and their catalog."""

from kzmap.layers.catalog import LayerInfo, available_layers, catalog, layer_info, load
from kzmap.layers.join import DEFAULT_REGIONS, points_to_regions

__all__ = [
    "DEFAULT_REGIONS",
    "LayerInfo",
    "available_layers",
    "catalog",
    "layer_info",
    "load",
    "points_to_regions",
]
