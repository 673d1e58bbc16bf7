"""Write result tables atomically as CSV, Parquet, GeoPackage or GeoJSON."""

from __future__ import annotations

import os
import re
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import pandas as pd
import shapely

from kzmap.geo.crs import to_storage_crs
from kzmap.geo.errors import UsageError
from kzmap.geo.output import write_atomic

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

__all__ = ["TABLE_FORMATS", "write_table"]

#: Output extensions and what they hold.
TABLE_FORMATS = {
    ".csv": "CSV (UTF-8; geometry as lon/lat for points, WKT otherwise)",
    ".parquet": "Parquet (GeoParquet for a GeoDataFrame; needs pyarrow)",
    ".gpkg": "GeoPackage (a GeoDataFrame)",
    ".geojson": "GeoJSON (a GeoDataFrame, EPSG:4326)",
}
_VECTOR = {".gpkg": "GPKG", ".geojson": "GeoJSON"}


def _csv_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Replace a geometry column by lon/lat (all points) or WKT."""
    if not isinstance(frame, gpd.GeoDataFrame):
        return frame
    geo = to_storage_crs(frame, name="frame")
    geometry = geo.geometry.values
    plain = pd.DataFrame(geo.drop(columns=geo.geometry.name))
    types = set(geo.geom_type.dropna())
    if types <= {"Point"} and not {"lon", "lat"} & set(plain.columns):
        plain["lon"] = shapely.get_x(geometry)
        plain["lat"] = shapely.get_y(geometry)
    else:
        plain["geometry"] = shapely.to_wkt(geometry)
    return plain


def _writer(frame: pd.DataFrame, target: Path) -> Callable[[Path], None]:
    suffix = target.suffix.lower()
    # The layer is named after the file, in characters GDAL accepts.
    layer = re.sub(r"[^A-Za-z0-9_]", "_", target.stem) or "layer"

    def write(tmp: Path) -> None:
        if suffix == ".csv":
            _csv_frame(frame).to_csv(tmp, index=False)
        elif suffix == ".parquet":
            frame.to_parquet(tmp, index=False)
        else:
            geo = to_storage_crs(frame, name="frame")  # type: ignore[arg-type]
            # GDAL picks drivers by extension; the temporary name has none.
            named = tmp.with_name(tmp.name + suffix)
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)
                    geo.to_file(
                        named,
                        driver=_VECTOR[suffix],
                        engine="pyogrio",
                        layer=layer,
                    )
                os.replace(named, tmp)
            finally:
                named.unlink(missing_ok=True)

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
    return write_atomic(target, _writer(frame, target), inputs=inputs)
