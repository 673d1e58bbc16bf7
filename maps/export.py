"""Turn a folium map into a deterministic, offline HTML page and save it."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from kzmap.geo.output import write_text_atomic
from kzmap.maps.offline import inline_assets

if TYPE_CHECKING:
    import os
    from collections.abc import Iterable, Iterator
    from pathlib import Path

    import folium
    from branca.element import Element

__all__ = ["map_to_html", "save_html"]


def _walk(element: Element) -> Iterator[Element]:
    yield element
    for child in list(element._children.values()):
        yield from _walk(child)


def _stable_ids(m: folium.Map) -> None:
    """Replace branca's random element ids by ids derived from tree position."""
    for n, element in enumerate(_walk(m.get_root())):
        seed = f"{n}:{type(element).__name__}".encode()
        element._id = hashlib.blake2b(seed, digest_size=16).hexdigest()


def map_to_html(m: folium.Map, *, offline: bool = True) -> str:
    """
    Render `m` to a complete HTML page.

    Element ids are derived from the map's structure, so the same map gives
    the same bytes on every render.

    Parameters
    ----------
    m
        The map.
    offline
        Inline Leaflet and drop unused CDN links (default); False keeps
        folium's CDN links.

    Returns
    -------
    str
        The page.
    """
    _stable_ids(m)
    page: str = m.get_root().render()
    return inline_assets(page) if offline else page


def save_html(
    m: folium.Map,
    path: str | os.PathLike[str],
    *,
    offline: bool = True,
    inputs: Iterable[str | os.PathLike[str]] = (),
) -> Path:
    """
    Render `m` and write it to `path` atomically.

    The page is rendered completely before anything is written, so a failed
    render leaves a previous file at `path` untouched.

    Parameters
    ----------
    m
        The map.
    path
        Output HTML file.
    offline
        See `map_to_html`.
    inputs
        Files the map was made from; `path` may not be one of them.

    Returns
    -------
    pathlib.Path
        The written path.
    """
    return write_text_atomic(path, map_to_html(m, offline=offline), inputs=inputs)
