"""The region and city builds reproduce the shipped files byte for byte."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GPKG = Path("/usr/share/qgis/resources/data/world_map.gpkg")
OUTPUTS = (
    "regions.geojson",
    "regions_legacy.geojson",
    "regions_crosswalk.csv",
    "cities.geojson",
)


@pytest.mark.slow
@pytest.mark.skipif(not GPKG.exists(), reason="Debian qgis-common is not installed")
def test_build_scripts_reproduce_the_shipped_files(tmp_path: Path) -> None:
    for script in ("build_regions.py", "build_cities.py"):
        subprocess.run(
            [sys.executable, str(ROOT / "scripts" / script), "--out", str(tmp_path)],
            check=True,
            capture_output=True,
            cwd=tmp_path,
        )
    for name in OUTPUTS:
        built = (tmp_path / name).read_bytes()
        assert built == (ROOT / "layers" / "data" / name).read_bytes(), name
