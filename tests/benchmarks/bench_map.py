"""
Benchmark: build time, HTML size and draw time of kzmap maps (run by hand).

    .venv/bin/python tests/benchmarks/bench_map.py [--points 100000] [--runs 3]

Measures the default map, and the default map plus N synthetic incident
points (uniform random in Kazakhstan's bounding box, 5 categories, a date,
a unique name and a source per point) drawn by `add_points`. Draw time is
read in headless Chromium with every request except the page blocked:
``performance.now()`` (ms since navigation start) when the points canvas has
first drawn, or when every vector layer of the default map is drawn. Medians of `--runs`
runs are printed next to the folium figures measured for 10^5 markers on
this machine (issue 6), as ratios (kzmap / folium).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np

from kzmap.maps import add_points, default_map, empty_map, map_to_html
from kzmap.maps.browser import chromium

#: folium 0.20 with 10^5 markers, measured for issue 6: (build s, HTML MB).
FOLIUM = {"MarkerCluster": (47.0, 22.8), "FastMarkerCluster": (1.1, 4.0)}
#: folium's fastest draw of 10^5 markers in headless Chromium, seconds.
FOLIUM_DRAW_S = 8.4
KINDS = np.array(["drugs", "fuel", "weapons", "migrants", "wildlife"])

#: Every compact vector layer added (kzmap.maps.compact sets data-kz-pending
#: to "0" and data-kz-drawn-ms when the last one is drawn).
SVG_DRAWN = """() => {
    const paths = document.querySelectorAll('.leaflet-overlay-pane path');
    const root = document.documentElement;
    if (paths.length === 0 || (root.dataset.kzPending || '0') !== '0') return false;
    const drawn = Number(root.dataset.kzDrawnMs || performance.now());
    window.__kzDrawn = window.__kzDrawn || drawn;
    return true;
}"""
POINTS_DRAWN = "canvas.kzmap-points[data-kz-first-drawn-ms]"


def incidents(n: int) -> gpd.GeoDataFrame:
    """`n` synthetic incidents in Kazakhstan's bounding box (seeded)."""
    rng = np.random.default_rng(6)
    days = rng.integers(0, 3650, n).astype("timedelta64[D]")
    return gpd.GeoDataFrame(
        {
            "name_en": [f"Incident {i}" for i in range(n)],
            "kind": KINDS[rng.integers(0, len(KINDS), n)],
            "date": np.datetime64("2015-01-01") + days,
            "source": "synthetic",
        },
        geometry=gpd.points_from_xy(
            rng.uniform(46.5, 87.3, n), rng.uniform(40.6, 55.4, n)
        ),
        crs=4326,
    )


def draw_ms(browser: object, path: Path, *, points: bool) -> tuple[float, float]:
    """(ms from navigation start to drawn, wall ms from goto to drawn)."""
    url = path.resolve().as_uri()
    page = browser.new_page(viewport={"width": 1280, "height": 800})  # type: ignore[attr-defined]
    page.route(
        "**/*",
        lambda r: r.continue_() if r.request.url == url else r.abort(),
    )
    start = time.perf_counter()
    page.goto(url)
    if points:
        page.wait_for_selector(POINTS_DRAWN, state="attached", timeout=60_000)
        wall = (time.perf_counter() - start) * 1000
        drawn = float(
            page.get_attribute("canvas.kzmap-points", "data-kz-first-drawn-ms")
        )
    else:
        page.wait_for_function(SVG_DRAWN, polling="raf", timeout=60_000)
        wall = (time.perf_counter() - start) * 1000
        drawn = float(page.evaluate("() => window.__kzDrawn"))
    page.close()
    return drawn, wall


def median(values: list[float]) -> float:
    return statistics.median(values)


def timed(build: Callable[[], str], runs: int) -> tuple[float, float, str]:
    """Median wall and CPU seconds of `build` (which returns the page), and the page."""
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        page = build()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return median(walls), median(cpus), page


def build_pages(args: argparse.Namespace, out: Path) -> tuple[list, float]:
    """Build and save the three pages; return their rows and add_points' time."""
    frame = incidents(args.points)
    adds: list[float] = []

    def with_points(base: Callable[[], folium.Map]) -> Callable[[], str]:
        def build() -> str:
            m = base()
            start = time.perf_counter()
            add_points(m, frame, category="kind")
            adds.append(time.perf_counter() - start)
            return map_to_html(m)

        return build

    pages = {
        "default map": (lambda: map_to_html(default_map()), False),
        f"default map + {args.points:,} points": (with_points(default_map), True),
        f"{args.points:,} points, empty map": (with_points(empty_map), True),
    }
    rows = []
    for n, (name, (build, points)) in enumerate(pages.items()):
        wall, cpu, page = timed(build, args.runs)
        path = out / f"page{n}.html"
        path.write_text(page, encoding="utf-8")
        rows.append((name, wall, cpu, len(page.encode()), path, points))
    return rows, median(adds[: args.runs])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    out = Path(tempfile.mkdtemp(prefix="kzmap-bench-"))
    rows, add_s = build_pages(args, out)
    print(f"kzmap bench, {args.runs} runs, medians; pages in {out}")
    print(
        f"{'map':<34}{'build s':>9}{'cpu s':>7}{'HTML MB':>9}"
        f"{'drawn ms':>10}{'wall ms':>9}"
    )
    draws = {}
    with chromium() as browser:
        for name, build, cpu, size, path, points in rows:
            timings = [draw_ms(browser, path, points=points) for _ in range(args.runs)]
            drawn = median([t[0] for t in timings])
            wall = median([t[1] for t in timings])
            draws[name] = drawn
            print(
                f"{name:<34}{build:>9.2f}{cpu:>7.2f}{size / 1e6:>9.2f}"
                f"{drawn:>10.0f}{wall:>9.0f}"
            )
    print(f"  (add_points alone, on the default map: {add_s:.2f} s)")

    if args.points == 100_000:
        name = rows[2][0]
        build, size = rows[2][1], rows[2][3] / 1e6
        print("\nratios for 10^5 points (kzmap / folium; < 1 is better):")
        for method, (f_build, f_size) in FOLIUM.items():
            print(
                f"  vs {method:<18} build {build / f_build:6.3f}   "
                f"HTML {size / f_size:6.3f}   "
                f"draw {draws[name] / 1000 / FOLIUM_DRAW_S:6.3f} "
                f"(folium {f_build} s, {f_size} MB, {FOLIUM_DRAW_S} s)"
            )


if __name__ == "__main__":
    main()
