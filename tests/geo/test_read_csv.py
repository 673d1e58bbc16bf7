"""ATTR-07: CSV coordinate columns that are missing, blank, text or ambiguous."""

from __future__ import annotations

from pathlib import Path

import pytest

from kzmap.geo import DataError, UsageError, read, validate_file


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pts.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_bad_rows_are_named(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        'name,lat,lon\nA,43.2,76.9\nB,,76.5\nD,"43,85","76,35"\nE,abc,70\nF,nan,70\n',
    )
    with pytest.raises(DataError, match="5 problems") as info:
        read(path)
    found = [(p.feature, p.field, p.message.split(":")[0]) for p in info.value.problems]
    assert sorted(found) == sorted(
        [
            (1, "lat", "line 3"),
            (2, "lat", "line 4"),
            (2, "lon", "line 4"),
            (3, "lat", "line 5"),
            (4, "lat", "line 6"),
        ]
    )
    messages = " ".join(p.message for p in info.value.problems)
    assert "decimal comma" in messages
    assert "is empty" in messages
    assert "not finite" in messages


def test_missing_coordinate_columns(tmp_path: Path) -> None:
    path = _csv(tmp_path, "name,east,north\nA,1,2\n")
    with pytest.raises(
        DataError, match=r"found no longitude column; .* Pass lon= and lat="
    ):
        read(path)


def test_ambiguous_coordinate_columns(tmp_path: Path) -> None:
    path = _csv(tmp_path, "name,lon,x,lat\nA,70,70,45\n")
    with pytest.raises(DataError, match=r"found several \('lon', 'x'\) longitude"):
        read(path)
    assert len(read(path, lon="x", lat="lat")) == 1


def test_unknown_column_option(tmp_path: Path) -> None:
    path = _csv(tmp_path, "name,lon,lat\nA,70,45\n")
    with pytest.raises(UsageError, match="no column 'easting' for longitude"):
        read(path, lon="easting")


def test_header_only_csv_warns_zero_features(tmp_path: Path) -> None:
    from kzmap.geo import DataWarning

    path = _csv(tmp_path, "name,lon,lat\n")
    with pytest.warns(DataWarning, match="0 features"):
        assert len(read(path)) == 0


def test_csv_is_never_read_by_gdal(tmp_path: Path, monkeypatch) -> None:
    import geopandas

    def forbidden(*args: object, **kwargs: object) -> None:
        raise AssertionError("GDAL used for CSV")

    monkeypatch.setattr(geopandas, "read_file", forbidden)
    assert len(read(_csv(tmp_path, "lon,lat\n70,45\n"))) == 1


def test_features_in_equals_out_plus_reported(tmp_path: Path) -> None:
    report = validate_file(_csv(tmp_path, "lon,lat\n70,45\n,45\n71,46\n"))
    assert report.features_in == 3
    assert len(report.errors) == 1
