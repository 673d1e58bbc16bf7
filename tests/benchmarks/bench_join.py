"""
Benchmark kzmap's point-in-polygon engines against geopandas.sjoin (run by hand).

Random points in Kazakhstan's bounding box are labelled with the packaged
``regions`` layer if it exists, else Natural Earth's 16 KZ admin-1 units from
Debian's QGIS world map. Each engine runs in a fresh child process so its peak
memory (ru_maxrss) is its own. Printed per size: wall time, points/s, ratio to
sjoin, peak RSS of the process (inputs included) and its growth during the
run, and whether the labels agree. Times include building the engine's index
(sjoin: building the GeoDataFrame of Points and its tree; grid: the grid).

    .venv/bin/python tests/benchmarks/bench_join.py --sizes 1e5,1e6
    .venv/bin/python tests/benchmarks/bench_join.py --sizes 1e7 --engines sjoin,grid
    .venv/bin/python tests/benchmarks/bench_join.py --sizes none --oversize

``--oversize`` also runs the dask engine on 2 worker processes over a Parquet
dataset 3x larger than the memory the workers may use, and compares the
result with the in-memory engine on the same data.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

BBOX = (46.4, 40.5, 87.4, 55.5)  # lon/lat box around Kazakhstan
WORLD_MAP = "/usr/share/qgis/resources/data/world_map.gpkg"
ENGINES = ("sjoin", "scan", "grid", "dask")


def _regions():
    """Return (polygons, key, description) in EPSG:4326."""
    from kzmap.geo import read_vector
    from kzmap.layers import available_layers, load

    if "regions" in available_layers():
        return load("regions"), "id", "packaged 'regions' layer (20 units)"
    world = read_vector(WORLD_MAP, layer="states_provinces")
    kz = world[world["iso_a2"] == "KZ"].reset_index(drop=True)
    return (
        kz[["fips", "name", "geometry"]],
        "fips",
        (f"Natural Earth admin-1 (QGIS world_map.gpkg), KZ: {len(kz)} units"),
    )


def _points(n: int, seed: int = 2024) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.uniform(BBOX[0], BBOX[2], n), rng.uniform(BBOX[1], BBOX[3], n)


def _status_mb(field: str) -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _rss_mb() -> float:
    return _status_mb("VmRSS")


def _peak_mb() -> float:
    """Peak RSS since the last `_reset_peak` (VmHWM; ru_maxrss survives exec)."""
    return _status_mb("VmHWM")


def _reset_peak() -> None:
    """Restart the peak-RSS counter at the current RSS (Linux clear_refs)."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
    except OSError:
        pass  # then peaks include whatever came before


def _sjoin_codes(x, y, polygons, key, keys):
    import geopandas as gpd

    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs=4326)
    joined = gpd.sjoin(
        points, polygons[[key, "geometry"]], how="left", predicate="within"
    )
    joined = joined[~joined.index.duplicated()]
    return pd.Index(keys).get_indexer(joined[key].to_numpy()).astype(np.int32)


def _dask_counts(x, y, *, polygons, key, out: Path, args) -> tuple[float, dict]:
    """Write x/y as Parquet parts, then time aggregate_dataset on a local cluster."""
    n = len(x)
    from distributed import Client, LocalCluster

    from kzmap.geo import aggregate_dataset

    folder = out / f"points-{n}"
    folder.mkdir(exist_ok=True)
    parts = max(2, math.ceil(n / args.partition_rows))
    for i, rows in enumerate(np.array_split(np.arange(n), parts)):
        pd.DataFrame({"lon": x[rows], "lat": y[rows]}).to_parquet(
            folder / f"part-{i:04d}.parquet"
        )
    cluster = LocalCluster(
        n_workers=args.workers,
        threads_per_worker=1,
        memory_limit=args.memory_limit,
        dashboard_address=None,
    )
    with cluster, Client(cluster) as client:
        warm = out / f"warm-{n}"
        warm.mkdir(exist_ok=True)
        pd.DataFrame({"lon": x[:10], "lat": y[:10]}).to_parquet(warm / "w.parquet")
        aggregate_dataset(warm, polygons=polygons, key=key)  # imports on workers
        client.run(_reset_peak)
        best = math.inf
        for _ in range(args.repeat_for(n)):
            start = time.perf_counter()
            result = aggregate_dataset(folder, polygons=polygons, key=key)
            best = min(best, time.perf_counter() - start)
        worker_peaks = client.run(_peak_mb)
    counts = np.append(result.table["count"].to_numpy(), result.outside_count)
    return best, {
        "counts": counts.tolist(),
        "partitions": parts,
        "worker_peak_mb": max(worker_peaks.values()),
    }


def child(engine: str, n: int, out: Path, args) -> None:
    """Run one engine on n points; print a JSON line; save codes or counts."""
    from kzmap.geo import PolygonIndex

    polygons, key, _ = _regions()
    keys = sorted(polygons[key])
    x, y = _points(n)
    before = _rss_mb()
    _reset_peak()
    extra: dict = {}
    if engine == "dask":
        seconds, extra = _dask_counts(
            x, y, polygons=polygons, key=key, out=out, args=args
        )
    else:
        seconds = math.inf
        for _ in range(args.repeat_for(n)):
            codes = None  # free the previous run's result first
            start = time.perf_counter()
            if engine == "sjoin":
                codes = _sjoin_codes(x, y, polygons, key, keys)
            else:
                index = PolygonIndex(polygons, key=key, engine=engine)
                codes = index.codes(x, y)
            seconds = min(seconds, time.perf_counter() - start)
            if engine == "grid":
                extra["mixed_cells"] = index.grid(n).mixed_fraction
        np.save(out / f"{engine}-{n}.npy", codes)
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_mb": _peak_mb(),
                "grew_mb": _peak_mb() - before,
                **extra,
            }
        )
    )


def _spawn(engine: str, n: int, out: Path, args) -> dict:
    cmd = [
        sys.executable,
        __file__,
        "--child",
        engine,
        "--sizes",
        str(n),
        "--out",
        str(out),
        "--memory-limit",
        args.memory_limit,
        "--workers",
        str(args.workers),
        "--repeat",
        str(args.repeat),
        "--partition-rows",
        str(args.partition_rows),
        "--timeout",
        str(args.timeout),
    ]
    # Own session, so a timeout also ends the child's dask worker processes.
    with subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    ) as proc:
        try:
            stdout, stderr = proc.communicate(timeout=args.timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            return {"error": f"no result within {args.timeout:.0f} s"}
    if proc.returncode:
        print(stderr[-3000:], file=sys.stderr)
        return {"error": f"exit {proc.returncode}"}
    return json.loads(stdout.strip().splitlines()[-1])


def _agreement(n: int, out: Path, results: dict, polygons, key) -> str:
    """Compare every engine's labels (or dask's counts) with sjoin's / grid's."""
    import shapely

    lines = []
    codes = {
        e: np.load(out / f"{e}-{n}.npy")
        for e in ("sjoin", "scan", "grid")
        if (out / f"{e}-{n}.npy").exists()
    }
    ref_name = "sjoin" if "sjoin" in codes else next(iter(codes), None)
    if ref_name is not None:
        ref = codes[ref_name]
        x, y = _points(n)
        edges = shapely.union_all(shapely.boundary(polygons.geometry.values))
        for name, got in codes.items():
            if name == ref_name:
                continue
            diff = np.flatnonzero(got != ref)
            on_edge = int(shapely.intersects_xy(edges, x[diff], y[diff]).sum())
            verdict = (
                "identical"
                if diff.size == 0
                else (f"{diff.size} differ ({on_edge} on a boundary, the rule's cases)")
            )
            lines.append(f"{name} vs {ref_name}: {verdict}")
    if "counts" in results.get("dask", {}) and codes:
        base = next(iter(codes.values()))
        expect = np.bincount(base[base >= 0], minlength=len(polygons)).tolist()
        expect.append(int((base < 0).sum()))
        same = expect == results["dask"]["counts"]
        lines.append(
            "dask counts vs in-memory: "
            + (
                "identical"
                if same
                else f"DIFFER {results['dask']['counts']} vs {expect}"
            )
        )
    return "; ".join(lines)


def _report(n: int, results: dict) -> None:
    base = results.get("sjoin", {}).get("seconds")
    for engine, r in results.items():
        if "error" in r:
            print(f"  {engine:6s} {r['error']}")
            continue
        ratio = f"{base / r['seconds']:6.1f}x" if base else "     -"
        note = ""
        if "mixed_cells" in r:
            note = f"  cells tested exactly: {r['mixed_cells']:.1%}"
        if "worker_peak_mb" in r:
            note = (
                f"  {r['partitions']} partitions, worker peak "
                f"{r['worker_peak_mb']:.0f} MB"
            )
        print(
            f"  {engine:6s} {r['seconds']:8.3f} s {n / r['seconds']:14,.0f} pts/s"
            f" {ratio}  peak {r['peak_mb']:6.0f} MB (+{r['grew_mb']:.0f}){note}"
        )


def _oversize(out: Path, args) -> None:
    """Dask on a dataset 3x the workers' memory limit vs the in-memory engine."""
    import pyarrow.parquet as pq
    from dask.utils import format_bytes, parse_bytes
    from distributed import Client, LocalCluster

    from kzmap.geo import PolygonIndex, aggregate_dataset, aggregate_points

    polygons, key, _ = _regions()
    allowed = args.workers * parse_bytes(args.memory_limit)
    rows = math.ceil(args.factor * allowed / 16)  # lon + lat, float64
    folder = out / "oversize"
    folder.mkdir()
    start = time.perf_counter()
    for i, lo in enumerate(range(0, rows, args.partition_rows)):
        x, y = _points(min(args.partition_rows, rows - lo), seed=10_000 + i)
        pd.DataFrame({"lon": x, "lat": y}).to_parquet(folder / f"p-{i:05d}.parquet")
    on_disk = sum(p.stat().st_size for p in folder.iterdir())
    print(
        f"\noversize: {rows:,} points = {format_bytes(rows * 16)} as float64 "
        f"lon/lat ({format_bytes(on_disk)} of Parquet, {i + 1} files, written in "
        f"{time.perf_counter() - start:.0f} s); workers: {args.workers} x "
        f"{args.memory_limit} = {format_bytes(allowed)} allowed "
        f"({rows * 16 / allowed:.1f}x)"
    )
    index = PolygonIndex(polygons, key=key)
    cluster = LocalCluster(
        n_workers=args.workers,
        threads_per_worker=1,
        memory_limit=args.memory_limit,
        dashboard_address=None,
    )
    with cluster, Client(cluster) as client:
        client.run(_reset_peak)
        pids = client.run(os.getpid)
        start = time.perf_counter()
        result = aggregate_dataset(folder, polygons=index)
        seconds = time.perf_counter() - start
        peaks = client.run(_peak_mb)
        restarted = client.run(os.getpid) != pids
    print(
        f"  dask   {seconds:8.1f} s {rows / seconds:14,.0f} pts/s  worker peak "
        f"RSS {', '.join(f'{v:.0f}' for v in peaks.values())} MB, "
        + ("a worker was RESTARTED" if restarted else "no worker restarted")
    )
    _reset_peak()
    start = time.perf_counter()
    x, y = np.empty(rows), np.empty(rows)
    done = 0
    for part in sorted(folder.iterdir()):  # file by file: no second full copy
        table = pq.read_table(part, columns=["lon", "lat"])
        x[done : done + len(table)] = table["lon"].to_numpy()
        y[done : done + len(table)] = table["lat"].to_numpy()
        done += len(table)
    memory = aggregate_points(lon=x, lat=y, polygons=index)
    seconds = time.perf_counter() - start
    print(f"  memory {seconds:8.1f} s (read included)  peak RSS {_peak_mb():.0f} MB")
    same = (
        result.table.equals(memory.table)
        and result.outside_count == memory.outside_count
        and result.outside_index.tolist()
        == memory.outside_index[: len(result.outside_index)].tolist()
    )
    print(
        f"  dask vs in-memory: {'identical' if same else 'DIFFERENT'} "
        f"({result.total:,} points, {result.outside_count:,} outside)"
    )


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="1e5,1e6",
        help="comma-separated point counts, e.g. 1e5,1e6,1e7; 'none' to skip",
    )
    parser.add_argument("--engines", default="sjoin,scan,grid,dask")
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="best of this many runs (1 run above 2e6 points)",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--memory-limit",
        default="600MiB",
        help="dask memory limit per worker (imports alone take about 300 MB; "
        "at 400MiB workers pause and can hang)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=1800,
        help="seconds before a child run is abandoned",
    )
    parser.add_argument("--partition-rows", type=int, default=1_000_000)
    parser.add_argument(
        "--oversize",
        action="store_true",
        help="also the dask run on 3x the workers' memory",
    )
    parser.add_argument("--factor", type=float, default=3.0)
    parser.add_argument("--child", choices=ENGINES, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.sizes = (
        [] if args.sizes == "none" else [int(float(s)) for s in args.sizes.split(",")]
    )
    args.repeat_for = lambda n: 1 if n > 2_000_000 else args.repeat
    return args


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    if args.child:
        child(args.child, args.sizes[0], args.out, args)
        return 0
    polygons, key, description = _regions()
    print(
        f"regions: {description}; points uniform in lon {BBOX[0]}..{BBOX[2]}, "
        f"lat {BBOX[1]}..{BBOX[3]}; {os.cpu_count()} CPUs; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    engines = [e for e in args.engines.split(",") if e]
    with tempfile.TemporaryDirectory(prefix="bench-join-") as tmp:
        out = Path(tmp)
        for n in args.sizes:
            print(
                f"\n{n:,} points (dask: {args.workers} workers x "
                f"{args.memory_limit}, Parquet read included)"
            )
            results = {engine: _spawn(engine, n, out, args) for engine in engines}
            _report(n, results)
            print("  labels: " + _agreement(n, out, results, polygons, key))
            for f in out.glob(f"*-{n}.npy"):
                f.unlink()
        if args.oversize:
            _oversize(out, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
