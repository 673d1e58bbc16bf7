"""The map's languages: interface text from maps/messages/*.toml and feature names."""

from __future__ import annotations

import math
import tomllib
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Literal, cast, get_args

from kzmap.geo.errors import UsageError

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "LANGUAGES",
    "Language",
    "feature_name",
    "field_label",
    "layer_title",
    "market_label",
    "message",
    "require_language",
    "value_label",
]

Language = Literal["en", "ru", "kk"]

_MESSAGES = files("kzmap.maps") / "messages"


def _catalog_languages() -> tuple[Language, ...]:
    """Return the language of every catalog in maps/messages/, by ``[meta] order``."""
    found: list[tuple[int, str]] = []
    for entry in _MESSAGES.iterdir():
        if entry.name.endswith(".toml"):
            meta = tomllib.loads(entry.read_text(encoding="utf-8")).get("meta", {})
            found.append((int(meta.get("order", 99)), entry.name.removesuffix(".toml")))
    known = set(get_args(Language))
    codes = [code for _, code in sorted(found)]
    if set(codes) != known:  # a catalog added without teaching the type, or lost
        msg = f"Message catalogs {codes} do not match the Language type {known}."
        raise RuntimeError(msg)
    return cast("tuple[Language, ...]", tuple(codes))


#: Languages of the interface and of feature names (``name_<lang>`` fields):
#: one per message catalog, the single list the CLI, specs and maps use.
LANGUAGES: tuple[Language, ...] = _catalog_languages()


def require_language(lang: str) -> Language:
    """
    Return `lang` if kzmap speaks it, else raise `UsageError`.

    Examples
    --------
    >>> require_language("ru")
    'ru'
    """
    if lang not in LANGUAGES:
        msg = f"Unknown language {lang!r}; use one of {', '.join(LANGUAGES)}."
        raise UsageError(msg)
    return lang


@cache
def _catalog(lang: str) -> dict[str, dict[str, str]]:
    text = (_MESSAGES / f"{lang}.toml").read_text(encoding="utf-8")
    return cast("dict[str, dict[str, str]]", tomllib.loads(text))


def message(key: str, lang: str = "en") -> str:
    """
    Return the interface text `key` (``"section.name"``) in `lang`, else English.

    The text is raw, not escaped: escape it where it reaches HTML.

    Raises
    ------
    KeyError
        If English has no such key (a bug in kzmap, not in the data).

    Examples
    --------
    >>> message("ui.legend", "ru")
    'Условные обозначения'
    """
    section, _, name = key.partition(".")
    for code in (lang, "en"):
        if code not in LANGUAGES:
            continue
        value = _catalog(code).get(section, {}).get(name)
        if value:
            return value
    raise KeyError(key)


def _lookup(section: str, key: str, lang: str) -> str | None:
    for code in (lang, "en"):
        if code in LANGUAGES:
            value = _catalog(code).get(section, {}).get(key)
            if value:
                return value
    return None


def layer_title(layer: str, lang: str = "en") -> str:
    """Return the display title of packaged layer `layer`, else `layer` itself."""
    return _lookup("layers", layer, lang) or layer


def field_label(field: str, lang: str = "en") -> str:
    """
    Return the human label of property `field` (``[fields]`` of the catalog).

    A field the catalog does not know is shown with spaces for underscores.

    Examples
    --------
    >>> field_label("name_other_side", "ru")
    'Название на другой стороне'
    >>> field_label("my_column")
    'my column'
    """
    return _lookup("fields", field, lang) or field.replace("_", " ")


def value_label(field: str, value: object, lang: str = "en") -> str:
    """
    Return an enumerated value (``[values]``: ``"<field>.<value>"``) in `lang`.

    A value that starts with a known one and goes on in brackets keeps the
    bracketed data as written; anything else is returned as written.

    Examples
    --------
    >>> value_label("mode", "road+rail", "kk")
    'автомобиль және теміржол'
    >>> value_label("status", "open (things)", "ru")
    'открыт (things)'
    >>> value_label("schematic", True, "ru")
    'да'
    """
    text = "" if value is None else str(value).strip()
    found = _lookup("values", f"{field}.{text}", lang)
    if found:
        return found
    if text in ("True", "False"):  # a yes/no column
        return _lookup("values", f"bool.{text.lower()}", lang) or text
    head, bracket, rest = text.partition(" (")
    found = _lookup("values", f"{field}.{head}", lang) if bracket else None
    return f"{found} ({rest}" if found else text


def market_label(market: object, lang: str = "en") -> str:
    """
    Return the display name of criminal market `market` in `lang`.

    Unknown markets are shown as written in the data.

    Examples
    --------
    >>> market_label("fuel smuggling", "kk")
    'Жанармай контрабандасы'
    >>> market_label("brand-new market")
    'brand-new market'
    """
    text = str(market).strip() if _present(market) else ""
    return _lookup("markets", text.lower(), lang) or text


def _present(value: object) -> bool:
    if value is None or value == "":
        return False
    return not (isinstance(value, float) and math.isnan(value))


def feature_name(props: Mapping[str, object], lang: str = "en") -> str:
    """
    Return the raw (unescaped) display name of a feature in `lang`, else English.

    Looks at ``name_<lang>``, ``name_en``, ``name``, then ``id``.

    Examples
    --------
    >>> feature_name({"name_en": "Almaty", "name_kk": ""}, "kk")
    'Almaty'
    """
    for key in (f"name_{lang}", "name_en", "name", "id"):
        value = props.get(key)
        if _present(value):
            return str(value)
    return ""
