"""SIZE and archives: limits on features and bytes, hostile zip files."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import pytest

from kzmap.geo import ReadError, UsageError, read

from .conftest import fc, feature, point


def test_max_features_geojson(write_json, engine) -> None:
    path = write_json(fc(*[feature(point(70, 45)) for _ in range(5)]))
    with pytest.raises(
        ReadError, match=r"5 features, over the limit of 4.*`max_features=`"
    ):
        read(path, max_features=4, engine=engine)
    assert len(read(path, max_features=5, engine=engine)) == 5


def test_max_features_geopackage_and_csv(tmp_path: Path, points) -> None:
    points.to_file(tmp_path / "p.gpkg")
    with pytest.raises(ReadError, match="2 features, over the limit of 1"):
        read(tmp_path / "p.gpkg", max_features=1)
    csv = tmp_path / "p.csv"
    csv.write_text("lon,lat\n70,45\n71,45\n")
    with pytest.raises(ReadError, match="2 rows, over the limit of 1"):
        read(csv, max_features=1)


def test_max_bytes(write_json) -> None:
    path = write_json(fc(feature(point(70, 45))))
    with pytest.raises(ReadError, match=r"over the limit of 10\. .*`max_bytes=`"):
        read(path, max_bytes=10)


def test_bad_limit_types(write_json) -> None:
    path = write_json(fc(feature(point(70, 45))))
    with pytest.raises(TypeError, match="`max_features` must be an int"):
        read(path, max_features="10")  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="`max_bytes` must be at least 1"):
        read(path, max_bytes=0)
    with pytest.raises(UsageError, match="`engine` must be 'pyogrio' or 'fiona'"):
        read(path, engine="gdal")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"`path` must be a str or os\.PathLike"):
        read(42)  # type: ignore[arg-type]


def _zip_with(tmp_path: Path, points, names: dict[str, str]) -> Path:
    points.to_file(tmp_path / "p.shp")
    archive = tmp_path / "up.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for ext, name in names.items():
            zf.write(tmp_path / f"p.{ext}", name)
    return archive


def test_zip_slip_member_is_refused(tmp_path: Path, points) -> None:
    names = {"shp": "../../x.shp", "shx": "../../x.shx", "dbf": "../../x.dbf"}
    archive = _zip_with(tmp_path, points, names)
    with pytest.raises(ReadError, match=r"member '\.\./\.\./x\.shp' has a '\.\.' path"):
        read(archive)
    assert not (tmp_path.parent / "x.shp").exists()


def test_zip_absolute_member_is_refused(tmp_path: Path, points) -> None:
    archive = _zip_with(tmp_path, points, {"shx": "x.shx"})
    with zipfile.ZipFile(archive, "a") as zf:
        zf.writestr(zipfile.ZipInfo("/etc/x.shp"), b"x")
    with pytest.raises(ReadError, match="absolute or Windows path"):
        read(archive)


def test_zip_symlink_member_is_refused(tmp_path: Path, points) -> None:
    archive = _zip_with(tmp_path, points, {"shp": "p.shp", "shx": "p.shx"})
    with zipfile.ZipFile(archive, "a") as zf:
        info = zipfile.ZipInfo("p.dbf")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
    with pytest.raises(ReadError, match=r"'p\.dbf' has a symbolic link"):
        read(archive)


def test_zip_missing_sidecar_is_named(tmp_path: Path, points) -> None:
    archive = _zip_with(tmp_path, points, {"shp": "d/roads.shp", "dbf": "d/roads.dbf"})
    with pytest.raises(ReadError, match=r"roads\.shx is missing from the archive"):
        read(archive)


def test_zip_bomb_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.shp", b"\0" * (8 * 1024 * 1024))
    assert archive.stat().st_size < 100_000
    with pytest.raises(ReadError, match="possible zip bomb"):
        read(archive)


def test_zip_without_shapefile(tmp_path: Path) -> None:
    archive = tmp_path / "none.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("readme.txt", "hi")
    with pytest.raises(ReadError, match=r"holds no \.shp file"):
        read(archive)


def test_truncated_zip(tmp_path: Path, points) -> None:
    archive = _zip_with(tmp_path, points, {"shp": "p.shp", "shx": "p.shx"})
    archive.write_bytes(archive.read_bytes()[:60])
    with pytest.raises(ReadError, match="not a readable zip archive"):
        read(archive)


@pytest.mark.parametrize("block", [32, 1 << 24])
def test_csv_blank_lines_do_not_count_as_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block: int
) -> None:
    import kzmap.geo._tabular as tabular

    monkeypatch.setattr(tabular, "_BLOCK", block)
    path = tmp_path / "blank.csv"
    rows = [f"{70 + i / 10},45" for i in range(8)]
    path.write_text("lon,lat\n" + "\n\n\r\n".join(rows) + "\n")  # 22 lines, 8 rows
    assert len(read(path, max_features=8)) == 8
    # one block: refused while scanning; small blocks split blank lines, so
    # the scan's lower bound stays under the limit and the parsed rows refuse
    early = "at least " if block > len(path.read_bytes()) else ""
    with pytest.raises(ReadError, match=f"has {early}8 rows, over the limit of 7"):
        read(path, max_features=7)
