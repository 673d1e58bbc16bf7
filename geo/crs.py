"""Coordinate reference systems: the storage CRS, checks and metric projections."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pyproj import CRS

from kzmap.geo.errors import CRSError

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "METRIC_CRS",
    "STORAGE_CRS",
    "require_crs",
    "to_metric_crs",
    "to_storage_crs",
]

#: Everything kzmap stores, ships and draws is lon/lat on WGS84 (RFC 7946).
STORAGE_CRS = CRS.from_epsg(4326)

#: Equal-area projection for Central Asia used for buffers and areas: Albers on
#: WGS84 with standard parallels 40 N and 52 N, centred on 68 E. Distortion of
#: distances stays under about 1 % between 35 N and 56 N.
METRIC_CRS = CRS.from_proj4(
    "+proj=aea +lat_1=40 +lat_2=52 +lat_0=46 +lon_0=68 +datum=WGS84 +units=m +no_defs"
)


def require_crs(frame: gpd.GeoDataFrame | gpd.GeoSeries, *, name: str) -> CRS:
    """
    Return the CRS of `frame`, or raise if it has none.

    Parameters
    ----------
    frame
        A GeoDataFrame or GeoSeries.
    name
        How the caller refers to `frame` in messages (a parameter name or a file).

    Returns
    -------
    pyproj.CRS
        The frame's CRS.

    Raises
    ------
    CRSError
        If `frame` has no CRS; kzmap never guesses one.
    """
    crs = frame.crs
    if crs is None:
        msg = (
            f"`{name}` has no CRS. Set it with `{name}.set_crs(...)` "
            "(EPSG:4326 for lon/lat); kzmap never guesses one."
        )
        raise CRSError(msg)
    return crs


def to_storage_crs(frame: gpd.GeoDataFrame, *, name: str) -> gpd.GeoDataFrame:
    """Return `frame` in EPSG:4326, raising `CRSError` if it has no CRS."""
    crs = require_crs(frame, name=name)
    if crs.equals(STORAGE_CRS):
        return frame
    return frame.to_crs(STORAGE_CRS)


def to_metric_crs(
    frame: gpd.GeoDataFrame, *, name: str, crs: CRS | None = None
) -> gpd.GeoDataFrame:
    """
    Project `frame` to a metric CRS for buffers and areas.

    Parameters
    ----------
    frame
        Data in any CRS.
    name
        How the caller refers to `frame` in messages.
    crs
        The projected CRS to use; None uses `METRIC_CRS` (Albers, Central Asia).

    Returns
    -------
    geopandas.GeoDataFrame
        A reprojected copy whose units are metres.

    Raises
    ------
    CRSError
        If `frame` has no CRS, or `crs` is not projected.
    """
    require_crs(frame, name=name)
    target = METRIC_CRS if crs is None else CRS.from_user_input(crs)
    if not target.is_projected:
        msg = f"`crs` must be a projected CRS in metres, got {target.to_string()!r}."
        raise CRSError(msg)
    return frame.to_crs(target)
