"""Property-based fuzzing: any input loads or raises a kzmap error, quickly."""

from __future__ import annotations

import json
import math
import os
import tempfile
import warnings
from pathlib import Path

import geopandas as gpd
from hypothesis import HealthCheck, example, given, settings
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


def _shapefile_bytes() -> dict[str, bytes]:
    """A small valid Shapefile (3 points, a text and a number field), as bytes."""
    frame = gpd.GeoDataFrame(
        {"name": ["Almaty", "Astana", "Shymkent"], "n": [1, 2, 3]},
        geometry=gpd.points_from_xy([76.9, 71.4, 69.6], [43.2, 51.2, 42.3]),
        crs=4326,
    )
    with tempfile.TemporaryDirectory() as folder:
        frame.to_file(Path(folder) / "s.shp")
        return {
            ext: (Path(folder) / f"s{ext}").read_bytes()
            for ext in (".shp", ".shx", ".dbf", ".prj")
        }


def _geopackage_bytes() -> bytes:
    frame = gpd.GeoDataFrame(
        {"name": ["Almaty", "Astana"]},
        geometry=gpd.points_from_xy([76.9, 71.4], [43.2, 51.2]),
        crs=4326,
    )
    with tempfile.TemporaryDirectory() as folder:
        frame.to_file(Path(folder) / "g.gpkg", driver="GPKG", layer="g")
        return (Path(folder) / "g.gpkg").read_bytes()


SHAPEFILE = _shapefile_bytes()
GEOPACKAGE = _geopackage_bytes()

#: Edits of a file's bytes: (position, replacement bytes, bytes cut after them).
edits = st.lists(
    st.tuples(st.integers(min_value=0), st.binary(max_size=6), st.integers(0, 64)),
    min_size=1,
    max_size=4,
)


def _mutate(data: bytes, changes: list[tuple[int, bytes, int]]) -> bytes:
    out = bytearray(data)
    for position, new, cut in changes:
        at = position % (len(out) + 1)
        out[at : at + len(new) + cut] = new
    return bytes(out)


@FUZZ
@example(  # a .dbf header claiming billions of records
    member=".dbf", changes=[(4, b"\x13?\xc3\xaa", 4)], truncate=None, lenient=True
)
@given(
    member=st.sampled_from([".shp", ".shx", ".dbf"]),
    changes=edits,
    truncate=st.one_of(st.none(), st.integers(min_value=0)),
    lenient=st.booleans(),
)
def test_shapefile_bytes(
    member: str,
    changes: list[tuple[int, bytes, int]],
    truncate: int | None,
    lenient: bool,
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for ext, original in SHAPEFILE.items():
            data = original
            if ext == member:
                data = _mutate(original, changes)
                if truncate is not None:
                    data = data[: truncate % (len(data) + 1)]
            (Path(folder) / f"s{ext}").write_bytes(data)
        _load(Path(folder) / "s.shp", aoi=None, lenient=lenient)


@FUZZ
@given(changes=edits, keep_header=st.booleans())
@example(changes=[(262140, b"\x80", 0)], keep_header=False)  # non-UTF-8 schema text
def test_geopackage_bytes(
    changes: list[tuple[int, bytes, int]], keep_header: bool
) -> None:
    data = _mutate(GEOPACKAGE, changes)
    if keep_header:  # damage the pages, not the magic bytes kzmap checks first
        data = GEOPACKAGE[:100] + data[100:]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "g.gpkg"
        path.write_bytes(data)
        _load(path, aoi=None, max_seconds=2)


@FUZZ
@given(
    geometry=st.one_of(st.binary(max_size=40), st.none(), st.text(max_size=5)),
    name=st.one_of(
        st.binary(max_size=10),
        st.text(max_size=5),
        st.integers(min_value=-(2**63), max_value=2**63 - 1),
    ),
)
def test_geopackage_values(geometry: object, name: object) -> None:
    import sqlite3

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "g.gpkg"
        path.write_bytes(GEOPACKAGE)
        with sqlite3.connect(path) as con:
            for trigger in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'"
            ).fetchall():
                con.execute(f'DROP TRIGGER "{trigger[0]}"')
            con.execute(
                "UPDATE g SET geom = ?, name = ? WHERE fid = 1", (geometry, name)
            )
        con.close()
        _load(path, aoi=None)
