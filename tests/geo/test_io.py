from __future__ import annotations

import json
from pathlib import Path

import pytest

from kzmap.geo import CRSError, ReadError, read_vector

FC = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"name": "x"},
            "geometry": {"type": "Point", "coordinates": [76.9, 43.2]},
        }
    ],
}


@pytest.mark.parametrize("engine", ["pyogrio", "fiona"])
def test_reads_geojson_as_epsg4326(tmp_path: Path, engine: str) -> None:
    path = tmp_path / "a.geojson"
    path.write_text(json.dumps(FC))
    frame = read_vector(path, engine=engine)  # type: ignore[arg-type]
    assert frame.crs.to_epsg() == 4326
    assert frame.geometry.iloc[0].x == pytest.approx(76.9)


def test_empty_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "empty.geojson"
    path.write_bytes(b"")
    with pytest.raises(ReadError, match=r"empty\.geojson: the file is empty"):
        read_vector(path)


def test_unknown_extension(tmp_path: Path) -> None:
    path = tmp_path / "a.kml"
    path.write_text("<kml/>")
    with pytest.raises(ReadError, match=r"unsupported extension '\.kml'"):
        read_vector(path)


def test_shapefile_without_prj_has_no_crs(tmp_path: Path, points) -> None:
    points.to_file(tmp_path / "p.shp")
    (tmp_path / "p.prj").unlink()
    with pytest.raises(
        CRSError, match=r"p\.shp: the Shapefile has no p\.prj, so its CRS is unknown"
    ):
        read_vector(tmp_path / "p.shp")
