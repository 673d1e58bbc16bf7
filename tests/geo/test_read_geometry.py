"""GEO: invalid, empty, odd or non-finite geometries are repaired or reported."""

from __future__ import annotations

import json
import warnings

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point, Polygon

from kzmap.geo import DataError, DataWarning, RepairWarning, read, validate_file

from .conftest import fc, feature, point

BOWTIE = {
    "type": "Polygon",
    "coordinates": [[[70, 45], [71, 46], [71, 45], [70, 46], [70, 45]]],
}


def test_geo01_bowtie_repaired_with_area_kept(write_json, engine) -> None:
    path = write_json(fc(feature(BOWTIE, id="bow")))
    with pytest.warns(
        RepairWarning,
        match=r"feature 0 \(id 'bow'\): invalid geometry \(Self-intersection"
        r".*Polygon -> MultiPolygon, area 0\.000 -> .* km2",
    ) as caught:
        out = read(path, engine=engine)
    assert len(caught) == 1
    assert out.geometry.iloc[0].area == pytest.approx(0.5)


def test_geo01_strict_rejects_invalid(write_json) -> None:
    path = write_json(fc(feature(BOWTIE, id="bow")))
    with pytest.raises(DataError, match=r"feature 0 \(id 'bow'\): invalid geometry"):
        read(path, strict=True)


def test_geo02_spike_keeps_only_the_polygon(write_json, engine) -> None:
    spike = Polygon(
        [(70, 45), (72, 45), (72, 47), (71, 47), (71, 48), (71, 47), (70, 47)]
    )
    path = write_json(fc(feature(json.loads(json.dumps(spike.__geo_interface__)))))
    with pytest.warns(RepairWarning, match="make_valid.*dropped LineString part"):
        out = read(path, engine=engine)
    assert out.geometry.iloc[0].geom_type == "Polygon"
    assert out.geometry.iloc[0].area == pytest.approx(4.0)


def test_geo02_collapsed_ring_is_an_error(write_json) -> None:
    flat = {
        "type": "Polygon",
        "coordinates": [[[70, 45], [71, 45], [72, 45], [70, 45]]],
    }
    path = write_json(fc(feature(flat, id="flat")))
    with pytest.raises(
        DataError,
        match=r"feature 0 \(id 'flat'\): the geometry is invalid "
        r".* nothing of its dimension",
    ):
        read(path)


def test_geo03_unclosed_ring_is_closed_same_in_both_engines(write_json) -> None:
    ring = {
        "type": "Polygon",
        "coordinates": [[[70, 45], [71, 45], [71, 46], [70, 46]]],
    }
    path = write_json(fc(feature(ring)))
    frames = []
    for engine in ("pyogrio", "fiona"):
        with pytest.warns(
            RepairWarning, match=r"feature 0: 1 unclosed polygon ring\(s\) closed"
        ):
            frames.append(read(path, engine=engine))  # type: ignore[arg-type]
    assert frames[0].geometry.iloc[0].equals(frames[1].geometry.iloc[0])
    assert frames[0].geometry.iloc[0].area == pytest.approx(1.0)


def test_geo03_ring_with_three_positions_is_an_error(write_json, engine) -> None:
    ring = {"type": "Polygon", "coordinates": [[[70, 45], [71, 45], [70, 45]]]}
    with pytest.raises(DataError, match="ring needs 4 or more positions"):
        read(write_json(fc(feature(ring))), engine=engine)


def test_geo04_mixed_types_reported(write_json, engine) -> None:
    line = {"type": "LineString", "coordinates": [[70, 45], [71, 46]]}
    path = write_json(fc(feature(point(70, 45)), feature(line)))
    with pytest.warns(
        DataWarning,
        match=r"mixes geometry types \(1 point, 1 line\); "
        r"the first feature not of type point is 1",
    ):
        read(path, engine=engine)


def test_geo05_nested_collection_flattened(write_json, engine) -> None:
    nested = {
        "type": "GeometryCollection",
        "geometries": [
            point(70, 45),
            {"type": "GeometryCollection", "geometries": [point(71, 46)]},
        ],
    }
    with pytest.warns(RepairWarning, match="nested GeometryCollection"):
        out = read(write_json(fc(feature(nested))), engine=engine)
    assert (
        out.geometry.iloc[0].wkt == "GEOMETRYCOLLECTION (POINT (70 45), POINT (71 46))"
    )


@pytest.mark.parametrize("raw", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_geo06_non_finite_coordinates_are_errors(write_json, engine, raw: str) -> None:
    text = (
        '{"type":"FeatureCollection","features":['
        '{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[70,45]}},'
        '{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":['
        + raw
        + ",45]}}]}"
    )
    with pytest.raises(DataError, match=r"feature 1: non-finite coordinate"):
        read(write_json(text), engine=engine)


def test_geo07_out_of_range_hints_metres(write_json) -> None:
    path = write_json(
        fc(feature(point(1113194.9, 6800125.4)), feature(point(200, 100)))
    )
    with pytest.raises(DataError) as info:
        read(path)
    messages = [p.message for p in info.value.problems]
    assert "look like metres" in messages[0]
    assert "swap them" in messages[1]
    assert [p.feature for p in info.value.problems] == [0, 1]


def test_geo08_3d_forced_to_2d_and_crs_stays_4326(write_json, engine) -> None:
    path = write_json(
        fc(
            feature({"type": "Point", "coordinates": [70, 45, 300]}),
            feature(point(71, 45)),
        )
    )
    with pytest.warns(
        RepairWarning, match=r"feature 0: 1 position\(s\) had Z/M; forced to 2D"
    ):
        out = read(path, engine=engine)
    assert not out.has_z.any()
    assert out.crs.to_epsg() == 4326


def test_geo09_antimeridian_polygon_split(write_json, engine) -> None:
    chukotka = {
        "type": "Polygon",
        "coordinates": [[[170, 60], [-170, 60], [-170, 70], [170, 70], [170, 60]]],
    }
    with pytest.warns(RepairWarning, match="crosses the antimeridian"):
        out = read(write_json(fc(feature(chukotka, id="chu"))), engine=engine, aoi=None)
    geom = out.geometry.iloc[0]
    assert geom.geom_type == "MultiPolygon"
    widths = [p.bounds[2] - p.bounds[0] for p in geom.geoms]
    assert max(widths) <= 20
    assert geom.area == pytest.approx(200)


def test_geo10_winding_order_accepted(write_json) -> None:
    cw = {
        "type": "Polygon",
        "coordinates": [[[70, 45], [70, 46], [71, 46], [71, 45], [70, 45]]],
    }
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = read(write_json(fc(feature(cw))))
    assert out.geometry.iloc[0].area == pytest.approx(1.0)


def test_mf08_null_geometries_are_counted(write_json, engine) -> None:
    path = write_json(fc(feature(point(70, 45)), feature(None, id="n1"), feature(None)))
    report = validate_file(path, engine=engine)
    dropped = [
        (p.feature, p.feature_id)
        for p in report.warnings
        if p.code == "geometry.missing"
    ]
    assert dropped == [(1, "n1"), (2, None)]
    assert report.features_in == 3
    assert report.features_out == 1
    assert report.features_in == report.features_out + len(dropped)


@pytest.mark.parametrize(
    "bad",
    [
        ((float("nan"), 45),),
        ((71, float("inf")),),
        ((70, 45), (float("nan"), 45.5), (71, 46)),  # hidden in the bounds
    ],
)
def test_non_finite_coordinates_from_parquet_are_located(tmp_path, bad) -> None:
    path = tmp_path / "points.parquet"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        geom = Point(bad[0]) if len(bad) == 1 else LineString(bad)
        frame = gpd.GeoDataFrame(
            {"name": ["a", "b", "c"]},
            geometry=[Point(70, 45), geom, Point(72, 46)],
            crs=4326,
        )
        frame.to_parquet(path)
    with pytest.raises(DataError, match=r"feature 1: a coordinate is NaN or infinite"):
        read(path)
