"""Point-in-polygon engines on integer codes: the exact scan and the grid index."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import shapely

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from numpy.typing import NDArray

__all__ = ["CHUNK", "OUTSIDE", "GridIndex", "scan_codes"]

#: Code of a point covered by no polygon.
OUTSIDE = -1
#: Cell code meaning "a polygon boundary passes near this cell: test exactly".
_MIXED = -2
#: Points handled per step: temporaries stay small (and in cache) for any input.
CHUNK = 1 << 18
#: Cells are widened by this fraction of a cell (and 64 ulps of the largest
#: coordinate) when boundaries are rasterised, far more than the rounding of
#: the interpolated piece ends. Cell lookup uses the same monotone formula for
#: pieces and points, so no other error needs a margin.
_MARGIN = 1e-6


def _bounds(geoms: Sequence[shapely.Geometry]) -> NDArray[np.float64]:
    """Return one (xmin, ymin, xmax, ymax) row per geometry."""
    return np.asarray(shapely.bounds(np.asarray(geoms, dtype=object)), dtype=float)


def scan_codes(
    geoms: Sequence[shapely.Geometry],
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    *,
    bounds: NDArray[np.float64] | None = None,
) -> NDArray[np.int32]:
    """
    Label points by testing the polygons one by one, in code order (the reference).

    A point gets the smallest code ``i`` such that ``geoms[i]`` covers it
    (interior or boundary), else `OUTSIDE`. Each polygon is only tested on the
    still-unlabelled points inside its bounding box.

    Parameters
    ----------
    geoms
        Prepared or unprepared (Multi)Polygons; code ``i`` is ``geoms[i]``.
    x, y
        Point coordinates in the polygons' CRS; NaN gives `OUTSIDE`.
    bounds
        ``_bounds(geoms)`` if already known; None computes it.

    Returns
    -------
    numpy.ndarray
        int32 codes, one per point.
    """
    box = _bounds(geoms) if bounds is None else bounds
    codes = np.full(len(x), OUTSIDE, dtype=np.int32)
    todo = np.ones(len(x), dtype=bool)
    for i, geom in enumerate(geoms):
        xmin, ymin, xmax, ymax = box[i]
        sel = np.flatnonzero(
            todo & (x >= xmin) & (x <= xmax) & (y >= ymin) & (y <= ymax)
        )
        if sel.size == 0:
            continue
        hit = sel[shapely.intersects_xy(geom, x[sel], y[sel])]
        codes[hit] = i
        todo[hit] = False
    return codes


class GridIndex:
    """
    A uniform grid over the polygons' extent that answers most points by lookup.

    Every polygon ring is cut into pieces no longer than a cell and each piece
    marks the cells its bounding box (widened by a millionth of a cell) touches.
    An unmarked cell holds no boundary point, so every point in it is covered
    by the same polygons: the cell stores that answer, found once by
    `scan_codes` on one point per run of unmarked cells in a row. Points in
    marked cells (typically a few percent) are tested exactly with
    `scan_codes`, so the result equals `scan_codes` on every point.

    Parameters
    ----------
    geoms
        Valid (Multi)Polygons with non-zero area; code ``i`` is ``geoms[i]``.
    cells
        Approximate number of grid cells (square in the coordinate units).
    """

    def __init__(self, geoms: Sequence[shapely.Geometry], *, cells: int) -> None:
        self.geoms = list(geoms)
        shapely.prepare(np.asarray(self.geoms, dtype=object))
        self.bounds = _bounds(self.geoms)
        self.x0, self.y0 = self.bounds[:, 0].min(), self.bounds[:, 1].min()
        self.x1, self.y1 = self.bounds[:, 2].max(), self.bounds[:, 3].max()
        width, height = self.x1 - self.x0, self.y1 - self.y0
        # At most 2**26 cells, so flat cell numbers fit in int32.
        side = math.sqrt(width * height / min(max(cells, 1), 1 << 26))
        self.nx = max(1, math.ceil(width / side))
        self.ny = max(1, math.ceil(height / side))
        self.sx = self.nx / width
        self.sy = self.ny / height
        self.cells = self._cell_codes(self._marked())

    def _cell_xy(
        self, x: NDArray[np.float64], y: NDArray[np.float64]
    ) -> tuple[NDArray[np.int32], NDArray[np.int32]]:
        """Return the column and row of each coordinate, clamped to the grid."""
        # fmax/fmin also send NaN to cell 0; truncation equals floor on u >= 0.
        u = (x - self.x0) * self.sx
        np.fmin(np.fmax(u, 0.0, out=u), self.nx - 1, out=u)
        v = (y - self.y0) * self.sy
        np.fmin(np.fmax(v, 0.0, out=v), self.ny - 1, out=v)
        return u.astype(np.int32), v.astype(np.int32)

    def _pieces(self) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Return start and end points of ring pieces at most one cell long."""
        rings = shapely.get_rings(shapely.get_parts(np.asarray(self.geoms)))
        coords, ring = shapely.get_coordinates(rings, return_index=True)
        same = ring[1:] == ring[:-1]
        start, end = coords[:-1][same], coords[1:][same]
        span = np.abs(end - start) * (self.sx, self.sy)
        steps = np.maximum(np.ceil(span.max(axis=1)), 1).astype(np.intp)
        seg = np.repeat(np.arange(len(start)), steps)
        first = np.cumsum(steps) - steps
        k = (np.arange(len(seg)) - first[seg]).astype(float)
        frac0 = (k / steps[seg])[:, None]
        frac1 = ((k + 1) / steps[seg])[:, None]
        delta = end[seg] - start[seg]
        return start[seg] + frac0 * delta, start[seg] + frac1 * delta

    def _marked(self) -> NDArray[np.bool_]:
        """Return a flat mask of the cells a boundary piece may touch."""
        a, b = self._pieces()
        # Widen by a millionth of a cell plus many ulps of the coordinates, far
        # beyond the rounding of the interpolated piece ends.
        ulps_x = 64 * np.spacing(max(abs(self.x0), abs(self.x1)))
        ulps_y = 64 * np.spacing(max(abs(self.y0), abs(self.y1)))
        mx, my = _MARGIN / self.sx + ulps_x, _MARGIN / self.sy + ulps_y
        lo_x, lo_y = self._cell_xy(
            np.minimum(a[:, 0], b[:, 0]) - mx, np.minimum(a[:, 1], b[:, 1]) - my
        )
        hi_x, hi_y = self._cell_xy(
            np.maximum(a[:, 0], b[:, 0]) + mx, np.maximum(a[:, 1], b[:, 1]) + my
        )
        marked = np.zeros(self.nx * self.ny, dtype=bool)
        # A piece spans at most one cell plus the margin: three cells per axis.
        for dy in range(3):
            for dx in range(3):
                ok = (lo_x + dx <= hi_x) & (lo_y + dy <= hi_y)
                marked[(lo_y[ok] + dy) * self.nx + lo_x[ok] + dx] = True
        return marked

    def _cell_codes(self, marked: NDArray[np.bool_]) -> NDArray[np.int32]:
        """Give each unmarked cell the code of its run's first cell centre."""
        col = np.arange(marked.size) % self.nx
        prev_marked = np.concatenate(([True], marked[:-1]))
        is_start = ~marked & ((col == 0) | prev_marked)
        starts = np.flatnonzero(is_start)
        cx = self.x0 + (col[starts] + 0.5) / self.sx
        cy = self.y0 + (starts // self.nx + 0.5) / self.sy
        start_codes = scan_codes(self.geoms, cx, cy, bounds=self.bounds)
        run = np.cumsum(is_start) - 1
        # Cells before the first run get run -1: the appended (unused) value.
        lookup = np.append(start_codes, _MIXED)
        codes = np.where(marked, _MIXED, lookup[run])
        # The smallest integer type keeps the table in cache during lookups.
        return codes.astype(np.min_scalar_type(-len(self.geoms) - 2))

    def __setstate__(self, state: dict[str, object]) -> None:
        # Unpickled geometries (for example on a dask worker) are unprepared.
        self.__dict__.update(state)
        shapely.prepare(np.asarray(self.geoms, dtype=object))

    @property
    def mixed_fraction(self) -> float:
        """Share of grid cells whose points are tested exactly."""
        return float(np.mean(self.cells == _MIXED))

    def codes(
        self,
        x: NDArray[np.float64],
        y: NDArray[np.float64],
        *,
        progress: Callable[[int], None] | None = None,
    ) -> NDArray[np.int32]:
        """
        Return the code of every point (as `scan_codes` would), `CHUNK` at a time.

        `progress`, if given, is called with the number of points done so far
        after each chunk.
        """
        out = np.empty(len(x), dtype=np.int32)
        for lo in range(0, len(x), CHUNK):
            hi = min(lo + CHUNK, len(x))
            out[lo:hi] = self._chunk(x[lo:hi], y[lo:hi])
            if progress is not None:
                progress(hi)
        return out

    def _chunk(
        self, x: NDArray[np.float64], y: NDArray[np.float64]
    ) -> NDArray[np.int32]:
        # No bounding-box test is needed: points beyond the extent (and NaN)
        # land in an edge cell, and an unmarked edge cell is always OUTSIDE
        # because it reaches the extent's edge, where no polygon has interior.
        ix, iy = self._cell_xy(x, y)
        iy *= self.nx
        iy += ix
        cell_codes = self.cells[iy]
        mixed = np.flatnonzero(cell_codes == _MIXED)
        codes = cell_codes.astype(np.int32)
        if mixed.size:
            codes[mixed] = scan_codes(
                self.geoms, x[mixed], y[mixed], bounds=self.bounds
            )
        return codes
