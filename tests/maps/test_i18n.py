from __future__ import annotations

import tomllib
from importlib.resources import files

import pytest

from kzmap.geo import UsageError
from kzmap.maps.i18n import LANGUAGES, feature_name, layer_title, message


def _keys(lang: str) -> set[str]:
    text = (files("kzmap.maps") / "messages" / f"{lang}.toml").read_text("utf-8")
    data = tomllib.loads(text)
    return {f"{section}.{key}" for section, table in data.items() for key in table}


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_catalogs_have_exactly_the_english_keys(lang: str) -> None:
    assert _keys(lang) == _keys("en")


def test_message_falls_back_to_english_for_unknown_language() -> None:
    assert message("ui.legend", "xx") == "Legend"


def test_missing_key_is_a_bug() -> None:
    with pytest.raises(KeyError, match=r"ui\.nope"):
        message("ui.nope")


def test_feature_name_falls_back_to_english() -> None:
    props = {"name_en": "Almaty", "name_ru": "Алматы", "name_kk": None}
    assert feature_name(props, "ru") == "Алматы"
    assert feature_name(props, "kk") == "Almaty"
    assert feature_name({"id": "x-1"}, "kk") == "x-1"


def test_layer_titles_are_translated() -> None:
    assert layer_title("crossings", "kk") == "Өткізу пункттері"
    assert layer_title("my_file") == "my_file"


def test_unknown_language_is_refused_by_the_map() -> None:
    from kzmap.maps import empty_map

    with pytest.raises(
        UsageError, match=r"Unknown language 'de'; use one of en, ru, kk"
    ):
        empty_map(lang="de")


def test_languages_are_three() -> None:
    assert LANGUAGES == ("en", "ru", "kk")


def test_one_language_list_from_the_catalogs_reaches_the_cli() -> None:
    import argparse
    from typing import get_args

    from kzmap.maps import _cli_render
    from kzmap.maps.i18n import Language

    stems = {
        p.name.removesuffix(".toml")
        for p in (files("kzmap.maps") / "messages").iterdir()
    }
    assert set(LANGUAGES) == stems == set(get_args(Language))
    assert LANGUAGES[0] == "en"
    parser = argparse.ArgumentParser()
    _cli_render.register(parser.add_subparsers())
    render = parser._subparsers._group_actions[0].choices["render"]  # type: ignore[union-attr]
    (lang,) = [a for a in render._actions if "--lang" in a.option_strings]
    assert tuple(lang.choices) == LANGUAGES


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_popup_uses_translated_description_else_says_it_is_english(lang: str) -> None:
    from kzmap.maps.popups import popup_html

    props = {"name_en": "Hub", "description": "A trunk-road node in the steppe."}
    english = popup_html(props, lang)
    assert 'lang="en"' in english
    assert message("popup.in_english", lang) in english
    own = popup_html({**props, f"description_{lang}": "Узел трассы."}, lang)
    assert "Узел трассы." in own
    assert "steppe" not in own
    assert message("popup.in_english", lang) not in own
    assert message("popup.in_english", "en") not in popup_html(props, "en")


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_every_shipped_enumerated_value_is_translated(lang: str) -> None:
    from kzmap.layers import load
    from kzmap.maps.i18n import value_label
    from kzmap.routes import load_waypoints

    crossings, waypoints = load("crossings"), load_waypoints()
    values = [("mode", v) for v in crossings["mode"].dropna().unique()]
    values += [("status", v) for v in crossings["status"].dropna().unique()]
    values += [("role", v) for v in waypoints["role"].dropna().unique()]
    values += [("basis", v) for v in waypoints["location_basis"].dropna().unique()]
    values += [("schematic", True), ("schematic", False)]
    left = [(f, v) for f, v in values if value_label(f, v, lang) == str(v)]
    assert left == []


def test_popup_names_the_crossings_a_corridor_runs_via() -> None:
    from kzmap.layers import load
    from kzmap.maps.features import dates_as_text, extra_fields, records
    from kzmap.maps.popups import popup_html

    frame = dates_as_text(load("corridors"))
    extra = extra_fields("corridors", frame)
    popups = [popup_html(r, "ru", extra_fields=extra) for r in records(frame)]
    via = [p.split("Через:</i>")[1].split("</div>")[0] for p in popups if "Через" in p]
    assert len(via) >= 5
    assert not any("xing-" in v for v in via)
    assert any("Кордай" in v for v in via)
    assert not any(">nan<" in p or "nan</" in p for p in popups)


def test_borders_are_named_in_the_page_language() -> None:
    from kzmap.layers import load
    from kzmap.maps.interact import filter_properties
    from kzmap.maps.popups import tooltip_html

    row = load("borders").drop(columns="geometry").iloc[0].to_dict()
    assert (row["iso_a2_a"], row["iso_a2_b"]) == ("KZ", "RU")
    # the shipped layer names its borders (scripts/build_boundaries.py) ...
    assert tooltip_html(row, "ru") == "Граница Казахстана и России"
    assert tooltip_html(row, "kk") == "Қазақстан–Ресей шекарасы"
    assert tooltip_html(row, "en") == row["name_en"]
    assert "Граница Казахстана и России" in filter_properties([row], "ru")["_kz_s"][0]
    # ... and a border without a name in the page language is named from its
    # two countries' names at render time
    bare = {k: v for k, v in row.items() if k not in {"name_ru", "name_kk"}}
    assert tooltip_html(bare, "ru") == "Граница Казахстан – Россия"
    assert tooltip_html(bare, "kk") == "Қазақстан – Ресей шекарасы"
