"""Escaped popup HTML and labels for route branches and their waypoints."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from kzmap.maps.escape import safe_text, safe_url
from kzmap.maps.i18n import message, value_label
from kzmap.maps.popups import description_html, english_note, localized, meta_line

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

__all__ = ["display_name", "labels_for", "route_popup", "waypoint_popup"]

#: Keys of the ``[routes]`` section of maps/messages/*.toml used by route popups.
_ROUTE_KEYS = (
    "title",
    "commodities",
    "actors",
    "value",
    "waypoints",
    "location",
    "inferred",
    "legend_sourced",
    "legend_inferred",
    "legend_arrow",
)


def labels_for(lang: str) -> dict[str, str]:
    """Return the label texts in `lang` (``"en"``, ``"ru"``, ``"kk"``), else English.

    The texts live in the message catalog (maps/messages/*.toml): route terms
    under ``[routes]``, and date/confidence/source under ``[popup]``.
    """
    labels = {key: message(f"routes.{key}", lang) for key in _ROUTE_KEYS}
    for key in ("date", "confidence", "source"):
        labels[key] = message(f"popup.{key}", lang)
    return labels


def _text(value: object) -> str:
    return (
        ""
        if value is None or (isinstance(value, float) and pd.isna(value))
        else str(value)
    )


def display_name(props: Mapping[str, object], lang: str) -> str:
    """Return the raw display name of a feature in `lang`, else English, else id."""
    for key in (f"name_{lang}", "name_en", "name", "id"):
        if _text(props.get(key)):
            return _text(props.get(key))
    return ""


def _linked(text: object, url: object) -> str:
    shown, href = safe_text(_text(text)), safe_url(url)
    if shown and href:
        return f'<a href="{href}" target="_blank" rel="noopener noreferrer">{shown}</a>'
    return shown


def _line(label: str, value: str) -> str:
    return f"<div><i>{label}:</i> {value}</div>" if value else ""


def _waypoint_item(w: Mapping[str, object], lang: str) -> str:
    """One escaped list item: name, role and linked source of a waypoint."""
    labels = labels_for(lang)
    role = safe_text(value_label("role", _text(w.get("role")), lang))
    flag = (
        f" <i>({labels['inferred']})</i>"
        if w.get("location_basis") == "inferred"
        else ""
    )
    source = _linked(w.get("source"), w.get("source_url"))
    return (
        f"<li><b>{safe_text(display_name(w, lang))}</b> ({role}){flag}. {source}</li>"
    )


def route_popup(
    route: Mapping[str, object], waypoints: Sequence[Mapping[str, object]], lang: str
) -> str:
    """Escaped popup HTML of a route: facts, sources and its waypoint list."""
    labels = labels_for(lang)
    value = safe_text(_text(route.get("value_estimate")))
    if value and _text(route.get("value_source")):
        value += (
            f" ({_linked(route.get('value_source'), route.get('value_source_url'))})"
        )
    description, english = description_html(route, lang)
    facts = []
    for key, field in (("commodities", "commodities"), ("actors", "actors")):
        text, free = localized(route, field, lang)
        english = english or free
        shown = f'<span lang="en">{safe_text(text)}</span>' if free else safe_text(text)
        facts.append(_line(labels[key], shown if text else ""))
    if value and lang != "en":  # the estimate is quoted from its source, in English
        english = True
        value = f'<span lang="en">{value}</span>'
    parts = [
        f"<b>{safe_text(display_name(route, lang))}</b>",
        english_note(lang) if english else "",
        description,
        meta_line(route, lang),
        *facts,
        _line(labels["value"], value),
    ]
    if waypoints:
        items = "".join(_waypoint_item(w, lang) for w in waypoints)
        parts.append(f"<div><i>{labels['waypoints']}:</i><ol>{items}</ol></div>")
    return '<div class="kzmap-popup kzmap-route-popup">' + "".join(parts) + "</div>"


def _description(props: Mapping[str, object], lang: str) -> tuple[str, str]:
    description, english = description_html(props, lang)
    return english_note(lang) if english else "", description


def waypoint_popup(w: Mapping[str, object], lang: str) -> str:
    """Escaped popup HTML of one waypoint."""
    labels = labels_for(lang)
    basis = value_label("basis", _text(w.get("location_basis")), lang)
    precision = _text(w.get("precision_km"))
    km = message("units.km", lang)
    where = basis + (f", ±{float(precision):g} {km}" if precision else "")
    parts = [
        f"<b>{safe_text(display_name(w, lang))}</b> "
        f"({safe_text(value_label('role', _text(w.get('role')), lang))})",
        *_description(w, lang),
        meta_line(w, lang),
        _line(labels["location"], safe_text(where)),
    ]
    return '<div class="kzmap-popup">' + "".join(parts) + "</div>"
