"""Fixtures for tests/geo: bad input files built in tmp_path, and join polygons."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
from shapely.geometry import MultiPolygon, Polygon, box

ENGINES = ["pyogrio", "fiona"]


def feature(geometry: Any, **props: Any) -> dict[str, Any]:
    return {"type": "Feature", "properties": props, "geometry": geometry}


def point(x: float, y: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [x, y]}


def fc(*features: Any, **extra: Any) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": list(features), **extra}


@pytest.fixture
def write_json(tmp_path: Path):
    """Write a JSON-able object (or raw text/bytes) to tmp_path/name."""

    def _write(obj: Any, name: str = "data.geojson") -> Path:
        path = tmp_path / name
        if isinstance(obj, bytes):
            path.write_bytes(obj)
        elif isinstance(obj, str):
            path.write_text(obj, encoding="utf-8")
        else:
            path.write_text(json.dumps(obj), encoding="utf-8")
        return path

    return _write


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def tiling() -> gpd.GeoDataFrame:
    """
    Five polygons over [0, 4] x [0, 2], keys deliberately not in sort order.

    - "d", "b": unit-ish squares sharing the edge x = 1 and vertices with "c";
    - "c": the square [1, 2] x [1, 2];
    - "a": a region [2, 4] x [0, 2] with a hole filled by the enclave "e";
    - "f": a triangle with slanted edges, and a far-away second part.
    The area [1, 2] x [0, 1] is a gap covered by nothing.
    """
    hole = [(2.5, 0.5), (3.5, 0.5), (3.5, 1.5), (2.5, 1.5)]
    region_a = Polygon([(2, 0), (4, 0), (4, 2), (2, 2)], [hole])
    triangle = Polygon([(0, 2), (2, 2), (1, 3.3)])
    return gpd.GeoDataFrame(
        {
            "id": ["d", "b", "c", "a", "e", "f"],
            "name_en": ["Dee", "Bee", "Cee", "Ay", "Ee", "Ef"],
        },
        geometry=[
            box(0, 0, 1, 1),
            box(0, 1, 1, 2),
            box(1, 1, 2, 2),
            region_a,
            Polygon(hole),
            MultiPolygon([triangle, box(10, 10, 11, 11)]),
        ],
        crs=4326,
    )


@pytest.fixture
def polygons_tiling() -> gpd.GeoDataFrame:
    return tiling()
