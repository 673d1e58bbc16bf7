"""Inline Leaflet into rendered pages so maps open offline with no request."""

from __future__ import annotations

import base64
import re
from functools import cache
from importlib.resources import files

from branca.element import Element, Figure

from kzmap.geo.errors import KzmapError

__all__ = ["InlineAsset", "OfflineAssetError", "inline_assets", "require_asset"]

_LEAFLET = files("xstatic.pkg.leaflet") / "data"
#: kzmap's own browser code, shipped as package data (maps/js, maps/static).
_OWN = files("kzmap.maps")
_OWN_ASSETS = {
    "compact.js": "js",
    "points.js": "js",
    "controls.js": "js",
    "pick.js": "js",
    "filters.js": "js",
    "search.js": "js",
    "heat.js": "js",
    "kzmap.css": "static",
    # screen and print layout (issue 13)
    "layout.js": "js",
    "layout.css": "static",
}

# folium links these from CDNs; none is needed by what kzmap draws (GeoJSON,
# tooltips, popups, layer control), so the offline page drops them.
_DROPPED = (
    "jquery",
    "bootstrap",
    "awesome-markers",
    "fontawesome",
    "font-awesome",
    "leaflet.awesome.rotate",
)
#: Folium plugins with no offline copy, and what kzmap offers offline instead.
_ALTERNATIVES = (
    ("fullscreen", "Use kzmap.maps.add_fullscreen instead, which works offline."),
    ("leaflet-measure", "Use kzmap.maps.add_measure instead, which works offline."),
    ("markercluster", "Use kzmap.maps.add_points (it groups dense points) instead."),
    ("leaflet_heat", "Use kzmap.maps.add_points (it groups dense points) instead."),
    ("timedimension", "Use kzmap.maps.add_time_slider instead, which works offline."),
    ("leaflet.timeline", "Use kzmap.maps.add_time_slider instead."),
    ("minimap", "kzmap has no offline minimap; remove it for offline maps."),
)
_SCRIPT = re.compile(r'<script src="(?P<url>[^"]+)"></script>\s*')
_LINK = re.compile(r'<link rel="stylesheet" href="(?P<url>[^"]+)"/>\s*')
_URL_IN_CSS = re.compile(r"url\((?P<name>images/[\w.-]+\.png)\)")


class OfflineAssetError(KzmapError, RuntimeError):
    """A page links a script or stylesheet that kzmap cannot inline."""


class InlineAsset(Element):
    """
    One of kzmap's own scripts or stylesheets, written into the page verbatim.

    Unlike a plain branca `Element`, the text is not used as a Jinja template,
    so nothing in it is ever evaluated by folium's rendering pass.
    """

    def __init__(self, name: str) -> None:
        super().__init__()
        self._name = "InlineAsset"
        self.asset = name
        self.text = _own_asset_tag(name)

    def render(self, **kwargs: object) -> str:
        """Return the ``<script>`` or ``<style>`` element."""
        return self.text


def require_asset(figure: Figure, name: str) -> None:
    """
    Inline kzmap's asset `name` once in the page header of `figure`.

    Called by kzmap's elements while they render; repeated calls add nothing.

    Parameters
    ----------
    figure
        The page (``m.get_root()``).
    name
        File name of the asset, e.g. ``"points.js"``.

    Raises
    ------
    OfflineAssetError
        If `name` is not an asset of the installed kzmap package.
    """
    key = f"kzmap_asset_{name}"
    if key not in figure.header._children:
        figure.header.add_child(InlineAsset(name), name=key)


@cache
def _own_asset_tag(name: str) -> str:
    folder = _OWN_ASSETS.get(name)
    resource = _OWN / (folder or "js") / name
    if folder is None or not resource.is_file():
        msg = (
            f"kzmap has no browser asset {name!r} (known: "
            f"{', '.join(sorted(_OWN_ASSETS))}); the installed package may be "
            "incomplete: reinstall kzmap."
        )
        raise OfflineAssetError(msg)
    text = resource.read_text(encoding="utf-8")
    if name.endswith(".css"):
        return "<style>" + text.replace("</style", "<\\/style") + "</style>\n"
    return _script_tag(text)


def _script_tag(js: str) -> str:
    # "</script" inside the code would close the element early.
    return "<script>" + js.replace("</script", "<\\/script") + "</script>\n"


@cache
def _leaflet_css() -> str:
    css = (_LEAFLET / "leaflet.css").read_text(encoding="utf-8")

    def data_uri(match: re.Match[str]) -> str:
        raw = (_LEAFLET / match["name"]).read_bytes()
        return f"url(data:image/png;base64,{base64.b64encode(raw).decode()})"

    return _URL_IN_CSS.sub(data_uri, css)


@cache
def _leaflet_js() -> str:
    return (_LEAFLET / "leaflet.js").read_text(encoding="utf-8")


def _inline_for(url: str) -> str | None:
    """Return the inline element replacing `url`, '' to drop it, None if unknown."""
    name = url.rsplit("/", 1)[-1].lower()
    if name == "leaflet.js":
        return _script_tag(_leaflet_js())
    if name == "leaflet.css":
        return "<style>" + _leaflet_css() + "</style>\n"
    if any(key in url.lower() for key in _DROPPED):
        return ""
    return None


def _missing_message(url: str) -> str:
    msg = (
        f"No offline copy of {url!r}; the element that needs it cannot be used "
        "in an offline map."
    )
    for key, alternative in _ALTERNATIVES:
        if key in url.lower():
            return f"{msg} {alternative}"
    return (
        f"{msg} Remove the element, or save with offline=False to keep "
        "CDN links (the page then needs the network)."
    )


def inline_assets(page: str) -> str:
    """
    Replace every linked script and stylesheet in `page` by inline code.

    Parameters
    ----------
    page
        A rendered folium page.

    Returns
    -------
    str
        The page with Leaflet inlined and folium's unused CDN links removed.

    Raises
    ------
    OfflineAssetError
        If the page links an asset kzmap has no offline copy of.
    """

    def replace(match: re.Match[str]) -> str:
        inline = _inline_for(match["url"])
        if inline is None:
            raise OfflineAssetError(_missing_message(match["url"]))
        return inline

    return _LINK.sub(replace, _SCRIPT.sub(replace, page))
