"""Which modules each CLI command imports (start-up cost), in a fresh interpreter.

Not a timing: ``tests/benchmarks/bench_startup.py`` prints the times.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

#: Run a command like the ``kzmap`` script does, then list the loaded modules.
_PROBE = """
import json, sys
from kzmap.maps.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exit:
    code = exit.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""
_MAP_STACK = {"folium", "branca", "jinja2", "mapclassify", "scipy", "sklearn"}
_GEO_STACK = {"geopandas", "pandas", "numpy", "shapely", "pyproj", "pyogrio", "fiona"}


def _imported(*args: str) -> tuple[object, set[str]]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *args],
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    top = {name.split(".")[0] for name in report["modules"]}
    return report["code"], top


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["render", "--help"]])
def test_help_and_version_import_no_third_party_package(args: list[str]) -> None:
    code, modules = _imported(*args)
    assert code == 0
    assert not modules & (_MAP_STACK | _GEO_STACK)


@pytest.fixture
def points_csv(tmp_path: Path) -> Path:
    path = tmp_path / "points.csv"
    path.write_text("lon,lat\n76.9,43.2\n71.4,51.2\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "command",
    [
        ["layers"],
        ["routes"],
        ["route-stats", "NR-A"],
        ["validate", "{points}"],
        ["join", "{points}", "-o", "{out}"],
        ["render", "--list-specs"],
    ],
)
def test_light_commands_import_no_map_stack(
    tmp_path: Path, points_csv: Path, command: list[str]
) -> None:
    args = [a.format(points=points_csv, out=tmp_path / "out.csv") for a in command]
    code, modules = _imported(*args)
    assert code == 0
    assert not modules & _MAP_STACK, sorted(modules & _MAP_STACK)


def test_the_probe_can_see_the_map_stack(tmp_path: Path) -> None:
    code, modules = _imported("render", "-o", str(tmp_path / "m.html"))
    assert code == 0
    assert {"folium", "geopandas"} <= modules
