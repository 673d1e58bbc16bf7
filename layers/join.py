"""Points per region: the user-facing join with the packaged regions as default."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kzmap.geo.aggregate import Aggregation, aggregate_points
from kzmap.geo.join import PolygonIndex
from kzmap.layers.catalog import load

if TYPE_CHECKING:
    from collections.abc import Callable

    import geopandas as gpd
    import pandas as pd
    from numpy.typing import ArrayLike

    from kzmap.geo.join import Engine

__all__ = ["DEFAULT_REGIONS", "points_to_regions"]

#: The packaged layer `points_to_regions` uses when no regions are given.
DEFAULT_REGIONS = "regions"


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
) -> Aggregation:
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

    Returns
    -------
    kzmap.geo.Aggregation
        ``table`` (one row per region and category, zero rows included, with
        ``name_en`` when the regions have it) and the points outside every
        region (``outside_count``, ``outside_index``). A point on a border
        between two regions counts once, for the smaller ``id``.

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
    return aggregate_points(
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
