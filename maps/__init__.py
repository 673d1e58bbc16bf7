"""Folium rendering of kzmap layers, offline HTML export and PNG export."""

from kzmap.maps.escape import safe_text, safe_url
from kzmap.maps.export import map_to_html, save_html
from kzmap.maps.plugins import add_fullscreen, add_measure, add_time_slider
from kzmap.maps.points import add_points
from kzmap.maps.render import add_layer, default_map, empty_map

__all__ = [
    "add_fullscreen",
    "add_layer",
    "add_measure",
    "add_points",
    "add_time_slider",
    "default_map",
    "empty_map",
    "map_to_html",
    "safe_text",
    "safe_url",
    "save_html",
]
