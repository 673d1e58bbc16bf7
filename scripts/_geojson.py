"""Deterministic GeoJSON writer shared by the build scripts (one feature per line)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import geopandas as gpd
import shapely


def _clean(value: object) -> object:
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value


def write_feature_collection(
    frame: gpd.GeoDataFrame, path: Path, *, precision: int = 4
) -> None:
    """Write `frame` (EPSG:4326) as RFC 7946 GeoJSON with rounded coordinates."""
    if frame.crs is None or frame.crs.to_epsg() != 4326:
        raise SystemExit(f"{path}: frame must be in EPSG:4326, got {frame.crs}")
    lines = []
    props = [c for c in frame.columns if c != frame.geometry.name]
    for _, row in frame.iterrows():
        geom = shapely.transform(row.geometry, lambda xy: xy.round(precision))
        feature = {
            "type": "Feature",
            "properties": {c: _clean(row[c]) for c in props},
            "geometry": json.loads(shapely.to_geojson(geom)),
        }
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    text = '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
