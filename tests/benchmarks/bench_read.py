"""Time and peak memory of kzmap.geo.read against the engine underneath it.

Run by hand (not collected by pytest)::

    .venv/bin/python tests/benchmarks/bench_read.py               # 10^5 rows
    .venv/bin/python tests/benchmarks/bench_read.py --rows 1e5,1e6 --folder /tmp/b
    .venv/bin/python tests/benchmarks/bench_read.py --engines     # fiona/pyogrio

For each format (GeoJSON, CSV, GeoParquet) a file of N synthetic points with
five attribute columns is written once, then every case runs in a fresh child
process, best of ``--repeat`` runs (the least disturbed on a shared machine;
CPU time is printed too, as it depends less on other load): the engine alone
(``pyogrio.read_dataframe`` for GeoJSON, ``pandas.read_csv`` plus
``geopandas.points_from_xy`` for CSV, ``geopandas.read_parquet`` for
GeoParquet) and ``kzmap.geo.read`` (which uses that engine and checks every
feature). kzmap reads plain GeoJSON through pyogrio's Arrow stream, so
GeoJSON is compared twice: with pyogrio's default read (``geojson``, what
``geopandas.read_file`` does) and with ``use_arrow=True``
(``geojson/arrow``). Printed: wall seconds, peak RSS of the
child (imports included) and its growth during the read, the kzmap / engine
ratios, and kzmap's peak growth over the memory its result keeps (RSS growth
once the read has returned; issue 16's budget: <= 3x), then one line per
case against issue 17's budget (kzmap within 1.5x of the engine's wall time
and peak RSS).

``--engines`` prints the older comparison of fiona and pyogrio through
``geopandas.read_file`` and kzmap on small files (median of 3 runs).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

FORMATS = ("geojson", "csv", "parquet")
#: (format, engine case): GeoJSON is also timed against pyogrio's Arrow read,
#: the one kzmap uses, besides its default read (what geopandas.read_file does).
CASES = (
    ("geojson", "engine"),
    ("geojson", "engine-arrow"),
    ("csv", "engine"),
    ("parquet", "engine"),
)
RUNS = 3


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _reset_peak() -> None:
    """Reset VmHWM to the current RSS (Linux >= 4.0), so the peak is the run's."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _frame(n: int):
    import geopandas as gpd

    rng = np.random.default_rng(0)
    return gpd.GeoDataFrame(
        {
            "id": [f"p{i}" for i in range(n)],
            "name_en": [f"Place {i}" for i in range(n)],
            "confidence": rng.choice(["confirmed", "reported", "approximate"], n),
            "value": rng.normal(size=n),
            "count": rng.integers(0, 1000, n),
        },
        geometry=gpd.points_from_xy(rng.uniform(50, 85, n), rng.uniform(40, 55, n)),
        crs=4326,
    )


def write_files(n: int, folder: Path) -> dict[str, Path]:
    """Write the N-point GeoJSON, CSV and GeoParquet files; return their paths."""
    frame = _frame(n)
    paths = {f: folder / f"points{n}.{f}" for f in FORMATS}
    frame.to_file(paths["geojson"], driver="GeoJSON", engine="pyogrio")
    table = frame.drop(columns="geometry")
    table.insert(1, "lon", frame.geometry.x)
    table.insert(2, "lat", frame.geometry.y)
    table.to_csv(paths["csv"], index=False)
    frame.to_parquet(paths["parquet"])
    return paths


def _engine(fmt: str, path: Path, *, arrow: bool = False) -> object:
    import geopandas as gpd

    if fmt == "geojson":
        import pyogrio

        return pyogrio.read_dataframe(path, use_arrow=arrow)
    if fmt == "csv":
        import pandas as pd

        table = pd.read_csv(path)
        geometry = gpd.points_from_xy(table.pop("lon"), table.pop("lat"))
        return gpd.GeoDataFrame(table, geometry=geometry, crs=4326)
    return gpd.read_parquet(path)


def child(which: str, fmt: str, path: Path) -> None:
    """Run one case in this process and print a JSON line of its measures."""
    import geopandas  # noqa: F401 (imports are not part of the timing)
    import pandas as pd
    import pyarrow.parquet  # noqa: F401
    import pyogrio  # noqa: F401

    from kzmap.geo import read

    warnings.simplefilter("ignore")
    _reset_peak()
    base = _status_mb("VmRSS")
    cpu = time.process_time()
    start = time.perf_counter()
    result = (
        read(path, aoi=None)
        if which == "kzmap"
        else _engine(fmt, path, arrow=which == "engine-arrow")
    )
    wall = time.perf_counter() - start
    cpu = time.process_time() - cpu
    frame: pd.DataFrame = result  # type: ignore[assignment]
    # what the result keeps in memory: RSS growth once the read has returned
    size = _status_mb("VmRSS") - base
    print(
        json.dumps(
            {
                "wall": wall,
                "cpu": cpu,
                "peak": _status_mb("VmHWM"),
                "base": base,
                "rows": len(frame),
                "size": size,
            }
        )
    )


def _spawn(which: str, fmt: str, path: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", which, fmt, str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode:
        print(out.stderr[-2000:], file=sys.stderr)
        msg = f"{which} {fmt} failed"
        raise RuntimeError(msg)
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _best(which: str, fmt: str, path: Path, repeat: int) -> dict[str, float]:
    """The run with the least wall time of `repeat` (the least disturbed)."""
    runs = [_spawn(which, fmt, path) for _ in range(repeat)]
    return min(runs, key=lambda r: r["wall"])


#: Issue 17's budget: kzmap within this factor of the engine's wall time and peak.
TARGET = 1.5


def _verdict(fmt: str, n: int, wall: float, peak: float) -> str:
    over = [
        f"{what} {ratio:.2f}x"
        for what, ratio in (("wall", wall), ("peak", peak))
        if ratio > TARGET
    ]
    state = "over: " + ", ".join(over) if over else "within"
    return f"{fmt} {n:.0e}: wall {wall:.2f}x, peak {peak:.2f}x -> {state} {TARGET}x"


def compare(rows: list[int], keep: Path | None = None, repeat: int = 3) -> None:
    """Print kzmap vs engine for every format and size, then the verdicts."""
    verdicts: list[str] = []
    print(
        f"{'case':<22}{'MB':>7} | {'engine s':>8}{'kzmap s':>8}{'ratio':>7}"
        f"{'cpu ratio':>10} | "
        f"{'eng peak':>9}{'kz peak':>8}{'ratio':>7} | {'eng +MB':>8}{'kz +MB':>7}"
        f"{'ratio':>7} | {'kz +MB/result':>13}"
    )
    for n in rows:
        with tempfile.TemporaryDirectory(prefix="kzmap-bench-read-") as tmp:
            folder = keep or Path(tmp)
            folder.mkdir(parents=True, exist_ok=True)
            paths = {f: folder / f"points{n}.{f}" for f in FORMATS}
            if not all(p.exists() for p in paths.values()):
                paths = write_files(n, folder)
            for fmt, which in CASES:
                eng = _best(which, fmt, paths[fmt], repeat)
                if which == "engine":
                    kz = _best("kzmap", fmt, paths[fmt], repeat)
                assert eng["rows"] == kz["rows"] == n, (eng, kz)
                grow_e, grow_k = eng["peak"] - eng["base"], kz["peak"] - kz["base"]
                size = paths[fmt].stat().st_size / 1e6
                label = fmt if which == "engine" else f"{fmt}/arrow"
                print(
                    f"{label + f' {n:.0e}':<22}{size:>7.1f} | {eng['wall']:>8.2f}"
                    f"{kz['wall']:>8.2f}{kz['wall'] / eng['wall']:>6.2f}x"
                    f"{kz['cpu'] / eng['cpu']:>9.2f}x | "
                    f"{eng['peak']:>9.0f}{kz['peak']:>8.0f}"
                    f"{kz['peak'] / eng['peak']:>6.2f}x | {grow_e:>8.0f}"
                    f"{grow_k:>7.0f}{grow_k / grow_e:>6.2f}x | "
                    f"{grow_k / kz['size']:>12.2f}x",
                    flush=True,
                )
                verdicts.append(
                    _verdict(
                        label, n, kz["wall"] / eng["wall"], kz["peak"] / eng["peak"]
                    )
                )
    print(f"target (issue 17): kzmap <= {TARGET}x the engine's wall time and peak RSS")
    for line in verdicts:
        print("  " + line)


def _median(fn: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def engines() -> None:
    """Print fiona vs pyogrio, raw and through kzmap, on small files."""
    import geopandas as gpd

    from kzmap.geo import read

    warnings.simplefilter("ignore")
    print(f"median of {RUNS} runs; fiona time / pyogrio time")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "points.geojson"
        _frame(20_000).to_file(path)
        for kind in ("raw", "kzmap"):
            timing = {}
            for engine in ("pyogrio", "fiona"):

                def fn(e: str = engine, k: str = kind) -> object:
                    if k == "raw":
                        return gpd.read_file(path, engine=e)
                    return read(path, engine=e, aoi=None)  # type: ignore[arg-type]

                timing[engine] = _median(fn)
            print(
                f"points.geojson (20000) {kind}: pyogrio "
                f"{timing['pyogrio'] * 1000:.0f} ms, fiona "
                f"{timing['fiona'] * 1000:.0f} ms, "
                f"{timing['fiona'] / timing['pyogrio']:.1f}x"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rows", default="1e5", help="comma-separated sizes, e.g. 1e5,1e6"
    )
    parser.add_argument("--engines", action="store_true")
    parser.add_argument("--repeat", type=int, default=3, help="runs per case")
    parser.add_argument(
        "--folder", type=Path, help="keep the generated files here, reuse them"
    )
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], Path(args.child[2]))
    elif args.engines:
        engines()
    else:
        print(
            f"Python {sys.version.split()[0]}; best of {args.repeat} runs per case "
            "(least wall time), each in a fresh process"
        )
        compare([int(float(n)) for n in args.rows.split(",")], args.folder, args.repeat)


if __name__ == "__main__":
    main()
