"""Map specs: parsing, strict validation, building and the shipped examples."""

from __future__ import annotations

import tomllib
from importlib.resources import files
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import LineString

from kzmap.geo import LayerNotFoundError
from kzmap.maps import Spec, SpecError, build, find_spec, map_to_html, read_spec
from kzmap.maps.page import page_state
from kzmap.maps.spec import Focus, LayerSpec, shipped_specs

#: Layers agreed in the schemas; those not in this branch yet come from others.
KNOWN_LAYERS = {
    "countries", "borders", "regions", "regions_legacy", "cities", "crossings",
    "tunnels", "fuel_corridors", "corridors", "affected_regions", "routes",
}  # fmt: skip


def _write(tmp_path: Path, text: str, name: str = "brief.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def user_file(tmp_path: Path) -> Path:
    frame = gpd.GeoDataFrame(
        {
            "name_en": ["Fuel A", "Heroin B"],
            "market": ["fuel smuggling", "heroin trade"],
            "source": ["Src", "Src"],
        },
        geometry=[LineString([(74, 43), (75, 43)]), LineString([(69, 41), (70, 45)])],
        crs=4326,
    )
    path = tmp_path / "incidents.geojson"
    frame.to_file(path, driver="GeoJSON")
    return path


def test_full_spec_parses(tmp_path: Path) -> None:
    spec = read_spec(
        _write(
            tmp_path,
            """
title = "T"
subtitle = "S"
lang = "ru"
tiles = "osm"
basemap = false
focus = [60, 40, 80, 50]
size = { width = 800, height = 600 }
output = { html = "a.html", png = "a.png", embed = "a.embed.html", scale = 2 }
[[layers]]
name = "countries"
labels = true
[[layers]]
path = "incidents.geojson"
title = "Mine"
show = false
filter = { market = ["fuel smuggling"] }
choropleth = { column = "n", scheme = "equal_interval", k = 3 }
""",
        )
    )
    assert spec.lang == "ru"
    assert spec.focus == Focus("bbox", bbox=(60.0, 40.0, 80.0, 50.0))
    assert (spec.width, spec.height, spec.scale) == (800, 600, 2.0)
    assert spec.layers[1].path == tmp_path / "incidents.geojson"
    assert spec.layers[1].filter == (("market", ("fuel smuggling",)),)
    assert spec.embed == Path("a.embed.html")


def test_unknown_keys_are_named_with_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, 'titel = "x"\n[[layers]]\nname = "countries"\ncolour = 1\n')
    with pytest.raises(SpecError) as info:
        read_spec(path)
    text = str(info.value)
    assert str(path) in text
    assert "spec: unknown key 'titel'" in text
    assert "layers[0]: unknown key 'colour'" in text


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        'lang = "de"\ntiles = "google"\nfocus = "nowhere!"\n'
        '[[layers]]\nname = "countries"\npath = "x.geojson"\n',
    )
    with pytest.raises(SpecError, match=r"(?s)exactly one of.*focus.*lang.*tiles"):
        read_spec(path)


def test_bad_toml_names_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "title = \n")
    with pytest.raises(SpecError, match=r"Cannot read map spec .*brief\.toml"):
        read_spec(path)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('"KZ-19"', Focus("region", code="KZ-19")),
        ('"kz"', Focus("country", code="KZ")),
        ('"layers"', Focus("layers")),
        ('{ layer = "countries" }', Focus("layer", code="countries")),
        ("{ bbox = [1, 2, 3, 4] }", Focus("bbox", bbox=(1.0, 2.0, 3.0, 4.0))),
    ],
)
def test_focus_forms(tmp_path: Path, value: str, expected: Focus) -> None:
    text = f'focus = {value}\n[[layers]]\nname = "countries"\n'
    assert read_spec(_write(tmp_path, text)).focus == expected


def test_missing_layer_lists_what_exists() -> None:
    spec = Spec(layers=(LayerSpec(name="tunnels_typo"),))
    with pytest.raises(LayerNotFoundError, match=r"Available: .*countries"):
        build(spec)


def test_filter_keeps_matching_features(user_file: Path) -> None:
    layer = LayerSpec(path=user_file, filter=(("market", ("fuel smuggling",)),))
    m = build(Spec(layers=(layer,), basemap=False))
    (drawn,) = page_state(m).layers
    assert drawn.legend is not None
    assert [e.label for e in drawn.legend.entries] == ["Fuel smuggling"]


def test_filter_on_missing_column_or_value_explains(user_file: Path) -> None:
    bad_column = LayerSpec(path=user_file, filter=(("kind", ("x",)),))
    with pytest.raises(SpecError, match=r"no column 'kind' to filter on"):
        build(Spec(layers=(bad_column,)))
    bad_value = LayerSpec(path=user_file, filter=(("market", ("arms",)),))
    with pytest.raises(SpecError, match=r"keeps no feature .* values present"):
        build(Spec(layers=(bad_value,)))


def test_basemap_is_drawn_under_the_layers(user_file: Path) -> None:
    m = build(Spec(layers=(LayerSpec(path=user_file),)))
    assert [layer.key for layer in page_state(m).layers] == [
        "countries",
        "context",
        "relief",
        "water",
        "rivers",
        "borders",
        "file:incidents",
    ]


def test_country_focus_fits_that_country(user_file: Path) -> None:
    spec = Spec(layers=(LayerSpec(path=user_file),), focus=Focus("country", code="KG"))
    page = map_to_html(build(spec))
    # Kyrgyzstan spans about 69-80 E, 39-43 N (+8 % margin)
    # the page script fits these bounds once its panels are laid out
    assert "L.kzmap.layout(map, {bounds: [[38." in page


def test_region_focus_fits_the_region(user_file: Path) -> None:
    from kzmap.layers import load
    from kzmap.maps.page import page_state

    spec = Spec(
        layers=(LayerSpec(path=user_file),), focus=Focus("region", code="KZ-19")
    )
    m = build(spec)
    # the page script fits the view to these bounds (maps/js/layout.js)
    south, west, north, east = page_state(m).bounds
    rw, rs, re_, rn = load("regions").set_index("id").loc[["KZ-19"]].total_bounds
    # the view holds the region, with a small margin
    assert south <= rs < rn <= north
    assert west <= rw < re_ <= east
    assert (north - south) < 2 * (rn - rs)


def test_spec_renders_byte_identical(user_file: Path) -> None:
    spec = Spec(layers=(LayerSpec(name="countries"), LayerSpec(path=user_file)))
    assert map_to_html(build(spec)) == map_to_html(build(spec))


def test_shipped_specs_are_found_by_name() -> None:
    assert set(shipped_specs()) >= {
        "northern_route",
        "almaty_jetisu_fuel",
        "saryagash_tunnels",
    }
    assert find_spec("saryagash_tunnels").title.startswith("Saryagash")


@pytest.mark.parametrize(
    "name", ["northern_route", "almaty_jetisu_fuel", "saryagash_tunnels"]
)
def test_shipped_specs_are_valid_and_name_agreed_layers(name: str) -> None:
    spec = find_spec(name)
    assert {layer.name for layer in spec.layers} <= KNOWN_LAYERS
    assert spec.html is not None
    assert spec.png is not None


def test_unknown_spec_name_lists_shipped() -> None:
    with pytest.raises(SpecError, match=r"Shipped specs: .*northern_route"):
        find_spec("no_such_spec")


def test_shipped_spec_files_are_toml() -> None:
    for name in shipped_specs():
        text = (files("kzmap.maps") / "specs" / f"{name}.toml").read_text("utf-8")
        assert "layers" in tomllib.loads(text)


def test_title_in_the_spec_language(tmp_path: Path) -> None:
    import dataclasses

    path = _write(
        tmp_path,
        'title = { en = "Route", ru = "Маршрут", kk = "Бағыт" }\nlang = "kk"\n'
        '[[layers]]\nname = "tunnels"\n',
    )
    spec = read_spec(path)
    assert spec.title == "Route"
    assert spec.shown("title") == "Бағыт"
    assert page_state(build(spec)).title == "Бағыт"
    assert dataclasses.replace(spec, lang="ru").shown("title") == "Маршрут"
    # a title given on the command line replaces every translation
    assert dataclasses.replace(spec, title="Mine").shown("title") == "Mine"


def test_title_table_needs_known_languages(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        'title = { en = "Route", de = "Route" }\n[[layers]]\nname = "tunnels"\n',
    )
    with pytest.raises(SpecError, match="'title' as a table"):
        read_spec(path)


@pytest.mark.parametrize("name", ["northern_route", "saryagash_tunnels"])
def test_shipped_specs_have_ru_and_kk_titles(name: str) -> None:
    spec = find_spec(name)
    texts = dict(spec.title_translations)
    assert set(texts) == {"en", "ru", "kk"}
    assert texts["ru"] != texts["en"] != texts["kk"]
