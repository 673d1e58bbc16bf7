from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from kzmap.maps.cli import main


@pytest.fixture
def records(tmp_path: Path) -> Path:
    path = tmp_path / "records.csv"
    path.write_text(
        "name,place,qty\n"
        "a,Chimkent,3\n"
        "b,Aral,4\n"
        "c,Korday checkpoint,5\n"
        "d,,6\n"
        "e,123,7\n"
        "f,West Kazakhstan region,8\n",
        encoding="utf-8",
    )
    return path


def test_geocode_csv_round_trip(tmp_path, records, capsys) -> None:
    out = tmp_path / "out.csv"
    assert main(["geocode", str(records), "--column", "place", "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == str(out)
    assert "geocoded 3 of 6 rows" in captured.err
    assert "row 2: 'Aral': ambiguous" in captured.err
    assert "row 4: nan: unmatched: empty" in captured.err
    assert "row 5: '123': invalid" in captured.err
    table = pd.read_csv(out)
    assert table["name"].tolist() == list("abcdef")  # nothing dropped
    precision = table["geocode_precision"].fillna("-").tolist()
    assert precision == ["town", "-", "point", "-", "-", "region"]
    assert table.loc[0, "geocode_id"] == "city-shymkent"
    assert table.loc[0, ["lon", "lat"]].tolist() == pytest.approx([69.6, 42.3])


def test_within_settles_ambiguity(tmp_path, records, capsys) -> None:
    out = tmp_path / "out.csv"
    argv = ["geocode", str(records), "--column", "place", "--within", "KZ-43"]
    assert main([*argv, "-o", str(out)]) == 0
    table = pd.read_csv(out)
    # --within settles Aral and leaves names with no candidate in KZ-43 alone
    assert table["geocode_id"].fillna("-").tolist() == [
        "city-shymkent", "city-aral", "xing-kz-kg-korday", "-", "-", "KZ-27"
    ]  # fmt: skip


@pytest.mark.parametrize("suffix", [".gpkg", ".geojson"])
def test_geocode_writes_points(tmp_path, records, suffix) -> None:
    out = tmp_path / f"out{suffix}"
    assert main(["geocode", str(records), "--column", "place", "-o", str(out)]) == 0
    frame = gpd.read_file(out)
    assert len(frame) == 6
    assert frame.crs.to_epsg() == 4326
    assert frame.geometry.notna().sum() == 3
    kept = frame[frame["name"] == "a"].geometry.iloc[0]
    assert (kept.x, kept.y) == pytest.approx((69.6, 42.3))


def test_missing_column_lists_the_columns(tmp_path, records, capsys) -> None:
    out = tmp_path / "out.csv"
    assert main(["geocode", str(records), "--column", "town", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "'town'" in err
    assert "'name', 'place', 'qty'" in err
    assert not out.exists()


def test_empty_column_is_a_data_error(tmp_path, capsys) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("name,place\na,\nb,\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    assert main(["geocode", str(path), "--column", "place", "-o", str(out)]) == 1
    assert "Column 'place' has no place names" in capsys.readouterr().err


def test_unsupported_files_are_refused(tmp_path, records, capsys) -> None:
    bad = tmp_path / "records.xlsx"
    bad.write_bytes(b"PK")
    out = tmp_path / "out.csv"
    assert main(["geocode", str(bad), "--column", "place", "-o", str(out)]) == 1
    assert "use .csv, .tsv, .parquet" in capsys.readouterr().err
    assert main(["geocode", str(records), "--column", "place", "-o", "x.txt"]) == 2
