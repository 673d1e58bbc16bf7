"""Escaped tooltip and popup HTML built from a feature's properties."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kzmap.maps.escape import safe_link, safe_text
from kzmap.maps.i18n import feature_name, market_label, message

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

__all__ = ["PROVENANCE_FIELDS", "feature_name", "popup_html", "tooltip_html"]

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

    Shows the name in `lang`, market, description, date, confidence and the
    source (a link only for an ``http(s)`` ``source_url``), then the
    `extra_fields` as "field: value" rows (at most 25).

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
    date = safe_text(props.get("date"))
    if date:
        parts.append(_row(safe_text(message("popup.date", lang)), date))
    confidence = _confidence(props.get("confidence"), lang)
    if confidence:
        label = safe_text(message("popup.confidence", lang))
        parts.append(_row(label, confidence))
    source = safe_link(props.get("source"), props.get("source_url"))
    if source:
        parts.append(_row(safe_text(message("popup.source", lang)), source))
    for field in list(extra_fields)[:_MAX_EXTRA]:
        value = safe_text(props.get(field))
        if value:
            parts.append(_row(safe_text(field), value))
    return '<div class="kzmap-popup">' + "".join(parts) + "</div>"
