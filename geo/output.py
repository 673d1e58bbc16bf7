"""Atomic output: write beside the target, check, fsync, then rename into place."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kzmap.geo._staging import OutputSet
from kzmap.geo.crs import STORAGE_CRS, require_crs
from kzmap.geo.errors import KzmapError, OutputError, UsageError

if TYPE_CHECKING:
    import os
    from collections.abc import Callable, Iterable

    import geopandas as gpd

__all__ = [
    "VECTOR_OUTPUTS",
    "OutputSet",
    "vector_writer",
    "write_atomic",
    "write_bytes_atomic",
    "write_text_atomic",
    "write_vector",
]

#: Output formats of `write_vector`, by extension.
VECTOR_OUTPUTS = (".geojson", ".gpkg", ".parquet", ".csv")


def write_atomic(
    path: str | os.PathLike[str],
    writer: Callable[[Path], None],
    *,
    inputs: Iterable[str | os.PathLike[str]] = (),
) -> Path:
    """
    Produce `path` by calling ``writer(tmp_path)`` and renaming the result into place.

    The temporary file sits in a staging folder beside the target, so the
    final ``os.replace`` is atomic. On any failure (including
    KeyboardInterrupt) the temporary is removed and a previous file at `path`
    is left untouched. A symlink at `path` is replaced, never written through.
    Temporaries left beside `path` by killed runs are removed first (see
    `kzmap.geo.OutputSet`). To write several files all or none, use
    `kzmap.geo.OutputSet`.

    Parameters
    ----------
    path
        The output file, taken as given (no normalisation of ``..``).
    writer
        Called with the temporary path; it must create that file.
    inputs
        Files the output was made from; writing over one of them is refused.

    Returns
    -------
    pathlib.Path
        `path` as a Path.

    Raises
    ------
    UsageError
        If `path` is one of `inputs`, or names a directory.
    OutputError
        If the folder of `path` does not exist or is not writable, the disk
        is full (any OSError of `writer`), or the file cannot be synced or
        renamed into place.
    """
    with OutputSet() as outputs:
        outputs.stage(path, writer, inputs=inputs)
    return Path(path)


def write_bytes_atomic(
    path: str | os.PathLike[str],
    data: bytes,
    *,
    inputs: Iterable[str | os.PathLike[str]] = (),
) -> Path:
    """Write `data` to `path` atomically (see `write_atomic`)."""

    def _write(tmp: Path) -> None:
        tmp.write_bytes(data)

    return write_atomic(path, _write, inputs=inputs)


def write_text_atomic(
    path: str | os.PathLike[str],
    text: str,
    *,
    inputs: Iterable[str | os.PathLike[str]] = (),
) -> Path:
    """Write `text` as UTF-8 to `path` atomically (see `write_atomic`)."""
    return write_bytes_atomic(path, text.encode("utf-8"), inputs=inputs)


def _write_csv(frame: gpd.GeoDataFrame, path: Path) -> None:
    """Points as lon/lat columns; other geometries as WKT in a ``wkt`` column."""
    data = frame.drop(columns=frame.geometry.name)
    geoms = frame.geometry
    if len(frame) and (geoms.geom_type == "Point").all():
        data = data.assign(lon=geoms.x, lat=geoms.y)
    else:
        data = data.assign(wkt=geoms.to_wkt())
    data.to_csv(path, index=False, encoding="utf-8")


def _write(frame: gpd.GeoDataFrame, path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        frame.to_parquet(path)
    elif suffix == ".csv":
        _write_csv(frame, path)
    elif suffix == ".gpkg":
        frame.to_file(path, driver="GPKG", layer=path.stem, engine="pyogrio")
    else:
        frame.to_file(path, driver="GeoJSON", engine="pyogrio", RFC7946="YES")


def _count(path: Path) -> int:
    """Re-read `path` and return its number of features (or CSV rows)."""
    import pandas as pd  # noqa: PLC0415
    import pyogrio  # noqa: PLC0415

    suffix = path.suffix.lower()
    if suffix == ".parquet":
        import pyarrow.parquet as pq  # noqa: PLC0415

        return int(pq.ParquetFile(path).metadata.num_rows)
    if suffix == ".csv":
        return len(pd.read_csv(path, dtype=str, keep_default_na=False))
    return int(pyogrio.read_info(path)["features"])


def write_vector(
    frame: gpd.GeoDataFrame,
    path: str | os.PathLike[str],
    *,
    inputs: Iterable[str | os.PathLike[str]] = (),
) -> Path:
    """
    Write `frame` to a .geojson, .gpkg, .parquet or .csv file, all or nothing.

    The file is written into a temporary folder beside `path`, read back and
    its feature count compared with ``len(frame)``; only then is it synced and
    renamed over `path`. On any failure (including KeyboardInterrupt) nothing
    is left behind and a previous file at `path` is unchanged.

    Parameters
    ----------
    frame
        Features in any CRS; written in EPSG:4326 (lon, lat). GeoJSON follows
        RFC 7946 (GDAL's RFC7946 writer: 7 decimals, rings rewound, split at
        the antimeridian). A GeoPackage gets one layer named after the file
        stem. A CSV has ``lon``/``lat`` columns for points, else ``wkt``.
    path
        The output file, taken as given; a symlink there is replaced, never
        written through.
    inputs
        Files `frame` was read from; writing over one of them is refused.

    Returns
    -------
    pathlib.Path
        `path` as a Path.

    Raises
    ------
    UsageError
        If the extension is not one of `VECTOR_OUTPUTS`, `path` is a directory
        or one of `inputs`.
    CRSError
        If `frame` has no CRS.
    OutputError
        If writing fails, or the file read back has a different count.

    Examples
    --------
    >>> import tempfile, geopandas as gpd
    >>> from shapely.geometry import Point
    >>> frame = gpd.GeoDataFrame({"id": ["a"]}, geometry=[Point(76.9, 43.2)], crs=4326)
    >>> out = write_vector(frame, Path(tempfile.mkdtemp()) / "a.geojson")
    >>> out.name
    'a.geojson'
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in VECTOR_OUTPUTS:
        msg = (
            f"Cannot write {str(target)!r}: extension {target.suffix!r} is not one "
            f"of {', '.join(VECTOR_OUTPUTS)}."
        )
        raise UsageError(msg)
    require_crs(frame, name="frame")
    data = frame.to_crs(STORAGE_CRS)
    with OutputSet() as outputs:
        outputs.stage(target, vector_writer(data, target), inputs=inputs)
    return target


def vector_writer(frame: gpd.GeoDataFrame, target: Path) -> Callable[[Path], None]:
    """Return a writer for `OutputSet.stage` that writes and re-counts `frame`."""

    def _writer(tmp: Path) -> None:
        try:
            _write(frame, tmp)
            written = _count(tmp)
        except (KzmapError, KeyboardInterrupt):
            raise
        except Exception as err:
            reason = err.strerror if isinstance(err, OSError) and err.strerror else err
            msg = f"Cannot write {str(target)!r}: {reason}"
            raise OutputError(msg) from err
        if written != len(frame):
            msg = (
                f"Cannot write {str(target)!r}: {written} features were read back "
                f"from the new file, but the frame has {len(frame)}; nothing was "
                "replaced."
            )
            raise OutputError(msg)

    return _writer
