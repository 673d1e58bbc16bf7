"""The sources panel: every citation behind the features shown, deduplicated."""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kzmap.maps.escape import safe_link, safe_text, safe_url
from kzmap.maps.i18n import message

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    import geopandas as gpd

__all__ = [
    "Citation",
    "citations_from_frame",
    "merge_citations",
    "row_source_key",
    "sources_html",
]

_MAX_DATES = 6


@dataclass(frozen=True)
class Citation:
    """One source as cited by features or a layer's catalog entry (raw text)."""

    text: str
    url: str | None = None
    dates: tuple[str, ...] = ()
    checked: str = ""
    layers: tuple[str, ...] = ()
    #: Which shown features keep the citation in the panel (maps/js/filters.js):
    #: ``"<layer n>:<row_source_key>"``, or ``"<layer n>:*"`` for a layer's own
    #: (catalog) sources; none: always listed.
    keys: tuple[str, ...] = ()


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


#: Source key of features that cite nothing (their layer's "no source" entry).
NO_SOURCE_KEY = "-"


def _key(text: str, url: str | None) -> str:
    raw = f"{text.casefold()}\n{url or ''}".encode()
    return hashlib.blake2s(raw, digest_size=5).hexdigest()


def row_source_key(row: Mapping[str, object]) -> str:
    """
    Return the key tying a feature to its entry in the sources panel.

    The same text and link give the same key, as `merge_citations` merges them;
    a feature without source gets `NO_SOURCE_KEY`.
    """
    text = _text(row.get("source"))
    url = _text(row.get("source_url"))
    if not text and not safe_url(url):
        return NO_SOURCE_KEY
    return _key(text or url, url if safe_url(url) else None)


def citations_from_frame(frame: gpd.GeoDataFrame, *, layer: str) -> list[Citation]:
    """
    Return one citation per feature ``source``/``source_url``/``date`` in `frame`.

    Features without a source give one "no source given" entry for the layer,
    so the panel never hides unsourced data. `layer` is the raw layer title.
    """
    found: list[Citation] = []
    missing = 0
    columns = set(frame.columns)
    for row in frame.to_dict("records"):
        text = _text(row.get("source")) if "source" in columns else ""
        url = _text(row.get("source_url")) if "source_url" in columns else ""
        if not text and not safe_url(url):
            missing += 1
            continue
        date = _text(row.get("date")) if "date" in columns else ""
        link = url if safe_url(url) else None
        found.append(
            Citation(
                text=text or url,
                url=link,
                dates=(date,) if date else (),
                layers=(layer,),
                keys=(_key(text or url, link),),
            )
        )
    if missing:
        found.append(Citation(text="", layers=(layer,), keys=(NO_SOURCE_KEY,)))
    return found


def merge_citations(citations: Iterable[Citation]) -> list[Citation]:
    """
    Merge citations with the same text and link; sort them by text.

    A citation without a link is folded into the linked one of the same text
    when exactly one such exists.
    """
    merged: dict[tuple[str, str | None], Citation] = {}
    for c in citations:
        key = (c.text.casefold(), c.url)
        old = merged.get(key)
        merged[key] = c if old is None else _join(old, c)
    for key in [k for k in merged if k[1] is None and k[0]]:
        linked = [k for k in merged if k[0] == key[0] and k[1] is not None]
        if len(linked) == 1:
            merged[linked[0]] = _join(merged[linked[0]], merged.pop(key))
    return sorted(merged.values(), key=lambda c: (c.text == "", c.text.casefold()))


def _join(a: Citation, b: Citation) -> Citation:
    return Citation(
        text=a.text,
        url=a.url or b.url,
        dates=tuple(sorted(set(a.dates) | set(b.dates))),
        checked=max(a.checked, b.checked),
        layers=tuple(dict.fromkeys((*a.layers, *b.layers))),
        keys=tuple(dict.fromkeys((*a.keys, *b.keys))) if a.keys and b.keys else (),
    )


def _item(c: Citation, lang: str) -> str:
    # kzmap's own keys (layer numbers and hex digests), never data
    li = f'<li data-kz-src="{" ".join(c.keys)}">' if c.keys else "<li>"
    if not c.text:
        layers = safe_text(", ".join(c.layers))
        return f"{li}<i>{layers}: {safe_text(message('ui.no_source', lang))}</i></li>"
    parts = [safe_link(c.text, c.url)]
    dates = list(c.dates[:_MAX_DATES]) + (["…"] if len(c.dates) > _MAX_DATES else [])
    if dates:
        parts.append(f'<span class="kzmap-dates">{safe_text(", ".join(dates))}</span>')
    if c.checked:
        checked = f"{message('ui.checked', lang)} {c.checked}"
        parts.append(f'<span class="kzmap-dates">{safe_text(checked)}</span>')
    parts.append(
        f'<span class="kzmap-cited-by">{safe_text(" · ".join(c.layers))}</span>'
    )
    return li + " ".join(parts) + "</li>"


def sources_html(
    citations: Sequence[Citation], *, lang: str, tiles_provider: str | None
) -> str:
    """
    Return the sources panel: citations, boundary disclaimer and network note.

    Parameters
    ----------
    citations
        Already merged citations, in display order.
    lang
        Interface language.
    tiles_provider
        Host the page loads tiles from, or None for an offline page.

    Returns
    -------
    str
        Escaped HTML; links only for ``http(s)`` URLs.
    """
    title = safe_text(message("ui.sources", lang))
    items = "".join(_item(c, lang) for c in citations)
    if tiles_provider:
        note = message("ui.tiles_note", lang).replace("{provider}", tiles_provider)
    else:
        note = message("ui.offline_note", lang)
    return (
        '<div id="kzmap-sources" class="kzmap-panel kzmap-sources">'
        '<details class="kzmap-sources-list">'
        f'<summary>{title} (<span class="kzmap-sources-n">{len(citations)}</span>)'
        "</summary>"
        f'<ol class="kzmap-sources-body">{items}</ol></details>'
        f'<div class="kzmap-disclaimer">{safe_text(message("ui.disclaimer", lang))}'
        f'</div><div class="kzmap-network">{safe_text(note)}</div></div>'
    )
