"""Print a land-constrained path between two points, for route legs by the sea.

A route leg is a straight line between two waypoints. Where the road between
two named places follows a coast or a spit (NR-F along the Caspian), the
straight line runs over the sea. This script computes a path that stays on the
land of the shipped layers and prints its vertices, which are then copied into
routes/data/waypoints.csv as schematic shape points (role ``waypoint``,
location_basis ``inferred``; routes/data/README.md, "Land paths").

Method (deterministic, no road data):

1. Land = the shipped polygon of COUNTRY (layers/data/countries.geojson) minus
   every body of layers/data/water.geojson, shrunk by --margin-km so that the
   path keeps off the generalised shore line.
2. A grid of --cell-deg cells over the two points' box (plus 1 degree) keeps
   the cells whose centres lie on that land; the shortest 8-neighbour path
   (geodesic step lengths) joins the cells of the two end points.
3. The path is thinned greedily: from each kept vertex, jump to the farthest
   later grid vertex whose straight segment has no more than --water-km over
   water and stays in COUNTRY.

The printed vertices are rounded to 4 decimals. They are not places and not
the road itself: they only keep the drawn leg on land.

Run: python scripts/land_path.py COUNTRY LON1 LAT1 LON2 LAT2
     [--cell-deg 0.01] [--margin-km 0.3] [--water-km 0.2]
"""

from __future__ import annotations

import argparse
import heapq
import math
import sys
from pathlib import Path

import geopandas as gpd
import shapely
from pyproj import Geod
from shapely.geometry import LineString, Point, box

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "layers" / "data"
GEOD = Geod(ellps="WGS84")


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    return float(GEOD.inv(a[0], a[1], b[0], b[1])[2]) / 1000.0


def _water_km(segment: LineString, water: shapely.Geometry) -> float:
    piece = segment.intersection(water)
    return float(GEOD.geometry_length(piece)) / 1000.0 if not piece.is_empty else 0.0


def land_path(
    country: str,
    start: tuple[float, float],
    end: tuple[float, float],
    *,
    cell_deg: float = 0.01,
    margin_km: float = 0.3,
    water_km: float = 0.2,
) -> list[tuple[float, float]]:
    """Return the thinned land path from `start` to `end` (lon, lat pairs)."""
    countries = gpd.read_file(DATA / "countries.geojson").set_index("iso_a2")
    water_layer = gpd.read_file(DATA / "water.geojson")
    west, east = sorted((start[0], end[0]))
    south, north = sorted((start[1], end[1]))
    frame = box(west - 1, south - 1, east + 1, north + 1)
    home = countries.geometry[country].intersection(frame)
    water = shapely.union_all(water_layer.geometry.intersection(frame).values)
    margin_deg = margin_km / 111.0
    land = home.difference(water).buffer(-margin_deg)
    shapely.prepare(land)
    nx = int((east - west + 2) / cell_deg) + 1
    ny = int((north - south + 2) / cell_deg) + 1
    x0, y0 = west - 1, south - 1

    def centre(i: int, j: int) -> tuple[float, float]:
        return (x0 + i * cell_deg, y0 + j * cell_deg)

    def cell(p: tuple[float, float]) -> tuple[int, int]:
        return (round((p[0] - x0) / cell_deg), round((p[1] - y0) / cell_deg))

    on_land: dict[tuple[int, int], bool] = {}

    def ok(c: tuple[int, int]) -> bool:
        if c not in on_land:
            on_land[c] = bool(land.contains(Point(*centre(*c))))
        return on_land[c]

    src, dst = cell(start), cell(end)
    on_land[src] = on_land[dst] = True  # the end points may sit on the shore
    dist = {src: 0.0}
    prev: dict[tuple[int, int], tuple[int, int]] = {}
    queue = [(0.0, src)]
    while queue:
        d, c = heapq.heappop(queue)
        if c == dst:
            break
        if d > dist.get(c, math.inf):
            continue
        for di in (-1, 0, 1):
            for dj in (-1, 0, 1):
                n = (c[0] + di, c[1] + dj)
                if n == c or not (0 <= n[0] < nx and 0 <= n[1] < ny) or not ok(n):
                    continue
                nd = d + _km(centre(*c), centre(*n))
                if nd < dist.get(n, math.inf):
                    dist[n], prev[n] = nd, c
                    heapq.heappush(queue, (nd, n))
    if dst not in prev:
        raise SystemExit(f"land_path: no land path in {country} between the points")
    cells = [dst]
    while cells[-1] != src:
        cells.append(prev[cells[-1]])
    grid = [start, *(centre(*c) for c in reversed(cells[1:-1])), end]
    inside = countries.geometry[country].buffer(1e-6)
    return _thin(grid, water, inside, water_km)


def _thin(
    grid: list[tuple[float, float]],
    water: shapely.Geometry,
    inside: shapely.Geometry,
    water_km: float,
) -> list[tuple[float, float]]:
    """Keep the grid vertices a greedy line-of-sight walk needs (rounded)."""
    thinned = [grid[0]]
    k = 0
    while k < len(grid) - 1:
        best = k + 1
        for m in range(len(grid) - 1, k, -1):
            seg = LineString([grid[k], grid[m]])
            if _water_km(seg, water) <= water_km and inside.covers(seg):
                best = m
                break
        thinned.append(grid[best])
        k = best
    return [(round(x, 4), round(y, 4)) for x, y in thinned]


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("country")
    parser.add_argument("coords", nargs=4, type=float)
    parser.add_argument("--cell-deg", type=float, default=0.01)
    parser.add_argument("--margin-km", type=float, default=0.3)
    parser.add_argument("--water-km", type=float, default=0.2)
    args = parser.parse_args(argv)
    lon1, lat1, lon2, lat2 = args.coords
    path = land_path(
        args.country,
        (lon1, lat1),
        (lon2, lat2),
        cell_deg=args.cell_deg,
        margin_km=args.margin_km,
        water_km=args.water_km,
    )
    for lon, lat in path:
        print(f"{lon:.4f},{lat:.4f}")


if __name__ == "__main__":
    main(sys.argv[1:])
