"""Turn a folium map into a deterministic, offline HTML page and save it."""

from __future__ import annotations

import hashlib
import html
from typing import TYPE_CHECKING, cast

from kzmap.geo.output import write_text_atomic
from kzmap.maps.offline import inline_assets
from kzmap.maps.page import page_state

if TYPE_CHECKING:
    import os
    from collections.abc import Iterable, Iterator
    from pathlib import Path

    import folium
    from branca.element import Element, Figure

__all__ = ["embed_html", "map_to_html", "save_html"]


def _stable_ids(m: folium.Map) -> None:
    """Replace branca's random element ids by ids derived from tree position.

    An element's id hashes its parent's id, its index among the parent's
    children and its type, so children added later (rendering itself adds
    scripts and links to the page header) never renumber existing elements.
    """
    root = m.get_root()
    root._id = _id_from(f"root:{type(root).__name__}")
    stack: list[Element] = [root]
    while stack:
        parent = stack.pop()
        for index, child in enumerate(list(parent._children.values())):
            child._id = _id_from(f"{parent._id}/{index}:{type(child).__name__}")
            stack.append(child)


def _walk(element: Element) -> Iterator[Element]:
    yield element
    for child in list(element._children.values()):
        yield from _walk(child)


def _forget_render_output(root: Element) -> None:
    rendered: list[tuple[Element, list[str]]] = getattr(root, "_kzmap_rendered", [])
    for element, keys in rendered:
        for key in keys:
            element._children.pop(key, None)


def _id_from(seed: str) -> str:
    return hashlib.blake2b(seed.encode(), digest_size=16).hexdigest()


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
    root = cast("Figure", m.get_root())
    _forget_render_output(root)
    _stable_ids(m)
    tree = [root.header, root.html, root.script, *_walk(root)]
    before = [(element, set(element._children)) for element in tree]
    page: str = root.render()
    # What rendering adds to the tree (scripts, links, data blocks, folium's
    # per-render children) is dropped before the next render, which makes it
    # afresh: rendering twice gives the same page, not two copies.
    rendered = [
        (element, [k for k in element._children if k not in keys])
        for element, keys in before
    ]
    root._kzmap_rendered = rendered  # type: ignore[attr-defined]
    page = page.replace("<html>", f'<html lang="{_lang(m)}">', 1)
    return inline_assets(page) if offline else page


def _lang(m: folium.Map) -> str:
    try:
        return page_state(m).lang
    except ValueError:
        return "en"


def embed_html(
    page: str, *, title: str = "", width: int = 1280, height: int = 800
) -> str:
    """
    Return an HTML fragment that shows `page` in a sandboxed ``<iframe srcdoc>``.

    The whole page is attribute-escaped into ``srcdoc``, so the fragment can be
    pasted into another page, any number of times: each copy runs in its own
    document (scripts allowed, no access to the host page), so ids never clash.

    Parameters
    ----------
    page
        A complete page from `map_to_html`.
    title
        Accessible name of the frame (escaped); empty gives "Map".
    width, height
        Size in CSS pixels; the frame keeps this aspect ratio and shrinks to
        the host's width.

    Returns
    -------
    str

    Examples
    --------
    >>> embed_html('<p title="x">a & b</p>', title="<T>")[:60]
    '<iframe class="kzmap-embed" title="&lt;T&gt;" width="1280" h'
    """
    label = html.escape(title or "Map", quote=True)
    return (
        f'<iframe class="kzmap-embed" title="{label}" width="{int(width)}" '
        f'height="{int(height)}" style="border:0;max-width:100%;'
        f'aspect-ratio:{int(width)}/{int(height)};height:auto" '
        'sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox" '
        'referrerpolicy="no-referrer" '
        f'srcdoc="{html.escape(page, quote=True)}"></iframe>\n'
    )


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
