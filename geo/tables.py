"""Write result tables atomically as CSV, Parquet, GeoPackage or GeoJSON."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd

from kzmap.geo.errors import UsageError
from kzmap.geo.output import write_atomic, write_vector

if TYPE_CHECKING:
    import os
    from collections.abc import Callable, Iterable

    import pandas as pd

__all__ = ["TABLE_FORMATS", "write_table"]

#: Output extensions and what they hold.
TABLE_FORMATS = {
    ".csv": "CSV (UTF-8; geometry as lon/lat for points, a wkt column otherwise)",
    ".parquet": "Parquet (GeoParquet for a GeoDataFrame; needs pyarrow)",
    ".gpkg": "GeoPackage (a GeoDataFrame)",
    ".geojson": "GeoJSON (a GeoDataFrame, EPSG:4326)",
}
_VECTOR = {".gpkg", ".geojson"}


def _writer(frame: pd.DataFrame, suffix: str) -> Callable[[Path], None]:
    """Write a plain (non-geographic) table as CSV or Parquet."""

    def write(tmp: Path) -> None:
        if suffix == ".csv":
            frame.to_csv(tmp, index=False)
        else:
            frame.to_parquet(tmp, index=False)

    return write


def write_table(
    frame: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    inputs: Iterable[str | os.PathLike[str]] = (),
) -> Path:
    """
    Write `frame` to `path` atomically, in the format its extension names.

    Parameters
    ----------
    frame
        A DataFrame, or a GeoDataFrame with a CRS (required for ``.gpkg`` and
        ``.geojson``, which are written in EPSG:4326).
    path
        Output file; its extension is one of `TABLE_FORMATS`.
    inputs
        Files the table was made from; writing over one of them is refused.

    Returns
    -------
    pathlib.Path
        `path`.

    Raises
    ------
    UsageError
        For an unknown extension, a vector format without geometry, Parquet
        without pyarrow, or `path` being an input.
    OutputError
        If the folder does not exist or is not writable.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in TABLE_FORMATS:
        msg = (
            f"Cannot write {str(target)!r}: unknown extension {suffix!r}; "
            f"use one of {', '.join(TABLE_FORMATS)}."
        )
        raise UsageError(msg)
    if suffix in _VECTOR and not isinstance(frame, gpd.GeoDataFrame):
        msg = f"{str(target)!r}: {suffix} needs geometries; write .csv or .parquet."
        raise UsageError(msg)
    if suffix == ".parquet":
        try:
            import pyarrow  # noqa: F401, PLC0415
        except ImportError as err:
            msg = "Writing Parquet needs pyarrow: pip install 'kzmap[scale]'."
            raise UsageError(msg) from err
    if isinstance(frame, gpd.GeoDataFrame):
        # one writer for every geographic output: staged, re-read, then renamed
        return write_vector(frame, target, inputs=inputs)
    return write_atomic(target, _writer(frame, suffix), inputs=inputs)
