"""Synthetic polygons for the join tests: a tiling with shared edges and an enclave."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import MultiPolygon, Polygon, box


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
