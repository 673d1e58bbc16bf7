"""
Read user vector files into checked GeoDataFrames in EPSG:4326.

Engine choice, measured with ``tests/benchmarks/bench_read.py`` (median of 3
runs on the 2-core dev machine; fiona time / pyogrio time, plain
``geopandas.read_file``): shipped countries.geojson 2.3x, borders.geojson
1.9x, 20,000 points GeoJSON 7.5x, 2,000 polygons GeoJSON 3.9x, 20,000 points
GeoPackage 17x, 2,000 polygons GeoPackage 18x, 20,000 points Shapefile 15x.
pyogrio reads whole columns into arrays where fiona builds a dict per
feature, and it reports parse positions and decode errors where fiona
returns None. So ``DEFAULT_ENGINE`` is ``"pyogrio"``. ``engine="fiona"``
gives the same frame or the same kzmap error class: kzmap parses GeoJSON
itself first (and hands GDAL a cleaned UTF-8 copy), checks .dbf text itself,
and normalises dtypes afterwards. With pyogrio a plain GeoJSON skips that
Python pass: its bytes are screened, GDAL reads it through Arrow and the
result is checked as arrays (`kzmap.geo._geojson_fast`); at 10^6 points
``bench_read.py`` measures GeoJSON, CSV and GeoParquet reads within 1.5x of
the engine's wall time and peak memory.
"""

from __future__ import annotations

import os
import tempfile
import warnings
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd

from kzmap.geo._checks import CENTRAL_ASIA, check_frame
from kzmap.geo._geojson import clean_geojson
from kzmap.geo._geojson_fast import read_fast
from kzmap.geo._gpkg import check_gpkg_layer, gpkg_layers
from kzmap.geo._hostile import require_transform, truncation_message, utf8_or_fail
from kzmap.geo._options import (
    DEFAULT_ENGINE,
    DEFAULT_MAX_GEOMETRY_BYTES,
    DEFAULT_MAX_SECONDS,
    Engine,
    ReadOptions,
    apply_user_crs,
    check_engine,
    choose_layer,
    make_options,
)
from kzmap.geo._shapefile import (
    check_dbf_text,
    compare_counts,
    extract_zipped_shapefile,
    gdal_encoding,
    lost_records,
    require_sidecars,
    shapefile_encoding,
)
from kzmap.geo._source import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_FEATURES,
    FORMATS,
    detect_format,
    require_local_file,
)
from kzmap.geo._tabular import read_csv_points, read_geoparquet
from kzmap.geo.crs import STORAGE_CRS
from kzmap.geo.errors import KzmapError
from kzmap.geo.problems import ProblemLog

if TYPE_CHECKING:
    from pyproj import CRS

__all__ = [
    "CENTRAL_ASIA",
    "DEFAULT_ENGINE",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_FEATURES",
    "DEFAULT_MAX_GEOMETRY_BYTES",
    "DEFAULT_MAX_SECONDS",
    "FORMATS",
    "Engine",
    "list_layers",
    "read",
    "read_vector",
]


@dataclass
class LayerRead:
    """A layer read and checked, with every problem found on the way."""

    frame: gpd.GeoDataFrame | None
    log: ProblemLog
    features_in: int | None


def list_layers(
    path: str | os.PathLike[str], *, engine: Engine | None = None
) -> list[str]:
    """
    Return the layer names of a GeoPackage (or the one layer of another file).

    Parameters
    ----------
    path
        A local file kzmap can read (see `read`).
    engine
        GDAL engine used to list GeoPackage layers; None uses `DEFAULT_ENGINE`.

    Returns
    -------
    list of str
        Layer names in file order; ``[stem]`` for single-layer formats.

    Raises
    ------
    ReadError
        If the file is not a local, readable file of an allowed format.
    """
    log = ProblemLog(os.fspath(path) if isinstance(path, str | os.PathLike) else "?")
    p = require_local_file(path, log, max_bytes=DEFAULT_MAX_BYTES)
    if detect_format(p, log) != "gpkg":
        return [p.stem]
    return gpkg_layers(p, check_engine(engine, log), log, DEFAULT_MAX_SECONDS)


def _engine_read(
    source: str | BytesIO, log: ProblemLog, engine: Engine, **kwargs: Any
) -> gpd.GeoDataFrame:
    """Read with a GDAL engine, turning its exceptions and messages into problems."""
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            frame = gpd.read_file(source, engine=engine, **kwargs)
    except UnicodeDecodeError as err:
        log.fail(
            "encoding.decode",
            f"text is not valid in the file's encoding "
            f"({err.reason}); pass `encoding=` with the real one.",
            cause=err,
        )
    except Exception as err:
        log.fail(
            "read.engine",
            f"could not be read with {engine} ({err}). The file "
            "may be truncated or corrupt; re-export it.",
            cause=err,
        )
    for w in caught:
        log.add("engine.message", f"GDAL said: {w.message}", severity="warning")
    if not isinstance(frame, gpd.GeoDataFrame):
        log.fail(
            "read.no_geometry",
            "the layer has no geometry column; expected a spatial layer.",
        )
    return frame


def _read_geojson(
    path: Path, log: ProblemLog, opts: ReadOptions
) -> tuple[gpd.GeoDataFrame, int]:
    fast = read_fast(path, log, opts, _engine_read)
    if fast is not None:
        return fast
    clean = clean_geojson(
        path.read_bytes(),
        log,
        encoding=opts.encoding,
        max_features=opts.max_features,
        user_crs=opts.crs is not None,
    )
    if clean.layer is not None:
        log.layer = clean.layer
    frame = (
        _engine_read(
            BytesIO(utf8_or_fail(clean.text, clean.source_index, log)),
            log,
            opts.engine,
            DATE_AS_STRING="YES",
        )
        if clean.source_index
        else gpd.GeoDataFrame(geometry=[], crs=STORAGE_CRS)
    )
    frame.index = clean.source_index
    declared = clean.crs if clean.crs is not None else STORAGE_CRS
    frame = frame.set_crs(declared, allow_override=True)
    return apply_user_crs(
        frame, opts, log, declared=clean.crs is not None
    ), clean.features_in


def _read_gdal_file(
    path: Path, log: ProblemLog, opts: ReadOptions, *, fmt: str
) -> tuple[gpd.GeoDataFrame, int]:
    kwargs: dict[str, Any] = {}
    total, n_lost, lost = 0, 0, list[int]()
    if fmt == "gpkg":
        kwargs["layer"] = choose_layer(
            gpkg_layers(path, opts.engine, log, opts.max_seconds), opts.layer, log
        )
        log.layer = str(kwargs["layer"])
        check_gpkg_layer(
            path,
            log.layer,
            log,
            max_seconds=opts.max_seconds,
            max_features=opts.max_features,
            max_geometry_bytes=opts.max_geometry_bytes,
        )
        log.raise_errors()
    else:
        prj = require_sidecars(path, log)
        codec = shapefile_encoding(path, opts.encoding)
        check_dbf_text(path, codec, log)
        total, n_lost, lost = lost_records(path, log)
        if n_lost and not opts.lenient:
            log.add(
                "read.truncated", truncation_message(total, n_lost, lost, kept=False)
            )
        log.raise_errors()
        kwargs["encoding"] = gdal_encoding(codec)
        if prj is None and opts.crs is None:
            log.fail(
                "crs.missing",
                f"the Shapefile has no {path.with_suffix('.prj').name}, "
                "so its CRS is unknown; kzmap never guesses one. Add the .prj, "
                "or pass `crs=` (e.g. 4326) if you know it.",
            )
    frame = _engine_read(str(path), log, opts.engine, **kwargs)
    if len(frame) > opts.max_features:
        log.fail(
            "limit.features",
            f"the layer has {len(frame)} features, over the "
            f"limit of {opts.max_features}; pass a larger `max_features=`.",
        )
    if fmt == "shp":
        if not n_lost:
            compare_counts(path, len(frame), log)
        else:  # only reached with `lenient`: keep what is readable, say so once
            frame = frame.drop(index=[i for i in lost if i in frame.index])
            log.add(
                "shapefile.truncated",
                truncation_message(total, n_lost, lost, kept=True),
                severity="warning",
            )
    if frame.crs is None and opts.crs is None:
        log.fail(
            "crs.missing",
            "the layer declares no CRS; kzmap never guesses one. "
            "Set it in the file, or pass `crs=` if you know it.",
        )
    return apply_user_crs(frame, opts, log, declared=frame.crs is not None), len(frame)


def _read_any(
    path: Path, log: ProblemLog, opts: ReadOptions, fmt: str
) -> tuple[gpd.GeoDataFrame, int]:
    if fmt == "geojson":
        return _read_geojson(path, log, opts)
    if fmt in ("gpkg", "shp"):
        return _read_gdal_file(path, log, opts, fmt=fmt)
    if fmt == "zip":
        with tempfile.TemporaryDirectory(prefix="kzmap-zip-") as folder:
            shp, member = extract_zipped_shapefile(
                path, Path(folder), log, layer=opts.layer, max_bytes=opts.max_bytes
            )
            log.layer = member
            return _read_gdal_file(shp, log, opts, fmt="shp")
    if fmt == "csv":
        return read_csv_points(path, log, opts)
    return read_geoparquet(path, log, opts)


def read_checked(path: object, opts: ReadOptions) -> LayerRead:
    """Read and check one layer, collecting problems; never raises a DataError."""
    label = os.fspath(path) if isinstance(path, str | os.PathLike) else repr(path)
    log = ProblemLog(str(label), layer=opts.layer, strict=opts.strict)
    try:
        p = require_local_file(path, log, max_bytes=opts.max_bytes)
        fmt = detect_format(p, log)
        frame, count = _read_any(p, log, opts, fmt)
        require_transform(frame.crs, log)
        # a CSV's points are made from finite numbers only
        frame = check_frame(frame, log, aoi=opts.aoi, finite_points=fmt == "csv")
    except KzmapError as err:
        if not err.problems:
            raise
        return LayerRead(None, log, None)
    if not count:
        log.add("read.no_features", "the layer has 0 features.", severity="warning")
    return LayerRead(frame, log, count)


def read(
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
) -> gpd.GeoDataFrame:
    r"""
    Read a user's vector file, check it, and return it in EPSG:4326.

    Every problem is collected first; errors are raised together as one kzmap
    error, and repairs and dropped features are issued as warnings naming the
    file, layer, feature and field. ``features in = rows returned + features
    reported as dropped``.

    Parameters
    ----------
    path
        A local file: ``.geojson``/``.json``, ``.gpkg``, ``.shp``, ``.zip``
        (holding a Shapefile), ``.parquet`` (GeoParquet) or ``.csv``. URLs,
        ``/vsi*`` paths and ``DRIVER:`` prefixes are refused, and the content
        must match the extension.
    layer
        GeoPackage layer, or Shapefile member of a zip (path or stem); None
        reads the only one and fails listing them if there are several.
    engine
        GDAL engine, ``"pyogrio"`` or ``"fiona"``; None uses `DEFAULT_ENGINE`.
        Not used for CSV and GeoParquet.
    lon, lat
        CSV column names of the longitude (x) and latitude (y); None detects
        ``lon/lng/long/longitude/x`` and ``lat/latitude/y`` in any case.
    crs
        EPSG code (``32642``, ``"EPSG:32642"``) or pyproj CRS of the
        coordinates when the file does not declare one (CSV, Shapefile without
        .prj, GeoJSON in metres); None means CSV and GeoJSON are lon/lat
        (EPSG:4326) and other files must declare theirs. A CRS that
        contradicts the file's is an error.
    encoding
        Text encoding (Python codec name) of GeoJSON, CSV and .dbf text;
        None means UTF-8, or the Shapefile's .cpg.
    strict
        If True, every warning (repairs, dropped features) is an error.
    max_features
        Refuse layers with more features (or CSV rows) than this.
    max_bytes
        Refuse files (and zip contents) larger than this many bytes.
    aoi
        Expected extent (west, south, east, north) in lon/lat degrees, used
        to detect swapped lon/lat; default Central Asia (43-90 E, 30-57.5 N);
        None turns the check off.
    lenient
        If True, a truncated Shapefile gives the records that are still
        readable and one warning saying how many were lost; by default it is
        an error.
    max_seconds
        Wall-clock budget for kzmap's SQLite checks of a GeoPackage layer
        (default 10 s). A layer that is a view over a recursive query is
        refused outright; one whose checks take longer is refused, so an
        untrusted GeoPackage cannot keep the reader busy for ever.
    max_geometry_bytes
        Refuse a GeoPackage whose largest geometry blob is bigger than this
        (default 64 MiB); checked with SQL before GDAL decodes anything.

    Returns
    -------
    geopandas.GeoDataFrame
        A new frame in EPSG:4326 (lon, lat), 2D, with valid, non-empty
        geometries and a fresh RangeIndex.

    Raises
    ------
    ReadError
        If the file is missing, empty, unreadable, of a refused format or over
        a limit, or its text is not in `encoding`.
    CRSError
        If the CRS is missing, contradicts the numbers or lon/lat look swapped.
    UsageError
        If options do not fit the file (several layers and no `layer`, bad
        `crs`, unknown column).
    DataError
        For per-feature errors (bad coordinates, NaN, unrepairable geometry)
        or a mix of the above; ``err.problems`` lists them all.
    TypeError
        If `path` or a limit has the wrong type.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "p.csv").write_text("name,Lat,Lon\nAlmaty,43.24,76.89\n")
    >>> frame = read(folder / "p.csv")
    >>> frame.geometry.iloc[0].coords[0], frame.crs.to_epsg()
    ((76.89, 43.24), 4326)
    """
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
    result = read_checked(path, opts)
    result.log.raise_errors()
    result.log.emit_warnings()
    frame = result.frame
    if frame is None:  # pragma: no cover (a fatal problem always raises above)
        msg = f"{path}: could not be read."
        raise RuntimeError(msg)
    return frame.reset_index(drop=True)


def read_vector(
    path: str | os.PathLike[str],
    *,
    layer: str | None = None,
    engine: Engine | None = None,
) -> gpd.GeoDataFrame:
    """
    Read a GeoJSON, GeoPackage or Shapefile in EPSG:4326 (``read`` with defaults).

    Parameters
    ----------
    path
        A local vector file (see `read`).
    layer
        GeoPackage layer; None reads the only layer.
    engine
        ``"pyogrio"`` or ``"fiona"``; None uses `DEFAULT_ENGINE`.

    Returns
    -------
    geopandas.GeoDataFrame
        A new, checked frame in EPSG:4326 (lon, lat).

    Raises
    ------
    KzmapError
        As `read`.
    """
    return read(path, layer=layer, engine=engine)
