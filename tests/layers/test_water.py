"""The water layer: named and light (its rebuild is in test_build_sources.py)."""

from __future__ import annotations

from pathlib import Path

from kzmap.layers import load

ROOT = Path(__file__).resolve().parents[2]


def test_water_layer_is_small_and_names_the_big_bodies() -> None:
    assert (ROOT / "layers" / "data" / "water.geojson").stat().st_size < 150_000
    water = load("water")
    names = set(water["name"].dropna())
    for name in ("Caspian Sea", "Lake Balkhash", "Issyk-Kul", "North Aral Sea"):
        assert name in names
    assert (water["area_km2"] >= 100).all()
    assert set(water["kind"]) <= {"sea", "lake", "reservoir"}
    assert water.geometry.geom_type.isin(["Polygon"]).all()
