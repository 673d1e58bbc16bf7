"""Property-based fuzzing: any input loads or raises a kzmap error, quickly."""

from __future__ import annotations

import json
import math
import os
import tempfile
import warnings
from pathlib import Path

import geopandas as gpd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kzmap.geo import KzmapError, read, validate_file

DERANDOMIZE = os.environ.get("KZMAP_FUZZ_RANDOM") is None

FUZZ = settings(
    max_examples=int(os.environ.get("KZMAP_FUZZ_EXAMPLES", "100")),
    deadline=3000,  # ms per example: a hang fails the test instead of stalling CI
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=DERANDOMIZE,
)

numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(min_value=-200, max_value=200),
    st.sampled_from([0, 70, 45, 180.0, -90, 1e400, "1", None, True]),
)
positions = st.lists(numbers, min_size=0, max_size=4)
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), numbers, st.text(max_size=10)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.text(max_size=5), inner, max_size=3),
    ),
    max_leaves=10,
)


def _coords(depth: int) -> st.SearchStrategy[object]:
    strategy: st.SearchStrategy[object] = positions
    for _ in range(depth):
        strategy = st.lists(strategy, min_size=0, max_size=5)
    return strategy


geometry_types = {
    "Point": 0,
    "MultiPoint": 1,
    "LineString": 1,
    "MultiLineString": 2,
    "Polygon": 2,
    "MultiPolygon": 3,
}
geometries = st.one_of(
    st.none(),
    json_values,
    *[
        st.fixed_dictionaries({"type": st.just(kind), "coordinates": _coords(depth)})
        for kind, depth in geometry_types.items()
    ],
    st.fixed_dictionaries(
        {
            "type": st.just("GeometryCollection"),
            "geometries": st.lists(
                st.fixed_dictionaries(
                    {"type": st.just("Point"), "coordinates": positions}
                ),
                max_size=3,
            ),
        }
    ),
)
features = st.fixed_dictionaries(
    {"type": st.sampled_from(["Feature", "feature", None])},
    optional={
        "properties": st.one_of(
            st.none(), st.dictionaries(st.text(max_size=6), json_values, max_size=4)
        ),
        "geometry": geometries,
        "id": st.one_of(st.integers(), st.text(max_size=5)),
    },
)
documents = st.one_of(
    st.fixed_dictionaries(
        {
            "type": st.just("FeatureCollection"),
            "features": st.lists(features, max_size=6),
        },
        optional={
            "crs": json_values,
            "name": st.text(max_size=10),
        },
    ),
    features,
    json_values,
)


def _load(path: Path, **kwargs: object) -> None:
    """Oracle: a GeoDataFrame in EPSG:4326 with finite coordinates, or KzmapError."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            frame = read(path, **kwargs)  # type: ignore[arg-type]
        except KzmapError:
            frame = None
        report = validate_file(path, **kwargs)  # type: ignore[arg-type]
    assert report.file == str(path)
    if frame is None:
        return
    assert isinstance(frame, gpd.GeoDataFrame)
    assert frame.crs.to_epsg() == 4326
    assert frame.geometry.notna().all()
    assert all(math.isfinite(v) for v in frame.total_bounds) or not len(frame)
    assert report.is_ok()


@FUZZ
@given(doc=documents, engine=st.sampled_from(["pyogrio", "fiona"]))
def test_structured_geojson(doc: object, engine: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.geojson"
        path.write_text(json.dumps(doc), encoding="utf-8")
        _load(path, engine=engine, aoi=None)


@FUZZ
@given(doc=documents, cut=st.integers(min_value=0), noise=st.binary(max_size=8))
def test_broken_geojson_bytes(doc: object, cut: int, noise: bytes) -> None:
    data = json.dumps(doc).encode()
    cut %= max(len(data), 1)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "broken.geojson"
        path.write_bytes(data[:cut] + noise + data[cut:])
        _load(path)


cells = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=8),
    st.sampled_from(["", "nan", "inf", "1,5", "76.9", "43.2", "-1e400", '"', "\n"]),
    st.floats(allow_nan=True).map(str),
)


@FUZZ
@given(
    header=st.lists(
        st.sampled_from(["lon", "lat", "LAT", "x", "y", "name", "", "lon", "a,b"]),
        max_size=5,
    ),
    rows=st.lists(st.lists(cells, max_size=6), max_size=6),
)
def test_csv(header: list[str], rows: list[list[str]]) -> None:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.csv"
        path.write_text(buffer.getvalue(), encoding="utf-8")
        _load(path, aoi=None)


@FUZZ
@given(data=st.binary(max_size=200), suffix=st.sampled_from([".csv", ".geojson"]))
def test_raw_bytes(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"raw{suffix}"
        path.write_bytes(data)
        _load(path)
