"""Folium rendering of kzmap layers, map specs, offline HTML, embeds and PNG."""

from typing import TYPE_CHECKING

from kzmap.geo._lazy import lazy_package

if TYPE_CHECKING:
    from kzmap.maps.build import Outputs, build, read_user_layer, save
    from kzmap.maps.choropleth import ChoroplethOptions
    from kzmap.maps.escape import safe_link, safe_text, safe_url
    from kzmap.maps.export import embed_html, map_to_html, save_html
    from kzmap.maps.i18n import LANGUAGES
    from kzmap.maps.plugins import add_fullscreen, add_measure, add_time_slider
    from kzmap.maps.points import add_points
    from kzmap.maps.render import (
        add_layer,
        add_layer_control,
        add_packaged_layer,
        default_map,
        empty_map,
    )
    from kzmap.maps.routes import add_routes
    from kzmap.maps.spec import (
        Focus,
        LayerSpec,
        Spec,
        SpecError,
        find_spec,
        read_spec,
        shipped_specs,
    )
    from kzmap.maps.style import MARKET_COLOURS, market_colour

__all__ = [
    "LANGUAGES",
    "MARKET_COLOURS",
    "ChoroplethOptions",
    "Focus",
    "LayerSpec",
    "Outputs",
    "Spec",
    "SpecError",
    "add_fullscreen",
    "add_layer",
    "add_layer_control",
    "add_measure",
    "add_packaged_layer",
    "add_points",
    "add_routes",
    "add_time_slider",
    "build",
    "default_map",
    "embed_html",
    "empty_map",
    "find_spec",
    "map_to_html",
    "market_colour",
    "read_spec",
    "read_user_layer",
    "safe_link",
    "safe_text",
    "safe_url",
    "save",
    "save_html",
    "shipped_specs",
]

lazy_package(
    __name__,
    {
        "kzmap.maps.build": (
            "Outputs",
            "build",
            "read_user_layer",
            "save",
        ),
        "kzmap.maps.choropleth": ("ChoroplethOptions",),
        "kzmap.maps.escape": (
            "safe_link",
            "safe_text",
            "safe_url",
        ),
        "kzmap.maps.export": (
            "embed_html",
            "map_to_html",
            "save_html",
        ),
        "kzmap.maps.i18n": ("LANGUAGES",),
        "kzmap.maps.plugins": (
            "add_fullscreen",
            "add_measure",
            "add_time_slider",
        ),
        "kzmap.maps.points": ("add_points",),
        "kzmap.maps.render": (
            "add_layer",
            "add_layer_control",
            "add_packaged_layer",
            "default_map",
            "empty_map",
        ),
        "kzmap.maps.routes": ("add_routes",),
        "kzmap.maps.spec": (
            "Focus",
            "LayerSpec",
            "Spec",
            "SpecError",
            "find_spec",
            "read_spec",
            "shipped_specs",
        ),
        "kzmap.maps.style": (
            "MARKET_COLOURS",
            "market_colour",
        ),
    },
)
