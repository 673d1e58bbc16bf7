"""Run the docstring examples of every kzmap module."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

PACKAGES = ["kzmap.geo", "kzmap.layers", "kzmap.routes", "kzmap.maps"]
MODULES = sorted(
    info.name
    for package in PACKAGES
    for info in pkgutil.walk_packages(
        importlib.import_module(package).__path__, prefix=f"{package}."
    )
)


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
