"""Real malformed files from public test suites (tests/data/hostile/README.md)."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import pytest

from kzmap.geo import KzmapError, read, validate_file

CORPUS = Path(__file__).parent.parent / "data" / "hostile"

#: file -> expected problem code of the refusal, or None when it reads.
EXPECTED: dict[str, str | None] = {
    "corrupt_too_long.shp": "crs.missing",
    "empty_zipfile.zip": "read.zip_no_shp",
    "latin1.shp": "read.sidecar_missing",
    "test_tin.shp": "crs.missing",
    "feature_with_type_Topology_property.json": None,
    "ids_0_1_null_1_null.json": None,
}


def _outcome(path: Path, **kwargs: object) -> str | None:
    problems = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            read(path, aoi=None, **kwargs)  # type: ignore[arg-type]
        except KzmapError as err:
            problems = err.problems
    if problems is None:
        return None
    assert problems, f"{path.name}: an error without located problems"
    assert all(p.file == str(path) for p in problems)
    return problems[0].code


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file(name: str) -> None:
    assert _outcome(CORPUS / name) == EXPECTED[name]
    report = validate_file(CORPUS / name, aoi=None)
    assert report.is_ok() == (EXPECTED[name] is None)


def test_shapefiles_with_a_crs_given() -> None:
    assert _outcome(CORPUS / "corrupt_too_long.shp", crs=4326) is None
    assert _outcome(CORPUS / "test_tin.shp", crs=4326) == "read.engine"


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("fraction", [0.0, 0.3, 0.5, 0.9])
def test_truncated_corpus_file(tmp_path: Path, name: str, fraction: float) -> None:
    source = CORPUS / name
    stem = source.stem
    for sibling in CORPUS.glob(f"{stem}.*"):
        shutil.copy(sibling, tmp_path / sibling.name)
    for sibling in sorted(tmp_path.iterdir()):
        data = sibling.read_bytes()
        cut = tmp_path / sibling.name
        cut.write_bytes(data[: int(len(data) * fraction)])
        _outcome(tmp_path / name, crs=4326)  # a kzmap error or a frame, no crash
        _outcome(tmp_path / name, crs=4326, lenient=True)
        cut.write_bytes(data)
