"""Shipped files rebuilt from the sources in scripts/data, byte for byte, offline.

Each build script runs in a child process with ``--out`` pointing at a
temporary folder; what it writes must equal the shipped file exactly, so a
hand edit of a shipped layer (or a source changed without a rebuild) fails.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "layers" / "data"
STATIC = ROOT / "maps" / "static"


@pytest.mark.parametrize(
    ("script", "shipped"),
    [
        ("build_boundaries.py", [DATA / "countries.geojson", DATA / "borders.geojson"]),
        ("build_locator.py", [STATIC / "locator.geojson"]),
        ("build_water.py", [DATA / "water.geojson"]),
        (
            "build_basemap.py",
            [
                DATA / "rivers.geojson",
                DATA / "context.geojson",
                DATA / "context_outlines.geojson",
                STATIC / "relief.jpg",
            ],
        ),
        (
            "build_curated.py",
            [
                DATA / f"{name}.geojson"
                for name in (
                    "crossings",
                    "tunnels",
                    "corridors",
                    "fuel_corridors",
                    "affected_regions",
                )
            ],
        ),
    ],
)
def test_build_script_reproduces_the_shipped_files(
    script: str, shipped: list[Path], tmp_path: Path
) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / script), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    for path in shipped:
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name
