"""Rebuild regions.geojson, regions_legacy.geojson and regions_crosswalk.csv.

Source: Natural Earth 1:10m Admin 1 v4.1.0 (public domain) as shipped by
Debian's qgis-common (3.22.16) in /usr/share/qgis/resources/data/world_map.gpkg, layer
``states_provinces`` (generalised with GRASS v.generalize; see the package's
README_world_map.md). No open boundary set has the 2022 units, so they are
derived here, transparently:

1. Take the 16 Kazakh admin-1 units (iso_a2 == "KZ") and add the Baikonur
   lease area to Kyzylorda.
2. Fit them to the shipped Kazakhstan polygon (layers/data/countries.geojson,
   id "KAZ"): clip what overhangs it, and give every gap piece to the unit it
   shares the longest edge with.
3. Split four pre-reform units along the 2022 district composition
   (scripts/data/regions_seeds.csv): Voronoi cells of district seats, built
   in kzmap's equal-area CRS, dissolved by new unit and clipped to the old unit.
4. Simplify all units as one coverage (outer outline untouched, shared edges
   stay shared) and round to 1e-4 degrees.
5. Carve Shymkent out of South Kazakhstan as a disc of the city's area around
   its centre; the rest is Turkistan.

The legacy layer is the union of the current units by legacy code, so both
layers share every edge. Tables curated by hand live in scripts/data/.

Run: python scripts/build_regions.py [--gpkg PATH] [--out DIR]
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer
from shapely.geometry import MultiPoint, Polygon

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _geojson import write_feature_collection

from kzmap.geo.crs import METRIC_CRS

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "layers" / "data"
TABLES = Path(__file__).resolve().parent / "data"
GPKG = Path("/usr/share/qgis/resources/data/world_map.gpkg")
NE_LAYER = "states_provinces"
NE_BAIKONUR = "Baykonur lease in Qyzylorda"  # adm0_a3 "KAB", merged into Kyzylorda
NE_KYZYLORDA = "Qyzylorda"
NE_VERSION = "4.1.0"
NE_DATE = "2018-05-21"  # Natural Earth 4.1.0 release
NE_URL = "https://www.naturalearthdata.com/downloads/10m-cultural-vectors/"
TOLERANCE_DEG = 0.01  # coverage simplification, as build_boundaries.py
PRECISION = 4  # decimal places
SEGMENT_M = 5_000.0  # densify Voronoi edges before leaving the metric CRS
GRID = 1e-6  # overlay precision in degrees (snap-rounding keeps overlays robust)
# Shymkent: area from ru.wikipedia "Шымкент" (1,170 km²); centre = the
# GeoNames point used for city-shymkent in scripts/data/cities.csv.
SHYMKENT_AREA_KM2 = 1170.0
SHYMKENT_CENTRE = (69.6, 42.3)
SHYMKENT_AREA_URL = "https://perceptiode.com/Шымкент"
DISC_VERTICES = 72
NE_SOURCE = (
    f"Natural Earth 1:10m Admin 1 v{NE_VERSION} (public domain), via Debian "
    "qgis-common world_map.gpkg; fitted to the kzmap Kazakhstan outline"
)
SOURCES = {
    "natural_earth": NE_SOURCE,
    "voronoi": (
        f"Natural Earth Admin 1 v{NE_VERSION} outline split by Voronoi cells of "
        "district seats (decrees of 4 May 2022, Kazinform)"
    ),
    "remainder": (
        f"Natural Earth Admin 1 v{NE_VERSION} South Kazakhstan minus the Shymkent "
        "disc (decree of 19 Jun 2018)"
    ),
    "disc": (
        "Disc of the city's area (1,170 km², ru.wikipedia) around its GeoNames "
        "point (decree of 19 Jun 2018)"
    ),
}
_METRIC = Transformer.from_crs(4326, METRIC_CRS, always_xy=True)
_LONLAT = Transformer.from_crs(METRIC_CRS, 4326, always_xy=True)


def read_table(name: str) -> pd.DataFrame:
    """Read a curated CSV from scripts/data with every cell as a string."""
    return pd.read_csv(TABLES / name, dtype=str, keep_default_na=False)


def polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """Keep only the polygonal parts of `geom`, as a (Multi)Polygon."""
    parts = [p for p in shapely.get_parts(geom) if isinstance(p, Polygon)]
    if not parts:
        return Polygon()
    return shapely.union_all(parts) if len(parts) > 1 else parts[0]


def read_natural_earth(gpkg: Path, names: set[str]) -> dict[str, shapely.Geometry]:
    """Return the Kazakh admin-1 polygons by Natural Earth name, Baikonur merged."""
    frame = gpd.read_file(gpkg, layer=NE_LAYER)
    kz = frame[frame["iso_a2"] == "KZ"]
    found = set(kz["name"])
    if found != names:
        sys.exit(f"{gpkg}: Kazakh admin-1 names {sorted(found)} != {sorted(names)}")
    units = dict(zip(kz["name"], kz.geometry, strict=True))
    (baikonur,) = frame.loc[frame["name"] == NE_BAIKONUR, "geometry"]
    units[NE_KYZYLORDA] = shapely.union(units[NE_KYZYLORDA], baikonur)
    return units


def fit_to_country(
    units: dict[str, shapely.Geometry], country: shapely.Geometry
) -> dict[str, shapely.Geometry]:
    """Clip `units` to `country`; give each gap to the unit it shares most edge with."""
    names = list(units)
    clipped = [
        polygonal(shapely.intersection(units[n], country, grid_size=GRID))
        for n in names
    ]
    rest = shapely.difference(country, shapely.union_all(clipped), grid_size=GRID)
    gaps = shapely.get_parts(rest)
    tree = shapely.STRtree(clipped)
    extra: dict[int, list[shapely.Geometry]] = {i: [] for i in range(len(names))}
    for gap in gaps:
        candidates = tree.query(gap, predicate="intersects")
        if len(candidates) == 0:  # an island: nearest unit
            candidates = np.array([tree.nearest(gap)])
        shared = [
            shapely.length(shapely.intersection(gap.boundary, clipped[i].boundary))
            for i in candidates
        ]
        extra[int(candidates[int(np.argmax(shared))])].append(gap)
    return {
        n: polygonal(shapely.union_all([clipped[i], *extra[i]], grid_size=GRID))
        for i, n in enumerate(names)
    }


def _to_metric(geom: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(geom, lambda xy: np.column_stack(_METRIC.transform(*xy.T)))


def _to_lonlat(geom: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(geom, lambda xy: np.column_stack(_LONLAT.transform(*xy.T)))


def voronoi_split(
    old: shapely.Geometry, seeds: pd.DataFrame
) -> dict[str, shapely.Geometry]:
    """Split `old` between the current units of `seeds` by Voronoi cells of seats.

    The cells are built in the equal-area METRIC_CRS, dissolved by unit,
    densified and brought back to lon/lat; every unit but the last is `old`
    intersected with its cells, the last unit is the remainder, so the pieces
    tile `old` exactly.
    """
    xy = np.column_stack(_METRIC.transform(seeds["lon"].astype(float), seeds["lat"]))
    frame = _to_metric(shapely.envelope(old)).buffer(1_000_000)
    cells = shapely.get_parts(
        shapely.voronoi_polygons(MultiPoint(xy), extend_to=frame, ordered=True)
    )
    ids = sorted(set(seeds["current_id"]))
    pieces: dict[str, shapely.Geometry] = {}
    for unit in ids[:-1]:
        mine = cells[(seeds["current_id"] == unit).to_numpy()]
        zone = _to_lonlat(shapely.segmentize(shapely.union_all(mine), SEGMENT_M))
        pieces[unit] = polygonal(shapely.intersection(old, zone, grid_size=GRID))
    taken = shapely.union_all(list(pieces.values()), grid_size=GRID)
    pieces[ids[-1]] = polygonal(shapely.difference(old, taken, grid_size=GRID))
    return _merge_crumbs(pieces)


def _merge_crumbs(pieces: dict[str, shapely.Geometry]) -> dict[str, shapely.Geometry]:
    """Give detached parts under 1 % of a piece to the piece they touch most."""
    crumbs: list[tuple[str, shapely.Geometry]] = []
    for unit, geom in pieces.items():
        parts = sorted(shapely.get_parts(geom), key=shapely.area, reverse=True)
        keep = [parts[0]] + [p for p in parts[1:] if p.area >= 0.01 * geom.area]
        crumbs += [(unit, p) for p in parts if not any(p is k for k in keep)]
        pieces[unit] = polygonal(shapely.union_all(keep))
    for unit, crumb in crumbs:
        others = [u for u in pieces if u != unit]
        shared = [shapely.length(crumb.boundary & pieces[u].boundary) for u in others]
        best = others[int(np.argmax(shared))]
        pieces[best] = polygonal(shapely.union(pieces[best], crumb, grid_size=GRID))
    return pieces


def node_coverage(geoms: list[shapely.Geometry]) -> list[shapely.Geometry]:
    """Insert every vertex of the coverage into the edges it lies on (T-junctions)."""
    vertices = MultiPoint(np.unique(shapely.get_coordinates(geoms), axis=0))
    return [shapely.snap(g, vertices, 2 * GRID) for g in geoms]


def _round(geom: shapely.Geometry) -> shapely.Geometry:
    rounded = shapely.transform(geom, lambda xy: xy.round(PRECISION))
    return polygonal(shapely.make_valid(rounded))


def shymkent_disc() -> shapely.Geometry:
    """Regular 72-gon of SHYMKENT_AREA_KM2 (equal-area CRS) around SHYMKENT_CENTRE."""
    lon, lat = SHYMKENT_CENTRE
    local = CRS.from_proj4(f"+proj=aeqd +lat_0={lat} +lon_0={lon} +datum=WGS84")
    back = Transformer.from_crs(local, 4326, always_xy=True)
    n = DISC_VERTICES
    radius = 1000 * math.sqrt(SHYMKENT_AREA_KM2 / (n / 2 * math.sin(2 * math.pi / n)))
    angles = np.linspace(0, 2 * math.pi, n, endpoint=False)
    xs, ys = back.transform(radius * np.sin(angles), radius * np.cos(angles))
    return _round(Polygon(np.column_stack([xs, ys])))


def build_geometries(
    gpkg: Path, country: shapely.Geometry
) -> dict[str, shapely.Geometry]:
    """Return the 20 current units' polygons by ISO 3166-2 code."""
    current = read_table("regions_current.csv")
    legacy = read_table("regions_legacy.csv")
    seeds = read_table("regions_seeds.csv")
    seeds = seeds[seeds["use"] == "yes"]
    if seeds.duplicated(["lon", "lat"]).any():
        sys.exit("regions_seeds.csv: two used seeds share a point")
    fitted = fit_to_country(read_natural_earth(gpkg, set(legacy["ne_name"])), country)
    by_legacy = {row.id: fitted[row.ne_name] for row in legacy.itertuples(index=False)}
    units: dict[str, shapely.Geometry] = {}
    for row in current[current["derivation"] == "natural_earth"].itertuples():
        units[row.id] = by_legacy[row.legacy_id]
    for old_id, group in seeds.groupby("legacy_id", sort=True):
        units.update(voronoi_split(by_legacy[str(old_id)], group))
    units["KZ-YUZ"] = by_legacy["KZ-YUZ"]  # split after simplification
    ids = sorted(units)
    noded = node_coverage([units[i] for i in ids])
    if not shapely.coverage_is_valid(noded):
        sys.exit("fitted and split units do not form a valid coverage")
    simple = shapely.coverage_simplify(noded, TOLERANCE_DEG, simplify_boundary=False)
    result = {i: _round(g) for i, g in zip(ids, simple, strict=True)}
    disc = shymkent_disc()
    south = result.pop("KZ-YUZ")
    if not shapely.contains(south, disc):
        sys.exit("the Shymkent disc leaves South Kazakhstan")
    result["KZ-61"] = polygonal(shapely.difference(south, disc))
    result["KZ-79"] = disc
    return dict(sorted(result.items()))


def current_frame(geoms: dict[str, shapely.Geometry]) -> gpd.GeoDataFrame:
    """Return the regions layer: one feature per current unit, sorted by id."""
    rows = []
    for r in read_table("regions_current.csv").itertuples(index=False):
        derived = r.derivation != "natural_earth"
        rows.append(
            {
                "id": r.id,
                "iso_3166_2": r.id,
                "kind": r.kind,
                "name_en": r.name_en,
                "name_ru": r.name_ru,
                "name_kk": r.name_kk,
                "admin_centre": r.admin_centre or None,
                "valid_from": r.valid_from or None,
                "legacy_id": r.legacy_id,
                "geometry_quality": "approximate" if derived else "natural_earth",
                "description": r.description,
                "source": SOURCES[r.derivation],
                "source_url": r.source_url or NE_URL,
                "date": r.valid_from or NE_DATE,
                "confidence": "approximate" if derived else "confirmed",
                "geometry": geoms[r.id],
            }
        )
    return gpd.GeoDataFrame(rows, crs=4326).sort_values("id", ignore_index=True)


def legacy_frame(current: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return the regions_legacy layer: the union of current units by legacy code."""
    rows = []
    for r in read_table("regions_legacy.csv").itertuples(index=False):
        mine = current[current["legacy_id"] == r.id]
        names = ", ".join(
            f"{n} ({i})" for i, n in zip(mine["id"], mine["name_en"], strict=True)
        )
        rows.append(
            {
                "id": r.id,
                "iso_3166_2": r.id,
                "kind": r.kind,
                "name_en": r.name_en,
                "name_ru": r.name_ru,
                "name_kk": r.name_kk,
                "admin_centre": r.admin_centre or None,
                "current_ids": ",".join(mine["id"]),
                "geometry_quality": "natural_earth",
                "description": (
                    "First-level unit as Natural Earth v4.1.0 draws it, before the "
                    f"2018 and 2022 reforms. Now: {names}."
                ),
                "source": NE_SOURCE,
                "source_url": NE_URL,
                "date": NE_DATE,
                "confidence": "confirmed",
                "geometry": polygonal(shapely.union_all(mine.geometry.values)),
            }
        )
    return gpd.GeoDataFrame(rows, crs=4326).sort_values("id", ignore_index=True)


def write_crosswalk(
    current: gpd.GeoDataFrame, legacy: gpd.GeoDataFrame, path: Path
) -> None:
    """Check the curated crosswalk against both layers and write it to `path`."""
    table = read_table("regions_crosswalk.csv")
    problems = []
    if not set(table["relation"]) <= {"same", "split", "part"}:
        problems.append(f"unknown relations {set(table['relation'])}")
    for code in set(legacy["id"]) - set(table["legacy_id"]):
        problems.append(f"legacy {code} missing")
    for code in set(current["id"]) - set(table["current_id"]):
        problems.append(f"current {code} missing")
    pairs = set(zip(table["legacy_id"], table["current_id"], strict=True))
    for code, old in zip(current["id"], current["legacy_id"], strict=True):
        if (old, code) not in pairs:
            problems.append(f"no row {old} -> {code}")
    counts = table.groupby("legacy_id")["relation"].agg(["count", "first"])
    for code, (count, relation) in counts.iterrows():
        if (relation == "split") != (count > 1):
            problems.append(f"{code}: {count} rows with relation {relation!r}")
    if problems:
        sys.exit("regions_crosswalk.csv: " + "; ".join(problems))
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(table.columns)
        writer.writerows(table.sort_values(["legacy_id", "current_id"]).to_numpy())


def _report(current: gpd.GeoDataFrame, country: shapely.Geometry) -> None:
    metric = current.to_crs(METRIC_CRS)
    total = float(gpd.GeoSeries([country], crs=4326).to_crs(METRIC_CRS).area.iloc[0])
    union = float(shapely.union_all(metric.geometry.values).area)
    pairs = shapely.STRtree(metric.geometry.values).query(
        metric.geometry.values, predicate="overlaps"
    )
    overlap = sum(
        shapely.area(shapely.intersection(metric.geometry[i], metric.geometry[j]))
        for i, j in pairs.T
        if i < j
    )
    print(f"tiling: union/country - 1 = {union / total - 1:.2e}")
    print(f"overlap between units: {overlap:.0f} m²")
    for code, area in zip(metric["id"], metric.area / 1e6, strict=True):
        print(f"  {code}: {area:,.0f} km²")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gpkg", type=Path, default=GPKG, help="world_map.gpkg")
    parser.add_argument("--out", type=Path, default=DATA, help="output folder")
    args = parser.parse_args()
    countries = gpd.read_file(DATA / "countries.geojson")
    (country,) = countries.loc[countries["id"] == "KAZ", "geometry"]
    current = current_frame(build_geometries(args.gpkg, country))
    legacy = legacy_frame(current)
    write_feature_collection(current, args.out / "regions.geojson")
    write_feature_collection(legacy, args.out / "regions_legacy.geojson")
    write_crosswalk(current, legacy, args.out / "regions_crosswalk.csv")
    _report(current, country)


if __name__ == "__main__":
    main()
