"""
Benchmark aggregate_dataset on dask workers against the in-memory engine (by hand).

    nice .venv/bin/python tests/benchmarks/bench_scale.py --points 1e7
    nice .venv/bin/python tests/benchmarks/bench_scale.py --points 5e7 --memory 600MiB

Writes N random points in Kazakhstan's bounding box twice, as a GeoParquet
dataset (Point WKB) and as a plain lon/lat Parquet dataset (files of 10^6
rows, row groups of pyarrow's default size), then aggregates each per region
on a LocalCluster of `--workers` worker processes limited to `--memory` each.
Printed per dataset: wall time, points/s, every worker's peak RSS (VmHWM,
reset before the run) and whether the table equals the in-memory engine's
(`aggregate_points` on each lon/lat file in this process, tables merged; its
time is the sum over files).
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import shapely

BBOX = (46.4, 40.5, 87.4, 55.5)
FILE_ROWS = 1_000_000


def _regions():
    from kzmap.layers import available_layers, load

    if "regions" in available_layers():
        return load("regions"), "id"
    return load("countries"), "id"


def write_datasets(n: int, folder: Path) -> tuple[Path, Path]:
    """Write the GeoParquet and lon/lat datasets of `n` seeded random points."""
    geo, plain = folder / "geo", folder / "plain"
    geo.mkdir()
    plain.mkdir()
    rng = np.random.default_rng(7)
    meta = (
        '{"version": "1.0.0", "primary_column": "geometry", "columns": '
        '{"geometry": {"encoding": "WKB", "geometry_types": ["Point"]}}}'
    )
    for i, start in enumerate(range(0, n, FILE_ROWS)):
        rows = min(FILE_ROWS, n - start)
        lon = rng.uniform(BBOX[0], BBOX[2], rows)
        lat = rng.uniform(BBOX[1], BBOX[3], rows)
        kind = rng.choice(np.array(["fuel", "drugs", "arms"]), rows)
        wkb = shapely.to_wkb(shapely.points(lon, lat))
        table = pa.table({"kind": kind, "geometry": pa.array(wkb, pa.binary())})
        table = table.replace_schema_metadata({"geo": meta})
        pq.write_table(table, geo / f"part-{i:04d}.parquet")
        pq.write_table(
            pa.table({"lon": lon, "lat": lat, "kind": kind}),
            plain / f"part-{i:04d}.parquet",
        )
    return geo, plain


def in_memory(plain: Path, index, key: str):
    """aggregate_points over the files, merged: the reference table and time."""
    from kzmap.geo.aggregate import aggregate_points

    start = time.perf_counter()
    tables = []
    for path in sorted(plain.glob("*.parquet")):
        frame = pd.read_parquet(path)
        tables.append(aggregate_points(frame, polygons=index, by="kind").table)
    merged = pd.concat(tables).groupby([key, "kind"], as_index=False)["count"].sum()
    return merged, time.perf_counter() - start


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _hwm_mb() -> float:
    """Peak RSS since the last `_reset_hwm` (VmHWM; workers may be forked)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _reset_hwm() -> None:
    Path("/proc/self/clear_refs").write_text("5")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--points", type=float, default=1e7)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--memory", default="600MiB")
    parser.add_argument("--folder", type=Path, help="keep/reuse the datasets here")
    args = parser.parse_args()
    n = int(args.points)

    from distributed import Client, LocalCluster

    from kzmap.geo.join import PolygonIndex
    from kzmap.geo.scale import aggregate_dataset

    polygons, key = _regions()
    index = PolygonIndex(polygons, key=key, engine="auto")
    index.grid(1 << 22)
    with tempfile.TemporaryDirectory(prefix="kzmap-bench-scale-") as tmp:
        folder = args.folder or Path(tmp)
        geo, plain = folder / "geo", folder / "plain"
        if not geo.exists():
            start = time.perf_counter()
            write_datasets(n, folder)
            print(f"wrote {n:,} points twice in {time.perf_counter() - start:.0f} s")
        expected, mem_s = in_memory(plain, index, key)
        print(
            f"in-memory engine (aggregate_points, file by file): {mem_s:.1f} s, "
            f"{n / mem_s:,.0f} points/s, peak RSS {_peak_mb():.0f} MB"
        )
        cluster = LocalCluster(
            n_workers=args.workers,
            threads_per_worker=1,
            memory_limit=args.memory,
            dashboard_address=None,
        )
        with cluster, Client(cluster) as client:
            for name, source in (("GeoParquet (WKB)", geo), ("lon/lat Parquet", plain)):
                client.restart()
                client.run(_reset_hwm)
                start = time.perf_counter()
                result = aggregate_dataset(source, polygons=index, by="kind")
                wall = time.perf_counter() - start
                peaks = client.run(_hwm_mb)
                table = result.table.groupby([key, "kind"], as_index=False)[
                    "count"
                ].sum()
                same = table.reset_index(drop=True).equals(
                    expected.reset_index(drop=True)
                )
                print(
                    f"dask, {args.workers} workers x {args.memory}, {name}: "
                    f"{wall:.1f} s, {n / wall:,.0f} points/s "
                    f"({mem_s / wall:.2f}x the in-memory engine), worker peaks "
                    f"{', '.join(f'{p:.0f}' for p in peaks.values())} MB, "
                    f"total {result.total:,}, identical to in-memory: {same}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
