"""Validate input files: every problem in a file, collected into one report."""

from __future__ import annotations

import os
from dataclasses import replace
from typing import TYPE_CHECKING

from kzmap.geo._checks import CENTRAL_ASIA
from kzmap.geo._options import (
    DEFAULT_MAX_GEOMETRY_BYTES,
    DEFAULT_MAX_SECONDS,
    make_options,
)
from kzmap.geo._source import DEFAULT_MAX_BYTES, DEFAULT_MAX_FEATURES
from kzmap.geo.errors import KzmapError
from kzmap.geo.io import list_layers, read_checked
from kzmap.geo.problems import Problem, ValidationReport

if TYPE_CHECKING:
    from pyproj import CRS

    from kzmap.geo._options import Engine

__all__ = ["Problem", "ValidationReport", "validate_file"]

_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def validate_file(
    path: str | os.PathLike[str],
    *,
    layer: str | None = None,
    engine: Engine | None = None,
    lon: str | None = None,
    lat: str | None = None,
    crs: int | str | CRS | None = None,
    encoding: str | None = None,
    strict: bool = False,
    max_features: int = DEFAULT_MAX_FEATURES,
    max_bytes: int = DEFAULT_MAX_BYTES,
    aoi: tuple[float, float, float, float] | None = CENTRAL_ASIA,
    lenient: bool = False,
    max_seconds: float = DEFAULT_MAX_SECONDS,
    max_geometry_bytes: int = DEFAULT_MAX_GEOMETRY_BYTES,
) -> ValidationReport:
    r"""
    Check a file as `kzmap.geo.read` would, and list every problem found.

    Unlike `read`, nothing is raised for problems in the file: they are all
    returned, located by file, layer, feature and field. A GeoPackage with
    several layers and no `layer` has each layer checked.

    Parameters
    ----------
    path
        A local file of a format `read` accepts.
    layer, engine, lon, lat, crs, encoding, strict, max_features, max_bytes, aoi
        As for `kzmap.geo.read`.
    lenient, max_seconds, max_geometry_bytes
        As for `kzmap.geo.read` (limits on truncated and hostile files).

    Returns
    -------
    ValidationReport
        Problems sorted errors first, then by feature; ``report.is_ok()``
        is False if any is an error (the file would be refused by `read`).

    Raises
    ------
    TypeError
        If `path` or a limit has the wrong type.
    UsageError
        If a limit is below 1 or `engine` is unknown (problems of the call,
        not of the file).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "p.csv"
    >>> _ = path.write_text("name,lon,lat\nA,76.9,43.2\nB,,43.3\n")
    >>> report = validate_file(path)
    >>> [(p.feature, p.field, p.code) for p in report.errors]
    [(1, 'lon', 'csv.coordinate')]
    """
    label = os.fspath(path) if isinstance(path, str | os.PathLike) else repr(path)
    opts = make_options(
        path,
        layer=layer,
        engine=engine,
        lon=lon,
        lat=lat,
        crs=crs,
        encoding=encoding,
        strict=strict,
        max_features=max_features,
        max_bytes=max_bytes,
        aoi=aoi,
        lenient=lenient,
        max_seconds=max_seconds,
        max_geometry_bytes=max_geometry_bytes,
    )
    layers = [layer] if layer is not None else _layers(path, opts.engine)
    found: list[Problem] = []
    counts_in: list[int] = []
    counts_out: list[int] = []
    for name in layers:
        result = read_checked(path, replace(opts, layer=name))
        found.extend(result.log.problems)
        if result.features_in is not None:
            counts_in.append(result.features_in)
        if result.frame is not None and not result.log.has_errors():
            counts_out.append(len(result.frame))
    ordered = sorted(
        found,
        key=lambda p: (
            _SEVERITY_ORDER[p.severity],
            -1 if p.feature is None else p.feature,
        ),
    )
    ok = not any(p.severity == "error" for p in found)
    return ValidationReport(
        str(label),
        tuple(ordered),
        features_in=sum(counts_in) if counts_in else None,
        features_out=sum(counts_out) if ok and counts_out else None,
    )


def _layers(path: str | os.PathLike[str], engine: Engine) -> list[str | None]:
    """Return every GeoPackage layer, or ``[None]`` for single-layer files."""
    try:
        names = list_layers(path, engine=engine)
    except KzmapError:
        return [None]  # read_checked reports why the file cannot be opened
    is_gpkg = os.fspath(path).lower().endswith(".gpkg")
    return list(names) if is_gpkg and len(names) > 1 else [None]
