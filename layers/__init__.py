"""Curated, sourced layers shipped with kzmap, and their catalog."""

from typing import TYPE_CHECKING

from kzmap.geo._lazy import lazy_package

if TYPE_CHECKING:
    from kzmap.layers.catalog import (
        LayerInfo,
        analysis_layers,
        available_layers,
        catalog,
        layer_info,
        load,
    )
    from kzmap.layers.crosswalk import legacy_to_current, load_crosswalk
    from kzmap.layers.geocode import geocode, geocode_summary
    from kzmap.layers.geocode_data import load_gazetteer
    from kzmap.layers.join import DEFAULT_REGIONS, RegionCounts, points_to_regions
    from kzmap.layers.markets import MARKETS, is_market

__all__ = [
    "DEFAULT_REGIONS",
    "MARKETS",
    "LayerInfo",
    "RegionCounts",
    "analysis_layers",
    "available_layers",
    "catalog",
    "geocode",
    "geocode_summary",
    "is_market",
    "layer_info",
    "legacy_to_current",
    "load",
    "load_crosswalk",
    "load_gazetteer",
    "points_to_regions",
]

lazy_package(
    __name__,
    {
        "kzmap.layers.catalog": (
            "LayerInfo",
            "analysis_layers",
            "available_layers",
            "catalog",
            "layer_info",
            "load",
        ),
        "kzmap.layers.crosswalk": (
            "legacy_to_current",
            "load_crosswalk",
        ),
        "kzmap.layers.geocode": (
            "geocode",
            "geocode_summary",
        ),
        "kzmap.layers.geocode_data": ("load_gazetteer",),
        "kzmap.layers.join": (
            "DEFAULT_REGIONS",
            "RegionCounts",
            "points_to_regions",
        ),
        "kzmap.layers.markets": (
            "MARKETS",
            "is_market",
        ),
    },
)
