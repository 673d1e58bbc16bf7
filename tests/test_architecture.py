"""Imports point one way only: geo <- layers <- routes <- maps."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ORDER = ["geo", "layers", "routes", "maps"]


def _kzmap_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "kzmap" and len(parts) > 1:
                found.add(parts[1])
            if parts[0] in ORDER:
                found.add(f"bare:{parts[0]}")
    return found


@pytest.mark.parametrize("package", ORDER)
def test_no_upward_or_bare_imports(package: str) -> None:
    allowed = set(ORDER[: ORDER.index(package) + 1])
    for path in sorted((ROOT / package).rglob("*.py")):
        imports = _kzmap_imports(path)
        bare = {i for i in imports if i.startswith("bare:")}
        assert not bare, f"{path}: bare import {bare}; use kzmap.<package>"
        assert imports <= allowed, f"{path} imports {imports - allowed}"


def test_only_maps_imports_folium() -> None:
    for package in ORDER[:3]:
        for path in (ROOT / package).rglob("*.py"):
            assert "folium" not in path.read_text(encoding="utf-8"), path
