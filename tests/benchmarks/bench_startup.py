"""Start-up time of each ``kzmap`` command next to bare Python and geopandas.

Run by hand (not collected by pytest):
    .venv/bin/python tests/benchmarks/bench_startup.py [--runs 5]

Each command runs in a fresh interpreter; the median wall time of several runs
is printed next to ``python -c pass`` and ``python -c "import geopandas"``
measured in the same run, with the difference to ``python -c pass``. The
modules that matter for start-up (geopandas, folium, mapclassify, scipy,
sklearn, branca, jinja2) are listed per command as the command imported them.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEAVY = ("geopandas", "folium", "mapclassify", "scipy", "sklearn", "branca", "jinja2")

#: Imports the command module, runs it, then prints which heavy modules loaded.
_PROBE = (
    "import sys\n"
    "from kzmap.maps.cli import main\n"
    "try:\n"
    "    main(sys.argv[1:])\n"
    "except SystemExit:\n"
    "    pass\n"
    "sys.stdout.flush()\n"
    "heavy = [m for m in {heavy!r} if m in sys.modules]\n"
    "sys.stderr.write('HEAVY=' + ','.join(heavy) + '\\n')\n"
)


def _kzmap() -> list[str]:
    script = Path(sys.executable).with_name("kzmap")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "kzmap.maps.cli"]


def _sample_files(folder: Path) -> tuple[Path, Path]:
    points = folder / "seizures.csv"
    points.write_text(
        "lon,lat,market\n76.9,43.2,heroin\n71.4,51.2,fuel\n69.6,42.3,fuel\n",
        encoding="utf-8",
    )
    return points, folder / "per_region.csv"


def _time(argv: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _heavy(args: list[str]) -> str:
    code = _PROBE.format(heavy=HEAVY)
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False
    )
    lines = [x for x in done.stderr.splitlines() if x.startswith("HEAVY=")]
    if not lines:
        return "?"
    return lines[-1].removeprefix("HEAVY=") or "-"


def main() -> None:
    """Print the start-up table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory(prefix="kzmap-bench-") as tmp:
        points, out = _sample_files(Path(tmp))
        commands: dict[str, list[str]] = {
            "--help": ["--help"],
            "--version": ["--version"],
            "layers": ["layers"],
            "routes": ["routes"],
            "route-stats NR-A": ["route-stats", "NR-A"],
            "validate points.csv": ["validate", str(points)],
            "join points.csv": ["join", str(points), "-o", str(out)],
            "render --list-specs": ["render", "--list-specs"],
            "render (default map)": ["render", "-o", str(Path(tmp) / "m.html")],
        }
        base = _time([sys.executable, "-c", "pass"], runs)
        gpd = _time([sys.executable, "-c", "import geopandas"], runs)
        print(f"median of {runs} runs, wall seconds; delta = minus `python -c pass`")
        print(f"{'command':<28}{'seconds':>9}{'delta':>9}  heavy modules imported")
        print(f"{'python -c pass':<28}{base:9.3f}{0:9.3f}")
        print(f"{'import geopandas':<28}{gpd:9.3f}{gpd - base:9.3f}  geopandas")
        for label, args in commands.items():
            seconds = _time([*_kzmap(), *args], runs)
            name = f"kzmap {label}"
            print(f"{name:<28}{seconds:9.3f}{seconds - base:9.3f}  {_heavy(args)}")


if __name__ == "__main__":
    main()
