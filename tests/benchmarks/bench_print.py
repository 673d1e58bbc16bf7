"""
Benchmark the print layout against the HTML render of the default map (by hand).

Times, each in the same run: rendering the default map to offline HTML
(`default_map` + `save_html`, the anchor), then printing that page as PNG and
as PDF (`kzmap.maps.printing.print_map`, headless Chromium start included).
Prints each time and its ratio to the HTML render; the target is <= 2x.

    .venv/bin/python tests/benchmarks/bench_print.py --repeat 3
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from kzmap.maps import default_map, save_html
from kzmap.maps.printing import print_map


def _best(run, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times) if repeat < 3 else statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--page", default="A4-landscape")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        html = Path(tmp) / "default.html"
        render = _best(lambda: save_html(default_map(), html), args.repeat)
        size = html.stat().st_size
        png = _best(
            lambda: print_map(html, png=Path(tmp) / "p.png", page=args.page),
            args.repeat,
        )
        pdf = _best(
            lambda: print_map(html, pdf=Path(tmp) / "p.pdf", page=args.page),
            args.repeat,
        )
    print(f"HTML render (anchor)  {render:6.2f} s   {size / 1e6:.2f} MB")
    print(f"print PNG             {png:6.2f} s   ratio {png / render:.2f}x")
    print(f"print PDF             {pdf:6.2f} s   ratio {pdf / render:.2f}x")
    print("target: ratio <= 2.00x")


if __name__ == "__main__":
    main()
