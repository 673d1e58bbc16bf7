"""FS: write_vector is all-or-nothing; injected failures leave no trace."""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import pytest
from geopandas.testing import assert_geodataframe_equal
from shapely.geometry import LineString, Point

from kzmap.geo import (
    CRSError,
    OutputError,
    UsageError,
    list_layers,
    output,
    read,
    write_vector,
)


@pytest.fixture
def frame() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"id": ["a", "b"], "name_en": ["Almaty", "Astana"]},
        geometry=[Point(76.9, 43.2), Point(71.4, 51.2)],
        crs=4326,
    )


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg", ".parquet", ".csv"])
def test_round_trip(tmp_path: Path, frame: gpd.GeoDataFrame, suffix: str) -> None:
    out = write_vector(frame.to_crs(32643), tmp_path / f"out{suffix}")
    back = read(out)
    assert back["id"].tolist() == ["a", "b"]
    assert back.geometry.iloc[0].x == pytest.approx(76.9)
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"out{suffix}"]


def test_geopackage_layer_is_named_after_the_file(
    tmp_path: Path, frame: gpd.GeoDataFrame
) -> None:
    out = write_vector(frame, tmp_path / "seizures.gpkg")
    assert list_layers(out) == ["seizures"]


def test_csv_of_lines_uses_wkt(tmp_path: Path) -> None:
    lines = gpd.GeoDataFrame(geometry=[LineString([(70, 45), (71, 46)])], crs=4326)
    out = write_vector(lines, tmp_path / "l.csv")
    assert out.read_text().splitlines() == ["wkt", '"LINESTRING (70 45, 71 46)"']


def _old(tmp_path: Path, suffix: str = ".geojson") -> Path:
    target = tmp_path / f"old{suffix}"
    target.write_bytes(b"previous good output")
    return target


def _assert_untouched(target: Path) -> None:
    assert target.read_bytes() == b"previous good output"
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg"])
def test_writer_failure_midway_keeps_previous(
    tmp_path: Path, frame: gpd.GeoDataFrame, monkeypatch, suffix: str
) -> None:
    target = _old(tmp_path, suffix)

    def half_then_fail(data: gpd.GeoDataFrame, path: Path) -> None:
        path.write_bytes(b'{"type":"FeatureCollection","features":[')
        (path.parent / "sidecar.aux").write_bytes(b"x")
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(output, "_write", half_then_fail)
    with pytest.raises(OutputError, match=r"old\.\w+': disk on fire"):
        write_vector(frame, target)
    _assert_untouched(target)


def test_keyboard_interrupt_keeps_previous(
    tmp_path: Path, frame: gpd.GeoDataFrame, monkeypatch
) -> None:
    target = _old(tmp_path)

    def interrupted(data: gpd.GeoDataFrame, path: Path) -> None:
        path.write_bytes(b"partial")
        raise KeyboardInterrupt

    monkeypatch.setattr(output, "_write", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_vector(frame, target)
    _assert_untouched(target)


def test_count_mismatch_keeps_previous(
    tmp_path: Path, frame: gpd.GeoDataFrame, monkeypatch
) -> None:
    target = _old(tmp_path)
    monkeypatch.setattr(output, "_count", lambda path: 1)
    with pytest.raises(OutputError, match=r"1 features were read back .* has 2"):
        write_vector(frame, target)
    _assert_untouched(target)


def test_rename_failure_keeps_previous(
    tmp_path: Path, frame: gpd.GeoDataFrame, monkeypatch
) -> None:
    target = _old(tmp_path)

    def no_rename(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", no_rename)
    with pytest.raises(OutputError, match="No space left on device"):
        write_vector(frame, target)
    monkeypatch.undo()
    _assert_untouched(target)


def test_mixed_geometries_to_geopackage(tmp_path: Path) -> None:
    mixed = gpd.GeoDataFrame(
        geometry=[Point(70, 45), LineString([(70, 45), (71, 46)])], crs=4326
    )
    out = write_vector(mixed, tmp_path / "m.gpkg")
    with pytest.warns(Warning, match="mixes geometry types"):
        assert len(read(out)) == 2


def test_refuses_to_overwrite_an_input(tmp_path: Path, frame: gpd.GeoDataFrame) -> None:
    src = write_vector(frame, tmp_path / "in.geojson")
    before = src.read_bytes()
    with pytest.raises(UsageError, match="it is also an input"):
        write_vector(frame, src, inputs=[src])
    assert src.read_bytes() == before


def test_symlink_is_replaced_not_written_through(
    tmp_path: Path, frame: gpd.GeoDataFrame
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    link = tmp_path / "out.geojson"
    link.symlink_to(victim)
    write_vector(frame, link)
    assert victim.read_text() == "keep"
    assert not link.is_symlink()
    assert_geodataframe_equal(read(link), frame)


def test_output_path_taken_as_given(tmp_path: Path, frame: gpd.GeoDataFrame) -> None:
    (tmp_path / "sub").mkdir()
    out = write_vector(frame, tmp_path / "sub" / ".." / "x.geojson")
    assert out == tmp_path / "sub" / ".." / "x.geojson"
    assert (tmp_path / "x.geojson").is_file()


def test_bad_extension_and_missing_crs(tmp_path: Path, frame: gpd.GeoDataFrame) -> None:
    with pytest.raises(UsageError, match=r"extension '\.shp' is not one of"):
        write_vector(frame, tmp_path / "x.shp")
    with pytest.raises(CRSError, match="`frame` has no CRS"):
        write_vector(frame.set_crs(None, allow_override=True), tmp_path / "x.geojson")
    assert list(tmp_path.iterdir()) == []


def test_missing_folder(tmp_path: Path, frame: gpd.GeoDataFrame) -> None:
    with pytest.raises(OutputError, match=r"Cannot write .*x\.geojson.: No such file"):
        write_vector(frame, tmp_path / "nope" / "x.geojson")
