"""Legend and sources panel built from what is on the map."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import LineString

from kzmap.maps import add_layer, empty_map, map_to_html
from kzmap.maps.page import page_state
from kzmap.maps.sources import Citation, merge_citations


@pytest.fixture
def corridors() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "name_en": ["A", "B", "C"],
            "market": ["fuel smuggling", "heroin trade", "fuel smuggling"],
            "source": ["24.kg 2019-05-04", "Report X", "24.kg 2019-05-04"],
            "source_url": ["https://24.kg/a", "javascript:alert(1)", "https://24.kg/a"],
            "date": ["2019-05-04", "2020", "2021-01"],
        },
        geometry=[
            LineString([(74, 43), (75, 42.8)]),
            LineString([(69, 41), (71, 51)]),
            LineString([(72, 43), (74, 42.9)]),
        ],
        crs=4326,
    )


def _labels(m) -> list[str]:
    (layer,) = page_state(m).layers
    assert layer.legend is not None
    return [e.label for e in layer.legend.entries]


def test_legend_lists_exactly_the_markets_present(corridors) -> None:
    m = empty_map()
    add_layer(m, corridors, layer="mine")
    assert _labels(m) == ["Heroin trade", "Fuel smuggling"]


def test_legend_follows_the_map_language(corridors) -> None:
    m = empty_map(lang="ru")
    add_layer(m, corridors[corridors.market == "fuel smuggling"], layer="mine")
    assert _labels(m) == ["Контрабанда топлива"]


def test_layer_without_market_gets_one_entry(points) -> None:
    m = empty_map()
    add_layer(m, points, layer="mine", title="My points")
    assert _labels(m) == ["My points"]


def test_sources_are_deduplicated_with_dates(corridors) -> None:
    m = empty_map()
    add_layer(m, corridors, layer="mine", title="Mine")
    page = map_to_html(m)
    assert page.count('href="https://24.kg/a"') == 1
    assert "2019-05-04, 2021-01" in page
    assert "javascript:" not in page.split('id="kzmap-sources"')[1]
    assert "Boundaries are not authoritative." in page


def test_unsourced_features_are_listed_as_such(points) -> None:
    points["source"] = [None, "test"]
    m = empty_map()
    add_layer(m, points, layer="mine", title="Mine")
    assert "Mine: no source given" in map_to_html(m)


def test_merge_folds_unlinked_into_linked_citation() -> None:
    merged = merge_citations(
        [
            Citation("Orda.kz", None, ("2024",), layers=("A",)),
            Citation("orda.kz", "https://orda.kz/x", ("2025",), layers=("B",)),
            Citation("Caliber.az 2025-11-29", None, layers=("A",)),
        ]
    )
    assert [(c.text, c.url, c.dates, c.layers) for c in merged] == [
        ("Caliber.az 2025-11-29", None, (), ("A",)),
        ("orda.kz", "https://orda.kz/x", ("2024", "2025"), ("B", "A")),
    ]
