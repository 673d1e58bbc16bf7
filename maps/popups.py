"""Escaped tooltip and popup HTML built from a feature's properties."""

from __future__ import annotations

import math
import re
from functools import cache
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
    "description_html",
    "display_name",
    "english_note",
    "feature_name",
    "localized",
    "meta_line",
    "popup_html",
    "tooltip_html",
]

#: Fields the popup shows in its own rows; every other field is "extra".
PROVENANCE_FIELDS = frozenset(
    {"id", "name", "description", "date", "confidence", "source", "source_url"}
    | {"name_en", "name_ru", "name_kk", "market", "location_basis"}
    | {"description_en", "description_ru", "description_kk"}
)
_MAX_EXTRA = 25
#: Three Latin words in a row: free text written in English.
_ENGLISH = re.compile(r"[A-Za-z]{2,}\W+[A-Za-z]{2,}\W+[A-Za-z]{2,}")


def _present(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def localized(props: Mapping[str, object], field: str, lang: str) -> tuple[str, bool]:
    """
    Return the raw text of `field` in `lang`, and whether it is English instead.

    ``<field>_<lang>`` (e.g. ``description_ru``) is used where the data has it;
    otherwise the field as written, flagged when it is English free text on a
    page in another language.

    Examples
    --------
    >>> localized({"description": "A hub town.", "description_ru": "Узел."}, "description", "ru")
    ('Узел.', False)
    >>> localized({"description": "The hub town."}, "description", "kk")
    ('The hub town.', True)
    """  # noqa: E501
    own = _present(props.get(f"{field}_{lang}"))
    if own:
        return own, False
    text = _present(props.get(field))
    return text, bool(text) and lang != "en" and bool(_ENGLISH.search(text))


def description_html(props: Mapping[str, object], lang: str) -> tuple[str, bool]:
    """
    Return the escaped description block in `lang`, and whether it is English.

    English text on a ru/kk page is marked ``lang="en"``; add `english_note`.
    """
    text, english = localized(props, "description", lang)
    if not text:
        return "", False
    attribute = ' lang="en"' if english else ""
    return f'<div class="kzmap-desc"{attribute}>{safe_text(text)}</div>', english


def english_note(lang: str) -> str:
    """Return the note, in `lang`, that descriptions and notes are in English."""
    note = safe_text(message("popup.in_english", lang))
    return f'<div class="kzmap-lang-note">{note}</div>'


@cache
def _names_by(layer: str, key: str, lang: str) -> dict[str, str]:
    """Name in `lang` of each feature of packaged `layer`, by its column `key`."""
    from kzmap.layers import load  # noqa: PLC0415  # only for `via` and border popups

    frame = load(layer)
    return {
        str(row[key]): feature_name({str(k): v for k, v in row.items()}, lang)
        for row in frame.drop(columns=frame.geometry.name).to_dict("records")
    }


def _via(value: object, lang: str) -> str:
    """Name the crossings of a ``via`` list of crossing ids (others as written)."""
    names = _names_by("crossings", "id", lang)
    ids = [v.strip() for v in _present(value).split(",") if v.strip()]
    return ", ".join(names.get(i, i) for i in ids)


def tooltip_html(props: Mapping[str, object], lang: str = "en") -> str:
    """
    Return the escaped tooltip text: the feature's name in `lang`.

    Examples
    --------
    >>> tooltip_html({"name_en": "<b>A</b>", "name_ru": "Б"}, "ru")
    'Б'
    """
    return safe_text(display_name(props, lang))


def display_name(props: Mapping[str, object], lang: str = "en") -> str:
    """
    Return the raw name of a feature in `lang` (`feature_name`).

    A border between two countries (``iso_a2_a``/``iso_a2_b``) without a name
    in `lang` is named from the two countries' names in `lang`.
    """
    a, b = _present(props.get("iso_a2_a")), _present(props.get("iso_a2_b"))
    if lang != "en" and a and b and not _present(props.get(f"name_{lang}")):
        names = _names_by("countries", "iso_a2", lang)
        if a in names and b in names:
            return message("popup.border", lang).format(a=names[a], b=names[b])
    return feature_name(props, lang)


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
    description, english = description_html(props, lang)
    note_at = len(parts)  # the note comes first, not below a long description
    if description:
        parts.append(description)
    meta = meta_line(props, lang)
    if meta:
        parts.append(meta)
    for field in list(extra_fields)[:_MAX_EXTRA]:
        if not safe_text(props.get(field)):
            continue
        if field == "via":
            parts.append(
                _row(safe_text(field_label(field, lang)), _via_html(props, lang))
            )
            continue
        text, free = localized(props, field, lang)
        label = value_label(field, text, lang)
        free = free and label == text  # not an enumerated value the catalog knows
        english = english or free
        value = safe_text(label)
        if value:
            shown = f'<span lang="en">{value}</span>' if free else value
            parts.append(_row(safe_text(field_label(field, lang)), shown))
    if english:
        parts.insert(note_at, english_note(lang))
    return '<div class="kzmap-popup">' + "".join(parts) + "</div>"


def _via_html(props: Mapping[str, object], lang: str) -> str:
    return safe_text(_via(props.get("via"), lang))


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
