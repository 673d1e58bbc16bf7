"""
Benchmark: build time, HTML size and draw time of kzmap maps vs folium (by hand).

    .venv/bin/python tests/benchmarks/bench_map.py [--points 100000] [--runs 3]
    --awesome-markers DIR

folium's pages need Leaflet.markercluster, from the ``bench`` extra
(``.venv/bin/pip install '.[bench]'``), and Leaflet.awesome-markers, whose
marker icons FastMarkerCluster draws; it is packaged for npm only:
``npm pack leaflet.awesome-markers@2.0.5 && tar xzf
leaflet.awesome-markers-2.0.5.tgz``, then pass ``--awesome-markers
package/dist``. Without them the script says so and stops before any work.

Measures the default map, the default map plus N synthetic incident points
(uniform random in Kazakhstan's bounding box, 5 categories, a date, a unique
name and a source per point) drawn by `add_points`, the same N points on an
empty map, and (unless ``--no-million``) 10^6 points on an empty map. In the
same run it builds folium's pages for the same points: FastMarkerCluster and
GeoJson with CircleMarkers for N points, MarkerCluster for
min(N, ``--marker-cluster``) points (10^4 by default: it builds one Marker
object per point). folium's pages load Leaflet and Leaflet.markercluster from a
local http.server on 127.0.0.1 (files of xstatic-leaflet and
xstatic-leaflet-markercluster; folium's CDN addresses are rewritten to it), so
they draw offline; every other request is blocked. Draw time is read in
headless Chromium: ``performance.now()`` (ms since navigation start) when the
points are on screen (kzmap's canvas reports its first draw; folium's first
cluster icon, marker or circle is in the DOM, polled every frame), or when
every vector layer of the default map is drawn. Medians of ``--runs`` runs;
ratios are kzmap / folium (< 1 is better) on the same number of points.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import re
import shutil
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np

from kzmap.maps import add_points, default_map, empty_map, map_to_html
from kzmap.maps.browser import CHROMIUM_ARGS, find_chromium

#: Leaflet files folium links to, by file name -> local folder (set in main).
LOCAL_FILES = (
    "leaflet.js",
    "leaflet.css",
    "leaflet.markercluster.js",
    "MarkerCluster.css",
    "MarkerCluster.Default.css",
    "leaflet.awesome-markers.js",
    "leaflet.awesome-markers.css",
)
FOLIUM_DRAWN = """() => document.querySelector(
    '.leaflet-marker-pane .marker-cluster, .leaflet-marker-pane .leaflet-marker-icon,'
    + ' .leaflet-overlay-pane path') !== null"""
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


def _local_url(html: str, base: str) -> str:
    """Point folium's links to Leaflet files at the local server, by file name."""
    pattern = r"https?://[^\"' ]+/(" + "|".join(map(re.escape, LOCAL_FILES)) + ")"
    return re.sub(pattern, lambda m: f"{base}/{m.group(1)}", html)


def folium_pages(frame: gpd.GeoDataFrame, cluster_max: int) -> dict[str, object]:
    """Builders of folium's pages: name -> (build function, points)."""
    from folium.plugins import FastMarkerCluster, MarkerCluster

    lat, lon = frame.geometry.y.to_numpy(), frame.geometry.x.to_numpy()
    n, small = len(frame), min(len(frame), cluster_max)

    def fast() -> str:
        m = folium.Map(location=[48, 67], zoom_start=5)
        FastMarkerCluster(np.column_stack([lat, lon]).tolist()).add_to(m)
        return m.get_root().render()

    def circles() -> str:
        m = folium.Map(location=[48, 67], zoom_start=5)
        folium.GeoJson(
            frame[["name_en", "kind", "geometry"]].assign(date=None),
            marker=folium.CircleMarker(radius=3),
        ).add_to(m)
        return m.get_root().render()

    def clusters() -> str:
        m = folium.Map(location=[48, 67], zoom_start=5)
        group = MarkerCluster().add_to(m)
        for y, x in zip(lat[:small], lon[:small], strict=True):
            folium.Marker([float(y), float(x)]).add_to(group)
        return m.get_root().render()

    return {
        f"folium FastMarkerCluster, {n:,}": (fast, n),
        f"folium GeoJson CircleMarker, {n:,}": (circles, n),
        f"folium MarkerCluster, {small:,}": (clusters, small),
    }


#: kzmap's offline flags resolve every host, 127.0.0.1 included, to nothing;
#: folium's pages load Leaflet from the local server, so 127.0.0.1 is let
#: through (every other request is still aborted by `folium_draw_ms`).
BENCH_ARGS = tuple(
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
    if a.startswith("--host-resolver-rules=")
    else a
    for a in CHROMIUM_ARGS
)


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    """Headless Chromium with kzmap's flags, reaching 127.0.0.1 only."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=find_chromium(), headless=True, args=list(BENCH_ARGS)
        )
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve `folder` on 127.0.0.1 (a free port) in a thread; yield its base URL."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def folium_draw_ms(browser: object, url: str, base: str) -> float:
    """ms from navigation start until folium's first point is in the DOM."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})  # type: ignore[attr-defined]
    page.route(
        "**/*",
        lambda r: r.continue_() if r.request.url.startswith(base) else r.abort(),
    )
    page.goto(url, timeout=600_000)
    page.wait_for_function(FOLIUM_DRAWN, polling="raf", timeout=600_000)
    drawn = float(page.evaluate("() => performance.now()"))
    page.close()
    return drawn


def _copy_leaflet(folder: Path, awesome: Path) -> None:
    import xstatic.pkg.leaflet_markercluster as cluster
    from xstatic.pkg import leaflet

    for base in (Path(leaflet.BASE_DIR), Path(cluster.BASE_DIR), awesome):
        for name in LOCAL_FILES:
            if (base / name).exists():
                shutil.copy(base / name, folder / name)
    shutil.copytree(Path(leaflet.BASE_DIR) / "images", folder / "images")
    shutil.copytree(awesome / "images", folder / "images", dirs_exist_ok=True)


def measure_folium(
    frame: gpd.GeoDataFrame, args: argparse.Namespace, out: Path, browser: object
) -> dict[str, tuple[float, int, float, int]]:
    """name -> (build s, HTML bytes, drawn ms, points) for folium's pages."""
    _copy_leaflet(out, args.awesome_markers)
    results = {}
    with serve(out) as base:
        for n, (name, (build, points)) in enumerate(
            folium_pages(frame, args.marker_cluster).items()
        ):
            wall, _, html = timed(build, args.runs)
            path = out / f"folium{n}.html"
            path.write_text(_local_url(html, base), encoding="utf-8")
            drawn = median(
                [
                    folium_draw_ms(browser, f"{base}/{path.name}", base)
                    for _ in range(args.runs)
                ]
            )
            results[name] = (wall, len(html.encode()), drawn, points)
            print(
                f"{name:<40}{wall:>9.2f}{'':>7}{len(html.encode()) / 1e6:>9.2f}"
                f"{drawn:>10.0f}",
                flush=True,
            )
    return results


def kzmap_points_page(n: int, runs: int, out: Path) -> tuple[float, int, Path]:
    """Build kzmap's page of `n` points on an empty map: (build s, bytes, path)."""
    frame = incidents(n)

    def build() -> str:
        m = empty_map()
        add_points(m, frame, category="kind")
        return map_to_html(m)

    wall, _, page = timed(build, runs)
    path = out / f"kzmap-{n}.html"
    path.write_text(page, encoding="utf-8")
    return wall, len(page.encode()), path


AWESOME_HELP = (
    "Leaflet.awesome-markers (npm only): npm pack leaflet.awesome-markers@2.0.5 "
    "&& tar xzf leaflet.awesome-markers-2.0.5.tgz, then pass "
    "--awesome-markers package/dist"
)


def check_requirements(awesome: Path | None) -> None:
    """Stop with the install commands if folium's pages cannot be served."""
    missing = []
    try:
        import xstatic.pkg.leaflet_markercluster  # noqa: F401
    except ImportError:
        missing.append(
            "Leaflet.markercluster: .venv/bin/pip install '.[bench]' "
            "(the bench extra, xstatic-leaflet-markercluster)"
        )
    needed = ("leaflet.awesome-markers.js", "leaflet.awesome-markers.css", "images")
    if awesome is None or not all((awesome / n).exists() for n in needed):
        where = "not given" if awesome is None else f"{awesome} lacks {needed}"
        missing.append(f"{AWESOME_HELP} (--awesome-markers: {where})")
    if missing:
        lines = "\n  ".join(missing)
        raise SystemExit(
            "bench_map.py measures folium in the same run, and folium's pages "
            f"need files that are not installed:\n  {lines}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--marker-cluster", type=int, default=10_000)
    parser.add_argument("--no-million", action="store_true")
    parser.add_argument("--awesome-markers", type=Path, help=AWESOME_HELP)
    args = parser.parse_args()
    check_requirements(args.awesome_markers)
    out = Path(tempfile.mkdtemp(prefix="kzmap-bench-"))
    rows, add_s = build_pages(args, out)
    extra = [] if args.no_million else [1_000_000]
    if args.marker_cluster < args.points:
        extra.insert(0, args.marker_cluster)
    for n in extra:
        wall, size, path = kzmap_points_page(n, 1 if n >= 10**6 else args.runs, out)
        rows.append((f"{n:,} points, empty map", wall, float("nan"), size, path, True))
    print(f"kzmap vs folium, {args.runs} runs, medians; pages in {out}")
    print(
        f"{'map':<40}{'build s':>9}{'cpu s':>7}{'HTML MB':>9}"
        f"{'drawn ms':>10}{'wall ms':>9}"
    )
    kz: dict[int, tuple[float, int, float]] = {}
    with chromium() as browser:
        for name, build, cpu, size, path, points in rows:
            timings = [draw_ms(browser, path, points=points) for _ in range(args.runs)]
            drawn = median([t[0] for t in timings])
            wall = median([t[1] for t in timings])
            if name.endswith("points, empty map"):
                kz[int(name.split()[0].replace(",", ""))] = (build, size, drawn)
            print(
                f"{name:<40}{build:>9.2f}{cpu:>7.2f}{size / 1e6:>9.2f}"
                f"{drawn:>10.0f}{wall:>9.0f}",
                flush=True,
            )
        print(f"  (add_points alone, on the default map: {add_s:.2f} s)")
        frame = incidents(args.points)
        folium_rows = measure_folium(frame, args, out, browser)
    print("\nratios kzmap / folium on the same points (< 1 is better):")
    for name, (f_build, f_size, f_drawn, n) in folium_rows.items():
        k_build, k_size, k_drawn = kz[n]
        print(
            f"  {name:<40} build {k_build / f_build:7.3f}   HTML "
            f"{k_size / f_size:6.3f}   draw {k_drawn / f_drawn:6.3f}"
        )


if __name__ == "__main__":
    main()
