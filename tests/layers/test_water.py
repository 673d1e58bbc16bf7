"""The water layer: rebuilt byte for byte from the committed subset, named, light."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from kzmap.layers import load

ROOT = Path(__file__).resolve().parents[2]


def test_build_water_reproduces_the_shipped_file(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "build_water.py"),
            "--out",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    shipped = ROOT / "layers" / "data" / "water.geojson"
    assert (tmp_path / "water.geojson").read_bytes() == shipped.read_bytes()


def test_water_layer_is_small_and_names_the_big_bodies() -> None:
    assert (ROOT / "layers" / "data" / "water.geojson").stat().st_size < 150_000
    water = load("water")
    names = set(water["name"].dropna())
    for name in ("Caspian Sea", "Lake Balkhash", "Issyk-Kul", "North Aral Sea"):
        assert name in names
    assert (water["area_km2"] >= 100).all()
    assert set(water["kind"]) <= {"sea", "lake", "reservoir"}
    assert water.geometry.geom_type.isin(["Polygon"]).all()
