"""Rebuild layers/data/countries.geojson and borders.geojson from Natural Earth.

Source: Natural Earth 1:10m Admin 0 countries v4.1.0 (public domain), as
redistributed in the npm package world-atlas 2.0.2 (countries-10m.json,
TopoJSON, ISC licence). The script reads the copy in
``scripts/data/world_atlas`` (the countries it keeps and Baikonur, with their
arcs; see the README there); ``--extract`` refreshes that copy from the
package, fetched with ``npm pack`` at that exact version unless
``--world-atlas DIR`` points at an unpacked copy.

Kazakhstan itself is the geokz outline: the union of the shipped districts
(layers/data/districts.geojson, built by scripts/build_regions.py, which
must run first), so the country, its regions and its districts share one line.

Steps: read the TopoJSON with GDAL, keep the countries meeting the Central
Asia extent and clip them to it, simplify them as one coverage (shared edges
stay shared) and round to 1e-4 degrees. Then fit the neighbours to the geokz
Kazakhstan (scripts/_coverage.py fit_around): what they overlap of it is cut
away, and each closed sliver between a neighbour's Natural Earth line and the
geokz line goes to that neighbour; everything is noded on the 1e-4 degree
grid. Borders are the shared edges of the fitted countries, so countries and
borders always agree.

Run: python scripts/build_boundaries.py [--extract] [--world-atlas DIR] [--out DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import geopandas as gpd
import shapely
from pyproj import Geod
from shapely.geometry import box

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _coverage import check, fit_around
from _fetch import npm_package
from _geojson import write_feature_collection
from _topojson import subset

from kzmap.geo.crs import METRIC_CRS

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "layers" / "data"
WORLD_ATLAS_VERSION = "2.0.2"
#: The world-atlas files the build scripts read, copied into the repository.
WORLD_ATLAS_COPY = ROOT / "scripts" / "data" / "world_atlas"
NE_VERSION = "4.1.0"
EXTENT = (43.0, 30.0, 90.0, 57.5)  # west, south, east, north (lon/lat)
TOLERANCE_DEG = 0.01  # coverage simplification, about 1 km
PRECISION = 4  # decimal places, about 10 m
SOURCE = (
    f"Natural Earth 1:10m Admin 0 v{NE_VERSION} (public domain), "
    f"via npm world-atlas {WORLD_ATLAS_VERSION}"
)
SOURCE_URL = "https://www.naturalearthdata.com/downloads/10m-cultural-vectors/"
DATE = "2018-05-21"  # Natural Earth 4.1.0 release
KZ_SOURCE = (
    "geokz 1.0.2 adm2_2024 dissolved (arodionoff/geokz@41c1a00; based on the "
    "Bureau of National Statistics). geokz, © Alexander Rodionov, CC BY 4.0 "
    "(https://creativecommons.org/licenses/by/4.0/). Changed: repaired, "
    "coverage-simplified, rounded; neighbours fitted to it."
)
KZ_SOURCE_URL = "https://github.com/arodionoff/geokz"
KZ_DATE = "2024-07-01"

# ISO 3166-1 numeric -> (alpha-2, alpha-3, English, Russian, Kazakh). Names are
# the countries' common short names; Kazakh in Cyrillic script.
COUNTRIES: dict[str, tuple[str, str, str, str, str]] = {
    "398": ("KZ", "KAZ", "Kazakhstan", "Казахстан", "Қазақстан"),
    "643": ("RU", "RUS", "Russia", "Россия", "Ресей"),
    "156": ("CN", "CHN", "China", "Китай", "Қытай"),
    "417": ("KG", "KGZ", "Kyrgyzstan", "Киргизия", "Қырғызстан"),
    "860": ("UZ", "UZB", "Uzbekistan", "Узбекистан", "Өзбекстан"),
    "795": ("TM", "TKM", "Turkmenistan", "Туркмения", "Түрікменстан"),
    "762": ("TJ", "TJK", "Tajikistan", "Таджикистан", "Тәжікстан"),
    "004": ("AF", "AFG", "Afghanistan", "Афганистан", "Ауғанстан"),
    "364": ("IR", "IRN", "Iran", "Иран", "Иран"),
    "586": ("PK", "PAK", "Pakistan", "Пакистан", "Пәкістан"),
    "356": ("IN", "IND", "India", "Индия", "Үндістан"),
    "496": ("MN", "MNG", "Mongolia", "Монголия", "Моңғолия"),
    "031": ("AZ", "AZE", "Azerbaijan", "Азербайджан", "Әзербайжан"),
    "268": ("GE", "GEO", "Georgia", "Грузия", "Грузия"),
    "051": ("AM", "ARM", "Armenia", "Армения", "Армения"),
    "792": ("TR", "TUR", "Turkey", "Турция", "Түркия"),
    "682": ("SA", "SAU", "Saudi Arabia", "Саудовская Аравия", "Сауд Арабиясы"),
    "414": ("KW", "KWT", "Kuwait", "Кувейт", "Кувейт"),
    "368": ("IQ", "IRQ", "Iraq", "Ирак", "Ирак"),
    "524": ("NP", "NPL", "Nepal", "Непал", "Непал"),
}
# Kazakhstan and the countries the routes cross: drawn prominently.
FOCUS = {"KZ", "RU", "CN", "KG", "UZ", "TM", "TJ", "AF"}
# Neighbouring pairs whose shared boundary ships in borders.geojson.
BORDER_PAIRS = [
    ("KZ", "RU"), ("KZ", "CN"), ("KZ", "KG"), ("KZ", "UZ"), ("KZ", "TM"),
    ("AF", "TJ"), ("AF", "UZ"), ("AF", "TM"), ("TJ", "KG"), ("TJ", "UZ"),
    ("KG", "UZ"), ("TM", "UZ"), ("KG", "CN"), ("TJ", "CN"), ("AF", "CN"),
]  # fmt: skip
_GEOD = Geod(ellps="WGS84")


def fetch_world_atlas(dest: Path) -> Path:
    """Download world-atlas from the npm registry and return the unpacked folder."""
    return npm_package("world-atlas", WORLD_ATLAS_VERSION, dest)


def _round(geom: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(geom, lambda xy: xy.round(PRECISION))


def geokz_outline() -> shapely.Geometry:
    """Kazakhstan as the union of the shipped (geokz) districts."""
    districts = gpd.read_file(DATA / "districts.geojson")
    return shapely.coverage_union_all(districts.geometry.values)


def build_countries(world_atlas: Path) -> gpd.GeoDataFrame:
    raw = gpd.read_file(world_atlas / "countries-10m.json", layer="countries")
    raw = raw.set_crs(4326)
    baikonur = raw.loc[raw["name"] == "Baikonur", "geometry"]
    kz = raw["id"] == "398"
    raw.loc[kz, "geometry"] = shapely.union_all([*raw.loc[kz, "geometry"], *baikonur])
    old_kz = raw.loc[kz, "geometry"].iloc[0]
    extent = box(*EXTENT)
    keep = raw[raw["id"].isin(COUNTRIES.keys()) & raw.intersects(extent)].copy()
    missing = set(COUNTRIES) - set(keep["id"])
    if missing:
        sys.exit(f"world-atlas lacks expected countries: {sorted(missing)}")
    keep["geometry"] = keep.geometry.intersection(extent)
    simplified = shapely.coverage_simplify(keep.geometry.values, TOLERANCE_DEG)
    keep["geometry"] = [shapely.make_valid(_round(g)) for g in simplified]
    kz = (keep["id"] == "398").to_numpy()
    fitted_kz, fitted = fit_around(
        geokz_outline(), list(keep.geometry[~kz]), grid=10.0**-PRECISION
    )
    keep.loc[kz, "geometry"] = fitted_kz
    keep.loc[~kz, "geometry"] = fitted
    check(list(keep.geometry), "fitted countries")
    land = shapely.intersection(fitted_kz.boundary, shapely.union_all(fitted).boundary)
    shift = _largest_shift(old_kz, land)
    print(f"largest shift of the Kazakhstan land border, NE -> geokz: {shift:.1f} km")
    rows = []
    for n3, geom in zip(keep["id"], keep.geometry, strict=True):
        a2, a3, en, ru, kk = COUNTRIES[n3]
        rows.append(
            {
                "id": a3,
                "iso_a2": a2,
                "iso_a3": a3,
                "iso_n3": n3,
                "name_en": en,
                "name_ru": ru,
                "name_kk": kk,
                "focus": a2 in FOCUS,
                "description": "Country polygon clipped to the Central Asia extent.",
                "source": KZ_SOURCE if a2 == "KZ" else SOURCE,
                "source_url": KZ_SOURCE_URL if a2 == "KZ" else SOURCE_URL,
                "date": KZ_DATE if a2 == "KZ" else DATE,
                "confidence": "confirmed",
                "geometry": geom,
            }
        )
    return gpd.GeoDataFrame(rows, crs=4326).sort_values("id", ignore_index=True)


def _largest_shift(old: shapely.Geometry, new_border: shapely.Geometry) -> float:
    """Largest distance (km) from a point of the new land border to the old outline."""
    land = gpd.GeoSeries([old.boundary, new_border], crs=4326).to_crs(METRIC_CRS)
    old_line, new_line = land.values
    dense = shapely.segmentize(new_line, 1_000.0)
    points = shapely.points(shapely.get_coordinates(dense))
    return float(shapely.distance(points, old_line).max()) / 1000


def build_borders(countries: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    by_a2 = dict(zip(countries["iso_a2"], countries.geometry, strict=True))
    names = dict(zip(countries["iso_a2"], countries["name_en"], strict=True))
    rows = []
    for a, b in BORDER_PAIRS:
        shared = shapely.line_merge(
            shapely.intersection(by_a2[a].boundary, by_a2[b].boundary)
        )
        if shared.is_empty:
            sys.exit(f"no shared boundary between {a} and {b}")
        length_km = _GEOD.geometry_length(shared) / 1000
        rows.append(
            {
                "id": f"{a}-{b}",
                "iso_a2_a": a,
                "iso_a2_b": b,
                "name_en": f"{names[a]}–{names[b]} border",
                "length_km": round(length_km, 1),
                "description": (
                    "Shared edge of the two shipped country polygons (clipped to "
                    "the map extent); Kazakhstan's lines follow geokz. "
                    "Boundaries are generalised, not for border work."
                ),
                "source": f"{KZ_SOURCE} {SOURCE}" if "KZ" in (a, b) else SOURCE,
                "source_url": KZ_SOURCE_URL if "KZ" in (a, b) else SOURCE_URL,
                "date": KZ_DATE if "KZ" in (a, b) else DATE,
                "confidence": "confirmed",
                "geometry": shared,
            }
        )
    return gpd.GeoDataFrame(rows, crs=4326)


def extract(world_atlas: Path) -> None:
    """Copy what the build scripts read from world-atlas into WORLD_ATLAS_COPY."""
    WORLD_ATLAS_COPY.mkdir(parents=True, exist_ok=True)
    topo = json.loads((world_atlas / "countries-10m.json").read_text("utf-8"))
    kept = subset(
        topo,
        "countries",
        lambda g: (
            g.get("id") in COUNTRIES
            or g.get("properties", {}).get("name") == "Baikonur"
        ),
    )
    text = json.dumps(kept, ensure_ascii=False, separators=(",", ":"))
    (WORLD_ATLAS_COPY / "countries-10m.json").write_text(text, encoding="utf-8")
    for name, copy in (("countries-110m.json", None), ("LICENSE", "LICENSE.txt")):
        data = (world_atlas / name).read_bytes()
        (WORLD_ATLAS_COPY / (copy or name)).write_bytes(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--world-atlas", type=Path, help="unpacked world-atlas folder")
    parser.add_argument(
        "--extract", action="store_true", help="refresh scripts/data/world_atlas"
    )
    parser.add_argument("--out", type=Path, help="write into this folder instead")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.extract:
            extract(args.world_atlas or fetch_world_atlas(Path(tmp)))
            print(f"extracted into {WORLD_ATLAS_COPY}")
            return
        countries = build_countries(args.world_atlas or WORLD_ATLAS_COPY)
        borders = build_borders(countries)
        out = args.out or DATA
        write_feature_collection(countries, out / "countries.geojson")
        write_feature_collection(borders, out / "borders.geojson")
    print(f"countries: {len(countries)} features; borders: {len(borders)} features")


if __name__ == "__main__":
    main()
