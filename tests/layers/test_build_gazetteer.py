"""build_gazetteer.py reproduces the shipped gazetteer and picks up districts."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "build_gazetteer.py"
LAYERS = ("cities", "crossings", "regions", "countries", "districts")


def _build(folder: Path) -> pd.DataFrame:
    subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(folder)],
        check=True,
        capture_output=True,
        cwd=folder,
    )
    return pd.read_csv(folder / "gazetteer.csv", dtype=str, keep_default_na=False)


def _copy_layers(folder: Path) -> None:
    for name in LAYERS:
        source = ROOT / "layers" / "data" / f"{name}.geojson"
        if source.exists():
            shutil.copy(source, folder)


@pytest.mark.slow
def test_build_reproduces_the_shipped_gazetteer(tmp_path: Path) -> None:
    _copy_layers(tmp_path)
    _build(tmp_path)
    shipped = ROOT / "layers" / "data" / "gazetteer.csv"
    assert (tmp_path / "gazetteer.csv").read_bytes() == shipped.read_bytes()


@pytest.mark.slow
def test_build_adds_districts_when_the_layer_exists(tmp_path: Path) -> None:
    _copy_layers(tmp_path)
    districts = gpd.GeoDataFrame(
        {
            "id": ["KZ-61-TEST"],
            "name_en": ["Saryagash district"],
            "name_ru": ["Сарыагашский район"],
            "name_kk": ["Сарыағаш ауданы"],
            "region_id": ["KZ-61"],
            "source": ["test"],
            "source_url": [None],
            "date": ["2024"],
            "confidence": ["approximate"],
        },
        geometry=[box(68.9, 41.2, 69.4, 41.7)],
        crs=4326,
    )
    districts.to_file(tmp_path / "districts.geojson", driver="GeoJSON")
    table = _build(tmp_path).set_index("id")
    row = table.loc["KZ-61-TEST"]
    assert (row["kind"], row["precision"], row["region_id"]) == (
        "district",
        "district",
        "KZ-61",
    )
    assert "Сарыағаш ауданы" in row["names"].split("|")
    lon, lat = float(row["lon"]), float(row["lat"])
    assert 68.9 < lon < 69.4
    assert 41.2 < lat < 41.7
