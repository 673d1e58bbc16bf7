"""Route model: geodesic densification, branches from waypoints, user route files."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod
from shapely.geometry import LineString

from kzmap.geo import CRSError, DataError, DataWarning, ReadError
from kzmap.routes import (
    legs_from_waypoints,
    load_routes,
    load_waypoints,
    read_route,
    route_length_km,
    routes_from_waypoints,
)
from kzmap.routes.geodesy import geodesic_line, point_at_km

GEOD = Geod(ellps="WGS84")


def _direct_km(coords: list[tuple[float, float]]) -> float:
    lons, lats = zip(*coords, strict=True)
    _, _, dist = GEOD.inv(lons[:-1], lats[:-1], lons[1:], lats[1:])
    return float(np.sum(dist)) / 1000


def _segments_km(line: LineString) -> np.ndarray:
    xy = np.asarray(line.coords)
    _, _, dist = GEOD.inv(xy[:-1, 0], xy[:-1, 1], xy[1:, 0], xy[1:, 1])
    return np.asarray(dist) / 1000


def test_geodesic_line_keeps_vertices_and_spacing() -> None:
    coords = [(69.6, 42.3), (71.4, 51.2), (60.6, 56.8)]
    line = geodesic_line(coords, max_segment_km=25)
    kept = [tuple(c) for c in line.coords]
    assert all(c in kept for c in coords)
    assert _segments_km(line).max() <= 25.0 + 1e-6
    assert abs(_direct_km(kept) - _direct_km(coords)) / _direct_km(coords) < 1e-9


def test_densified_vertices_lie_on_the_geodesic() -> None:
    line = geodesic_line([(50.0, 53.0), (86.0, 55.0)], max_segment_km=50)
    lon, lat = line.coords[10]
    # on the geodesic, going via the vertex costs nothing extra
    via = _direct_km([(50.0, 53.0), (lon, lat), (86.0, 55.0)])
    assert via == pytest.approx(_direct_km([(50.0, 53.0), (86.0, 55.0)]), rel=1e-9)


def test_geodesic_line_refuses_bad_spacing() -> None:
    with pytest.raises(ValueError, match=r"`max_segment_km` must be a positive"):
        geodesic_line([(0, 0), (1, 1)], max_segment_km=0)


def test_point_at_km_gives_position_and_heading() -> None:
    line = geodesic_line([(70.0, 45.0), (71.0, 45.0)])
    lon, lat, azimuth = point_at_km(line, 10.0)
    _, _, d = GEOD.inv(70.0, 45.0, lon, lat)
    assert d / 1000 == pytest.approx(10.0, rel=1e-9)
    assert 89.0 < azimuth < 91.0  # heading east


def test_packaged_lengths_match_direct_geod_on_the_waypoints() -> None:
    routes = load_routes()
    waypoints = load_waypoints()
    lengths = route_length_km(routes)
    for n, branch in enumerate(routes["id"]):
        stops = waypoints[waypoints["branch_id"] == branch].sort_values("seq")
        direct = _direct_km(list(zip(stops["lon"], stops["lat"], strict=True)))
        assert abs(lengths.iloc[n] - direct) / direct < 1e-6, branch
    assert _segments_km(routes.geometry.iloc[0]).max() <= 25.0 + 1e-6


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(min_value=40, max_value=90), st.floats(min_value=30, max_value=60)
        ),
        min_size=2,
        max_size=6,
    )
)
def test_any_waypoints_give_the_direct_geodesic_length(coords) -> None:
    frame = pd.DataFrame(
        {
            "branch_id": "x",
            "seq": range(1, len(coords) + 1),
            "lon": [c[0] for c in coords],
            "lat": [c[1] for c in coords],
        }
    )
    length = route_length_km(routes_from_waypoints(frame)).iloc[0]
    direct = _direct_km(coords)
    assert abs(length - direct) <= max(direct, 1.0) * 1e-6


def test_routes_follow_seq_not_file_order() -> None:
    frame = pd.DataFrame(
        {
            "branch_id": ["b", "b", "b"],
            "seq": [3, 1, 2],
            "lon": [72.0, 70.0, 71.0],
            "lat": [45.0, 45.0, 45.0],
        }
    )
    line = routes_from_waypoints(frame).geometry.iloc[0]
    assert line.coords[0] == (70.0, 45.0)
    assert line.coords[-1] == (72.0, 45.0)


def test_routes_from_point_frame_reprojects() -> None:
    points = gpd.GeoDataFrame(
        {"branch_id": ["b", "b"], "seq": [1, 2]},
        geometry=gpd.points_from_xy([70.0, 71.0], [45.0, 45.0]),
        crs=4326,
    ).to_crs(3857)
    line = routes_from_waypoints(points).geometry.iloc[0]
    assert line.coords[0] == pytest.approx((70.0, 45.0))


def test_routes_from_points_without_crs_fail() -> None:
    points = gpd.GeoDataFrame(
        {"branch_id": ["b", "b"], "seq": [1, 2]},
        geometry=gpd.points_from_xy([70.0, 71.0], [45.0, 45.0]),
    )
    with pytest.raises(CRSError, match=r"`waypoints` has no CRS"):
        routes_from_waypoints(points)


def test_routes_need_two_waypoints_and_columns() -> None:
    one = pd.DataFrame({"branch_id": ["b"], "seq": [1], "lon": [70.0], "lat": [45.0]})
    with pytest.raises(DataError, match=r"branch 'b' has 1 waypoint"):
        routes_from_waypoints(one)
    with pytest.raises(DataError, match=r"lacks column\(s\) lat"):
        routes_from_waypoints(one.drop(columns="lat"))


def test_legs_take_the_weaker_confidence() -> None:
    legs = legs_from_waypoints(load_waypoints())
    assert len(legs) == len(load_waypoints()) - len(load_routes())
    first = legs[legs["branch_id"] == "NR-A"].iloc[0]
    assert (first["from_id"], first["to_id"]) == ("NR-A-01", "NR-A-02")
    assert first["confidence"] == "approximate"  # Ishkashim is inferred
    solid = legs[(legs["from_id"] == "NR-A-03") & (legs["to_id"] == "NR-A-04")]
    assert solid["confidence"].tolist() == ["reported"]


def test_read_route_csv(tmp_path: Path) -> None:
    path = tmp_path / "my route.csv"
    path.write_text(
        "\ufefflon,lat,name\n69.59,42.34,Shymkent\n71.47,51.16,Astana\n",
        encoding="utf-8",
    )
    routes = read_route(path)
    assert routes["id"].tolist() == ["my route"]
    assert routes.crs.to_epsg() == 4326
    assert route_length_km(routes).iloc[0] == pytest.approx(
        _direct_km([(69.59, 42.34), (71.47, 51.16)]), rel=1e-9
    )


def test_read_route_csv_groups_by_route_column(tmp_path: Path) -> None:
    path = tmp_path / "two.csv"
    path.write_text(
        "route,lon,lat\nx,70,45\nx,71,45\ny,72,46\ny,73,46\ny,74,46\n",
        encoding="utf-8",
    )
    routes = read_route(path)
    assert routes["id"].tolist() == ["x", "y"]
    assert [g.coords[0] for g in routes.geometry] == [(70.0, 45.0), (72.0, 46.0)]
    assert [g.coords[-1] for g in routes.geometry] == [(71.0, 45.0), (74.0, 46.0)]


def test_read_route_csv_names_file_row_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("lon,lat\n70,45\nabc,46\n71,95\n", encoding="utf-8")
    with pytest.raises(ReadError, match=r"bad\.csv: row 3: field 'lon' is 'abc'") as e:
        read_route(path)
    assert "row 4: field 'lat' is '95'" in str(e.value)


def test_read_route_csv_needs_lon_lat_header(tmp_path: Path) -> None:
    path = tmp_path / "nohead.csv"
    path.write_text("70,45\n71,46\n", encoding="utf-8")
    with pytest.raises(ReadError, match=r"lacks column\(s\) lon, lat"):
        read_route(path)


def test_read_route_csv_needs_two_points(tmp_path: Path) -> None:
    path = tmp_path / "one.csv"
    path.write_text("lon,lat\n70,45\n", encoding="utf-8")
    with pytest.raises(ReadError, match=r"route 'one' has 1 valid waypoint"):
        read_route(path)


def _write_geojson(path: Path, geometries: list[dict[str, object]]) -> Path:
    features = [
        {"type": "Feature", "properties": {"name": f"f{n}"}, "geometry": g}
        for n, g in enumerate(geometries)
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


def test_read_route_geojson_lines(tmp_path: Path) -> None:
    path = _write_geojson(
        tmp_path / "r.geojson",
        [{"type": "LineString", "coordinates": [[70, 45], [72, 45]]}],
    )
    routes = read_route(path)
    assert routes["id"].tolist() == ["f0"]
    assert route_length_km(routes).iloc[0] == pytest.approx(
        _direct_km([(70, 45), (72, 45)]), rel=1e-9
    )
    assert _segments_km(routes.geometry.iloc[0]).max() <= 25.0 + 1e-6


def test_read_route_geojson_refuses_points(tmp_path: Path) -> None:
    path = _write_geojson(
        tmp_path / "p.geojson",
        [
            {"type": "LineString", "coordinates": [[70, 45], [72, 45]]},
            {"type": "Point", "coordinates": [70, 45]},
        ],
    )
    with (
        pytest.warns(DataWarning, match="mixes geometry types"),
        pytest.raises(ReadError, match=r"p\.geojson: feature 2: geometry is Point"),
    ):
        read_route(path)


def test_read_route_refuses_other_files(tmp_path: Path) -> None:
    path = tmp_path / "route.txt"
    path.write_text("70,45\n")
    with pytest.raises(ReadError, match=r"unsupported extension '\.txt'"):
        read_route(path)
    with pytest.raises(ReadError, match=r"no such file"):
        read_route(tmp_path / "missing.csv")


def test_read_route_csv_with_extra_fields_names_the_row(tmp_path: Path) -> None:
    path = tmp_path / "route.csv"
    path.write_text("lon,lat\n70.0,45.0\n74,6,42,0\n", encoding="utf-8")
    with pytest.raises(
        ReadError, match=r"route\.csv: row 3 has 4 fields but the header has 2"
    ):
        read_route(path)


def test_read_route_csv_refuses_swapped_lon_lat_as_geo_read_does(
    tmp_path: Path, capsys
) -> None:
    from kzmap.geo import CRSError
    from kzmap.maps.cli import main

    path = tmp_path / "swapped.csv"
    # Shymkent to Astana with latitude in the lon column and longitude in lat
    path.write_text("lon,lat\n42.34,69.59\n51.16,71.47\n", encoding="utf-8")
    with pytest.raises(CRSError, match=r"lon and lat swapped") as info:
        read_route(path)
    assert str(info.value).startswith(f"{path}: ")
    assert main(["route-stats", str(path)]) == 1
    err = capsys.readouterr().err
    assert "lon and lat swapped" in err
    assert "[crs.swapped]" in err
    # the same waypoints the right way round are a route
    path.write_text("lon,lat\n69.59,42.34\n71.47,51.16\n", encoding="utf-8")
    assert read_route(path)["id"].tolist() == ["swapped"]
