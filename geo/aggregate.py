"""Counts and sums of points per polygon (and category), with the outside report."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

import numpy as np
import pandas as pd

from kzmap.geo._grid import OUTSIDE
from kzmap.geo.errors import DataError, UsageError
from kzmap.geo.join import points_xy, require_polygon_index

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    import geopandas as gpd
    from numpy.typing import ArrayLike, NDArray
    from pandas.api.extensions import ExtensionDtype

    from kzmap.geo.join import Engine, PolygonIndex

__all__ = [
    "Aggregation",
    "aggregate_points",
    "finish_aggregation",
    "partial_aggregation",
    "require_numeric",
    "validate_aggregation_columns",
]

_CODE = "__code"


@dataclass(frozen=True)
class Aggregation:
    """
    Per-polygon totals and the points that fell outside every polygon.

    Attributes
    ----------
    table
        One row per polygon (sorted by key) and, with ``by=``, per category
        (sorted, missing category last), zero rows included. Columns: the
        key, any kept polygon columns, the ``by`` column, ``count`` (points)
        and ``<sum>_sum`` (NaN values skipped; int64 for integer or boolean
        columns, float64 otherwise).
    outside_count
        Points covered by no polygon, including missing or NaN coordinates.
    outside_index
        Their labels in the input's index (row positions for arrays and
        datasets); may hold fewer than `outside_count` entries when a caller
        capped it (see `complete`).
    total
        Points read.
    """

    table: pd.DataFrame
    outside_count: int
    outside_index: pd.Index
    total: int

    @property
    def complete(self) -> bool:
        """Whether `outside_index` lists every outside point."""
        return len(self.outside_index) == self.outside_count

    def summary(self) -> str:
        """Return a one-line report of the points outside every polygon."""
        if self.outside_count == 0:
            return f"all {self.total:,} points lie inside a polygon."
        shown = ", ".join(map(str, self.outside_index[:10].tolist()))
        more = ", ..." if self.outside_count > 10 else ""
        return (
            f"{self.outside_count:,} of {self.total:,} points lie outside every "
            f"polygon (rows {shown}{more}); they are not counted in the table."
        )


def partial_aggregation(
    codes: NDArray[np.int32],
    *,
    by_values: pd.Series | None = None,
    sum_values: pd.Series | None = None,
) -> pd.DataFrame:
    """
    Count (and sum) points per code (and category): the mergeable partial result.

    Parameters
    ----------
    codes
        Polygon positions from `PolygonIndex.codes` (-1 outside).
    by_values, sum_values
        Category and value of each point, aligned with `codes`; None to skip.

    Returns
    -------
    pandas.DataFrame
        Columns ``__code``, ``by`` (if `by_values`), ``count``, ``sum`` (if
        `sum_values`); one row per group present, outside points included.
    """
    # bincount on one integer per (code, category) keeps memory to a few
    # arrays of len(codes), so dask workers stay within small limits.
    group = codes.astype(np.intp)
    group += 1
    uniques = pd.Index([None])
    if by_values is not None:
        inverse, found = pd.factorize(by_values, use_na_sentinel=False)
        # Categories become plain values so that every engine sorts alike.
        uniques = pd.Index(np.asarray(found, dtype=object), dtype=object)
        group *= len(uniques)
        group += inverse
    width = len(uniques)
    counts = np.bincount(group, minlength=width)
    present = np.flatnonzero(counts)
    out = pd.DataFrame({_CODE: present // width - 1})
    if by_values is not None:
        out["by"] = uniques[present % width]
    out["count"] = counts[present].astype(np.int64)
    if sum_values is not None:
        out["sum"] = _group_sums(sum_values, group, len(counts))[present]
    return out


def _group_sums(
    values: pd.Series, group: NDArray[np.intp], size: int
) -> NDArray[np.int64] | NDArray[np.float64]:
    """Sum `values` per group: exactly in int64 for integers, else float64."""
    if values.dtype.kind in "iub" and not values.isna().any():
        totals = np.zeros(size, dtype=np.int64)
        np.add.at(totals, group, values.to_numpy(dtype=np.int64))
        return totals
    numbers = values.to_numpy(dtype=np.float64, na_value=np.nan)
    weights = np.where(np.isnan(numbers), 0.0, numbers)
    return np.bincount(group, weights=weights, minlength=size)


def _categories(values: pd.Series, by: str) -> pd.Index:
    """Return the distinct categories sorted, missing last, or raise if unsortable."""
    unique = pd.Index(values.unique())
    try:
        return cast("pd.Index", unique.sort_values(na_position="last"))
    except TypeError as err:
        msg = f"The {by!r} values cannot be sorted ({err}); use one type per column."
        raise DataError(msg) from err


def finish_aggregation(
    partials: Sequence[pd.DataFrame],
    *,
    index: PolygonIndex,
    by: str | None = None,
    sum_name: str | None = None,
    keep: Sequence[str] = (),
) -> tuple[pd.DataFrame, int]:
    """
    Merge partial results into the final table (every engine ends here).

    Returns
    -------
    tuple
        ``(table, outside_count)``; see `Aggregation.table`.
    """
    merged = pd.concat(partials, ignore_index=True)
    group = [_CODE, "by"] if by is not None else [_CODE]
    merged = merged.groupby(group, dropna=False, sort=False).sum().reset_index()
    outside = int(merged.loc[merged[_CODE] == OUTSIDE, "count"].sum())
    merged = merged[merged[_CODE] != OUTSIDE]
    codes = pd.RangeIndex(len(index), name=_CODE)
    full: pd.Index = codes
    if by is not None:
        full = pd.MultiIndex.from_product(
            [codes, _categories(merged["by"], by)], names=group
        )
    table = merged.set_index(group).reindex(full, fill_value=0).reset_index()
    table.insert(0, index.key, index.keys[table[_CODE].to_numpy()])
    for i, column in enumerate(keep, start=1):
        table.insert(i, column, index.attributes[column].to_numpy()[table[_CODE]])
    table = table.drop(columns=_CODE).rename(columns={"by": by, "sum": sum_name})
    return table, outside


def require_numeric(dtype: np.dtype[np.generic] | ExtensionDtype, *, name: str) -> None:
    """Raise `DataError` unless `dtype` (of the column `name`) can be summed."""
    if not pd.api.types.is_numeric_dtype(dtype):
        msg = (
            f"Cannot sum column {name!r}: its type is {dtype}, not numbers. "
            "Convert it with pandas.to_numeric first."
        )
        raise DataError(msg)


def validate_aggregation_columns(
    columns: pd.Index,
    index: PolygonIndex,
    by: str | None,
    sum_name: str | None,
    keep: Sequence[str],
) -> None:
    """Raise `UsageError` for missing or clashing column names."""
    problems = [
        f"`points` has no column {name!r}"
        for name in (by, sum_name)
        if name is not None and name not in columns
    ]
    problems += [
        f"`polygons` has no column {name!r}"
        for name in keep
        if name not in index.attributes.columns
    ]
    out = [index.key, *keep, by, f"{sum_name}_sum", "count"]
    named = [c for c in out if c is not None]
    if len(set(named)) < len(named):
        problems.append(f"output columns would clash: {named}")
    if problems:
        msg = "; ".join(problems) + ". Check the column names."
        raise UsageError(msg)


def aggregate_points(
    points: gpd.GeoDataFrame | pd.DataFrame | None = None,
    *,
    polygons: gpd.GeoDataFrame | PolygonIndex,
    lon: ArrayLike | None = None,
    lat: ArrayLike | None = None,
    key: str = "id",
    by: str | None = None,
    sum: str | None = None,  # noqa: A002 (the agreed keyword)
    keep: Sequence[str] = (),
    engine: Engine = "auto",
    progress: Callable[[int], None] | None = None,
) -> Aggregation:
    """
    Count points (and sum a column) per polygon and, optionally, per category.

    Parameters
    ----------
    points
        As for `kzmap.geo.join.label_points`; None to pass `lon`/`lat`.
    polygons
        (Multi)Polygons in any CRS, or a `PolygonIndex`.
    lon, lat
        EPSG:4326 coordinate arrays, only when `points` is None.
    key
        Polygon column naming each row of the table.
    by
        Column of `points` whose values split the counts; None: no split.
    sum
        Numeric column of `points` to total per group (NaN skipped), written
        as ``<sum>_sum``; None: counts only.
    keep
        Polygon columns copied into the table (for example ``("name_en",)``).
    engine
        See `kzmap.geo.join.Engine`.
    progress
        Called with the number of points labelled so far; None: silent.

    Returns
    -------
    Aggregation
        The table and the report of points outside every polygon.

    Raises
    ------
    UsageError
        If a named column is missing or output columns would clash.
    DataError, CRSError
        As `kzmap.geo.join.label_points`.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> squares = gpd.GeoDataFrame(
    ...     {"id": ["a", "b"]}, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs=4326
    ... )
    >>> result = aggregate_points(lon=[0.5, 1.5, 1.6, 9], lat=[0.5, 0.5, 0.5, 9],
    ...                           polygons=squares)
    >>> result.table["count"].tolist(), result.outside_index.tolist()
    ([1, 2], [3])
    """
    index = require_polygon_index(polygons, key=key, engine=engine)
    x, y, rows = points_xy(points, lon=lon, lat=lat)
    columns = pd.Index([]) if points is None else points.columns
    validate_aggregation_columns(columns, index, by, sum, keep)
    if sum is not None and points is not None:
        require_numeric(points[sum].dtype, name=sum)
    codes = index.codes(x, y, progress=progress)
    partial = partial_aggregation(
        codes,
        by_values=None if by is None or points is None else points[by],
        sum_values=None if sum is None or points is None else points[sum],
    )
    table, outside = finish_aggregation(
        [partial],
        index=index,
        by=by,
        sum_name=None if sum is None else f"{sum}_sum",
        keep=keep,
    )
    return Aggregation(
        table=table,
        outside_count=outside,
        outside_index=rows[codes == OUTSIDE],
        total=len(codes),
    )
