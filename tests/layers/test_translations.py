"""Russian and Kazakh text of the shipped data: present, Cyrillic, same numbers.

Every shipped feature (layers, waypoints, route branches) whose free text
(description, claim, driver, figures, a branch's actors) is written in English
carries ``<field>_ru`` and ``<field>_kk``; a translation keeps every number of
the English (the multiset of digit runs, so "2,000" may become "2 000" but not
"2000" or "200") and is written in Cyrillic.
"""

from __future__ import annotations

import re
from collections import Counter

import pandas as pd
import pytest

from kzmap.layers import available_layers, load
from kzmap.routes import load_routes, load_waypoints

#: Free-text fields that are translated beside the English.
FIELDS = ("description", "claim", "driver", "figures", "actors")
LANGS = ("ru", "kk")
#: Three Latin words in a row: English free text (as the map's popups judge it).
_ENGLISH = re.compile(r"[A-Za-z]{2,}\W+[A-Za-z]{2,}\W+[A-Za-z]{2,}")
_DIGITS = re.compile(r"[0-9]+")
_LETTER = re.compile(r"[^\W\d_]")
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
#: Least share of Cyrillic among the letters of a translation (names of
#: sources such as GI-TOC, Orda.kz or GeoNames stay Latin).
MIN_CYRILLIC = 0.7


def _frames() -> dict[str, pd.DataFrame]:
    frames = {name: load(name) for name in available_layers()}
    frames["waypoints"] = load_waypoints()
    frames["routes"] = load_routes()
    return frames


FRAMES = _frames()


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _english_texts() -> list[tuple[str, str, str, pd.Series]]:
    """(layer, feature id, field, row) of every English free text shipped."""
    found = []
    for layer, frame in FRAMES.items():
        for field in FIELDS:
            if field not in frame.columns:
                continue
            for _, row in frame.iterrows():
                if _ENGLISH.search(_text(row[field])):
                    key = row.get("id", row.get("route_id", "?"))
                    found.append((layer, str(key), field, row))
    return found


ENGLISH = _english_texts()


def test_the_scan_sees_the_curated_texts() -> None:
    layers = {layer for layer, *_ in ENGLISH}
    assert {"crossings", "corridors", "affected_regions", "waypoints"} <= layers
    assert len(ENGLISH) > 200


@pytest.mark.parametrize("lang", LANGS)
def test_every_english_text_has_a_translation(lang: str) -> None:
    missing = [
        f"{layer} {key} {field}_{lang}"
        for layer, key, field, row in ENGLISH
        if not _text(row.get(f"{field}_{lang}"))
    ]
    assert missing == []


@pytest.mark.parametrize("lang", LANGS)
def test_translations_keep_every_number(lang: str) -> None:
    changed = []
    for layer, key, field, row in ENGLISH:
        english = Counter(_DIGITS.findall(_text(row[field])))
        translated = Counter(_DIGITS.findall(_text(row.get(f"{field}_{lang}"))))
        if english != translated:
            lost = sorted((english - translated).elements())
            added = sorted((translated - english).elements())
            changed.append(f"{layer} {key} {field}_{lang}: -{lost} +{added}")
    assert changed == []


@pytest.mark.parametrize("lang", LANGS)
def test_translations_are_cyrillic(lang: str) -> None:
    latin = []
    for layer, key, field, row in ENGLISH:
        text = _text(row.get(f"{field}_{lang}"))
        letters = _LETTER.findall(text)
        share = len(_CYRILLIC.findall(text)) / max(len(letters), 1)
        if share < MIN_CYRILLIC:
            latin.append(f"{layer} {key} {field}_{lang}: {share:.0%} Cyrillic")
    assert latin == []


def test_kazakh_is_not_the_russian_text() -> None:
    same = [
        f"{layer} {key} {field}"
        for layer, key, field, row in ENGLISH
        if _text(row.get(f"{field}_ru")) == _text(row.get(f"{field}_kk"))
    ]
    assert same == []


#: Layers whose names are knowingly incomplete: the water layer gives Kazakh
#: names only where they were checked (layers/data/catalog.toml, [water]).
PARTLY_NAMED = {"water"}


@pytest.mark.parametrize("lang", LANGS)
def test_every_named_feature_has_a_name(lang: str) -> None:
    unnamed = [
        f"{layer} {key}"
        for layer, frame in FRAMES.items()
        if "name_en" in frame.columns and layer not in PARTLY_NAMED
        for key, en, own in zip(
            frame.get("id", frame.index),
            frame["name_en"],
            frame[f"name_{lang}"]
            if f"name_{lang}" in frame.columns
            else [None] * len(frame),
            strict=True,
        )
        if _text(en) and not _text(own)
    ]
    assert unnamed == []
