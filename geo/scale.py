"""Out-of-core joins: partitioned (Geo)Parquet on dask, locally or on a cluster."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kzmap.geo._grid import OUTSIDE
from kzmap.geo.aggregate import (
    Aggregation,
    finish_aggregation,
    partial_aggregation,
    require_numeric,
    validate_aggregation_columns,
)
from kzmap.geo.errors import ReadError, UsageError
from kzmap.geo.join import points_xy, require_polygon_index
from kzmap.geo.tables import write_table

if TYPE_CHECKING:
    import os
    from collections.abc import Sequence

    import geopandas as gpd
    from numpy.typing import NDArray

    from kzmap.geo.join import PolygonIndex

__all__ = ["SCALE_INSTALL", "aggregate_dataset"]

#: How to install what the dask engine needs.
SCALE_INSTALL = "pip install 'kzmap[scale]'"

_Summary = tuple[pd.DataFrame, int, "NDArray[np.intp]"]


def _dataset_columns(source: Path) -> tuple[list[str], str | None]:
    """Return the dataset's column names and its GeoParquet geometry column."""
    import json  # noqa: PLC0415

    import pyarrow.dataset as ds  # noqa: PLC0415 (optional dependency)

    try:
        schema = ds.dataset(source, format="parquet").schema
    except (OSError, ValueError) as err:
        msg = f"{source}: not a readable Parquet dataset ({err})."
        raise ReadError(msg) from err
    geo = (schema.metadata or {}).get(b"geo")
    primary = json.loads(geo)["primary_column"] if geo else None
    return list(schema.names), primary


def _summarize(
    part: pd.DataFrame,
    index: PolygonIndex,
    columns: tuple[str | None, str | None, str, str],
    geometry: str | None,
    max_outside: int,
) -> _Summary:
    """Label one partition and reduce it to its partial aggregation."""
    by, total, lon, lat = columns
    if geometry is not None:
        x, y, _ = points_xy(part)
    else:
        x = part[lon].to_numpy(dtype=np.float64, na_value=np.nan)
        y = part[lat].to_numpy(dtype=np.float64, na_value=np.nan)
    codes = index.codes(x, y)
    partial = partial_aggregation(
        codes,
        by_values=None if by is None else part[by],
        sum_values=None if total is None else part[total],
    )
    return partial, len(codes), np.flatnonzero(codes == OUTSIDE)[:max_outside]


def _import_dask() -> None:
    try:
        import dask  # noqa: F401, PLC0415
        import dask_geopandas  # noqa: F401, PLC0415
        import pyarrow  # noqa: F401, PLC0415
    except ImportError as err:
        msg = f"The dask engine needs optional packages: {SCALE_INSTALL} ({err})."
        raise ImportError(msg) from err


def _read(source: Path, columns: list[str], geometry: str | None) -> object:
    """Return the lazy dask (Geo)DataFrame of `columns`."""
    if geometry is not None:
        import dask_geopandas  # noqa: PLC0415

        return dask_geopandas.read_parquet(source, columns=columns)
    import dask.dataframe as dd  # noqa: PLC0415

    return dd.read_parquet(source, columns=columns)


def aggregate_dataset(
    source: str | os.PathLike[str],
    *,
    polygons: gpd.GeoDataFrame | PolygonIndex,
    key: str = "id",
    by: str | None = None,
    sum: str | None = None,  # noqa: A002 (the agreed keyword)
    keep: Sequence[str] = (),
    lon: str = "lon",
    lat: str = "lat",
    output: str | os.PathLike[str] | None = None,
    max_outside: int = 10_000,
) -> Aggregation:
    """
    Aggregate a partitioned Parquet dataset of points per polygon with dask.

    Each partition is read, labelled and reduced on a worker, so only one
    partition per worker thread is in memory at a time; the result equals
    `kzmap.geo.aggregate.aggregate_points` on the whole dataset (float sums
    may differ in the last bits because they are added in another order).
    Tasks run on dask's current scheduler: create a ``distributed.Client``
    first (for a ``LocalCluster`` or a real cluster's scheduler address) to
    use it; otherwise dask's local threads run them. Allow each worker about
    600 MB: the imports alone take about 300 MB, and a worker that reaches 80 %
    of its limit pauses.

    Parameters
    ----------
    source
        A Parquet file or a folder of them (one dataset): GeoParquet with
        Point geometries (any CRS), or plain Parquet with `lon`/`lat` columns
        in EPSG:4326 degrees.
    polygons
        (Multi)Polygons in any CRS, or a `PolygonIndex`.
    key, by, sum, keep
        As for `kzmap.geo.aggregate.aggregate_points`.
    lon, lat
        Coordinate columns of a plain Parquet dataset (ignored for GeoParquet).
    output
        Also write the table here (``.csv`` or ``.parquet``, atomically);
        None: only return it.
    max_outside
        Most outside row positions (0-based over the dataset, partitions in
        order) to keep in `Aggregation.outside_index`; the count is exact.

    Returns
    -------
    Aggregation
        As `aggregate_points`; `outside_index` holds dataset row positions.

    Raises
    ------
    ImportError
        If dask-geopandas, distributed or pyarrow are missing (the message
        gives the install command).
    ReadError
        If `source` is not a Parquet dataset.
    UsageError
        If a named column is missing.
    """
    _import_dask()
    import dask  # noqa: PLC0415

    path = Path(source)
    index = require_polygon_index(polygons, key=key, engine="auto")
    names, geometry = _dataset_columns(path)
    validate_aggregation_columns(pd.Index(names), index, by, sum, keep)
    coords = [geometry] if geometry is not None else [lon, lat]
    missing = [c for c in coords if c not in names]
    if missing:
        msg = f"{path}: no column(s) {missing}; pass lon=/lat= or use GeoParquet."
        raise UsageError(msg)
    if index.engine != "scan":
        index.grid(1 << 22)  # built once here, shipped to every worker
    wanted = list(dict.fromkeys([*coords, *(c for c in (by, sum) if c)]))
    frame = _read(path, wanted, geometry)
    if sum is not None:
        require_numeric(frame.dtypes[sum], name=sum)  # type: ignore[attr-defined]
    shared = dask.delayed(index)
    tasks = [
        dask.delayed(_summarize)(
            part, shared, (by, sum, lon, lat), geometry, max_outside
        )
        for part in frame.to_delayed()  # type: ignore[attr-defined]
    ]
    summaries: tuple[_Summary, ...] = dask.compute(*tasks)
    return _assemble(
        summaries,
        index=index,
        by=by,
        total=sum,
        keep=keep,
        max_outside=max_outside,
        output=output,
        source=path,
    )


def _assemble(
    summaries: Sequence[_Summary],
    *,
    index: PolygonIndex,
    by: str | None,
    total: str | None,
    keep: Sequence[str],
    max_outside: int,
    output: str | os.PathLike[str] | None,
    source: Path,
) -> Aggregation:
    """Merge the partitions' summaries into one `Aggregation` (and write it)."""
    table, outside = finish_aggregation(
        [s[0] for s in summaries],
        index=index,
        by=by,
        sum_name=None if total is None else f"{total}_sum",
        keep=keep,
    )
    lengths = np.array([s[1] for s in summaries], dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    positions = [s[2] + start for s, start in zip(summaries, starts, strict=True)]
    flat = np.concatenate([*positions, np.empty(0, dtype=np.int64)])
    if output is not None:
        write_table(table, output, inputs=[source])
    return Aggregation(
        table=table,
        outside_count=outside,
        outside_index=pd.Index(flat[:max_outside]),
        total=int(lengths.sum()),
    )
