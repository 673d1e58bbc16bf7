"""Options of `kzmap.geo.read`, checked once and shared by the readers."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from pyproj import CRS
from pyproj.exceptions import CRSError as ProjCRSError

from kzmap.geo.problems import ProblemLog

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "DEFAULT_ENGINE",
    "DEFAULT_MAX_GEOMETRY_BYTES",
    "DEFAULT_MAX_SECONDS",
    "Engine",
    "ReadOptions",
    "apply_user_crs",
    "choose_layer",
    "crs_from_user",
    "make_options",
]

Engine = Literal["pyogrio", "fiona"]

#: Measured fastest on every benchmark file (see `kzmap.geo.io`).
DEFAULT_ENGINE: Engine = "pyogrio"

#: Default wall-clock budget, in seconds, for kzmap's own SQLite checks of a
#: GeoPackage layer (row count, geometry sizes, text); over it the file is refused.
DEFAULT_MAX_SECONDS = 10.0
#: Default cap on one geometry's size in bytes (GeoPackage blob); a larger one
#: is refused before GDAL decodes it (decoding takes ~20x the blob in memory).
DEFAULT_MAX_GEOMETRY_BYTES = 64 * 1024 * 1024


def crs_from_user(value: object, log: ProblemLog) -> CRS:
    """Return a CRS given as an EPSG int, ``"EPSG:n"`` or a pyproj CRS; else fail."""
    if isinstance(value, CRS):
        return value
    text = str(value).strip()
    code = text.upper().removeprefix("EPSG:")
    if isinstance(value, bool) or not code.isdigit():
        log.fail(
            "usage.crs",
            f"`crs` must be an EPSG code such as 32642 or 'EPSG:32642', got "
            f"{value!r}. kzmap never resolves CRS names or URLs from input.",
        )
    try:
        return CRS.from_epsg(int(code))
    except ProjCRSError as err:
        log.fail("usage.crs", f"EPSG:{code} is not a known CRS ({err}).", cause=err)


@dataclass(frozen=True)
class ReadOptions:
    layer: str | None
    engine: Engine
    lon: str | None
    lat: str | None
    crs: object
    encoding: str | None
    strict: bool
    max_features: int
    max_bytes: int
    aoi: tuple[float, float, float, float] | None
    lenient: bool = False
    max_seconds: float = DEFAULT_MAX_SECONDS
    max_geometry_bytes: int = DEFAULT_MAX_GEOMETRY_BYTES


def check_engine(engine: object, log: ProblemLog) -> Engine:
    if engine is None:
        return DEFAULT_ENGINE
    if engine not in ("pyogrio", "fiona"):
        log.fail(
            "usage.engine", f"`engine` must be 'pyogrio' or 'fiona', got {engine!r}."
        )
    return engine  # type: ignore[return-value]


def apply_user_crs(
    frame: gpd.GeoDataFrame, opts: ReadOptions, log: ProblemLog, *, declared: bool
) -> gpd.GeoDataFrame:
    """Apply ``crs=``: fill a missing CRS, or check it matches the declared one."""
    if opts.crs is None:
        return frame
    given: CRS = crs_from_user(opts.crs, log)
    if declared and frame.crs is not None and not frame.crs.equals(given):
        log.fail(
            "usage.crs",
            f"`crs` is {given.to_string()}, but the file declares "
            f"{frame.crs.to_string()}; drop `crs=` or fix the file.",
        )
    return frame.set_crs(given, allow_override=True)


def choose_layer(names: list[str], layer: str | None, log: ProblemLog) -> str:
    listing = ", ".join(repr(n) for n in names)
    if not names:
        log.fail("read.empty", "the GeoPackage has no layers.")
    if layer is None and len(names) > 1:
        log.fail(
            "usage.layer",
            f"the GeoPackage has {len(names)} layers ({listing}); "
            "pass `layer=` with one of them (in the CLI: --layer).",
        )
    chosen = names[0] if layer is None else layer
    if chosen not in names:
        log.fail("usage.layer", f"no layer {layer!r}; the GeoPackage has {listing}.")
    return chosen


def make_options(path: object, **kw: object) -> ReadOptions:
    """Build `ReadOptions` from `read`'s keywords, checking their types."""
    log = ProblemLog(os.fspath(path) if isinstance(path, str | os.PathLike) else "?")
    for name in ("max_features", "max_bytes", "max_geometry_bytes"):
        if name not in kw:
            continue
        value = kw[name]
        if isinstance(value, bool) or not isinstance(value, int):
            msg = f"`{name}` must be an int, got {type(value).__name__}."
            raise TypeError(msg)
        if value < 1:
            log.fail("usage.limit", f"`{name}` must be at least 1, got {value!r}.")
    seconds = kw.get("max_seconds", DEFAULT_MAX_SECONDS)
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        msg = f"`max_seconds` must be a number, got {type(seconds).__name__}."
        raise TypeError(msg)
    if not seconds > 0:
        log.fail("usage.limit", f"`max_seconds` must be above 0, got {seconds!r}.")
    kw["engine"] = check_engine(kw["engine"], log)
    if kw["crs"] is not None:
        kw["crs"] = crs_from_user(kw["crs"], log)
    return ReadOptions(**kw)  # type: ignore[arg-type]
