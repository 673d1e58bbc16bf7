"""Run every ``sh`` and ``python`` block of README.md on generated sample data.

Each shell line runs with the installed ``kzmap`` first on PATH, in a folder
holding the files the README names (seizures.csv, seizures.gpkg,
my_districts.gpkg, my_route.csv, data/*.geojson, uploads/roads.zip,
points.csv, layer.gpkg); each Python block runs as a script there. Commands
that write a PNG need Chromium: they are skipped without one, and fail the
run in CI (CI=true), like the other browser tests.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point, box

README = Path(__file__).resolve().parents[1] / "README.md"
_BLOCK = re.compile(r"^```(sh|python)\n(.*?)^```", re.MULTILINE | re.DOTALL)
#: Lines not run here: `make` would rebuild the virtualenv and run this suite.
_NOT_RUN = ("make ",)


def _blocks() -> list[tuple[str, str]]:
    return [(m[1], m[2]) for m in _BLOCK.finditer(README.read_text("utf-8"))]


def _examples() -> list[pytest.param]:
    params = []
    for n, (kind, text) in enumerate(_blocks()):
        if kind == "python":
            params.append(pytest.param(kind, text, id=f"block{n}-python"))
            continue
        for line in text.splitlines():
            command = re.sub(r"\s+#.*$", "", line).strip()
            if command and not command.startswith(_NOT_RUN):
                params.append(pytest.param(kind, command, id=f"block{n}-{command}"))
    return params


def _seizures() -> gpd.GeoDataFrame:
    # Synthetic points: Almaty, Astana, Shymkent, Bishkek (outside Kazakhstan).
    xy = [(76.9, 43.25), (71.45, 51.17), (69.6, 42.32), (74.6, 42.87)]
    return gpd.GeoDataFrame(
        {
            "market": ["heroin trade", "synthetic drug trade", "heroin trade", "x"],
            "quantity_kg": [1.5, 0.2, 12.0, 3.0],
            "date": ["2024-03-01", "2024-07-15", "2025-01-10", "2025-06-30"],
        },
        geometry=[Point(x, y) for x, y in xy],
        crs=4326,
    )


def _sample_data(folder: Path) -> None:
    points = _seizures()
    table = points.drop(columns="geometry")
    table.insert(0, "lat", points.geometry.y)
    table.insert(0, "lon", points.geometry.x)
    table.to_csv(folder / "seizures.csv", index=False)
    table.to_csv(folder / "points.csv", index=False)
    points.to_file(folder / "seizures.gpkg", driver="GPKG")
    points.to_file(folder / "layer.gpkg", driver="GPKG")
    gpd.GeoDataFrame(
        {"district": ["south", "north"], "name_en": ["South", "North"]},
        geometry=[box(68, 40, 80, 46), box(68, 46, 80, 55)],
        crs=4326,
    ).to_file(folder / "my_districts.gpkg", driver="GPKG")
    (folder / "my_route.csv").write_text(
        "lon,lat,name\n69.6,42.32,Shymkent\n71.45,51.17,Astana\n", encoding="utf-8"
    )
    (folder / "data").mkdir()
    points.to_file(folder / "data" / "seizures.geojson", driver="GeoJSON")
    (folder / "uploads").mkdir()
    shp = folder / "shp"
    shp.mkdir()
    roads = gpd.GeoDataFrame(
        {"name": ["A2"]}, geometry=[LineString([(76, 43), (77, 44)])], crs=4326
    )
    roads.to_file(shp / "roads.shp")
    with zipfile.ZipFile(folder / "uploads" / "roads.zip", "w") as archive:
        for part in sorted(shp.iterdir()):
            archive.write(part, part.name)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("readme")
    _sample_data(folder)
    return folder


def _needs_browser(text: str) -> bool:
    return "--png" in text or "png=" in text


def _require_browser() -> None:
    from kzmap.maps.browser import find_chromium

    if find_chromium() is None:
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail("README PNG examples cannot run in CI without Chromium")
        pytest.skip("no Chromium for the README's PNG examples")


@pytest.mark.slow
@pytest.mark.parametrize(("kind", "text"), _examples())
def test_readme_example_runs(workdir: Path, kind: str, text: str) -> None:
    if _needs_browser(text):
        _require_browser()
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    argv = ["bash", "-c", text] if kind == "sh" else [sys.executable, "-c", text]
    done = subprocess.run(
        argv, cwd=workdir, env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, f"{text}\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    assert "Traceback" not in done.stderr


def test_every_readme_block_is_collected() -> None:
    blocks = _blocks()
    assert {kind for kind, _ in blocks} == {"sh", "python"}
    assert len(_examples()) >= len(blocks)
