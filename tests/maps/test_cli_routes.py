"""``kzmap routes`` and ``kzmap route-stats``, checked against independent sums."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import geopandas as gpd
import pytest
from pyproj import Geod
from shapely.geometry import box

from kzmap.layers import load
from kzmap.maps._cli_routes import route_stats_tables
from kzmap.maps.cli import main
from kzmap.routes import branch_ids, load_routes

GEOD = Geod(ellps="WGS84")


def _independent_lengths() -> dict[tuple[str, str], float]:
    """Shapely intersection of each shipped branch with each country, Geod length."""
    routes, countries = load_routes(), load("countries")
    out = {}
    for rid, line in zip(routes["id"], routes.geometry, strict=True):
        for code, shape in zip(countries["iso_a2"], countries.geometry, strict=True):
            km = GEOD.geometry_length(line.intersection(shape)) / 1000
            if km > 0:
                out[(rid, code)] = km
    return out


def test_routes_lists_every_branch(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["routes"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["ID", "NAME", "LENGTH_KM", "COMMODITIES", "CONFIDENCE"]
    assert [line.split()[0] for line in lines[1:]] == branch_ids()
    assert "heroin; cannabis resin" in lines[1]


def test_routes_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["routes", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["id"] for r in rows} == set(branch_ids())
    assert all(r["length_km"] > 100 for r in rows)


def test_route_stats_by_country_table_matches_independent_computation(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["route-stats", "--by", "country", "--table", "lengths"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Length by country"
    header = lines[1].split()
    assert header == ["ROUTE", "POLYGON", "NAME", "LENGTH_KM", "SHARE_PCT"]
    expected = _independent_lengths()
    seen = set()
    for line in lines[2:]:
        cells = line.split()
        route, code, km = cells[0], cells[1], float(cells[-2])
        if code == "(outside)":
            continue
        seen.add((route, code))
        assert km == pytest.approx(expected[(route, code)], rel=1e-3, abs=0.01), line
    assert seen == set(expected)


def test_route_stats_one_branch_csv_sums_to_100(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["route-stats", "nr-a", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["polygon"] for r in rows] == ["AF", "TJ", "KG", "KZ", "RU"]
    assert sum(float(r["share_pct"]) for r in rows) == pytest.approx(100, abs=0.05)


def test_route_stats_crossings_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["route-stats", "NR-C", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    steps = [(c["from"], c["to"]) for c in data["crossings"]]
    assert steps == [("AF", "UZ"), ("UZ", "KZ"), ("KZ", "RU")]
    assert {r["polygon"] for r in data["lengths"]} == {"AF", "UZ", "KZ", "RU"}


def test_route_stats_user_csv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "trip.csv"
    path.write_text("lon,lat,name\n74.57,42.87,Bishkek\n76.89,43.24,Almaty\n")
    assert main(["route-stats", str(path), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(c["from"], c["to"]) for c in data["crossings"]] == [("KG", "KZ")]
    assert {r["route"] for r in data["lengths"]} == {"trip"}


def test_route_stats_bad_csv_exits_1_naming_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("lon,lat\n74.5,42.8\n200,43\n")
    assert main(["route-stats", str(path)]) == 1
    err = capsys.readouterr().err
    assert "bad.csv: row 3: field 'lon' is '200'" in err


def test_route_stats_unknown_target_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["route-stats", "NR-Z"]) == 2
    assert "neither a branch id" in capsys.readouterr().err


def test_route_stats_by_region(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["route-stats", "NR-A", "--by", "region"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "KZ-19" in captured.out
    assert "Almaty region" in captured.out


def test_route_stats_tables_with_synthetic_regions() -> None:
    regions = gpd.GeoDataFrame(
        {"id": ["KZ-31", "KZ-19"], "name_en": ["Zhambyl Region", "Almaty Region"]},
        geometry=[box(69, 42, 75.0, 46), box(75.0, 42, 81, 46)],
        crs=4326,
    )
    routes = load_routes()
    one = routes[routes["id"] == "NR-A"]
    lengths, crossings = route_stats_tables(one, regions, by="id")
    assert lengths["polygon"].tolist()[:1] == ["(outside)"]
    named = dict(zip(lengths["polygon"], lengths["name"], strict=True))
    assert named["KZ-31"] == "Zhambyl Region"
    assert ("KZ-31", "KZ-19") in set(
        zip(crossings["from"], crossings["to"], strict=True)
    )
    assert lengths["share_pct"].sum() == pytest.approx(100, abs=0.05)


def test_route_stats_exposure_csv(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["route-stats", "NR-D", "--table", "exposure", "--buffer-km", "25"]
    assert main([*args, "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    touched = {r["polygon"] for r in rows if float(r["distance_km"]) == 0}
    assert touched == {"AF", "TJ", "KG"}
    assert all(0 < float(r["area_share_pct"]) <= 100 for r in rows)
    assert all(float(r["distance_km"]) <= 25 for r in rows)


def test_route_stats_bad_buffer_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["route-stats", "NR-D", "--table", "exposure", "--buffer-km", "-3"]
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "argument --buffer-km: expected a number in (0, 1000], got '-3'" in err


def test_route_stats_names_the_crossing_of_each_passage(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["route-stats", "NR-C", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["crossings"]
    first = rows[0]
    assert first["crossing_id"] == "xing-af-uz-termez"
    assert first["crossing"] == "Friendship Bridge (Hairatan – Termez)"
    assert first["crossing_km"] < 10


def test_route_stats_warns_when_a_user_route_leaves_every_country(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "sea.csv"
    # Aktau to Baku straight across the Caspian
    path.write_text("lon,lat\n51.17,43.65\n49.87,40.41\n")
    assert main(["route-stats", str(path), "--format", "json"]) == 0
    err = capsys.readouterr().err
    assert re.search(
        r"^kzmap: warning: route 'sea': [\d.]+ km lie outside every polygon", err, re.M
    ), err
