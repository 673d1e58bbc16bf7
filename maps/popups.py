"""Escaped tooltip and popup HTML built from a feature's properties."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kzmap.maps.escape import safe_link, safe_text
from kzmap.maps.i18n import (
    feature_name,
    field_label,
    market_label,
    message,
    value_label,
)

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

__all__ = [
    "PROVENANCE_FIELDS",
    "feature_name",
    "meta_line",
    "popup_html",
    "tooltip_html",
]

#: Fields the popup shows in its own rows; every other field is "extra".
PROVENANCE_FIELDS = frozenset(
    {"id", "name", "description", "date", "confidence", "source", "source_url"}
    | {"name_en", "name_ru", "name_kk", "market", "location_basis"}
)
_MAX_EXTRA = 25


def tooltip_html(props: Mapping[str, object], lang: str = "en") -> str:
    """
    Return the escaped tooltip text: the feature's name in `lang`.

    Examples
    --------
    >>> tooltip_html({"name_en": "<b>A</b>", "name_ru": "Б"}, "ru")
    'Б'
    """
    return safe_text(feature_name(props, lang))


def _row(label: str, value_html: str) -> str:
    return f'<div class="kzmap-row"><i>{label}:</i> {value_html}</div>'


def _confidence(value: object, lang: str) -> str:
    text = safe_text(value)
    if text in {"confirmed", "reported", "approximate"}:
        return safe_text(message(f"confidence.{text}", lang))
    return text


def popup_html(
    props: Mapping[str, object],
    lang: str = "en",
    *,
    extra_fields: Sequence[str] = (),
) -> str:
    """
    Return escaped popup HTML for one feature.

    Shows the name in `lang`, market and description, then date, confidence
    and source on one line (a link only for an ``http(s)`` ``source_url``),
    then the `extra_fields` as "label: value" rows (at most 25) with labels
    and enumerated values from the message catalog.

    Parameters
    ----------
    props
        The feature's properties; values of any type (None and NaN are skipped).
    lang
        ``"en"``, ``"ru"`` or ``"kk"``: name field and labels.
    extra_fields
        More property names to list; names and values are escaped.

    Returns
    -------
    str
        HTML in which every value from `props` is escaped with `safe_text`.

    Examples
    --------
    >>> popup_html({"name_en": "{{7*7}}"})
    '<div class="kzmap-popup"><b>&#123;&#123;7*7&#125;&#125;</b></div>'
    """
    parts = [f"<b>{tooltip_html(props, lang)}</b>"]
    market = safe_text(market_label(props.get("market"), lang))
    if market:
        parts.append(f'<div class="kzmap-market">{market}</div>')
    description = safe_text(props.get("description"))
    if description:
        parts.append(f'<div class="kzmap-desc">{description}</div>')
    meta = meta_line(props, lang)
    if meta:
        parts.append(meta)
    for field in list(extra_fields)[:_MAX_EXTRA]:
        value = safe_text(value_label(field, props.get(field), lang))
        if value and safe_text(props.get(field)):
            parts.append(_row(safe_text(field_label(field, lang)), value))
    return '<div class="kzmap-popup">' + "".join(parts) + "</div>"


def meta_line(props: Mapping[str, object], lang: str = "en") -> str:
    """
    Return date, confidence and linked source as one escaped line, or "".

    Each part carries its label as a ``title`` (shown on hover).

    Examples
    --------
    >>> meta_line({"date": "2025"})
    '<div class="kzmap-meta"><span title="Date">2025</span></div>'
    """
    pieces = []
    date = safe_text(props.get("date"))
    if date:
        pieces.append(f'<span title="{_label("date", lang)}">{date}</span>')
    confidence = _confidence(props.get("confidence"), lang)
    if confidence:
        label = _label("confidence", lang)
        pieces.append(f'<span title="{label}">{confidence}</span>')
    source = safe_link(props.get("source"), props.get("source_url"))
    if source:
        pieces.append(f'<span title="{_label("source", lang)}">{source}</span>')
    if not pieces:
        return ""
    return '<div class="kzmap-meta">' + " · ".join(pieces) + "</div>"


def _label(key: str, lang: str) -> str:
    return safe_text(message(f"popup.{key}", lang))
