"""Out-of-core joins: partitioned (Geo)Parquet on dask, locally or on a cluster."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely

from kzmap.geo._grid import OUTSIDE
from kzmap.geo.aggregate import (
    Aggregation,
    finish_aggregation,
    partial_aggregation,
    require_numeric,
    validate_aggregation_columns,
)
from kzmap.geo.errors import CRSError, DataError, ReadError, UsageError
from kzmap.geo.join import require_polygon_index
from kzmap.geo.tables import write_table

if TYPE_CHECKING:
    import os
    from collections.abc import Sequence

    import geopandas as gpd
    import pyarrow as pa
    from numpy.typing import NDArray

    from kzmap.geo.join import PolygonIndex

__all__ = ["BATCH_ROWS", "SCALE_INSTALL", "aggregate_dataset"]

#: Rows decoded at once by a task (65,536 Point WKB values are 1.4 MB).
BATCH_ROWS = 65_536

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


def _wkb_points_xy(array: pa.Array) -> tuple[NDArray[np.float64], ...] | None:
    """
    Read x and y straight from little-endian 2D Point WKB (21 bytes each).

    None if the batch holds anything else (nulls, other types, big-endian):
    then shapely decodes it.
    """
    if array.null_count or str(array.type) != "binary" or not len(array):
        return None
    validity, offsets_buf, data_buf = array.buffers()
    del validity
    offsets = np.frombuffer(offsets_buf, dtype=np.int32)[
        array.offset : array.offset + len(array) + 1
    ]
    if offsets[-1] - offsets[0] != 21 * len(array) or (np.diff(offsets) != 21).any():
        return None
    raw = np.frombuffer(data_buf, dtype=np.uint8)[offsets[0] : offsets[-1]]
    rows = raw.reshape(-1, 21)
    header = np.ascontiguousarray(rows[:, :5])
    if (header[:, 0] != 1).any() or (header[:, 1:].view("<u4") != 1).any():
        return None
    xy = np.ascontiguousarray(rows[:, 5:]).view("<f8")
    return xy[:, 0].copy(), xy[:, 1].copy()


def _batch_xy(
    batch: pa.RecordBatch, coords: tuple[str | None, str, str]
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Lon/lat (in the file's CRS) of one record batch, without keeping geometries."""
    geometry, lon, lat = coords
    if geometry is None:
        x = batch.column(lon).to_numpy(zero_copy_only=False)
        y = batch.column(lat).to_numpy(zero_copy_only=False)
        return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    array = batch.column(geometry)
    fast = _wkb_points_xy(array)
    if fast is not None:
        return fast[0], fast[1]
    geoms = shapely.from_wkb(array.to_numpy(zero_copy_only=False))
    types = shapely.get_type_id(geoms)
    bad = np.flatnonzero((types != 0) & (types != -1))
    if bad.size:
        msg = (
            f"the dataset must hold Points; batch rows {bad[:5].tolist()} are not. "
            "Use .representative_point() or .explode() first."
        )
        raise DataError(msg)
    return shapely.get_x(geoms).astype(np.float64), shapely.get_y(geoms).astype(
        np.float64
    )


def _summarize(
    piece: tuple[str, int],
    index: PolygonIndex,
    columns: tuple[str | None, str | None, str | None, str, str],
    crs: str | None,
    max_outside: int,
) -> _Summary:
    """Label one row group in bounded batches and reduce it to partial sums."""
    import pyarrow.parquet as pq  # noqa: PLC0415 (optional dependency)

    by, total, geometry, lon, lat = columns
    wanted = [c for c in dict.fromkeys((geometry, lon, lat, by, total)) if c]
    if geometry is not None:
        wanted = [c for c in wanted if c not in (lon, lat) or c in (by, total)]
    transform = None
    if crs is not None:
        from pyproj import Transformer  # noqa: PLC0415

        transform = Transformer.from_crs(crs, "EPSG:4326", always_xy=True).transform
    partials, outside, rows = [], [], 0
    reader = pq.ParquetFile(piece[0])
    for batch in reader.iter_batches(
        batch_size=BATCH_ROWS, row_groups=[piece[1]], columns=wanted
    ):
        x, y = _batch_xy(batch, (geometry, lon, lat))
        if transform is not None:
            x, y = transform(x, y)
        codes = index.codes(np.asarray(x, np.float64), np.asarray(y, np.float64))
        partials.append(
            partial_aggregation(
                codes,
                by_values=None if by is None else batch.column(by).to_pandas(),
                sum_values=None if total is None else batch.column(total).to_pandas(),
            )
        )
        outside.append(np.flatnonzero(codes == OUTSIDE)[:max_outside] + rows)
        rows += len(codes)
    found = np.concatenate([*outside, np.empty(0, dtype=np.intp)])[:max_outside]
    partial = pd.concat(partials, ignore_index=True) if partials else pd.DataFrame()
    return partial, rows, found


def _pieces(source: Path) -> list[tuple[str, int]]:
    """(file, row group) of every row group of the dataset, in dataset order."""
    import pyarrow.dataset as ds  # noqa: PLC0415
    import pyarrow.parquet as pq  # noqa: PLC0415

    files = ds.dataset(source, format="parquet").files
    return [
        (f, group)
        for f in files
        for group in range(pq.ParquetFile(f).metadata.num_row_groups)
    ]


def _dataset_crs(source: Path, geometry: str | None) -> str | None:
    """Return the GeoParquet column's CRS as PROJJSON text; None for lon/lat."""
    if geometry is None:
        return None
    import json  # noqa: PLC0415

    import pyarrow.dataset as ds  # noqa: PLC0415
    from pyproj import CRS  # noqa: PLC0415

    meta = json.loads(ds.dataset(source, format="parquet").schema.metadata[b"geo"])
    column = meta["columns"][geometry]
    if "crs" in column and column["crs"] is None:
        msg = f"{source}: the GeoParquet CRS is unknown (crs: null); set it."
        raise CRSError(msg)
    crs = CRS.from_user_input(column.get("crs") or "OGC:CRS84")
    if crs.equals(CRS("OGC:CRS84")) or crs.equals(
        CRS("EPSG:4326"), ignore_axis_order=True
    ):
        return None
    return str(crs.to_json())


def _arrow_dtype(source: Path, column: str) -> np.dtype[np.generic]:
    """Return the numpy dtype of a dataset column (object if not numeric)."""
    import pyarrow.dataset as ds  # noqa: PLC0415

    kind = ds.dataset(source, format="parquet").schema.field(column).type
    dtype: np.dtype[np.generic]
    try:
        dtype = np.dtype(kind.to_pandas_dtype())
    except (NotImplementedError, TypeError):
        dtype = np.dtype(object)
    return dtype


def _import_dask() -> None:
    try:
        import dask  # noqa: F401, PLC0415
        import dask_geopandas  # noqa: F401, PLC0415
        import pyarrow  # noqa: F401, PLC0415
    except ImportError as err:
        msg = f"The dask engine needs optional packages: {SCALE_INSTALL} ({err})."
        raise ImportError(msg) from err


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
    scheduler: str | None = None,
) -> Aggregation:
    """
    Aggregate a partitioned Parquet dataset of points per polygon with dask.

    One task per Parquet row group reads it in record batches of
    `BATCH_ROWS` rows, labels them and reduces them to partial counts, so a
    worker thread holds one batch (and the row group's compressed column
    chunks) at a time, never a partition's geometries: Point WKB is read
    straight from the bytes, other WKB is decoded per batch. The result
    equals `kzmap.geo.aggregate.aggregate_points` on the whole dataset (float
    sums may differ in the last bits because they are added in another
    order). Tasks run on dask's distributed scheduler at `scheduler`, else on
    the current one: a ``distributed.Client`` created first (for a
    ``LocalCluster`` or a cluster), or dask's local threads. Allow each worker
    about 600 MB: the imports take about 300 MB, a thread's batch and row
    group about 100 MB (row groups of up to 10^6 rows, pyarrow's default),
    and a worker that reaches 80 % of its limit pauses.

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
        Most outside row positions (0-based over the dataset, files in
        order) to keep in `Aggregation.outside_index`; the count is exact.
    scheduler
        Address of a dask distributed scheduler (``"tcp://host:8786"``) to run
        on; None uses dask's current scheduler.

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
    if sum is not None:
        require_numeric(_arrow_dtype(path, sum), name=sum)
    shared = dask.delayed(index)
    crs = _dataset_crs(path, geometry)
    tasks = [
        dask.delayed(_summarize)(
            piece, shared, (by, sum, geometry, lon, lat), crs, max_outside
        )
        for piece in _pieces(path)
    ]
    summaries: tuple[_Summary, ...]
    if scheduler is None:
        summaries = dask.compute(*tasks)
    else:
        from distributed import Client  # noqa: PLC0415

        with Client(scheduler) as client:
            summaries = tuple(client.gather(client.compute(tasks)))
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
