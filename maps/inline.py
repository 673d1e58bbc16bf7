"""Notebook display of kzmap maps from the same offline page as saved files."""

from __future__ import annotations

from html import escape

import folium

from kzmap.maps.export import map_to_html

__all__ = ["KzmapMap"]


class KzmapMap(folium.Map):  # type: ignore[misc]  # folium is untyped here
    """
    A folium map whose notebook display is kzmap's self-contained page.

    folium's own display links Leaflet and its plugins from CDNs, so with no
    network a notebook shows a blank map. This one shows the page
    `kzmap.maps.map_to_html` writes (Leaflet inlined, no request at all) in an
    ``<iframe srcdoc>``.
    """

    def _repr_html_(self, **_kwargs: object) -> str:
        page = map_to_html(self, offline=True)
        return (
            '<div class="kzmap-inline" style="position:relative;width:100%;'
            'height:0;padding-bottom:62%;">'
            f'<iframe srcdoc="{escape(page, quote=True)}" title="kzmap" '
            'style="position:absolute;inset:0;width:100%;height:100%;border:0;" '
            'sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox" '
            "allowfullscreen></iframe></div>"
        )
