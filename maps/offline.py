"""Inline Leaflet into rendered pages so maps open offline with no request."""

from __future__ import annotations

import base64
import re
from functools import cache
from importlib.resources import files

from kzmap.geo.errors import KzmapError

__all__ = ["OfflineAssetError", "inline_assets"]

_LEAFLET = files("xstatic.pkg.leaflet") / "data"

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
_SCRIPT = re.compile(r'<script src="(?P<url>[^"]+)"></script>\s*')
_LINK = re.compile(r'<link rel="stylesheet" href="(?P<url>[^"]+)"/>\s*')
_URL_IN_CSS = re.compile(r"url\((?P<name>images/[\w.-]+\.png)\)")


class OfflineAssetError(KzmapError, RuntimeError):
    """A page links a script or stylesheet that kzmap cannot inline."""


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
            msg = (
                f"No offline copy of {match['url']!r}; the element that needs it "
                "cannot be used in an offline map. Use online tiles/plugins "
                "explicitly or remove the element."
            )
            raise OfflineAssetError(msg)
        return inline

    return _LINK.sub(replace, _SCRIPT.sub(replace, page))
