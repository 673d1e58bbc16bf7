"""Escaped tooltip and popup HTML built from a feature's properties."""

from __future__ import annotations

from math import isnan
from typing import TYPE_CHECKING

from kzmap.maps.escape import safe_text, safe_url

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["feature_name", "popup_html", "tooltip_html"]

_LABELS = {
    "en": {"date": "Date", "confidence": "Confidence", "source": "Source"},
    "ru": {"date": "Дата", "confidence": "Достоверность", "source": "Источник"},
    "kk": {"date": "Күні", "confidence": "Сенімділік", "source": "Дереккөз"},
}


def feature_name(props: Mapping[str, object], lang: str = "en") -> str:
    """Return the raw (unescaped) display name of a feature in `lang`, else English."""
    for key in (f"name_{lang}", "name_en", "name", "id"):
        value = props.get(key)
        if value is None or value == "" or (isinstance(value, float) and isnan(value)):
            continue
        return str(value)
    return ""


def tooltip_html(props: Mapping[str, object], lang: str = "en") -> str:
    """Return the escaped tooltip text (the feature's name)."""
    return safe_text(feature_name(props, lang))


def popup_html(props: Mapping[str, object], lang: str = "en") -> str:
    """
    Return escaped popup HTML: name, description, date, confidence, source.

    Every value is escaped with `safe_text`; the source becomes a link only for
    an ``http(s)`` `source_url`.
    """
    labels = _LABELS.get(lang, _LABELS["en"])
    parts = [f"<b>{tooltip_html(props, lang)}</b>"]
    description = safe_text(props.get("description"))
    if description:
        parts.append(f"<div>{description}</div>")
    for key in ("date", "confidence"):
        value = safe_text(props.get(key))
        if value:
            parts.append(f"<div><i>{labels[key]}:</i> {value}</div>")
    source = safe_text(props.get("source"))
    url = safe_url(props.get("source_url"))
    if source and url:
        source = (
            f'<a href="{url}" target="_blank" rel="noopener noreferrer">{source}</a>'
        )
    if source:
        parts.append(f"<div><i>{labels['source']}:</i> {source}</div>")
    return '<div class="kzmap-popup">' + "".join(parts) + "</div>"
