"""Rebuild maps/static/locator.geojson, the countries of the print locator inset.

Source: Natural Earth 1:110m Admin 0 countries v4.1.0 (public domain), as
redistributed in the npm package world-atlas 2.0.2 (countries-110m.json,
TopoJSON, ISC licence), read from its copy in ``scripts/data/world_atlas``
(refreshed by ``build_boundaries.py --extract``) unless ``--world-atlas DIR``
points at an unpacked package.

The locator shows where a map lies in Central Asia and around it, so it
reaches wider than the countries layer (Europe's east to China's east): the
countries meeting LOCATOR_EXTENT (plus a margin) are clipped to it,
simplified at 0.05 degrees and rounded to 0.01 degrees; at the inset's
size (about 60 mm for 80 degrees of longitude) that is well under a pixel.
Each feature keeps the ISO 3166-1 numeric code (``id``) and English name.

Run: python scripts/build_locator.py [--world-atlas DIR] [--out DIR]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import geopandas as gpd
import shapely
from _geojson import write_feature_collection
from build_boundaries import NE_VERSION, WORLD_ATLAS_COPY, WORLD_ATLAS_VERSION
from shapely.geometry import box

OUT = Path(__file__).resolve().parent.parent / "maps" / "static" / "locator.geojson"
#: (west, south, east, north) of the inset; kzmap.maps.printing reads the same.
LOCATOR_EXTENT = (30.0, 25.0, 110.0, 62.0)
_MARGIN = 2.0
SOURCE = (
    f"Natural Earth 1:110m Admin 0 countries v{NE_VERSION} (public domain), "
    f"via npm world-atlas {WORLD_ATLAS_VERSION}"
)
SOURCE_URL = "https://www.naturalearthdata.com/downloads/110m-cultural-vectors/"


def build(world_atlas: Path) -> gpd.GeoDataFrame:
    """Return the locator's countries, clipped to the inset extent."""
    raw = gpd.read_file(world_atlas / "countries-110m.json", layer="countries")
    raw = raw.set_crs(4326, allow_override=True)
    west, south, east, north = LOCATOR_EXTENT
    clip = box(west - _MARGIN, south - _MARGIN, east + _MARGIN, north + _MARGIN)
    rows = []
    for row in raw.itertuples():
        shape = shapely.intersection(shapely.make_valid(row.geometry), clip)
        shape = shapely.simplify(shape, 0.05, preserve_topology=True)
        shape = shapely.transform(shape, lambda xy: xy.round(2))
        polygons = [
            g
            for g in getattr(shape, "geoms", [shape])
            if g.geom_type == "Polygon" and g.area > 0.05
        ]
        if not polygons:
            continue
        rows.append(
            {
                "id": str(row.id),
                "name": str(row.name),
                "source": SOURCE,
                "source_url": SOURCE_URL,
                "date": "2018-05-21",  # Natural Earth v4.1.0 release
                "confidence": "confirmed",
                "geometry": shapely.MultiPolygon(polygons),
            }
        )
    frame = gpd.GeoDataFrame(rows, crs=4326).sort_values("id", kind="stable")
    if "398" not in set(frame["id"]):
        raise SystemExit("world-atlas countries-110m.json lacks Kazakhstan (398)")
    return frame.reset_index(drop=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--world-atlas", type=Path, help="unpacked world-atlas folder")
    parser.add_argument("--out", type=Path, help="write into this folder instead")
    args = parser.parse_args()
    out = args.out / OUT.name if args.out else OUT
    frame = build(args.world_atlas or WORLD_ATLAS_COPY)
    write_feature_collection(frame, out, precision=2)
    print(f"locator: {len(frame)} countries, {out.stat().st_size / 1e3:.0f} kB")


if __name__ == "__main__":
    main()
