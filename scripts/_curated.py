"""Helpers for build_curated.py: source tables, validation and geodesic geometry."""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import tomllib
from pathlib import Path

import geopandas as gpd
import shapely
from pyproj import CRS, Geod, Transformer
from shapely.geometry import LineString, Point, Polygon
from shapely.ops import transform

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "layers" / "data"
TABLES = Path(__file__).resolve().parent / "data"

GEOD = Geod(ellps="WGS84")
# Same Albers projection as kzmap.geo.METRIC_CRS (distances within ~1 % in 35-56 N).
METRIC = CRS.from_proj4(
    "+proj=aea +lat_1=40 +lat_2=52 +lat_0=46 +lon_0=68 +datum=WGS84 +units=m +no_defs"
)
_TO_M = Transformer.from_crs(4326, METRIC, always_xy=True)
_TO_LL = Transformer.from_crs(METRIC, 4326, always_xy=True)

CONFIDENCE = {"confirmed", "reported", "approximate"}
LOCATION_BASIS = {"source", "town", "inferred"}
# ISO 3166-2:KZ numeric codes of the 17 regions and 3 cities and their English
# names (facts-regions §1).
REGION_NAMES = {
    "KZ-10": "Abai region", "KZ-11": "Akmola region", "KZ-15": "Aktobe region",
    "KZ-19": "Almaty region", "KZ-23": "Atyrau region", "KZ-27": "West Kazakhstan",
    "KZ-31": "Zhambyl region", "KZ-33": "Jetisu region", "KZ-35": "Karaganda region",
    "KZ-39": "Kostanay region", "KZ-43": "Kyzylorda region",
    "KZ-47": "Mangystau region", "KZ-55": "Pavlodar region",
    "KZ-59": "North Kazakhstan", "KZ-61": "Turkistan region", "KZ-62": "Ulytau region",
    "KZ-63": "East Kazakhstan", "KZ-71": "Astana", "KZ-75": "Almaty",
    "KZ-79": "Shymkent",
}  # fmt: skip
REGION_IDS = set(REGION_NAMES)
# Current unit -> Natural Earth 10m v4.1.0 admin-1 (pre-2018) unit containing it.
# Coordinate-basis tag (research notes) -> radius in km the point is known within.
PRECISION_KM = {"SRC": 1.0, "GN": 2.0, "LC": 2.0, "TOWN-H": 2.0, "XCHK": 5.0,
                "TOWN-M": 10.0, "TOWN-L": 30.0}  # fmt: skip
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def markets() -> tuple[str, ...]:
    """Return kzmap.layers.MARKETS, read from the source tree (no install needed)."""
    spec = importlib.util.spec_from_file_location(
        "_markets", ROOT / "layers/markets.py"
    )
    if spec is None or spec.loader is None:
        raise SystemExit("cannot load layers/markets.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return tuple(module.MARKETS)


def read_table(name: str, key: str) -> list[dict[str, object]]:
    """Read the list of [[key]] tables from scripts/data/<name>.toml."""
    with (TABLES / f"{name}.toml").open("rb") as fh:
        rows = tomllib.load(fh).get(key, [])
    return [dict(r) for r in rows]


def _parse_one(text: str) -> dt.date:
    parts = [int(p) for p in text.split("-")]
    return dt.date(
        parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1
    )


def check_date(value: object) -> str | None:
    """Return a problem with ISO date / year-month / year (or an a/b interval)."""
    if not isinstance(value, str):
        return f"date {value!r} is not a string"
    ends = value.split("/")
    if len(ends) > 2 or not all(_DATE.match(e) for e in ends):
        return f"date {value!r} is not YYYY, YYYY-MM, YYYY-MM-DD or an a/b interval"
    try:
        parsed = [_parse_one(e) for e in ends]
    except ValueError as err:
        return f"date {value!r} is not a calendar date ({err})"
    if len(parsed) == 2 and parsed[0] > parsed[1]:
        return f"date interval {value!r} ends before it starts"
    return None


def check_common(
    row: dict[str, object], *, layer: str, allowed: tuple[str, ...]
) -> list[str]:
    """Return every provenance problem of one source row (empty list if none)."""
    where = f"{layer}: {row.get('id')!r}"
    problems = []
    for field in ("id", "name_en", "description", "source", "date", "confidence"):
        if not row.get(field):
            problems.append(f"{where}: missing {field!r}")
    if row.get("confidence") not in CONFIDENCE:
        problems.append(f"{where}: confidence {row.get('confidence')!r}")
    if (problem := check_date(row.get("date"))) is not None:
        problems.append(f"{where}: {problem}")
    market = row.get("market") or None
    if market is not None and market not in allowed:
        problems.append(f"{where}: market {market!r} is not in MARKETS")
    url = row.get("source_url") or ""
    if url and not str(url).startswith(("http://", "https://")):
        problems.append(f"{where}: source_url {url!r} is not http(s)")
    return problems


def none_if_empty(value: object) -> object:
    """Map TOML's empty string (it has no null) to None."""
    return None if value == "" else value


def metric_distance_km(geom_a: object, geom_b: object) -> float:
    """Shortest distance in km between two lon/lat geometries (Albers, ~1 %)."""
    a = transform(_TO_M.transform, geom_a)
    b = transform(_TO_M.transform, geom_b)
    return float(a.distance(b)) / 1000.0


def geodesic_disc(lon: float, lat: float, radius_km: float, *, n: int = 128) -> Polygon:
    """Return the geodesic circle of `radius_km` around (lon, lat), in lon/lat."""
    azimuths = [360.0 * i / n for i in range(n)]
    lons, lats, _ = GEOD.fwd([lon] * n, [lat] * n, azimuths, [radius_km * 1000.0] * n)
    return Polygon(zip(lons, lats, strict=True))


def to_metric(geom: object) -> object:
    """Project a lon/lat geometry to the Albers metric CRS."""
    return transform(_TO_M.transform, geom)


def to_lonlat(geom: object) -> object:
    """Project an Albers geometry back to lon/lat."""
    return transform(_TO_LL.transform, geom)


def border_sector(border: object, disc: Polygon, band_km: float) -> Polygon:
    """Return the part of `disc` within `band_km` of `border` (lon/lat in and out)."""
    band = to_metric(border).buffer(band_km * 1000.0)
    sector = to_lonlat(band.intersection(to_metric(disc)))
    if sector.geom_type == "MultiPolygon":  # keep the largest piece, say so in the log
        print(
            f"  border sector split in {len(sector.geoms)} pieces; keeping the largest"
        )
        sector = max(sector.geoms, key=lambda g: g.area)
    return shapely.set_precision(sector, 1e-4)


def admin1_stretch(border: object, legacy_id: str) -> LineString:
    """Return the part of `border` along unit `legacy_id` of regions_legacy."""
    units = gpd.read_file(ROOT / "layers/data/regions_legacy.geojson")
    (unit,) = units.loc[units["id"] == legacy_id, "geometry"]
    # Borders and regions share the geokz outline; 100 m absorbs rounding.
    inside = to_lonlat(to_metric(border).intersection(to_metric(unit).buffer(100)))
    merged = shapely.line_merge(inside)
    if merged.geom_type == "MultiLineString":
        merged = max(merged.geoms, key=lambda g: g.length)
    return merged


def region_of(points: gpd.GeoSeries) -> list[str | None]:
    """The id of the shipped region (layers/data/regions.geojson) holding each point."""
    regions = gpd.read_file(ROOT / "layers/data/regions.geojson")
    ids: list[str | None] = []
    for point in points:
        hits = regions.loc[regions.covers(point), "id"].tolist()
        ids.append(hits[0] if hits else None)
    return ids


def point_of(lon: object, lat: object) -> Point:
    """Return a lon/lat point, checking the values are numbers."""
    if not isinstance(lon, int | float) or not isinstance(lat, int | float):
        raise SystemExit(f"bad coordinate {lon!r}, {lat!r}")
    return Point(float(lon), float(lat))
