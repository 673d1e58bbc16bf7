"""Time fiona vs pyogrio on realistic files, raw and through kzmap.geo.read.

Run by hand (not collected by pytest):  .venv/bin/python tests/benchmarks/bench_read.py
Prints the median of several runs per file and engine, and fiona/pyogrio ratios.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from importlib.resources import as_file, files
from pathlib import Path

import geopandas as gpd
import numpy as np
from shapely.geometry import Point, Polygon

from kzmap.geo import read

RUNS = 3


def _points(n: int) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(0)
    lon, lat = rng.uniform(50, 85, n), rng.uniform(40, 55, n)
    return gpd.GeoDataFrame(
        {
            "id": [f"p{i}" for i in range(n)],
            "name_en": [f"Place {i}" for i in range(n)],
            "confidence": rng.choice(["confirmed", "reported", "approximate"], n),
            "value": rng.normal(size=n),
            "count": rng.integers(0, 1000, n),
        },
        geometry=[Point(x, y) for x, y in zip(lon, lat, strict=True)],
        crs=4326,
    )


def _polygons(n: int, vertices: int = 60) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(1)
    angles = np.linspace(0, 2 * np.pi, vertices, endpoint=False)
    geoms = []
    for cx, cy in zip(rng.uniform(50, 85, n), rng.uniform(40, 55, n), strict=True):
        r = 0.2 + 0.05 * rng.random(vertices)
        geoms.append(
            Polygon(zip(cx + r * np.cos(angles), cy + r * np.sin(angles), strict=True))
        )
    return gpd.GeoDataFrame(
        {"id": [f"g{i}" for i in range(n)]}, geometry=geoms, crs=4326
    )


def _median(fn: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _row(label: str, path: Path) -> None:
    cells = []
    for kind in ("raw", "kzmap"):
        timing = {}
        for engine in ("pyogrio", "fiona"):
            if kind == "raw":

                def fn(e: str = engine) -> object:
                    return gpd.read_file(path, engine=e)
            else:

                def fn(e: str = engine) -> object:
                    return read(path, engine=e, aoi=None)  # type: ignore[arg-type]

            timing[engine] = _median(fn)
        ratio = timing["fiona"] / timing["pyogrio"]
        cells.append(
            f"{kind}: pyogrio {timing['pyogrio'] * 1000:8.1f} ms  "
            f"fiona {timing['fiona'] * 1000:8.1f} ms  fiona/pyogrio {ratio:4.1f}x"
        )
    size = path.stat().st_size / 1e6
    print(f"{label:<28} {size:6.2f} MB | " + " | ".join(cells))


def main() -> None:
    warnings.simplefilter("ignore")
    print(f"median of {RUNS} runs; Python {sys.version.split()[0]}")
    data = files("kzmap.layers") / "data"
    for name in ("countries", "borders"):
        with as_file(data / f"{name}.geojson") as path:
            _row(f"shipped {name}.geojson", Path(path))
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        points, polygons = _points(20_000), _polygons(2_000)
        points.to_file(tmp / "points.geojson")
        polygons.to_file(tmp / "polygons.geojson")
        points.to_file(tmp / "points.gpkg")
        polygons.to_file(tmp / "polygons.gpkg")
        points.to_file(tmp / "points.shp")
        for name in (
            "points.geojson",
            "polygons.geojson",
            "points.gpkg",
            "polygons.gpkg",
            "points.shp",
        ):
            n = 20_000 if name.startswith("points") else 2_000
            _row(f"{name} ({n})", tmp / name)


if __name__ == "__main__":
    main()
