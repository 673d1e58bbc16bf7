"""The fast reading paths: same frames as the exact path, and reading budgets."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, Point, Polygon

import kzmap.geo._geojson_fast as fast
from kzmap.geo import ReadError, read
from kzmap.geo._geojson import MAX_PROPERTY_KEYS
from kzmap.geo.errors import KzmapError

from .conftest import fc, feature, point


def _sample(n: int = 50) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(3)
    geoms = [
        Point(70 + i * 0.1, 45)
        if i % 3 == 0
        else LineString([(70, 45), (71, 45 + i * 0.01)])
        if i % 3 == 1
        else Polygon([(70, 45), (71, 45), (71, 46 + i * 0.01), (70, 45)])
        for i in range(n)
    ]
    return gpd.GeoDataFrame(
        {
            "id": [f"f{i}" for i in range(n)],
            "name": [None if i == 7 else f"Place {i}" for i in range(n)],
            "value": rng.normal(size=n),
            "count": rng.integers(0, 100, n),
        },
        geometry=geoms,
        crs=4326,
    )


def _read_both(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple:
    calls: list[bool] = []
    plain = fast.plain_frame

    def spy(*args: object, **kwargs: object) -> bool:
        result = plain(*args, **kwargs)  # type: ignore[arg-type]
        calls.append(result)
        return result

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        monkeypatch.setattr(fast, "plain_frame", spy)
        quick = read(path, aoi=None)
        monkeypatch.setattr(fast, "screen", lambda *_: None)
        exact = read(path, aoi=None)
    return quick, exact, calls


def test_fast_geojson_equals_the_exact_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "mixed.geojson"
    _sample().to_file(path, driver="GeoJSON", engine="pyogrio")
    quick, exact, calls = _read_both(path, monkeypatch)
    assert calls == [True]  # the GDAL-written file is plain: the fast path ran
    pd.testing.assert_frame_equal(
        pd.DataFrame(quick.drop(columns="geometry")),
        pd.DataFrame(exact.drop(columns="geometry")),
    )
    assert quick.geometry.geom_equals_exact(exact.geometry, 0).all()
    assert quick.crs == exact.crs


@pytest.mark.parametrize(
    "props",
    [
        [{"a": 1}, {"a": "x"}],  # mixed types: warned about on the exact path
        [{"a": 1}, {"a": True}],
        [{"a": {"b": 1}}, {"a": None}],  # nested value
        [{"a": 1}, {"a": float("nan")}],  # NaN is not JSON
    ],
)
def test_unusual_properties_take_the_exact_path(
    write_json, monkeypatch: pytest.MonkeyPatch, props: list[dict[str, object]]
) -> None:
    path = write_json(fc(*[feature(point(70, 45), **p) for p in props]))
    quick, exact, calls = _read_both(path, monkeypatch)
    assert not any(calls)
    pd.testing.assert_frame_equal(
        pd.DataFrame(quick.drop(columns="geometry")),
        pd.DataFrame(exact.drop(columns="geometry")),
    )


def test_duplicate_key_is_still_reported(write_json) -> None:
    text = json.dumps(fc(feature(point(70, 45), a=1), feature(point(71, 45), a=2)))
    path = write_json(text.replace('"a": 2', '"a": 2, "a": 3'))
    with pytest.warns(UserWarning, match="feature 1.*appears more than once"):
        frame = read(path)
    assert frame["a"].tolist() == [1, 3]


def test_too_many_property_keys_fail_before_gdal_reads(write_json) -> None:
    keys = MAX_PROPERTY_KEYS + 1
    features = [feature(point(70, 45), **{f"k{i}": i}) for i in range(keys)]
    with pytest.raises(ReadError, match=r"distinct keys, over the limit of 2000"):
        read(write_json(fc(*features)))


def test_lone_surrogate_escape_is_an_encoding_error(write_json) -> None:
    text = json.dumps(fc(feature(point(70, 45), name="x"))).replace(
        '"x"', '"a\\ud800b"'
    )
    with pytest.raises(ReadError, match=r"feature 0.*lone UTF-16 surrogate"):
        read(write_json(text))


def test_csv_row_limit_fails_before_parsing(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "big.csv"
    path.write_text("lon,lat\n" + "70,45\n" * 50_000)

    def no_parse(*args: object, **kwargs: object) -> None:
        msg = "the CSV was parsed"
        raise AssertionError(msg)

    monkeypatch.setattr(pd, "read_csv", no_parse)
    with pytest.raises(ReadError, match="at least 50000 rows, over the limit of 10"):
        read(path, max_features=10)


def _plain_text(*features: dict[str, object]) -> str:
    return json.dumps(fc(*features))


def test_infinite_property_value_takes_the_exact_path(
    write_json, monkeypatch: pytest.MonkeyPatch
) -> None:
    # JSON has no infinities; GDAL reads -Infinity as a float, the exact path
    # warns and reads it as missing
    text = _plain_text(
        feature(point(70, 45), v=1.5), feature(point(71, 45), v=2.5)
    ).replace("2.5", "-Infinity")
    path = write_json(text)
    quick, _, calls = _read_both(path, monkeypatch)
    assert not any(calls)
    assert quick["v"].isna().tolist() == [False, True]
    with pytest.warns(UserWarning, match=r"feature 1.*-inf.*not valid JSON"):
        read(path, aoi=None)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("2.5", "nan"),  # not JSON; GDAL's parser would take it as NaN
        ("[71, 45]", "[71, NaN]"),  # a coordinate that is not a number
        ("[71, 45]", "[71, -Infinity]"),
    ],
)
def test_non_numbers_are_refused_as_on_the_exact_path(
    write_json, monkeypatch: pytest.MonkeyPatch, old: str, new: str
) -> None:
    text = _plain_text(
        feature(point(70, 45), v=1.5), feature(point(71, 45), v=2.5)
    ).replace(old, new)
    path = write_json(text)
    with pytest.raises(KzmapError) as quick:
        read(path, aoi=None)
    monkeypatch.setattr(fast, "screen", lambda *_: None)
    with pytest.raises(KzmapError) as exact:
        read(path, aoi=None)
    assert str(quick.value) == str(exact.value)


@pytest.mark.parametrize(
    "edit",
    [
        lambda t: t.replace('"v":', '"v" :'),  # whitespace before a colon
        lambda t: t.replace('"x1"', '"at 12:30"'),  # colons inside values
    ],
)
def test_unusual_layout_reads_the_same(
    write_json, monkeypatch: pytest.MonkeyPatch, edit
) -> None:
    text = edit(
        _plain_text(
            feature(point(70, 45), v=1.5, s="x1"), feature(point(71, 45), v=2, s="y")
        )
    )
    quick, exact, _ = _read_both(write_json(text), monkeypatch)
    pd.testing.assert_frame_equal(
        pd.DataFrame(quick.drop(columns="geometry")),
        pd.DataFrame(exact.drop(columns="geometry")),
    )


def test_lines_after_a_first_point_are_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the [ count is made after the read when the first feature is a point
    path = tmp_path / "mixed.geojson"
    frame = _sample(6)
    frame.to_file(path, driver="GeoJSON", engine="pyogrio")
    quick, exact, calls = _read_both(path, monkeypatch)
    assert calls == [True]
    assert quick.geometry.geom_equals_exact(exact.geometry, 0).all()
    # an unclosed ring: GDAL closes it silently, the exact path says so
    text = path.read_text().replace(", [ 70.0, 45.0 ] ] ]", " ] ]", 1)
    path.write_text(text)
    quick, exact, calls = _read_both(path, monkeypatch)
    assert not any(calls)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        read(path, aoi=None)
    assert any(
        "feature 2" in str(w.message) and "unclosed" in str(w.message) for w in caught
    )


def test_null_geometry_stays_on_the_fast_path(
    write_json, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _plain_text(
        feature(point(70, 45), v=1), feature(None, v=2), feature(point(71, 45), v=3)
    )
    path = write_json(text)
    quick, exact, calls = _read_both(path, monkeypatch)
    assert calls == [True]
    assert quick["v"].tolist() == exact["v"].tolist() == [1, 3]
    monkeypatch.undo()
    with pytest.warns(UserWarning, match=r"feature 1: the feature has no geometry"):
        read(path, aoi=None)


def test_geometry_without_coordinates_is_not_taken_for_null(
    write_json, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = _plain_text(feature(point(70, 45), v=1), feature(point(71, 45), v=2))
    path = write_json(text.replace("[71, 45]", "null"))
    with pytest.raises(KzmapError) as quick:
        read(path, aoi=None)
    monkeypatch.setattr(fast, "screen", lambda *_: None)
    with pytest.raises(KzmapError) as exact:
        read(path, aoi=None)
    assert str(quick.value) == str(exact.value)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('"properties": {"a": 2}', '"properties": []'),
        ('{"type": "Point", "coordinates": [71, 45]}', "[]"),
    ],
)
def test_arrays_for_objects_are_refused_as_on_the_exact_path(
    write_json, monkeypatch: pytest.MonkeyPatch, old: str, new: str
) -> None:
    text = _plain_text(feature(point(70, 45), a=1), feature(point(71, 45), a=2))
    assert old in text
    path = write_json(text.replace(old, new))
    with pytest.raises(KzmapError) as quick:
        read(path, aoi=None)
    monkeypatch.setattr(fast, "screen", lambda *_: None)
    with pytest.raises(KzmapError) as exact:
        read(path, aoi=None)
    assert str(quick.value) == str(exact.value)


def test_property_null_everywhere_reads_as_on_the_exact_path(
    write_json, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Arrow types an all-null property as text; the exact path keeps object/None.
    text = _plain_text(
        feature(point(70, 45), v=1, note=None), feature(point(71, 45), v=2, note=None)
    )
    quick, exact, calls = _read_both(write_json(text), monkeypatch)
    assert calls == [True]
    assert quick["note"].dtype == exact["note"].dtype == object
    pd.testing.assert_frame_equal(
        pd.DataFrame(quick.drop(columns="geometry")),
        pd.DataFrame(exact.drop(columns="geometry")),
    )
