"""Checks on a freshly read frame: columns, CRS, coordinates and geometries."""

from __future__ import annotations

from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from kzmap.geo._geometry import (
    antimeridian_jumps,
    keep_dimension,
    split_antimeridian,
)
from kzmap.geo.crs import METRIC_CRS, STORAGE_CRS

if TYPE_CHECKING:
    from numpy.typing import NDArray
    from shapely.geometry.base import BaseGeometry

    from kzmap.geo.problems import ProblemLog

__all__ = ["CENTRAL_ASIA", "check_frame"]

#: Extent of kzmap's region in lon/lat degrees: (west, south, east, north).
CENTRAL_ASIA: tuple[float, float, float, float] = (43.0, 30.0, 90.0, 57.5)
_LISTED = 10
_CRS84 = CRS("OGC:CRS84")
#: Geometry family by GEOS type id + 1 (id -1 is a missing geometry).
_FAMILY_OF_ID = np.array(
    [
        *("none", "point", "line", "line", "polygon"),
        *("point", "line", "polygon", "collection"),
    ],
    dtype=object,
)


def _fid(frame: gpd.GeoDataFrame, index: object) -> object:
    if "id" in frame.columns:
        value: object = frame.at[index, "id"]
        return None if value is None or value != value else value  # noqa: PLR0124 (NaN)
    return None


def _listing(indices: list[int]) -> str:
    shown = ", ".join(str(i) for i in indices[:_LISTED])
    more = f" and {len(indices) - _LISTED} more" if len(indices) > _LISTED else ""
    return f"{shown}{more}"


def check_columns(frame: gpd.GeoDataFrame, log: ProblemLog) -> gpd.GeoDataFrame:
    """Make column names unique non-empty strings (ignoring case), warning."""
    geom = frame.geometry.name
    names: list[str] = []
    seen: set[str] = {str(geom).lower()}
    for i, column in enumerate(frame.columns):
        if column == geom:
            names.append(str(column))
            continue
        base = column if isinstance(column, str) and column else f"field_{i}"
        new, n = base, 1
        while new.lower() in seen:
            n += 1
            new = f"{base}_{n}"
        if new != column:
            log.add(
                "columns.renamed",
                f"column {column!r} renamed to {new!r} (not a string, empty, or a "
                "duplicate of another column ignoring case).",
                severity="warning",
                field=str(column),
            )
        seen.add(new.lower())
        names.append(new)
    frame.columns = pd.Index(names)
    return frame.set_geometry(str(geom))


def normalise_dtypes(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Give both engines' frames the same dtypes (int64, float64)."""
    for column in frame.columns:
        dtype = frame[column].dtype
        if pd.api.types.is_integer_dtype(dtype) and not isinstance(
            dtype, pd.api.extensions.ExtensionDtype
        ):
            frame[column] = frame[column].astype("int64")
        elif pd.api.types.is_float_dtype(dtype):
            frame[column] = frame[column].astype("float64")
    return frame


def drop_missing(frame: gpd.GeoDataFrame, log: ProblemLog) -> gpd.GeoDataFrame:
    """Drop null and empty geometries, reporting each by feature."""
    geoms = frame.geometry
    null = geoms.isna().to_numpy()
    empty = ~null & shapely.is_empty(geoms.to_numpy())
    for mask, what in ((null, "no geometry (null)"), (empty, "an empty geometry")):
        for index in frame.index[mask]:
            log.add(
                "geometry.missing",
                f"the feature has {what}; it is not drawn. Give it coordinates or "
                "remove it.",
                severity="warning",
                feature=int(index),
                feature_id=_fid(frame, index),
            )
    missing = null | empty
    return frame[~missing] if missing.any() else frame


def check_coordinates(
    frame: gpd.GeoDataFrame, log: ProblemLog
) -> tuple[gpd.GeoDataFrame, NDArray[np.float64] | None]:
    """
    Refuse non-finite coordinates; force 2D with a warning.

    Returns the frame and, if all its geometries are points, their bounds.
    """
    geoms = frame.geometry.to_numpy()
    bad: NDArray[np.intp]
    bounds: NDArray[np.float64] | None = None
    if (shapely.get_type_id(geoms) == 0).all():
        # a point's bounds are its x, y twice: far cheaper than its coordinates
        bounds = shapely.bounds(geoms)
        bad = np.flatnonzero(~np.isfinite(bounds).all(axis=1))
    else:
        coords, which = shapely.get_coordinates(geoms, return_index=True)
        bad = np.unique(which[~np.isfinite(coords).all(axis=1)])
    for pos in bad:
        index = frame.index[int(pos)]
        log.add(
            "geometry.non_finite",
            "a coordinate is NaN or infinite; Leaflet would stop drawing every "
            "layer. Fix or remove the feature.",
            feature=int(index),
            feature_id=_fid(frame, index),
        )
    has_z = shapely.has_z(frame.geometry.to_numpy())
    if has_z.any():
        indices = [int(i) for i in frame.index[has_z]]
        log.add(
            "repair.forced_2d",
            f"features {_listing(indices)} have Z values; kzmap drops them (2D "
            "lon/lat only).",
            severity="warning",
        )
        frame = frame.set_geometry(shapely.force_2d(frame.geometry.to_numpy()))
    if not len(bad):
        return frame, bounds
    keep = np.setdiff1d(np.arange(len(frame)), bad)
    return frame.iloc[keep], None if bounds is None else bounds[keep]


def check_range(
    frame: gpd.GeoDataFrame,
    log: ProblemLog,
    bounds: NDArray[np.float64] | None = None,
) -> NDArray[np.float64]:
    """
    Report features outside lon -180..180, lat -90..90 (frame in EPSG:4326).

    Returns the features' bounds (west, south, east, north), one row each
    (`bounds` if they are given).
    """
    if bounds is None:
        bounds = shapely.bounds(frame.geometry.to_numpy())
    west, south, east, north = bounds.T  # views; west <= east, south <= north
    outside = (west < -180) | (east > 180) | (south < -90) | (north > 90)
    for pos in np.flatnonzero(outside):
        index = frame.index[int(pos)]
        b = bounds[pos]
        metres = np.abs(b).max() > 1000
        hint = (
            "The numbers look like metres: the declared CRS is wrong, or pass `crs=`."
            if metres
            else "If they are lat, lon, swap them to lon, lat."
        )
        log.add(
            "crs.out_of_range",
            f"bounds {b.round(4).tolist()} are outside lon -180..180 / lat "
            f"-90..90. {hint}",
            feature=int(index),
            feature_id=_fid(frame, index),
        )
    return bounds


def _moves_coordinates(crs: CRS | None) -> bool:
    """Whether `to_lonlat` transforms coordinates in this CRS."""
    return crs is not None and not (crs.equals(STORAGE_CRS) or crs.equals(_CRS84))


def to_lonlat(frame: gpd.GeoDataFrame, log: ProblemLog) -> gpd.GeoDataFrame:
    """Reproject to EPSG:4326, refusing data far outside its CRS's area of use."""
    crs = frame.crs
    if crs is None or crs.equals(STORAGE_CRS):
        return frame
    if crs.equals(_CRS84):
        # the same datum and numbers in lon/lat order: no transform needed
        return frame.set_crs(STORAGE_CRS, allow_override=True)
    if crs.to_authority() is None:
        log.add(
            "crs.no_authority",
            f"the CRS ({crs.name!r}) matches no EPSG or other authority code, so "
            "kzmap cannot check it; prefer a file with a standard CRS.",
            severity="warning",
        )
    area = crs.area_of_use
    out: gpd.GeoDataFrame = frame.to_crs(STORAGE_CRS)
    log.add(
        "crs.reprojected",
        f"reprojected from {crs.to_string()} to EPSG:4326 (lon/lat).",
        severity="info",
    )
    if area is not None and len(out):
        west, south, east, north = out.geometry.total_bounds
        margin = 10.0
        if not np.isfinite([west, south, east, north]).all() or (
            west > area.east + margin
            or east < area.west - margin
            or south > area.north + margin
            or north < area.south - margin
        ):
            log.add(
                "crs.out_of_area",
                f"the data lies outside the area where {crs.to_string()} is used "
                f"({area.name}); the declared CRS does not match the numbers. "
                "Declare the right CRS.",
            )
    return out


def _repair(before: BaseGeometry) -> tuple[BaseGeometry | None, str]:
    """Return make_valid's parts of `before`'s dimension and what was dropped."""
    dimension = int(shapely.get_dimensions(before))
    repaired = shapely.make_valid(before, method="linework")
    parts = shapely.get_parts(repaired)
    dropped = [p.geom_type for p in parts if shapely.get_dimensions(p) != dimension]
    note = f"; dropped {', '.join(dropped)} part(s)" if dropped else ""
    return keep_dimension(repaired, dimension), note


def repair_invalid(frame: gpd.GeoDataFrame, log: ProblemLog) -> gpd.GeoDataFrame:
    """Repair invalid geometries with make_valid, keeping their dimension."""
    geoms = frame.geometry.to_numpy()
    invalid = np.flatnonzero(~shapely.is_valid(geoms))
    if not len(invalid):
        return frame
    fixed = geoms.copy()
    drop = []
    for pos in invalid:
        before = geoms[pos]
        reason = shapely.is_valid_reason(before)
        after, note = _repair(before)
        index = frame.index[int(pos)]
        fid = _fid(frame, index)
        if after is None:
            drop.append(pos)
            log.add(
                "geometry.invalid",
                f"the geometry is invalid ({reason}) and nothing of its dimension "
                "is left after repair. Fix the geometry.",
                feature=int(index),
                feature_id=fid,
            )
            continue
        km2 = gpd.GeoSeries([before, after], crs=STORAGE_CRS).to_crs(METRIC_CRS).area
        log.add(
            "repair.make_valid",
            f"invalid geometry ({reason}) repaired with shapely.make_valid "
            f"(method='linework'): {before.geom_type} -> {after.geom_type}, area "
            f"{km2.iloc[0] / 1e6:.3f} -> {km2.iloc[1] / 1e6:.3f} km2{note}.",
            severity="warning",
            feature=int(index),
            feature_id=fid,
        )
        fixed[pos] = after
    frame = frame.set_geometry(gpd.GeoSeries(fixed, index=frame.index, crs=frame.crs))
    return frame.iloc[np.setdiff1d(np.arange(len(frame)), drop)]


def split_at_antimeridian(frame: gpd.GeoDataFrame, log: ProblemLog) -> gpd.GeoDataFrame:
    """Cut lines and polygons whose vertices jump over 180 degrees of longitude."""
    jumps = antimeridian_jumps(frame.geometry.to_numpy())
    if not jumps.any():
        return frame
    geoms = frame.geometry.to_numpy().copy()
    for pos in np.flatnonzero(jumps):
        geoms[pos] = split_antimeridian(geoms[pos])
        index = frame.index[int(pos)]
        log.add(
            "repair.antimeridian",
            "the geometry crosses the antimeridian (a vertex-to-vertex jump over "
            "180 degrees of longitude); split into parts on either side "
            "(RFC 7946 section 3.1.9).",
            severity="warning",
            feature=int(index),
            feature_id=_fid(frame, index),
        )
    return frame.set_geometry(gpd.GeoSeries(geoms, index=frame.index, crs=frame.crs))


def check_mixed_types(frame: gpd.GeoDataFrame, log: ProblemLog) -> None:
    """Warn when one layer holds points, lines and/or polygons together."""
    ids = shapely.get_type_id(frame.geometry.to_numpy())
    if len(set(_FAMILY_OF_ID[np.unique(ids) + 1])) < 2:
        return
    families = pd.Series(_FAMILY_OF_ID[ids + 1], index=frame.index)
    counts = families.value_counts()
    if len(counts) > 1:
        first = families.iloc[0]
        odd = int(families.index[families != first][0])
        summary = ", ".join(f"{n} {k}" for k, n in counts.items())
        log.add(
            "geometry.mixed_types",
            f"the layer mixes geometry types ({summary}); the first feature not "
            f"of type {first} is {odd}. Split the layer by type for Shapefile or "
            "styled output.",
            severity="warning",
        )


def check_swapped(
    frame: gpd.GeoDataFrame,
    log: ProblemLog,
    aoi: tuple[float, float, float, float] | None,
    bounds: NDArray[np.float64] | None = None,
) -> None:
    """
    Report lat/lon swapped when most features land in `aoi` only if swapped.

    `bounds` are the features' bounds if already known.
    """
    if aoi is None or not len(frame):
        return
    west, south, east, north = aoi
    b = shapely.bounds(frame.geometry.to_numpy()) if bounds is None else bounds
    x, y = (b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2
    inside = (x >= west) & (x <= east) & (y >= south) & (y <= north)
    swapped = (y >= west) & (y <= east) & (x >= south) & (x <= north)
    if (~inside).mean() > 0.5 and swapped.mean() > 0.5:
        indices = [int(i) for i in frame.index[~inside & swapped]]
        log.add(
            "crs.swapped",
            f"{int((~inside).sum())} of {len(frame)} features (e.g. "
            f"{_listing(indices)}) lie outside the expected extent {list(aoi)} "
            "(west, south, east, north; default Central Asia) but inside it with "
            "lon and lat swapped: the file probably has lat, lon order. Swap the "
            "coordinates (CSV: pass lon= and lat= the other way round); if the "
            "data really lies elsewhere, pass aoi=None.",
        )


def check_frame(
    frame: gpd.GeoDataFrame,
    log: ProblemLog,
    *,
    aoi: tuple[float, float, float, float] | None,
    finite_points: bool = False,
) -> gpd.GeoDataFrame:
    """
    Run every frame check; return the frame in EPSG:4326 (errors stay in `log`).

    `finite_points` says the geometries are 2D points made from finite
    numbers (a CSV's), so none can be missing, empty, non-finite or 3D.
    """
    frame = normalise_dtypes(check_columns(frame, log))
    point_bounds: NDArray[np.float64] | None
    if finite_points:
        point_bounds = shapely.bounds(frame.geometry.to_numpy())
    else:
        frame = drop_missing(frame, log)
        frame, point_bounds = check_coordinates(frame, log)
    geographic = frame.crs is not None and frame.crs.is_geographic
    moves = _moves_coordinates(frame.crs)
    if geographic:
        bounds = check_range(frame, log, point_bounds)
        if log.has_errors():
            return frame
    frame = to_lonlat(frame, log)
    if moves or not geographic:  # otherwise the numbers are those just checked
        bounds = check_range(frame, log)
    if log.has_errors():
        return frame
    if point_bounds is not None:
        # finite points: no antimeridian jump, always valid, one family
        check_swapped(frame, log, aoi, bounds)
        return frame
    frame = split_at_antimeridian(frame, log)
    frame = repair_invalid(frame, log)
    check_swapped(frame, log, aoi)
    check_mixed_types(frame, log)
    return frame
