from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from kzmap.geo.errors import DataError, UsageError
from kzmap.layers import geocode, geocode_summary, load, load_gazetteer
from kzmap.layers.geocode_text import loose_key, name_key, split_qualifier


def _one(place: str, **kwargs: object) -> pd.Series:
    out = geocode(pd.DataFrame({"place": [place]}), column="place", **kwargs)
    return out.iloc[0]


# --- name keys ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Шымкент", "Shymkent"),
        ("Усть-Каменогорск", "Ust-Kamenogorsk"),
        ("Ust Kamenogorsk", "ust-kamenogorsk"),
        ("Өскемен", "Oskemen"),
        ("Қызылорда", "Кызылорда"),
        ("Ақтөбе", "Актобе"),
        ("Жаңаөзен", "Жанаозен"),
        ("Семёновка", "Семеновка"),
        ("Екібастұз", "Екибастуз"),
        ("Әлімбет", "Алимбет"),
        ("Үшарал", "Ушарал"),
        ("Ғ", "Г"),
        ("Һ", "Х"),
    ],
)
def test_folding_makes_spellings_one_key(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize(
    ("text", "key", "kind"),
    [
        ("g. Shymkent", "shymkent", "town"),
        ("город Шымкент", "shymkent", "town"),
        ("Шымкент қаласы", "shymkent", "town"),
        ("Saryagash district", "saryagash", "district"),
        ("Сарыагашский район", "saryagash", "district"),
        ("в Сарыагашском районе", "saryagash", "district"),
        ("Сарыағаш ауданы", "saryagash", "district"),
        ("Mangystau oblast", "mangystau", "region"),
        ("Мангистауская область", "mangistau", "region"),
        ("Мангистауской области", "mangistau", "region"),
        ("Aralsk", "aralsk", None),  # no unit word: the name is kept whole
        ("Маңғыстау облысы", "mangystau", "region"),
        ("the West Kazakhstan region", "westkazakhstan", "region"),
        ("КПП Кордай", "korday", "point"),
        ("Korday checkpoint", "korday", "point"),
        ("Қордай бекеті", "korday", "point"),
        ("таможенный пост Кордай", "korday", "point"),
        ("Aul", "aul", None),  # a qualifier word alone is a name
    ],
)
def test_qualifier_words_are_stripped_and_kept_as_a_hint(
    text: str, key: str, kind: str | None
) -> None:
    assert split_qualifier(text) == (key, kind)


def test_loose_key_merges_latin_variants() -> None:
    keys = {loose_key(name_key(n)) for n in ("Shymkent", "Shimkent", "Шымкент")}
    assert len(keys) == 1
    assert loose_key(name_key("Chimkent")) not in keys  # matched by GeoNames names


# --- matching ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("place", "gid"),
    [
        ("Shymkent", "city-shymkent"),
        ("Shimkent", "city-shymkent"),
        ("Chimkent", "city-shymkent"),
        ("Шымкент", "city-shymkent"),
        ("Чимкент", "city-shymkent"),
        ("Alma-Ata", "city-almaty"),
        ("Алма-Ата", "city-almaty"),
        ("Tselinograd", "city-astana"),
        ("Akmolinsk", "city-astana"),
        ("Nur-Sultan", "city-astana"),
        ("Guryev", "city-atyrau"),
        ("Гурьев", "city-atyrau"),
        ("Shevchenko", "city-aktau"),
        ("Ust-Kamenogorsk", "city-oskemen"),
        ("Өскемен", "city-oskemen"),
        ("Semipalatinsk", "city-semey"),
        ("Frunze", "city-bishkek"),
        ("Kzyl-Orda", "city-kyzylorda"),
        ("Qyzylorda", "city-kyzylorda"),
        ("Uralsk", "city-oral"),
        ("г. Алматы", "city-almaty"),
        ("Almaty", "city-almaty"),
    ],
)
def test_current_historical_and_transliterated_names(place: str, gid: str) -> None:
    row = _one(place)
    assert row["geocode_status"] == "matched", row["geocode_match"]
    assert row["geocode_id"] == gid
    assert row["geocode_precision"] == "town"
    assert row["geocode_score"] >= 95


@pytest.mark.parametrize(
    ("place", "within", "gid"),
    [
        ("Dzhambul", "KZ-31", "city-taraz"),
        ("Leninsk", "KZ", "city-baikonur"),
    ],
)
def test_names_shared_with_other_places_need_a_hint(
    place: str, within: str, gid: str
) -> None:
    assert _one(place)["geocode_status"] == "ambiguous"
    assert _one(place, within=within)["geocode_id"] == gid


def test_coordinates_come_from_the_gazetteer() -> None:
    row = _one("Chimkent")
    cities = load("cities").set_index("id")
    point = cities.geometry["city-shymkent"]
    assert (row["lon"], row["lat"]) == pytest.approx((point.x, point.y), abs=1e-4)


# --- precision ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("place", "gid", "precision"),
    [
        ("Korday checkpoint", "xing-kz-kg-korday", "point"),
        ("КПП Кордай", "xing-kz-kg-korday", "point"),
        ("Korday", "city-korday", "town"),
        ("West Kazakhstan region", "KZ-27", "region"),
        ("Западно-Казахстанская область", "KZ-27", "region"),
        ("в Западно-Казахстанской области", "KZ-27", "region"),
        ("Павлодарская область", "KZ-55", "region"),
        ("Kostanay region", "KZ-39", "region"),
        ("Батыс Қазақстан облысы", "KZ-27", "region"),
        ("Almaty region", "KZ-19", "region"),
        ("Алматинская область", "KZ-19", "region"),
        ("South Kazakhstan", "KZ-61", "region"),
        ("Kazakhstan", "KZ", "country"),
        ("Қазақстан", "KZ", "country"),
    ],
)
def test_precision_follows_the_kind_of_place(
    place: str, gid: str, precision: str
) -> None:
    row = _one(place)
    assert (row["geocode_id"], row["geocode_precision"]) == (gid, precision)


def test_a_region_gets_its_representative_point() -> None:
    row = _one("West Kazakhstan region")
    region = load("regions").set_index("id").geometry["KZ-27"]
    from shapely.geometry import Point

    assert region.contains(Point(row["lon"], row["lat"]))


def test_district_text_answered_by_its_town_is_district_precision() -> None:
    # without a districts layer the seat town stands in, at district level
    row = _one("Saryagash district")
    assert row["geocode_precision"] == "district"
    assert _one("Saryagash")["geocode_precision"] == "town"


def test_districts_are_in_the_gazetteer_when_the_layer_ships() -> None:
    from importlib.resources import files

    shipped = (files("kzmap.layers") / "data" / "districts.geojson").is_file()
    kinds = set(load_gazetteer()["kind"])
    assert ("district" in kinds) == shipped


# --- ambiguity, unmatched, fuzzy ---------------------------------------------


def test_ambiguous_names_list_their_candidates_and_get_no_point() -> None:
    row = _one("Aral")
    assert row["geocode_status"] == "ambiguous"
    assert math.isnan(row["lon"])
    assert math.isnan(row["lat"])
    assert "city-aral" in row["geocode_match"]
    assert ", CN," in row["geocode_match"]


@pytest.mark.parametrize("hint", ["KZ", "KZ-43", "Kyzylorda region"])
def test_within_hint_settles_an_ambiguous_name(hint: str) -> None:
    assert _one("Aral", within=hint)["geocode_id"] == "city-aral"


def test_within_is_a_preference_not_a_filter() -> None:
    # Shymkent has no candidate in Kyzylorda region: it keeps its match
    assert _one("Shymkent", within="KZ-43")["geocode_id"] == "city-shymkent"


def test_country_filter_drops_other_countries() -> None:
    assert _one("Aral", country="KZ")["geocode_id"] == "city-aral"
    assert _one("Shymkent", country="KG")["geocode_status"] == "unmatched"


def test_text_after_a_comma_narrows_the_place() -> None:
    assert _one("Aral, Kyzylorda region")["geocode_id"] == "city-aral"


def test_fuzzy_match_has_a_lower_score_and_a_threshold() -> None:
    row = _one("Shymkemt")
    assert row["geocode_id"] == "city-shymkent"
    assert 85 <= row["geocode_score"] < 95
    assert _one("Shymkemt", min_score=99)["geocode_status"] == "unmatched"


def test_unmatched_rows_are_kept_and_summarised() -> None:
    table = pd.DataFrame(
        {"place": ["Chimkent", "Atlantis", None, 42, "Aral"], "n": range(5)}
    )
    out = geocode(table, column="place")
    assert len(out) == 5
    assert out["n"].tolist() == [0, 1, 2, 3, 4]
    assert out["geocode_status"].tolist() == [
        "matched",
        "unmatched",
        "unmatched",
        "invalid",
        "ambiguous",
    ]
    text = geocode_summary(out, column="place")
    assert text.splitlines()[0].startswith("geocoded 1 of 5 rows")
    assert "row 1: 'Atlantis': unmatched" in text
    assert "row 3: 42: invalid: not text: 42 (int)" in text
    assert "row 4: 'Aral': ambiguous" in text
    assert "Chimkent" not in text


def test_input_is_not_modified() -> None:
    table = pd.DataFrame({"place": ["Chimkent"]})
    geocode(table, column="place")
    assert list(table.columns) == ["place"]


# --- bad input ---------------------------------------------------------------


def test_missing_column_names_the_available_ones() -> None:
    table = pd.DataFrame({"town": ["Chimkent"], "qty": [1]})
    with pytest.raises(UsageError, match=r"'place'.*available columns: 'town', 'qty'"):
        geocode(table, column="place")


@pytest.mark.parametrize("values", [[], [None, None], ["", "  "], [1, 2.5], [np.nan]])
def test_column_without_text_is_an_error(values: list[object]) -> None:
    table = pd.DataFrame({"place": pd.Series(values, dtype=object), "qty": 0})
    with pytest.raises(DataError, match=r"Column 'place' has no place names.*'qty'"):
        geocode(table, column="place")


def test_unknown_hint_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="within='Atlantis'"):
        _one("Aral", within="Atlantis")
