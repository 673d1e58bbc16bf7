"""Label points with the polygon that covers them, by one engine-independent rule."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from kzmap.geo._grid import GridIndex, scan_codes
from kzmap.geo.crs import to_storage_crs
from kzmap.geo.errors import DataError, UsageError

if TYPE_CHECKING:
    from collections.abc import Callable

    from numpy.typing import ArrayLike, NDArray

__all__ = [
    "Engine",
    "PolygonIndex",
    "label_points",
    "points_in_polygons",
    "points_xy",
    "require_polygon_index",
]

#: ``"auto"`` uses the grid index for large inputs and the scan for small ones;
#: ``"grid"`` and ``"scan"`` force one. All give the same labels.
Engine = Literal["auto", "grid", "scan"]
_ENGINES = ("auto", "grid", "scan")

#: Below this many points ``"auto"`` scans: building a grid would cost more.
_GRID_MIN_POINTS = 20_000


def _sorted_keys(polygons: gpd.GeoDataFrame, key: str) -> list[object]:
    """Return the unique, non-null keys of `polygons` in sort order, or raise."""
    if key not in polygons.columns:
        msg = (
            f"`polygons` has no key column {key!r} (columns: "
            f"{', '.join(map(str, polygons.columns))}). Pass key=<column>."
        )
        raise UsageError(msg)
    values = polygons[key]
    problems = []
    if values.isna().any():
        rows = polygons.index[values.isna()].tolist()[:5]
        problems.append(f"missing {key!r} in rows {rows}")
    dupes = values[values.duplicated() & values.notna()].unique().tolist()[:5]
    if dupes:
        problems.append(f"duplicate {key!r} values {dupes}")
    if problems:
        msg = f"`polygons`: {'; '.join(problems)}. Each polygon needs a unique key."
        raise DataError(msg)
    try:
        return sorted(values.tolist())
    except TypeError as err:
        msg = f"`polygons`: the {key!r} values cannot be sorted ({err}); use one type."
        raise DataError(msg) from err


def _check_geometries(geoms: NDArray[np.object_], keys: list[object]) -> None:
    """Raise `DataError` listing every polygon that is not a valid (Multi)Polygon."""
    problems = []
    for i, geom in enumerate(geoms):
        kind = "missing" if geom is None else geom.geom_type
        if kind not in ("Polygon", "MultiPolygon") or geom.is_empty:
            problems.append(f"{keys[i]!r}: not a non-empty (Multi)Polygon ({kind})")
        elif not shapely.is_valid(geom):
            problems.append(f"{keys[i]!r}: invalid ({shapely.is_valid_reason(geom)})")
    if problems:
        msg = (
            "`polygons` has unusable geometries: "
            + "; ".join(problems)
            + ". Repair them first (for example with shapely.make_valid)."
        )
        raise DataError(msg)


class PolygonIndex:
    """
    Polygons ready to label many points, keyed and sorted by `key`.

    Build one to label several point sets against the same polygons; every
    function that takes ``polygons=`` also accepts a PolygonIndex.

    Boundary rule: a point gets the smallest key (in Python sort order) among
    the polygons that *cover* it, so a point on an outer boundary or a vertex
    is inside, and a point on a shared boundary belongs to exactly one
    polygon whatever the engine. Points not covered by any polygon (or with
    missing/NaN coordinates) get no label. For points not on any boundary this
    equals ``geopandas.sjoin(predicate="within")``.

    Parameters
    ----------
    polygons
        (Multi)Polygons in any CRS (reprojected to EPSG:4326), valid and
        non-empty, with a unique non-null `key` column.
    key
        Column whose values label the points; its values must sort together
        (all strings or all numbers).
    engine
        See `Engine`.
    cells
        Approximate number of grid cells; None sizes the grid from the first
        batch of points (2**12 to 2**20 cells).

    Raises
    ------
    UsageError
        If `key` is not a column or `engine` is unknown.
    DataError
        If keys are missing, duplicated or unsortable, or a geometry is not a
        valid (Multi)Polygon.
    CRSError
        If `polygons` has no CRS.
    """

    def __init__(
        self,
        polygons: gpd.GeoDataFrame,
        *,
        key: str = "id",
        engine: Engine = "auto",
        cells: int | None = None,
    ) -> None:
        if engine not in _ENGINES:
            msg = f"`engine` must be one of {_ENGINES}, got {engine!r}."
            raise UsageError(msg)
        frame = to_storage_crs(polygons, name="polygons")
        keys = _sorted_keys(frame, key)
        order = frame.reset_index(drop=True).set_index(key).loc[keys]
        geoms = np.asarray(order.geometry.values, dtype=object)
        _check_geometries(geoms, keys)
        shapely.prepare(geoms)
        self.key = key
        self.keys = pd.Index(keys, name=key)
        #: The polygons' other columns, indexed by key in sort order.
        self.attributes = pd.DataFrame(order.drop(columns=order.geometry.name))
        self.geoms = list(geoms)
        self.engine: Engine = engine
        self.cells = cells
        self._grid: GridIndex | None = None

    def __len__(self) -> int:
        return len(self.geoms)

    def grid(self, n_points: int) -> GridIndex:
        """Return the grid index, building it (sized for `n_points`) on first use."""
        if self._grid is None:
            cells = self.cells or int(np.clip(n_points // 4, 1 << 12, 1 << 20))
            self._grid = GridIndex(self.geoms, cells=cells)
        return self._grid

    def codes(
        self,
        lon: NDArray[np.float64],
        lat: NDArray[np.float64],
        *,
        progress: Callable[[int], None] | None = None,
    ) -> NDArray[np.int32]:
        """
        Return each point's polygon position in `keys`, or -1 if none covers it.

        Parameters
        ----------
        lon, lat
            float64 arrays of equal length, EPSG:4326 degrees.
        progress
            Called with the number of points done after each chunk; None: silent.
        """
        use_grid = self.engine == "grid" or (
            self.engine == "auto" and len(lon) >= _GRID_MIN_POINTS
        )
        if use_grid:
            return self.grid(len(lon)).codes(lon, lat, progress=progress)
        codes = scan_codes(self.geoms, lon, lat)
        if progress is not None:
            progress(len(lon))
        return codes

    def labels_from_codes(
        self, codes: NDArray[np.int32], *, index: pd.Index | None = None
    ) -> pd.Series:
        """Turn codes into a categorical Series of keys (NaN for -1)."""
        labels = pd.Categorical.from_codes(codes, categories=self.keys)
        return pd.Series(labels, index=index, name=self.key)


def points_xy(
    points: gpd.GeoDataFrame | pd.DataFrame | None = None,
    *,
    lon: ArrayLike | None = None,
    lat: ArrayLike | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64], pd.Index]:
    """
    Return lon and lat arrays (EPSG:4326) and the index of the points.

    Parameters
    ----------
    points
        A GeoDataFrame of Points in any CRS (reprojected to EPSG:4326; missing
        or empty points give NaN), or a plain DataFrame with ``lon`` and
        ``lat`` columns in EPSG:4326; None when `lon` and `lat` are given.
    lon, lat
        Longitudes and latitudes in EPSG:4326 degrees, of equal length; used
        only when `points` is None. The index is then 0..n-1.

    Returns
    -------
    tuple
        ``(lon, lat, index)`` with float64 arrays.

    Raises
    ------
    UsageError
        If neither or both of `points` and `lon`/`lat` are given, or the
        lengths differ, or a plain DataFrame lacks ``lon``/``lat``.
    DataError
        If a geometry is not a Point.
    CRSError
        If a GeoDataFrame has no CRS.
    """
    if points is None:
        if lon is None or lat is None:
            msg = "Give `points`, or both `lon=` and `lat=` arrays (EPSG:4326)."
            raise UsageError(msg)
        x = np.asarray(lon, dtype=np.float64).ravel()
        y = np.asarray(lat, dtype=np.float64).ravel()
        if x.shape != y.shape:
            msg = f"`lon` has {x.size} values but `lat` has {y.size}; they must match."
            raise UsageError(msg)
        return x, y, pd.RangeIndex(x.size)
    if lon is not None or lat is not None:
        msg = "Give either `points` or `lon=`/`lat=` arrays, not both."
        raise UsageError(msg)
    if isinstance(points, gpd.GeoDataFrame):
        return _geometry_xy(points)
    missing = [c for c in ("lon", "lat") if c not in points.columns]
    if missing:
        msg = (
            f"`points` is a plain DataFrame without column(s) {missing}; give "
            "`lon` and `lat` columns in EPSG:4326 degrees, or a GeoDataFrame."
        )
        raise UsageError(msg)
    try:
        x = pd.to_numeric(points["lon"]).to_numpy(dtype=np.float64, na_value=np.nan)
        y = pd.to_numeric(points["lat"]).to_numpy(dtype=np.float64, na_value=np.nan)
    except (TypeError, ValueError) as err:
        msg = f"`points`: the lon/lat columns must be numbers (degrees): {err}."
        raise DataError(msg) from err
    return x, y, points.index


def _geometry_xy(
    points: gpd.GeoDataFrame,
) -> tuple[NDArray[np.float64], NDArray[np.float64], pd.Index]:
    geometry = to_storage_crs(points, name="points").geometry.values
    types = shapely.get_type_id(geometry)
    bad = np.flatnonzero((types != 0) & (types != -1))
    if bad.size:
        rows = points.index[bad[:5]].tolist()
        kinds = sorted({str(t) for t in points.geom_type.iloc[bad]})
        msg = (
            f"`points` must hold Points; rows {rows} are {', '.join(kinds)}. "
            "Use .representative_point() or .explode() first."
        )
        raise DataError(msg)
    x = shapely.get_x(geometry).astype(np.float64)
    y = shapely.get_y(geometry).astype(np.float64)
    return x, y, points.index


def require_polygon_index(
    polygons: gpd.GeoDataFrame | PolygonIndex, *, key: str, engine: Engine
) -> PolygonIndex:
    """Return `polygons` if it is a PolygonIndex, else build one."""
    if isinstance(polygons, PolygonIndex):
        return polygons
    if not isinstance(polygons, gpd.GeoDataFrame):
        msg = (
            "`polygons` must be a GeoDataFrame or a PolygonIndex, "
            f"got {type(polygons).__name__}."
        )
        raise TypeError(msg)
    return PolygonIndex(polygons, key=key, engine=engine)


def label_points(
    points: gpd.GeoDataFrame | pd.DataFrame | None = None,
    *,
    polygons: gpd.GeoDataFrame | PolygonIndex,
    lon: ArrayLike | None = None,
    lat: ArrayLike | None = None,
    key: str = "id",
    engine: Engine = "auto",
) -> pd.Series:
    """
    Return the key of the polygon covering each point, aligned with the input.

    Parameters
    ----------
    points
        Points as accepted by `points_xy` (GeoDataFrame in any CRS, or a
        DataFrame with ``lon``/``lat`` in EPSG:4326); None to pass arrays.
    polygons
        The polygons (any CRS) or a `PolygonIndex` built from them.
    lon, lat
        EPSG:4326 coordinate arrays, only when `points` is None; no Point
        objects are built, so millions of rows are cheap.
    key
        Column of `polygons` that labels the points (ignored for an index).
    engine
        See `Engine`; every engine returns the same labels.

    Returns
    -------
    pandas.Series
        Categorical labels (categories: the sorted keys), named `key`, indexed
        like `points` (0..n-1 for arrays). NaN where no polygon covers the
        point; such points are kept, never dropped. See `PolygonIndex` for the
        boundary rule.

    Raises
    ------
    UsageError, DataError, CRSError
        As `points_xy` and `PolygonIndex`.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> squares = gpd.GeoDataFrame(
    ...     {"id": ["b", "a"]}, geometry=[box(1, 0, 2, 1), box(0, 0, 1, 1)], crs=4326
    ... )
    >>> label_points(lon=[0.5, 1.0, 1.5, 3.0], lat=[0.5, 0.5, 0.5, 0.5],
    ...              polygons=squares).tolist()
    ['a', 'a', 'b', nan]
    """
    index = require_polygon_index(polygons, key=key, engine=engine)
    x, y, rows = points_xy(points, lon=lon, lat=lat)
    return index.labels_from_codes(index.codes(x, y), index=rows)


def points_in_polygons(
    points: gpd.GeoDataFrame | pd.DataFrame,
    *,
    polygons: gpd.GeoDataFrame | PolygonIndex,
    key: str = "id",
    column: str | None = None,
    engine: Engine = "auto",
) -> gpd.GeoDataFrame | pd.DataFrame:
    """
    Return a copy of `points` with the covering polygon's key in a new column.

    Parameters
    ----------
    points
        As for `label_points` (not None).
    polygons, key, engine
        As for `label_points`.
    column
        Name of the new column; None uses `key`.

    Returns
    -------
    geopandas.GeoDataFrame or pandas.DataFrame
        Same type, rows and order as `points`, plus `column` (NaN outside).

    Raises
    ------
    UsageError
        If `column` already exists in `points` (choose another name).
    """
    index = require_polygon_index(polygons, key=key, engine=engine)
    name = index.key if column is None else column
    if name in points.columns:
        msg = (
            f"`points` already has a column {name!r}; pass column=<new name> "
            "for the polygon labels."
        )
        raise UsageError(msg)
    labels = label_points(points, polygons=index)
    out = points.copy()
    out[name] = labels.to_numpy()
    return out
