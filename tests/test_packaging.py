"""The installed package: namespace, data files, nothing at top level."""

from __future__ import annotations

import importlib
import importlib.util
from importlib.metadata import files

import pytest


@pytest.mark.parametrize(
    "name", ["kzmap.geo", "kzmap.layers", "kzmap.routes", "kzmap.maps"]
)
def test_subpackages_import(name: str) -> None:
    assert importlib.import_module(name).__all__ is not None


def test_no_bare_top_level_packages_installed() -> None:
    top = {str(f).split("/")[0] for f in files("kzmap") or []}
    assert not top & {"geo", "layers", "routes", "maps"}, top


def test_wheel_carries_layer_data() -> None:
    shipped = {str(f) for f in files("kzmap") or []}
    assert "kzmap/layers/data/countries.geojson" in shipped
    assert "kzmap/layers/data/catalog.toml" in shipped
