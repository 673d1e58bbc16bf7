"""The packages import their public names on first use, and every name resolves."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

PACKAGES = ["kzmap.geo", "kzmap.layers", "kzmap.routes", "kzmap.maps"]


@pytest.mark.parametrize("name", PACKAGES)
def test_all_names_resolve_and_match_the_lazy_table(name: str) -> None:
    package = importlib.import_module(name)
    assert set(package._kzmap_exports) == set(package.__all__)
    for attr in package.__all__:
        value = getattr(package, attr)
        module = importlib.import_module(package._kzmap_exports[attr])
        assert value is getattr(module, attr)
    assert set(package.__all__) <= set(dir(package))
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        _ = package.nope


def test_importing_a_package_imports_none_of_its_modules() -> None:
    code = (
        "import sys, kzmap.geo, kzmap.layers, kzmap.routes, kzmap.maps\n"
        "print(sorted(m for m in sys.modules if m.startswith(('geopandas', "
        "'folium', 'pandas', 'kzmap.maps.build'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_a_submodule_imported_first_keeps_the_function_bound() -> None:
    # kzmap.maps.build is both a module and the function the package exports.
    code = (
        "import kzmap.maps.build as first\n"
        "from kzmap.maps import build\n"
        "import kzmap.routes.exposure\n"
        "from kzmap.routes import exposure\n"
        "print(callable(build), type(build).__name__, type(exposure).__name__)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["True", "function", "function"]
