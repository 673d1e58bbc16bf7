"""The boundary and city builds reproduce the shipped files byte for byte."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REGION_OUTPUTS = (
    "districts.geojson",
    "regions.geojson",
    "regions_2018.geojson",
    "regions_legacy.geojson",
    "regions_crosswalk.csv",
)


def _run(script: str, out: Path) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / script), "--out", str(out)],
        check=True,
        capture_output=True,
        cwd=out,
    )


@pytest.mark.slow
def test_build_regions_reproduces_the_shipped_files(tmp_path: Path) -> None:
    _run("build_regions.py", tmp_path)  # from the vendored geokz zips only
    for name in REGION_OUTPUTS:
        built = (tmp_path / name).read_bytes()
        assert built == (ROOT / "layers" / "data" / name).read_bytes(), name


@pytest.mark.slow
def test_build_cities_reproduces_the_shipped_file(tmp_path: Path) -> None:
    _run("build_regions.py", tmp_path)  # build_cities reads --out/regions.geojson
    _run("build_cities.py", tmp_path)
    built = (tmp_path / "cities.geojson").read_bytes()
    assert built == (ROOT / "layers" / "data" / "cities.geojson").read_bytes()
