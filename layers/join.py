"""Points per region: the user-facing join with the packaged regions as default."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

import pandas as pd

from kzmap.geo.aggregate import Aggregation, aggregate_points
from kzmap.geo.errors import UsageError
from kzmap.geo.join import PolygonIndex
from kzmap.layers.catalog import load
from kzmap.layers.geocode_text import PRECISIONS

if TYPE_CHECKING:
    from collections.abc import Callable

    import geopandas as gpd
    from numpy.typing import ArrayLike

    from kzmap.geo.join import Engine

__all__ = ["DEFAULT_REGIONS", "RegionCounts", "points_to_regions"]

#: The packaged layer `points_to_regions` uses when no regions are given.
DEFAULT_REGIONS = "regions"
#: Column of geocoded records naming their precision (see `kzmap.layers.geocode`).
PRECISION_COLUMN = "geocode_precision"


@dataclass(frozen=True)
class RegionCounts(Aggregation):
    """
    An `Aggregation` that also reports records too coarse for the polygons.

    Attributes
    ----------
    coarse_count
        Geocoded records whose precision is coarser than the polygons (a
        region-level record against districts, a country-level record against
        regions): not counted in any polygon.
    coarse_index
        Their labels in the input's index.
    level
        ``"region"`` or ``"district"``: the level the polygons were taken as.
    """

    coarse_count: int = 0
    coarse_index: pd.Index = field(default_factory=lambda: pd.Index([]))
    level: str = "region"


def _polygon_level(columns: pd.DataFrame) -> Literal["region", "district"]:
    """Districts when every polygon's ``kind`` (or ``level``) says so."""
    for name in ("kind", "level"):
        if name in columns.columns:
            kinds = set(columns[name].dropna().astype(str).str.lower())
            if kinds == {"district"}:
                return "district"
    return "region"


def _split_coarse(points: pd.DataFrame, level: str) -> tuple[pd.DataFrame, pd.Index]:
    """Set aside records whose ``geocode_precision`` is coarser than `level`."""
    rank = {p: i for i, p in enumerate(PRECISIONS)}
    values = points[PRECISION_COLUMN]
    unknown = set(values.dropna()) - set(rank)
    if unknown:
        msg = (
            f"{PRECISION_COLUMN!r} holds {sorted(map(str, unknown))!r}; "
            f"expected one of {', '.join(PRECISIONS)} (or empty)."
        )
        raise UsageError(msg)
    coarse = values.map(rank).fillna(-1).to_numpy() > rank[level]
    return points[~coarse], points.index[coarse]


def points_to_regions(
    points: gpd.GeoDataFrame | pd.DataFrame | None = None,
    *,
    regions: gpd.GeoDataFrame | PolygonIndex | None = None,
    lon: ArrayLike | None = None,
    lat: ArrayLike | None = None,
    key: str = "id",
    by: str | None = None,
    sum: str | None = None,  # noqa: A002 (the agreed keyword)
    engine: Engine = "auto",
    progress: Callable[[int], None] | None = None,
    level: Literal["region", "district"] | None = None,
) -> RegionCounts:
    """
    Count points (and sum a column) per region and, optionally, per category.

    Parameters
    ----------
    points
        A GeoDataFrame of Points in any CRS, or a DataFrame with ``lon`` and
        ``lat`` columns (EPSG:4326); None to pass `lon`/`lat` arrays.
    regions
        Region polygons in any CRS (or a `kzmap.geo.PolygonIndex`); None uses
        the packaged ``regions`` layer (the 20 current ISO 3166-2 units).
    lon, lat
        EPSG:4326 coordinate arrays, only when `points` is None.
    key
        Region column naming the table rows (``id``: ISO 3166-2 codes).
    by
        Column of `points` splitting the counts by category; None: no split.
    sum
        Numeric column of `points` to total (NaN skipped) as ``<sum>_sum``.
    engine
        ``"auto"``, ``"grid"`` or ``"scan"``: same answers, different speed.
    progress
        Called with the number of points labelled so far; None: silent.
    level
        ``"region"`` or ``"district"``: what the polygons are, for geocoded
        points; None: districts if every polygon's ``kind`` is
        ``"district"``, else regions.

    Returns
    -------
    RegionCounts
        ``table`` (one row per region and category, zero rows included, with
        ``name_en`` when the regions have it) and the points outside every
        region (``outside_count``, ``outside_index``). A point on a border
        between two regions counts once, for the smaller ``id``. When
        `points` has a ``geocode_precision`` column (`kzmap.layers.geocode`),
        records coarser than `level` are not counted anywhere but reported
        (``coarse_count``, ``coarse_index``): a region-level record is never
        put in the district its representative point falls in.

    Raises
    ------
    LayerNotFoundError
        If `regions` is None and the ``regions`` layer is not packaged.
    UsageError, DataError, CRSError
        As `kzmap.geo.aggregate_points`.
    """
    if regions is None:
        regions = load(DEFAULT_REGIONS)
    columns = (
        regions.attributes.columns
        if isinstance(regions, PolygonIndex)
        else regions.columns
    )
    keep = ("name_en",) if "name_en" in columns and key != "name_en" else ()
    attributes = regions.attributes if isinstance(regions, PolygonIndex) else regions
    level = level or _polygon_level(attributes)
    coarse = pd.Index([])
    total = None
    if points is not None and PRECISION_COLUMN in points.columns:
        total = len(points)
        points, coarse = _split_coarse(points, level)
    result = aggregate_points(
        points,
        polygons=regions,
        lon=lon,
        lat=lat,
        key=key,
        by=by,
        sum=sum,
        keep=keep,
        engine=engine,
        progress=progress,
    )
    return RegionCounts(
        table=result.table,
        outside_count=result.outside_count,
        outside_index=result.outside_index,
        total=result.total if total is None else total,
        coarse_count=len(coarse),
        coarse_index=coarse,
        level=level,
    )
