from __future__ import annotations

import sys

import geopandas as gpd
import pytest

from kzmap.geo import LayerNotFoundError
from kzmap.layers import available_layers, catalog, load

REQUIRED = ("id", "source", "date", "confidence")
CONFIDENCE = {"confirmed", "reported", "approximate"}


def test_countries_layer_is_epsg4326_with_iso_codes() -> None:
    countries = load("countries")
    assert isinstance(countries, gpd.GeoDataFrame)
    assert countries.crs.to_epsg() == 4326
    focus = set(countries.loc[countries["focus"], "iso_a2"])
    assert focus == {"KZ", "RU", "CN", "KG", "UZ", "TM", "TJ", "AF"}
    kz = countries.set_index("iso_a2").loc["KZ"]
    assert (kz["name_ru"], kz["name_kk"]) == ("Казахстан", "Қазақстан")


def test_load_returns_a_fresh_frame() -> None:
    a = load("countries")
    a.loc[0, "name_en"] = "changed"
    assert load("countries").loc[0, "name_en"] != "changed"


def test_unknown_layer_lists_the_available_ones() -> None:
    with pytest.raises(
        LayerNotFoundError, match=r"No packaged layer named 'nope'.*countries"
    ):
        load("nope")


@pytest.mark.parametrize("name", available_layers())
def test_every_feature_carries_provenance(name: str) -> None:
    frame = load(name)
    for column in REQUIRED:
        assert column in frame.columns, f"{name}: no column {column!r}"
        assert frame[column].notna().all(), f"{name}: empty {column!r}"
    assert set(frame["confidence"]) <= CONFIDENCE
    assert frame["id"].is_unique
    assert frame.geometry.is_valid.all()


def test_catalog_counts_features_and_names_sources() -> None:
    entries = {e.name: e for e in catalog()}
    assert entries["countries"].feature_count == len(load("countries"))
    assert entries["countries"].geometry_type == "Polygon"
    assert "geokz" in entries["countries"].sources[0]
    assert "Natural Earth" in entries["countries"].sources[1]
    assert "not for border demarcation" in entries["countries"].disclaimer


@pytest.mark.parametrize("name", available_layers())
def test_shipped_fast_path_equals_the_checked_reader(name: str) -> None:
    from importlib.resources import as_file, files

    from pandas.testing import assert_frame_equal

    from kzmap.geo import read_vector
    from kzmap.layers.catalog import read_shipped

    with as_file(files("kzmap.layers") / "data" / f"{name}.geojson") as path:
        assert_frame_equal(read_shipped(path), read_vector(path))


def test_load_returns_an_independent_copy() -> None:
    first = load("countries")
    first.loc[first.index[0], "id"] = "changed"
    first.loc[first.index[0], "geometry"] = None
    again = load("countries")
    assert "changed" not in again["id"].tolist()
    assert again.geometry.notna().all()


def test_render_reads_each_packaged_layer_once(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from collections import Counter
    from pathlib import Path

    from kzmap.maps.cli import main

    module = sys.modules["kzmap.layers.catalog"]
    module._cached.cache_clear()
    module._shape.cache_clear()
    reads: Counter[str] = Counter()
    real = module.read_shipped

    def counting(path):
        reads[Path(path).stem] += 1
        return real(path)

    monkeypatch.setattr(module, "read_shipped", counting)
    assert main(["render", "-o", str(tmp_path / "m.html")]) == 0
    assert reads, "render read no packaged layer through the loader"
    assert max(reads.values()) == 1, reads
