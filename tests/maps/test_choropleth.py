from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from kzmap.geo import DataError, UsageError
from kzmap.maps import ChoroplethOptions, add_layer, empty_map
from kzmap.maps.choropleth import NO_DATA_COLOUR, SEQUENTIAL, classify
from kzmap.maps.page import page_state


@pytest.fixture
def squares() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"name_en": list("abcde"), "cases": [1, 5, 10, 50, None]},
        geometry=[box(60 + i, 45, 61 + i, 46) for i in range(5)],
        crs=4326,
    )


def test_quantile_classes_and_colours() -> None:
    classes = classify(pd.Series([1.0, 2, 3, 4, 5, 6]), column="n", k=3)
    assert len(classes.upper_bounds) == 3
    assert classes.colours[0] == SEQUENTIAL[0]
    assert classes.colours[-1] == SEQUENTIAL[-1]
    assert classes.colour_of(None) == NO_DATA_COLOUR
    assert sum(classes.counts) == 6


def test_fisher_jenks_is_deterministic_and_quiet() -> None:
    values = pd.Series([1, 2, 3, 10, 11, 12, 30, 31])
    a = classify(values, column="n", scheme="fisher_jenks", k=3)
    assert a == classify(values, column="n", scheme="fisher_jenks", k=3)
    assert a.upper_bounds == (3.0, 12.0, 31.0)


def test_k_is_lowered_to_distinct_values() -> None:
    assert len(classify(pd.Series([1, 1, 2]), column="n", k=5).upper_bounds) == 2


def test_text_column_is_refused() -> None:
    with pytest.raises(DataError, match=r"Column 'name' is not numeric"):
        classify(pd.Series(["a", "b"]), column="name")


def test_unknown_scheme_is_refused() -> None:
    with pytest.raises(UsageError, match=r"Unknown choropleth scheme 'natural'"):
        classify(pd.Series([1, 2]), column="n", scheme="natural")  # type: ignore[arg-type]


def test_choropleth_layer_fills_by_class_and_legend_lists_classes(squares) -> None:
    m = empty_map()
    layer = add_layer(
        m, squares, layer="mine", choropleth=ChoroplethOptions("cases", k=2)
    )
    legend = page_state(m).layers[0].legend
    assert legend is not None
    labels = [e.label for e in legend.entries]
    assert labels == ["1 – 7.5", "7.5 – 50", "No data"]
    fills = {layer.style_function(f)["fillColor"] for f in layer.data["features"]}
    assert fills == {SEQUENTIAL[0], SEQUENTIAL[-1], NO_DATA_COLOUR}


def test_choropleth_on_missing_column_names_the_columns(squares) -> None:
    with pytest.raises(DataError, match=r"no column 'pop' .* 'name_en', 'cases'"):
        add_layer(
            empty_map(), squares, layer="mine", choropleth=ChoroplethOptions("pop")
        )
