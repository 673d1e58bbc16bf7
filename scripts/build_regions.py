"""Rebuild districts, regions, regions_legacy and regions_crosswalk.csv from geokz.

Source: geokz 1.0.2 (R package, repository arodionoff/geokz, commit
41c1a00454ec9e01bda031b5074920bd82de02ce, 2024-07-01; CC BY 4.0, credit
"geokz, © Alexander Rodionov, CC BY 4.0"), based on the Bureau of National
Statistics. The shapefile sets are copied unmodified to scripts/data/geokz/.

1. Read the 224 current districts (adm2_2024), repair their small overlaps
   and gaps into a valid coverage (scripts/_coverage.py).
2. Simplify them as one coverage (shared edges stay shared, outline
   simplified too) at TOLERANCE_DEG and round to 1e-4 degrees.
3. regions = the districts dissolved by ADM1_PCODE ("KZ10" -> "KZ-10"); the
   first-level geometry is checked against geokz adm1_2024.
4. regions_legacy = the districts dissolved by the 2018 unit (adm1_2018)
   holding most of each district's area: the 17-unit 2018-2022 frame and the
   16 pre-2018 units (Shymkent inside South Kazakhstan), one `frame` column.
5. regions_crosswalk.csv: legacy -> current units with the area share of
   the legacy unit lying in the current one, measured district by district.

Names, kinds and dates of the 20 current units come from
scripts/data/regions_current.csv, of the legacy units from regions_legacy.csv.
Run: python scripts/build_regions.py [--out DIR]
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _coverage import check, dissolve, polygonal, repair, round_coverage
from _geojson import write_feature_collection

from kzmap.geo.crs import METRIC_CRS

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "layers" / "data"
TABLES = Path(__file__).resolve().parent / "data"
GEOKZ = TABLES / "geokz"
TOLERANCE_DEG = 0.004  # coverage simplification, about 400 m
PRECISION = 4  # decimal places, about 10 m
MOVE_SHARE = 0.01  # a district with at least this share in another unit moved
GEOKZ_COMMIT = "41c1a00454ec9e01bda031b5074920bd82de02ce"
GEOKZ_URL = "https://github.com/arodionoff/geokz"
GEOKZ_DATE = "2024-07-01"
CREDIT = "geokz, © Alexander Rodionov, CC BY 4.0"


def source(layer: str, changes: str) -> str:
    """The `source` text of a feature: geokz layer, credit and what was changed."""
    return (
        f"geokz 1.0.2 {layer} (arodionoff/geokz@{GEOKZ_COMMIT[:7]}; based on the "
        f"Bureau of National Statistics). {CREDIT} "
        f"(https://creativecommons.org/licenses/by/4.0/). Changed: {changes}."
    )


def read_geokz(name: str) -> gpd.GeoDataFrame:
    """Read one geokz shapefile set from its zip in scripts/data/geokz/."""
    frame = gpd.read_file(f"zip://{GEOKZ / f'geokz_kaz_admbnda_{name}.zip'}")
    if frame.crs is None or frame.crs.to_epsg() != 4326:
        sys.exit(f"geokz {name}: expected EPSG:4326, got {frame.crs}")
    return frame


def read_table(name: str) -> pd.DataFrame:
    """Read a curated CSV from scripts/data with every cell as a string."""
    return pd.read_csv(TABLES / name, dtype=str, keep_default_na=False)


def iso_code(pcode: str) -> str:
    """ADM1_PCODE "KZ10" -> ISO 3166-2 "KZ-10"."""
    if len(pcode) != 4 or not pcode.startswith("KZ") or not pcode[2:].isdigit():
        sys.exit(f"geokz: unexpected ADM1_PCODE {pcode!r}")
    return f"KZ-{pcode[2:]}"


def simplified_districts() -> gpd.GeoDataFrame:
    """The 224 districts as a repaired, simplified and rounded coverage."""
    raw = read_geokz("adm2_2024").sort_values("KATO", ignore_index=True)
    for column in ("KATO", "ADM1_PCODE", "ADM2_EN", "ADM2_RU", "ADM2_KK"):
        empty = raw.index[raw[column].fillna("").str.strip() == ""].tolist()
        if empty:
            sys.exit(f"geokz adm2_2024: empty {column} at rows {empty}")
    if not raw["KATO"].is_unique:
        sys.exit("geokz adm2_2024: KATO codes repeat")
    fixed = repair(list(raw.geometry), max_gap_km2=5.0)
    check(fixed, "repaired districts")
    simple = shapely.coverage_simplify(np.asarray(fixed), TOLERANCE_DEG)
    rounded = round_coverage(list(simple), PRECISION)
    check(rounded, "simplified districts")
    return gpd.GeoDataFrame(raw.drop(columns="geometry"), geometry=rounded, crs=4326)


def districts_frame(raw: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The districts layer: one feature per KATO code."""
    changes = (
        f"overlaps and gaps repaired, coverage-simplified at {TOLERANCE_DEG} "
        "degrees, rounded to 1e-4 degrees, region recoded to ISO 3166-2"
    )
    frame = gpd.GeoDataFrame(
        {
            "id": raw["KATO"],
            "kato": raw["KATO"],
            "region_id": raw["ADM1_PCODE"].map(iso_code),
            "name_en": raw["ADM2_EN"].str.strip(),
            "name_ru": raw["ADM2_RU"].str.strip(),
            "name_kk": raw["ADM2_KK"].str.strip(),
            "names_transliterated": "",  # geokz has all three; none made here
            "source": source("adm2_2024", changes),
            "source_url": GEOKZ_URL,
            "date": GEOKZ_DATE,
            "confidence": "confirmed",
        },
        geometry=raw.geometry.values,
        crs=4326,
    )
    return frame.sort_values("id", ignore_index=True)


def regions_frame(districts: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The regions layer: the districts dissolved by region, with curated names."""
    geoms = dissolve(districts.geometry.values, districts["region_id"])
    table = read_table("regions_current.csv")
    if set(table["id"]) != set(geoms):
        sys.exit(f"regions_current.csv ids != geokz: {sorted(set(geoms))}")
    check_against_adm1(geoms)
    changes = (
        f"dissolved from the adm2_2024 districts (overlaps and gaps repaired, "
        f"coverage-simplified at {TOLERANCE_DEG} degrees, rounded to 1e-4 "
        "degrees), recoded from ADM1_PCODE to ISO 3166-2"
    )
    rows = [
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
            "district_count": int((districts["region_id"] == r.id).sum()),
            "geometry_quality": "geokz",
            "description": r.description,
            "description_ru": r.description_ru,
            "description_kk": r.description_kk,
            "reform_url": r.reform_url or None,
            "source": source("adm2_2024 dissolved to regions", changes),
            "source_url": GEOKZ_URL,
            "date": GEOKZ_DATE,
            "confidence": "confirmed",
            "geometry": geoms[r.id],
        }
        for r in table.itertuples(index=False)
    ]
    return gpd.GeoDataFrame(rows, crs=4326).sort_values("id", ignore_index=True)


def _metric_area(geoms: list[shapely.Geometry]) -> np.ndarray:
    return gpd.GeoSeries(geoms, crs=4326).to_crs(METRIC_CRS).area.to_numpy()


def check_against_adm1(geoms: dict[str, shapely.Geometry]) -> None:
    """Stop unless each dissolved region matches geokz adm1_2024 (IoU >= 0.98)."""
    adm1 = read_geokz("adm1_2024")
    worst = (1.0, "")
    for pcode, ref in zip(adm1["ADM1_PCODE"], adm1.geometry, strict=True):
        ours = geoms[iso_code(pcode)]
        inter, union = _metric_area([ours & ref, ours | ref])
        if inter / union < 0.98:
            sys.exit(f"{pcode}: districts differ from adm1 (IoU {inter / union:.3f})")
        worst = min(worst, (inter / union, pcode))
    print(f"lowest IoU of dissolved districts vs adm1_2024: {worst[0]:.4f} {worst[1]}")


def legacy_units_2018() -> dict[str, shapely.Geometry]:
    """geokz adm1_2018 by alpha code, Akmola's two stray slivers dropped."""
    frame = read_geokz("adm1_2018")
    units = {}
    for code, geom in zip(frame["ISO_3166_2"], frame.geometry, strict=True):
        parts = shapely.get_parts(geom)
        if code == "KZ-AKM":  # geokz README: two slivers far south of Akmola
            parts = [p for p in parts if p.area >= 0.01 * geom.area]
        units[str(code)] = polygonal(shapely.union_all(parts))
    return units


def district_shares(districts: gpd.GeoDataFrame) -> pd.DataFrame:
    """Area share of each district in each 2018 unit (shares below 0.1 % dropped)."""
    units = legacy_units_2018()
    codes = list(units)
    rows = []
    metric = districts.to_crs(METRIC_CRS)
    refs = gpd.GeoSeries(list(units.values()), crs=4326).to_crs(METRIC_CRS).values
    for kato, region, geom in zip(
        districts["id"], districts["region_id"], metric.geometry, strict=True
    ):
        shares = shapely.area(shapely.intersection(geom, refs)) / geom.area
        for code, share in zip(codes, shares, strict=True):
            if share >= 0.001:
                rows.append((kato, region, code, float(share)))
    table = pd.DataFrame(rows, columns=["kato", "current_id", "unit_2018", "share"])
    main = table.sort_values("share").groupby("kato").tail(1)
    missing = set(districts["id"]) - set(main["kato"])
    if missing:
        sys.exit(f"districts outside every 2018 unit: {sorted(missing)}")
    return table.assign(main=table.index.isin(main.index))


def legacy_frames(
    districts: gpd.GeoDataFrame, shares: pd.DataFrame
) -> dict[str, gpd.GeoDataFrame]:
    """The pre-2018 (16 units) and 2018-2022 (17 units) frames from the districts."""
    main = shares[shares["main"]].set_index("kato")["unit_2018"]
    unit_2018 = districts["id"].map(main)
    table = read_table("regions_legacy.csv").set_index(["frame", "id"])
    changes = (
        "each adm2_2024 district (simplified as for the districts layer) given "
        "to the adm1_2018 unit holding most of its area, then dissolved; "
        "Akmola's two stray slivers dropped"
    )
    frames = {}
    for frame, keys in (
        ("pre-2018", unit_2018.replace({"KZ-SHY": "KZ-YUZ"})),
        ("2018", unit_2018),
    ):
        geoms = dissolve(districts.geometry.values, keys)
        if {i for f, i in table.index if f == frame} != set(geoms):
            sys.exit(f"regions_legacy.csv: {frame} ids != {sorted(geoms)}")
        rows = []
        for code, geom in geoms.items():
            r = table.loc[(frame, code)]
            now = sorted(set(districts.loc[(keys == code).to_numpy(), "region_id"]))
            rows.append(
                {
                    "id": code,
                    "iso_3166_2": code,
                    "frame": frame,
                    "kind": r["kind"],
                    "name_en": r["name_en"],
                    "name_ru": r["name_ru"],
                    "name_kk": r["name_kk"],
                    "admin_centre": r["admin_centre"] or None,
                    "current_ids": ",".join(now),
                    "geometry_quality": "geokz, at district resolution",
                    "description": (
                        f"First-level unit of the {frame} frame, drawn from the "
                        f"current districts. Now: {', '.join(now)}."
                    ),
                    "description_ru": (
                        f"Единица первого уровня {_FRAME_RU[frame]}, построенная "
                        f"из современных районов. Сейчас: {', '.join(now)}."
                    ),
                    "description_kk": (
                        f"{_FRAME_KK[frame]} бірінші деңгейлі бірлігі, қазіргі "
                        f"аудандардан құрылған. Қазір: {', '.join(now)}."
                    ),
                    "source": source("adm1_2018 and adm2_2024", changes),
                    "source_url": GEOKZ_URL,
                    "date": GEOKZ_DATE,
                    "confidence": "confirmed",
                    "geometry": geom,
                }
            )
        frames[frame] = gpd.GeoDataFrame(rows, crs=4326)
    return frames


#: The legacy frames in the Russian and Kazakh descriptions.
_FRAME_RU = {"pre-2018": "деления до 2018 года", "2018": "деления 2018 года"}
_FRAME_KK = {
    "pre-2018": "2018 жылға дейінгі бөліністің",
    "2018": "2018 жылғы бөліністің",
}


def crosswalk(
    districts: gpd.GeoDataFrame,
    shares: pd.DataFrame,
    frames: dict[str, gpd.GeoDataFrame],
) -> pd.DataFrame:
    """Legacy -> current rows with area shares, computed district by district.

    ``area_share`` is the share of the legacy unit's area (geokz adm1_2018)
    lying in the current unit, summed over districts. A pair is listed when
    at least one district lies mainly in the legacy unit and now in the
    current one; districts with a sizeable part elsewhere are named.
    """
    area = dict(
        zip(districts["id"], _metric_area(list(districts.geometry)), strict=True)
    )
    names = dict(zip(districts["id"], districts["name_en"], strict=True))
    t = shares.assign(area_km2=shares["share"] * shares["kato"].map(area) / 1e6)
    notes = read_table("regions_crosswalk.csv").set_index(["legacy_id", "current_id"])
    rows = []
    for alias in (None, "KZ-SHY"):
        legacy = (
            t["unit_2018"] if alias else t["unit_2018"].replace({"KZ-SHY": "KZ-YUZ"})
        )
        t = t.assign(legacy=legacy)
        codes = ["KZ-SHY"] if alias else sorted(frames["pre-2018"]["id"])
        for code in codes:
            mine = t[t["legacy"] == code]
            total = mine["area_km2"].sum()
            pairs = sorted(set(mine.loc[mine["main"], "current_id"]))
            for current in pairs:
                part = mine[mine["current_id"] == current]
                moved = [
                    f"{names[k]} ({k}) {s:.0%}"
                    for k, s, m in zip(
                        part["kato"], part["share"], part["main"], strict=True
                    )
                    if not m and s >= MOVE_SHARE
                ]
                note = notes["note"].get((code, current), "")
                if moved:
                    note = "; ".join(
                        filter(None, [note, "in part only: " + ", ".join(moved)])
                    )
                rows.append(
                    (code, current, round(part["area_km2"].sum() / total, 4), note)
                )
    table = pd.DataFrame(
        rows, columns=["legacy_id", "current_id", "area_share", "note"]
    )
    per_old = table.groupby("legacy_id")["current_id"].transform("count")
    per_new = (
        table[table["legacy_id"] != "KZ-SHY"].groupby("current_id")["legacy_id"].count()
    )
    table["relation"] = np.where(
        per_old > 1,
        "split",
        np.where(table["current_id"].map(per_new) > 1, "part", "same"),
    )
    pairs = set(zip(table["legacy_id"], table["current_id"], strict=True))
    missing = set(notes.index) - pairs
    if missing:
        sys.exit(f"regions_crosswalk.csv rows no longer computed: {sorted(missing)}")
    table = table.sort_values(["legacy_id", "current_id"], ignore_index=True)
    return table[["legacy_id", "current_id", "relation", "area_share", "note"]]


def moved_districts(shares: pd.DataFrame, districts: gpd.GeoDataFrame) -> pd.Series:
    """Per district: the 2018 units holding at least MOVE_SHARE of it, as text."""
    big = shares[shares["share"] >= MOVE_SHARE].sort_values(["kato", "unit_2018"])
    text = big.groupby("kato").apply(
        lambda g: ",".join(
            f"{u} {s:.0%}" for u, s in zip(g["unit_2018"], g["share"], strict=True)
        ),
        include_groups=False,
    )
    return districts["id"].map(text).fillna("")


def write_csv(table: pd.DataFrame, path: Path) -> None:
    """Write `table` deterministically (LF, sorted) and atomically."""
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(table.columns)
        writer.writerows(table.to_numpy())
    tmp.replace(path)


def report(regions: gpd.GeoDataFrame, districts: gpd.GeoDataFrame) -> None:
    """Print tiling and area figures."""
    outline = read_geokz("adm1_2024").union_all()
    union = shapely.coverage_union_all(districts.geometry.values)
    a_out, a_union = _metric_area([outline, union])
    print(f"districts: {len(districts)}; regions: {len(regions)}")
    print(f"union/geokz outline - 1 = {a_union / a_out - 1:.2e}")
    for code, name, area in zip(
        regions["id"],
        regions["name_en"],
        _metric_area(list(regions.geometry)),
        strict=True,
    ):
        print(f"  {code} {name}: {area / 1e6:,.0f} km²")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DATA, help="output folder")
    args = parser.parse_args()
    districts = districts_frame(simplified_districts())
    shares = district_shares(districts)
    districts["units_2018"] = moved_districts(shares, districts)
    regions = regions_frame(districts)
    frames = legacy_frames(districts, shares)
    write_feature_collection(districts, args.out / "districts.geojson")
    write_feature_collection(regions, args.out / "regions.geojson")
    write_feature_collection(frames["pre-2018"], args.out / "regions_legacy.geojson")
    write_feature_collection(frames["2018"], args.out / "regions_2018.geojson")
    table = crosswalk(districts, shares, frames)
    write_csv(table, args.out / "regions_crosswalk.csv")
    report(regions, districts)


if __name__ == "__main__":
    main()
