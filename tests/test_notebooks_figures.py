"""Figures the notebooks print agree with the same computation done directly."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import kzmap.layers
import kzmap.routes

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.notebook


def _printed(name: str, tmp_path: Path) -> str:
    """Run notebooks/`name`.ipynb in `tmp_path`; return everything it printed."""
    nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()
    return "".join(
        out["text"]
        for cell in nb.cells
        for out in cell.get("outputs", [])
        if out.get("output_type") == "stream" and out.get("name") == "stdout"
    )


def test_route_analytics_kz_lengths(tmp_path: Path) -> None:
    text = _printed("03-route-analytics", tmp_path)
    found = re.findall(r"^(NR-[A-Z0-9]+) length in KZ: (\d+\.\d) km$", text, re.M)
    printed = {route: float(km) for route, km in found}

    table = kzmap.routes.length_by_polygon(
        kzmap.routes.load_routes(), kzmap.layers.load("countries"), by="iso_a2"
    )
    in_kz = table[table["polygon"] == "KZ"]
    expected = {
        str(r): round(float(km), 1)
        for r, km in zip(in_kz["route"], in_kz["length_km"], strict=True)
    }
    assert "NR-A" in printed
    assert printed == expected
