"""Packages whose public names are imported on first use (PEP 562 style).

``import kzmap.geo`` (or any ``kzmap.<package>.<module>``) runs the package's
``__init__``; if that imported every submodule, ``kzmap --help`` would pay for
geopandas and the map stack. Instead each package lists where its public
names live, and a name is imported when it is first looked up.
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType

__all__ = ["lazy_package"]


class _LazyPackage(ModuleType):
    """A package module that imports its exported names on first access."""

    _kzmap_exports: dict[str, str]

    def __getattr__(self, name: str) -> object:
        # Called only for names not yet in the module's namespace.
        module = self.__dict__.get("_kzmap_exports", {}).get(name)
        if module is None:
            msg = f"module {self.__name__!r} has no attribute {name!r}"
            raise AttributeError(msg)
        value = getattr(importlib.import_module(module), name)
        self.__dict__[name] = value
        return value

    def __setattr__(self, name: str, value: object) -> None:
        # Importing submodule ``pkg.build`` makes the import system set the
        # attribute ``pkg.build`` to the module; where the package exports a
        # function of the same name (``kzmap.maps.build``), keep the function,
        # as an eager ``from pkg.build import build`` in ``__init__`` did.
        exports = self.__dict__.get("_kzmap_exports", {})
        if isinstance(value, ModuleType) and exports.get(name) == value.__name__:
            value = getattr(value, name)
        super().__setattr__(name, value)

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | set(self._kzmap_exports))


def lazy_package(name: str, exports: dict[str, tuple[str, ...]]) -> None:
    """
    Make package `name` import each of its public names on first use.

    Parameters
    ----------
    name
        The package's ``__name__``; call this from its ``__init__``.
    exports
        Submodule (absolute name) → the public names it defines.
    """
    module = sys.modules[name]
    module.__class__ = _LazyPackage
    flat = {attr: source for source, attrs in exports.items() for attr in attrs}
    module.__dict__["_kzmap_exports"] = flat
    for attr, source in flat.items():
        # A submodule imported before this call already set its attribute.
        current = module.__dict__.get(attr)
        if isinstance(current, ModuleType) and current.__name__ == source:
            module.__dict__[attr] = getattr(current, attr)
