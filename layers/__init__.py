"""Curated, sourced layers shipped with kzmap, and their catalog."""

from kzmap.layers.catalog import LayerInfo, available_layers, catalog, layer_info, load
from kzmap.layers.crosswalk import legacy_to_current, load_crosswalk

__all__ = [
    "LayerInfo",
    "available_layers",
    "catalog",
    "layer_info",
    "legacy_to_current",
    "load",
    "load_crosswalk",
]
