from __future__ import annotations

import functools
import pickle

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, Point, box

from kzmap.geo import _grid
from kzmap.geo.errors import CRSError, DataError, UsageError
from kzmap.geo.join import PolygonIndex, label_points, points_in_polygons

from .conftest import tiling

# Points exactly on edges and vertices of the tiling, and the label the rule gives.
BOUNDARY = [
    ((1.0, 1.0), "b"),  # vertex of d, b, c
    ((1.0, 2.0), "b"),  # vertex of b, c, f
    ((2.0, 2.0), "a"),  # vertex of c, a, f
    ((0.5, 1.0), "b"),  # edge d|b
    ((1.0, 1.5), "b"),  # edge b|c
    ((2.0, 1.5), "a"),  # edge c|a
    ((1.5, 2.0), "c"),  # edge c|f
    ((3.0, 0.5), "a"),  # hole edge a|e
    ((2.5, 0.5), "a"),  # hole vertex a|e
    ((0.0, 0.5), "d"),  # outer boundary
    ((1.0, 0.5), "d"),  # edge of d facing the uncovered gap
    ((4.0, 2.0), "a"),  # outer corner
    ((10.0, 10.5), "f"),  # edge of f's far part
]
INSIDE = [
    ((0.5, 0.5), "d"),
    ((0.5, 1.5), "b"),
    ((1.5, 1.5), "c"),
    ((2.2, 0.2), "a"),
    ((3.0, 1.0), "e"),
    ((1.0, 2.5), "f"),
    ((10.5, 10.5), "f"),
]
OUTSIDE = [(1.5, 0.5), (-1.0, 0.0), (5.0, 5.0), (0.1, 3.2)]


def _as_list(labels: pd.Series) -> list[object]:
    return [None if pd.isna(v) else v for v in labels.astype(object)]


def _sjoin_labels(x: np.ndarray, y: np.ndarray, polygons: gpd.GeoDataFrame) -> list:
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs=4326)
    joined = gpd.sjoin(points, polygons[["id", "geometry"]], predicate="within")
    assert not joined.index.duplicated().any()
    labels: list[object] = [None] * len(points)
    for i, key in zip(joined.index, joined["id"], strict=True):
        labels[i] = key
    return labels


@pytest.mark.parametrize("engine", ["scan", "grid", "auto"])
def test_labels_follow_the_boundary_rule(polygons_tiling, engine) -> None:
    cases = [*BOUNDARY, *INSIDE, *((xy, None) for xy in OUTSIDE)]
    x, y = np.array([c[0] for c in cases]).T
    labels = label_points(lon=x, lat=y, polygons=polygons_tiling, engine=engine)
    assert _as_list(labels) == [c[1] for c in cases]


def test_sjoin_drops_boundary_points_but_agrees_elsewhere(polygons_tiling) -> None:
    x, y = np.array([c[0] for c in [*BOUNDARY, *INSIDE]]).T
    reference = _sjoin_labels(x, y, polygons_tiling)
    assert reference[: len(BOUNDARY)] == [None] * len(BOUNDARY)
    assert reference[len(BOUNDARY) :] == [c[1] for c in INSIDE]


def test_random_points_equal_sjoin_off_boundaries(polygons_tiling) -> None:
    rng = np.random.default_rng(5)
    x, y = rng.uniform(-0.5, 4.5, 30_000), rng.uniform(-0.5, 3.5, 30_000)
    # Also points snapped to a 0.5 lattice: many lie exactly on edges/vertices.
    x[:5000], y[:5000] = np.round(x[:5000] * 2) / 2, np.round(y[:5000] * 2) / 2
    ours = _as_list(label_points(lon=x, lat=y, polygons=polygons_tiling))
    reference = _sjoin_labels(x, y, polygons_tiling)
    edges = shapely.union_all(polygons_tiling.boundary.values)
    on_edge = shapely.intersects_xy(edges, x, y)
    assert on_edge.sum() > 1000
    assert all(
        a == b for a, b, edge in zip(ours, reference, on_edge, strict=True) if not edge
    )
    assert all(ours[i] is not None for i in np.flatnonzero(on_edge) if x[i] < 4.1)


@functools.cache
def _grid_index(cells: int) -> PolygonIndex:
    return PolygonIndex(tiling(), engine="grid", cells=cells)


@functools.cache
def _vertices() -> np.ndarray:
    geoms = _grid_index(4).geoms
    return shapely.get_coordinates(shapely.get_rings(shapely.get_parts(geoms)))


@st.composite
def _case(draw: st.DrawFn) -> tuple:
    """Random points, some exactly on vertices and some interpolated on edges."""
    coords = _vertices()
    n = draw(st.integers(1, 60))
    kinds = draw(st.lists(st.sampled_from("rve"), min_size=n, max_size=n))
    xs, ys = [], []
    for kind in kinds:
        if kind == "r":
            xs.append(draw(st.floats(-1, 12, allow_nan=False)))
            ys.append(draw(st.floats(-1, 12, allow_nan=False)))
            continue
        i = draw(st.integers(0, len(coords) - 2))
        t = 0.0 if kind == "v" else draw(st.floats(0, 1))
        (x0, y0), (x1, y1) = coords[i], coords[i + 1]
        xs.append(x0 + t * (x1 - x0))
        ys.append(y0 + t * (y1 - y0))
    return np.array(xs), np.array(ys), draw(st.sampled_from([4, 37, 300, 5000]))


@settings(max_examples=200, deadline=None)
@given(_case())
def test_grid_equals_scan_on_snapped_points(case) -> None:
    x, y, cells = case
    index = _grid_index(cells)
    np.testing.assert_array_equal(
        index.codes(x, y), _grid.scan_codes(index.geoms, x, y)
    )


def _voronoi_tiling(seed: int) -> gpd.GeoDataFrame:
    """Thirty Voronoi cells clipped to a lon/lat box: slanted shared edges."""
    rng = np.random.default_rng(seed)
    sites = shapely.multipoints(rng.uniform((50, 41), (85, 55), (30, 2)))
    cells = shapely.get_parts(shapely.voronoi_polygons(sites))
    clipped = shapely.intersection(cells, box(50, 41, 85, 55))
    return gpd.GeoDataFrame(
        {"id": [f"KZ-{i:02d}" for i in rng.permutation(len(clipped))]},
        geometry=clipped,
        crs=4326,
    )


@pytest.mark.parametrize("seed", [1, 2])
def test_grid_equals_scan_and_sjoin_on_a_voronoi_tiling(seed) -> None:
    polygons = _voronoi_tiling(seed)
    rng = np.random.default_rng(seed)
    x, y = rng.uniform(49, 86, 100_000), rng.uniform(40, 56, 100_000)
    coords = shapely.get_coordinates(polygons.boundary.values)
    i = rng.integers(0, len(coords) - 1, 20_000)
    t = np.where(rng.random(20_000) < 0.5, 0.0, rng.random(20_000))
    x[:20_000] = coords[i, 0] + t * (coords[i + 1, 0] - coords[i, 0])
    y[:20_000] = coords[i, 1] + t * (coords[i + 1, 1] - coords[i, 1])
    grid = PolygonIndex(polygons, engine="grid")
    codes = grid.codes(x, y)
    np.testing.assert_array_equal(codes, _grid.scan_codes(grid.geoms, x, y))
    reference = _sjoin_labels(x[20_000:], y[20_000:], polygons)
    ours = _as_list(grid.labels_from_codes(codes[20_000:]))
    assert ours == reference


def test_grid_on_a_tiny_extent_far_from_the_origin() -> None:
    # Cells of about 1e-10 degrees at lon 87: rounding is near the margin.
    x0, y0, d = 87.123456, 55.123456, 1e-8
    left = shapely.Polygon([(x0, y0), (x0 + d, y0), (x0 + 0.3 * d, y0 + d)])
    right = shapely.Polygon([(x0 + d, y0), (x0 + d, y0 + d), (x0 + 0.3 * d, y0 + d)])
    polygons = gpd.GeoDataFrame({"id": ["l", "r"]}, geometry=[left, right], crs=4326)
    rng = np.random.default_rng(0)
    t = rng.random(5000)
    x = np.concatenate([x0 + d - 0.7 * d * t, x0 + rng.random(5000) * d])
    y = np.concatenate([y0 + d * t, y0 + rng.random(5000) * d])
    index = PolygonIndex(polygons, engine="grid", cells=10_000)
    np.testing.assert_array_equal(
        index.codes(x, y), _grid.scan_codes(index.geoms, x, y)
    )


@pytest.mark.parametrize("cells", [1, 16, 10_000])
def test_grid_edges_nan_and_infinity(polygons_tiling, cells) -> None:
    index = PolygonIndex(polygons_tiling, engine="grid", cells=cells)
    x0, y0, x1, y1 = index.grid(0).x0, index.grid(0).y0, index.grid(0).x1, 11.0
    x = np.array([np.nan, 0.5, np.inf, -np.inf, x1, x1 + 1e-12, x0, -1e-300, 0.5])
    y = np.array([0.5, np.nan, 0.5, 0.5, y1, y1, y0, y0, -np.inf])
    expected = [-1, -1, -1, -1, 5, -1, 3, -1, -1]
    np.testing.assert_array_equal(index.codes(x, y), expected)


def test_grid_is_chunked_and_reports_progress(polygons_tiling, monkeypatch) -> None:
    monkeypatch.setattr(_grid, "CHUNK", 1000)
    rng = np.random.default_rng(1)
    x, y = rng.uniform(-1, 5, 4500), rng.uniform(-1, 4, 4500)
    index = PolygonIndex(polygons_tiling, engine="grid")
    seen: list[int] = []
    codes = index.codes(x, y, progress=seen.append)
    assert seen == [1000, 2000, 3000, 4000, 4500]
    np.testing.assert_array_equal(codes, _grid.scan_codes(index.geoms, x, y))
    assert 0 < index.grid(0).mixed_fraction < 1


def test_index_survives_pickling(polygons_tiling) -> None:
    index = PolygonIndex(polygons_tiling, engine="grid")
    x, y = np.array([0.5, 1.0, 3.0, 9.0]), np.array([0.5, 1.0, 1.0, 9.0])
    before = index.codes(x, y)
    copy = pickle.loads(pickle.dumps(index))
    np.testing.assert_array_equal(copy.codes(x, y), before)
    assert shapely.is_prepared(copy.grid(0).geoms[0])


def test_geodataframe_in_another_crs_keeps_index_and_labels(polygons_tiling) -> None:
    points = gpd.GeoDataFrame(
        {"n": [1, 2, 3, 4]},
        geometry=[Point(0.5, 0.5), Point(3, 1), None, Point(8, 8)],
        index=[10, 20, 30, 40],
        crs=4326,
    ).to_crs(3857)
    labels = label_points(points, polygons=polygons_tiling.to_crs(3395))
    assert labels.index.tolist() == [10, 20, 30, 40]
    assert labels.name == "id"
    assert _as_list(labels) == ["d", "e", None, None]


def test_dataframe_with_lon_lat_columns(polygons_tiling) -> None:
    frame = pd.DataFrame({"lon": [0.5, np.nan, 1.5], "lat": [1.5, 0.0, 1.5]})
    assert _as_list(label_points(frame, polygons=polygons_tiling)) == ["b", None, "c"]


def test_labels_are_categorical_in_key_order(polygons_tiling) -> None:
    labels = label_points(lon=[0.5], lat=[0.5], polygons=polygons_tiling)
    assert list(labels.cat.categories) == ["a", "b", "c", "d", "e", "f"]


def test_points_in_polygons_adds_a_column(polygons_tiling, points) -> None:
    out = points_in_polygons(points, polygons=polygons_tiling, column="zone")
    assert list(out.columns) == [*points.columns, "zone"]
    assert out["zone"].isna().all()  # the shared points are far from the tiling
    with pytest.raises(UsageError, match=r"already has a column 'id'"):
        points_in_polygons(points, polygons=polygons_tiling)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({}, UsageError, r"Give `points`, or both `lon=` and `lat=`"),
        (
            {"lon": [1, 2], "lat": [1]},
            UsageError,
            r"`lon` has 2 values but `lat` has 1",
        ),
        ({"engine": "fast"}, UsageError, r"`engine` must be one of"),
        ({"key": "nope"}, UsageError, r"has no key column 'nope'"),
    ],
)
def test_usage_errors(polygons_tiling, kwargs, error, match) -> None:
    with pytest.raises(error, match=match):
        label_points(polygons=polygons_tiling, **kwargs)


def test_points_and_arrays_together_are_refused(polygons_tiling, points) -> None:
    with pytest.raises(UsageError, match=r"not both"):
        label_points(points, lon=[1], lat=[1], polygons=polygons_tiling)


def test_plain_frame_needs_lon_lat(polygons_tiling) -> None:
    with pytest.raises(UsageError, match=r"without column\(s\) \['lat'\]"):
        label_points(pd.DataFrame({"lon": [1.0]}), polygons=polygons_tiling)
    with pytest.raises(DataError, match=r"lon/lat columns must be numbers"):
        label_points(
            pd.DataFrame({"lon": ["east"], "lat": [1.0]}), polygons=polygons_tiling
        )


def test_non_point_geometries_are_refused(polygons_tiling) -> None:
    lines = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (1, 1)])], crs=4326)
    with pytest.raises(DataError, match=r"must hold Points; rows \[0\] are LineString"):
        label_points(lines, polygons=polygons_tiling)


def test_polygon_problems_are_collected(polygons_tiling) -> None:
    bad = polygons_tiling.copy()
    bad.loc[1, "id"] = "d"
    bad.loc[2, "id"] = None
    with pytest.raises(DataError, match=r"missing 'id' in rows \[2\]; duplicate"):
        PolygonIndex(bad)
    bowtie = shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1)])
    broken = polygons_tiling.copy()
    broken.loc[0, "geometry"] = bowtie
    broken.loc[1, "geometry"] = Point(0, 0)
    with pytest.raises(DataError, match=r"'b': not a non-empty .*'d': invalid"):
        PolygonIndex(broken)


def test_mixed_key_types_are_refused(polygons_tiling) -> None:
    mixed = polygons_tiling.astype({"id": object})
    mixed.loc[0, "id"] = 7
    with pytest.raises(DataError, match=r"cannot be sorted"):
        PolygonIndex(mixed)


def test_polygons_need_a_crs(polygons_tiling) -> None:
    with pytest.raises(CRSError, match=r"`polygons` has no CRS"):
        PolygonIndex(polygons_tiling.set_crs(None, allow_override=True))


def test_polygons_must_be_a_frame() -> None:
    with pytest.raises(TypeError, match=r"GeoDataFrame or a PolygonIndex, got list"):
        label_points(lon=[0], lat=[0], polygons=[box(0, 0, 1, 1)])
