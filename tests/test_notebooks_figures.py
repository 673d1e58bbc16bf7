"""Figures the notebooks print agree with the same computation done directly."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import kzmap.geo
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


def test_spatial_joins_counts(tmp_path: Path) -> None:
    text = _printed("02-spatial-joins", tmp_path)
    per_region = re.findall(r"^Incidents in (KZ-\d\d) \(.+\): (\d+)$", text, re.M)
    near = re.search(
        r"^Incidents within (\d+) km of the northern route: (\d+) of (\d+)$",
        text,
        re.M,
    )
    assert per_region
    assert near is not None

    # the same joins, done directly on the file the notebook wrote and used
    incidents = kzmap.geo.read(tmp_path / "incidents.gpkg")
    table = kzmap.layers.points_to_regions(incidents).table.set_index("id")
    assert {r: int(n) for r, n in per_region} == {
        r: int(table.loc[r, "count"]) for r, _ in per_region
    }
    within = kzmap.geo.features_near_lines(
        incidents, kzmap.routes.load_routes(), distance_km=float(near[1])
    )
    assert int(near[2]) == within["feature"].nunique()
    assert int(near[3]) == len(incidents)
