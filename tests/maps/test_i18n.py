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
