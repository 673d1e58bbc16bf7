"""Curated, sourced layers shipped with kzmap, and their catalog."""

from kzmap.layers.catalog import LayerInfo, available_layers, catalog, layer_info, load

__all__ = ["LayerInfo", "available_layers", "catalog", "layer_info", "load"]
