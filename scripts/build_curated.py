"""Rebuild the curated layers (crossings, tunnels, corridors, affected regions).

Sources: the hand-curated tables in scripts/data/*.toml (one table per feature,
with its coordinates, sources and dates; facts from shared/research/*.md and the
seed documents), the shipped countries, borders, regions and regions_legacy
layers (geokz outline; regions_legacy finds a pre-2018 unit's stretch of border).

Checks (the build stops on any problem): provenance fields present, dates ISO,
markets in kzmap.layers.MARKETS, ISO codes valid, every shipped crossing within
5 km of the shipped border of its two countries and inside one of them, every
affected-region point inside Kazakhstan and inside the region it claims. Held
crossings (ship = false) are reported, not written.

--keep-going reports the problems found but writes the layers anyway (for use
while a table is being fixed; never for a release).

Run: python scripts/build_curated.py [--keep-going]
(writes layers/data/{crossings,tunnels,
fuel_corridors,corridors,affected_regions}.geojson)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import geopandas as gpd
from shapely.geometry import LineString, MultiLineString, Point

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _curated import (
    DATA,
    GEOD,
    LOCATION_BASIS,
    PRECISION_KM,
    REGION_IDS,
    REGION_NAMES,
    admin1_stretch,
    border_sector,
    check_common,
    geodesic_disc,
    markets,
    metric_distance_km,
    none_if_empty,
    point_of,
    read_table,
    region_of,
)
from _geojson import write_feature_collection

MAX_BORDER_KM = 5.0
MARKETS = markets()
COUNTRIES = gpd.read_file(DATA / "countries.geojson").set_index("iso_a2")
BORDERS = gpd.read_file(DATA / "borders.geojson").set_index("id")
PROVENANCE = ["source", "source_url", "date", "confidence", "location_basis"]


# Set by --keep-going: report table problems but still write the layers.
KEEP_GOING = "--keep-going" in sys.argv[1:]


def _fail(problems: list[str]) -> None:
    if problems and KEEP_GOING:
        print(
            "build_curated: WARNING, fix the source tables:\n  " + "\n  ".join(problems)
        )
    elif problems:
        raise SystemExit(
            "build_curated: fix the source tables:\n  " + "\n  ".join(problems)
        )


def _frame(records: list[dict[str, object]], columns: list[str]) -> gpd.GeoDataFrame:
    rows = [
        {c: none_if_empty(r.get(c)) for c in columns} | {"geometry": r["geometry"]}
        for r in records
    ]
    return gpd.GeoDataFrame(rows, columns=[*columns, "geometry"], crs=4326)


def build_crossings() -> tuple[gpd.GeoDataFrame, dict[str, object]]:
    """Validate crossings.toml, check the 5 km rule, return shipped rows + points."""
    rows = read_table("crossings", "crossing")
    problems: list[str] = []
    shipped, points = [], {}
    print("crossing distances to the shipped border (km):")
    for row in rows:
        basis = str(row["basis"])
        row["precision_km"] = PRECISION_KM.get(basis)
        # town proxies and "well-known location of <village>" set their own
        # confidence ("approximate"); otherwise it follows from the basis
        default = "approximate" if basis == "TOWN-L" else "confirmed"
        row["confidence"] = row.get("confidence") or default
        row["country_a"] = row.get("country_a") or "KZ"
        problems += check_common(row, layer="crossings", allowed=MARKETS)
        pair = f"{row['country_a']}-{row['country_b']}"
        if pair not in BORDERS.index:
            problems.append(f"crossings: {row['id']!r}: no shipped border {pair!r}")
            continue
        if row["ship"] and not row.get("location_source"):
            problems.append(f"crossings: {row['id']!r}: no location_source")
        if row["country_a"] == "KZ" and row.get("region_id") not in REGION_IDS:
            problems.append(
                f"crossings: {row['id']!r}: region_id {row.get('region_id')!r}"
            )
        if "lon" not in row:
            print(f"  {row['id']:32s}   n/a  HELD: {row['hold_reason']}")
            continue
        point = point_of(row["lon"], row["lat"])
        dist = metric_distance_km(point, BORDERS.loc[pair, "geometry"])
        row["border_distance_km"] = round(dist, 2)
        state = "shipped" if row["ship"] else f"HELD: {row['hold_reason']}"
        print(f"  {row['id']:32s} {dist:6.2f}  {state}")
        if not row["ship"]:
            continue
        inside = [
            c
            for c in (row["country_a"], row["country_b"])
            if COUNTRIES.loc[c, "geometry"].contains(point)
        ]
        if dist > MAX_BORDER_KM or not inside:
            problems.append(
                f"crossings: {row['id']!r}: {dist:.2f} km from {pair}, in {inside}"
            )
        if row["location_basis"] not in LOCATION_BASIS:
            problems.append(
                f"crossings: {row['id']!r}: location_basis {row['location_basis']!r}"
            )
        row["geometry"] = point
        points[str(row["id"])] = point
        shipped.append(row)
    _fail(problems)
    columns = [
        "id",
        "name_en",
        "name_ru",
        "name_kk",
        "country_a",
        "country_b",
        "name_other_side",
        "mode",
        "region_id",
        "status",
        "description",
        *PROVENANCE,
        "location_source",
        "location_note",
        "precision_km",
        "border_distance_km",
    ]
    return _frame(shipped, columns), points


def build_tunnels() -> tuple[gpd.GeoDataFrame, dict[str, object]]:
    """Build border-sector polygons for the tunnels; return them and their anchors."""
    rows = read_table("tunnels", "tunnel")
    problems: list[str] = []
    anchors = {}
    for row in rows:
        problems += check_common(row, layer="tunnels", allowed=MARKETS)
        border = BORDERS.loc[str(row["border"]), "geometry"]
        anchor = row["anchor"]
        if isinstance(anchor, str) and anchor.startswith("admin1:"):
            stretch = admin1_stretch(border, anchor.removeprefix("admin1:"))
            centre = stretch.interpolate(0.5, normalized=True)
            # radius: reach the far ends of the stretch plus the band, rounded up
            reach = max(metric_distance_km(centre, Point(xy)) for xy in stretch.coords)
            row["precision_km"] = float(round(reach + float(row["band_km"]) + 5, -1))
            disc = geodesic_disc(centre.x, centre.y, float(row["precision_km"]))
            sector = border_sector(stretch, disc, float(row["band_km"]))
        else:
            centre = point_of(*anchor)
            disc = geodesic_disc(centre.x, centre.y, float(row["precision_km"]))
            sector = border_sector(border, disc, float(row["band_km"]))
        print(
            f"tunnel {row['id']}: anchor {centre.x:.4f}, {centre.y:.4f}; "
            f"precision {row['precision_km']} km; sector area "
            f"{sector.area:.4f} deg²"
        )
        row["geometry"] = sector
        row["location_basis"] = "inferred"
        row["location_note"] = (
            f"Border sector: the part of a {row['precision_km']} km disc around the "
            f"anchor ({row['anchor_basis']}) within {row['band_km']} km of the "
            f"shipped {row['border']} border."
        )
        anchors[str(row["id"])] = centre
    _fail(problems)
    columns = [
        "id",
        "name_en",
        "name_ru",
        "name_kk",
        "length_m",
        "market",
        "commodity",
        "region_id",
        "found",
        "precision_km",
        "description",
        *PROVENANCE,
        "location_note",
    ]
    return _frame(rows, columns), anchors


def _line(path: list[str], vertices: dict[str, object], beyond_km: float) -> LineString:
    """Join the named vertices; optionally run on `beyond_km` past the last one."""
    missing = [v for v in path if v not in vertices]
    if missing:
        raise SystemExit(f"build_curated: unknown path vertices {missing}")
    coords = [(p.x, p.y) for p in (vertices[v] for v in path)]  # type: ignore[attr-defined]
    if beyond_km:
        (x0, y0), (x1, y1) = coords[-2], coords[-1]
        azimuth, _, _ = GEOD.inv(x0, y0, x1, y1)
        x2, y2, _ = GEOD.fwd(x1, y1, azimuth, beyond_km * 1000.0)
        coords.append((x2, y2))
    return LineString(coords)


def build_lines(
    name: str, vertices: dict[str, object], crossings: set[str]
) -> gpd.GeoDataFrame:
    """Build fuel_corridors or corridors from <name>.toml (paths of named vertices)."""
    rows = read_table(name, "corridor")
    problems: list[str] = []
    for row in rows:
        problems += check_common(row, layer=name, allowed=MARKETS)
        codes = set(COUNTRIES.index)
        if row["from_country"] not in codes or row["to_country"] not in codes:
            problems.append(
                f"{name}: {row['id']!r}: country code not in countries layer"
            )
        via = [v for v in str(row.get("via", "")).split(",") if v]
        if not set(via) <= crossings:
            problems.append(
                f"{name}: {row['id']!r}: via {via} not all shipped crossings"
            )
        paths = row["paths"] if "paths" in row else [row["path"]]
        beyond = float(row.get("beyond_km", 0))  # type: ignore[arg-type]
        lines = [_line(list(p), vertices, beyond) for p in paths]  # type: ignore[arg-type]
        row["geometry"] = lines[0] if len(lines) == 1 else MultiLineString(lines)
        row["location_basis"] = "inferred"
        row["schematic"] = bool(row.get("schematic", True))
        row["location_note"] = (
            "Schematic line through named places: "
            + " | ".join(" – ".join(map(str, p)) for p in paths)  # type: ignore[arg-type]
            + (f", then {beyond:g} km further on" if beyond else "")
        )
    _fail(problems)
    columns = [
        "id",
        "name_en",
        "name_ru",
        "name_kk",
        "market",
        "commodity",
        "from_country",
        "to_country",
        "via",
        "schematic",
        "driver",
        "figures",
        "description",
        *PROVENANCE,
        "location_note",
    ]
    return _frame(rows, columns)


def build_affected(
    vertices: dict[str, object], places: dict[str, dict[str, object]]
) -> gpd.GeoDataFrame:
    """Build affected_regions: one point per (region, market, topic) claim."""
    rows = read_table("affected_regions", "claim")
    problems: list[str] = []
    keys = set()
    for row in rows:
        topic = str(row["topic"])
        region_name = REGION_NAMES.get(str(row["region_id"]), "?")
        row["name_en"] = f"{topic[0].upper()}{topic[1:]} — {region_name}"
        region = str(row["region_id"])
        centre = f"centre-{region}"
        place_id = str(row.get("place") or centre)
        row["location_basis"] = (
            "town" if place_id == centre and "place" not in row else "source"
        )
        label = places.get(place_id, {}).get("name_en", place_id)
        where = (
            "the region's administrative centre"
            if row["location_basis"] == "town"
            else f"{label}, the place the claim names"
        )
        row["description"] = f"{row['claim']} Point: {where}."
        problems += check_common(row, layer="affected_regions", allowed=MARKETS)
        if region not in REGION_IDS:
            problems.append(f"affected_regions: {row['id']!r}: region_id {region!r}")
        if (key := (region, row["market"], row["topic"])) in keys:
            problems.append(f"affected_regions: duplicate {key}")
        keys.add(key)
        if place_id not in vertices:
            problems.append(
                f"affected_regions: {row['id']!r}: unknown place {place_id!r}"
            )
            continue
        row["geometry"] = vertices[place_id]
        row["location_note"] = (
            f"{label} ({places.get(place_id, {}).get('basis', 'crossing')})"
        )
    _fail(problems)
    frame = _frame(
        rows,
        [
            "id",
            "name_en",
            "region_id",
            "market",
            "topic",
            "claim",
            "description",
            *PROVENANCE,
            "location_note",
        ],
    )
    _check_regions(frame)
    return frame


def _check_regions(frame: gpd.GeoDataFrame) -> None:
    """Each point must be in Kazakhstan and in the legacy province of its region."""
    kz = COUNTRIES.loc["KZ", "geometry"]
    found = region_of(frame.geometry)
    problems = []
    for fid, region, got, point in zip(
        frame["id"], frame["region_id"], found, frame.geometry, strict=True
    ):
        if got != region:
            problems.append(f"affected_regions: {fid!r} ({region}) lies in {got!r}")
        if not kz.contains(point):
            problems.append(f"affected_regions: {fid!r} is outside Kazakhstan")
    _fail(problems)


def main() -> None:
    """Build and write the five curated layers."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write into this folder instead")
    out = parser.parse_args().out or DATA
    places = {str(p["id"]): p for p in read_table("places", "place")}
    vertices: dict[str, object] = {
        k: point_of(p["lon"], p["lat"]) for k, p in places.items()
    }
    crossings, crossing_points = build_crossings()
    vertices |= crossing_points
    tunnels, anchors = build_tunnels()
    vertices |= {f"tunnel:{k}": v for k, v in anchors.items()}
    ids = set(crossings["id"])
    outputs = {
        "crossings": crossings,
        "tunnels": tunnels,
        "fuel_corridors": build_lines("fuel_corridors", vertices, ids),
        "corridors": build_lines("corridors", vertices, ids),
        "affected_regions": build_affected(vertices, places),
    }
    for name, frame in outputs.items():
        write_feature_collection(frame, out / f"{name}.geojson")
        print(f"wrote {name}.geojson: {len(frame)} features")


if __name__ == "__main__":
    main()
