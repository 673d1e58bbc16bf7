"""
Benchmark routes.exposure against a plain geopandas metric buffer (run by hand).

    .venv/bin/python tests/benchmarks/bench_exposure.py [--buffer-km 50] [--runs 15]

Both answer "which regions lie within N km of each shipped route, and how
much of each": kzmap buffers each ~250 km piece of a route in its own
azimuthal-equidistant projection and measures areas on the ellipsoid; the
anchor buffers whole routes in kzmap's Albers ``METRIC_CRS`` with geopandas
and measures planar areas there (about 1 % off in Central Asia). Printed:
median wall and CPU times over alternated runs, their ratios (kzmap /
geopandas; target <= 2), and how far
the anchor's buffered areas are from kzmap's.
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from kzmap.geo.crs import METRIC_CRS
from kzmap.layers import load
from kzmap.routes.catalog import load_routes
from kzmap.routes.exposure import exposure


def geopandas_exposure(
    routes: gpd.GeoDataFrame, polygons: gpd.GeoDataFrame, km: float
) -> pd.DataFrame:
    """The same table from one Albers buffer per route (geopandas, planar)."""
    lines = routes.to_crs(METRIC_CRS)
    zones = polygons.to_crs(METRIC_CRS)
    buffers = gpd.GeoDataFrame(
        {"route": routes["id"].to_numpy()},
        geometry=lines.buffer(km * 1000.0).to_numpy(),
        crs=METRIC_CRS,
    )
    pairs = gpd.sjoin(zones, buffers, predicate="intersects")
    zone = zones.geometry.to_numpy()[pairs.index.to_numpy()]
    right = pairs["index_right"].to_numpy()
    inside = shapely.area(
        shapely.intersection(zone, buffers.geometry.to_numpy()[right])
    )
    return pd.DataFrame(
        {
            "route": pairs["route"].to_numpy(),
            "polygon": pairs["id"].to_numpy(),
            "distance_km": shapely.distance(zone, lines.geometry.to_numpy()[right])
            / 1000,
            "area_km2": shapely.area(zone) / 1e6,
            "area_in_buffer_km2": inside / 1e6,
        }
    )


def _interleaved(fns, runs: int) -> list[tuple[float, float, object]]:
    """Median wall and CPU seconds of each function, runs alternated.

    Alternating the contenders run by run, and reporting this process's CPU
    time next to the wall time, keeps the ratio honest on a shared machine
    whose load changes during the benchmark.
    """
    walls: list[list[float]] = [[] for _ in fns]
    cpus: list[list[float]] = [[] for _ in fns]
    outs: list[object] = [None for _ in fns]
    for _ in range(runs):
        for k, fn in enumerate(fns):
            wall, cpu = time.perf_counter(), time.process_time()
            outs[k] = fn()
            cpus[k].append(time.process_time() - cpu)
            walls[k].append(time.perf_counter() - wall)
    return [
        (statistics.median(w), statistics.median(c), o)
        for w, c, o in zip(walls, cpus, outs, strict=True)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--buffer-km", type=float, default=50.0)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    routes, regions = load_routes(), load("regions")
    km = args.buffer_km
    exposure(routes, regions, buffer_km=km)  # warm up imports and caches
    (kz_s, kz_cpu, kz), (gp_s, gp_cpu, gp) = _interleaved(
        [
            lambda: exposure(routes, regions, buffer_km=km),
            lambda: geopandas_exposure(routes, regions, km),
        ],
        args.runs,
    )
    merged = kz.merge(gp, on=["route", "polygon"], suffixes=("", "_gp"))
    error = (
        (merged["area_in_buffer_km2_gp"] - merged["area_in_buffer_km2"]).abs()
        / merged["area_in_buffer_km2"].clip(lower=1e-9)
    ).median()
    print(
        f"{len(routes)} routes x {len(regions)} regions, buffer {km:g} km, "
        f"median of {args.runs} alternated runs: kzmap {kz_s * 1000:.0f} ms "
        f"(CPU {kz_cpu * 1000:.0f} ms), geopandas Albers buffer "
        f"{gp_s * 1000:.0f} ms (CPU {gp_cpu * 1000:.0f} ms); ratio "
        f"{kz_s / gp_s:.2f}x wall, {kz_cpu / gp_cpu:.2f}x CPU; pairs "
        f"{len(kz)} vs {len(gp)}; geopandas' area in buffer differs from "
        f"kzmap's by {np.round(error * 100, 2)} % (median)"
    )


if __name__ == "__main__":
    main()
