"""
Cut lon/lat lines at polygon boundaries and label each piece with its polygons.

The one engine behind `kzmap.geo.line_length_by_polygon` and
`kzmap.routes.length_by_polygon` (and the route crossings of
`kzmap.routes.border_crossings`): each segment is cut where it meets a
polygon edge and every piece gets its fraction of the segment's geodesic
length, so the pieces of a line add up to its geodesic length exactly.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import shapely
from shapely.strtree import STRtree

from kzmap.geo._local import WGS84

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray
    from shapely.geometry.base import BaseGeometry

__all__ = ["EdgeIndex", "Piece", "Run", "pieces_along", "runs_from_pieces"]

#: Pieces shorter than this fraction of their segment are rounding noise.
_EPS_T = 1e-12


@dataclass(frozen=True)
class Piece:
    """A stretch of a route lying in one set of polygons (none = outside all)."""

    start_km: float
    length_km: float
    #: polygons whose interior holds the piece
    polygons: tuple[int, ...]
    start: tuple[float, float]
    end: tuple[float, float]
    #: for a piece in no interior, the polygons whose boundary it runs along
    #: (a stretch on a shared border); empty otherwise
    along: tuple[int, ...] = ()


def line_parts(geometry: BaseGeometry) -> list[BaseGeometry]:
    """Return the LineStrings of a LineString or MultiLineString, in order."""
    kind = geometry.geom_type
    if kind == "LineString":
        return [geometry]
    if kind == "MultiLineString":
        return list(shapely.get_parts(geometry))
    msg = f"expected a LineString or MultiLineString, got {kind}."
    raise TypeError(msg)


#: Consecutive pieces with the same polygons, merged into one longer piece.
Run = Piece


class EdgeIndex:
    """Spatial indexes of polygons and of their boundary edges, in lon/lat."""

    def __init__(self, polygons: Sequence[BaseGeometry]) -> None:
        self.polygons: NDArray[np.object_] = np.asarray(polygons, dtype=object)
        self.tree = STRtree(self.polygons)
        rings = shapely.get_parts(shapely.boundary(self.polygons))
        coords, ring_of = shapely.get_coordinates(rings, return_index=True)
        same = ring_of[:-1] == ring_of[1:]
        starts, ends = coords[:-1][same], coords[1:][same]
        self.edges: NDArray[np.object_] = np.asarray(
            shapely.linestrings(np.stack([starts, ends], axis=1)), dtype=object
        )
        self.edge_tree = STRtree(self.edges)


def _cut_params(
    segments: NDArray[np.object_], index: EdgeIndex
) -> list[NDArray[np.float64]]:
    """Per segment, the sorted fractions (0..1) where it meets a polygon boundary."""
    cuts: list[list[float]] = [[0.0, 1.0] for _ in range(len(segments))]
    seg_i, edge_i = index.edge_tree.query(segments, predicate="intersects")
    if len(seg_i):
        hits = shapely.intersection(segments[seg_i], index.edges[edge_i])
        points, owner = shapely.get_coordinates(hits, return_index=True)
        owner_seg = seg_i[owner]
        fractions = shapely.line_locate_point(
            segments[owner_seg], shapely.points(points), normalized=True
        )
        for s, t in zip(owner_seg.tolist(), fractions.tolist(), strict=True):
            cuts[s].append(t)
    return [np.unique(np.clip(np.asarray(c), 0.0, 1.0)) for c in cuts]


def pieces_along(geometry: BaseGeometry, index: EdgeIndex) -> list[Piece]:
    """
    Split a lon/lat (Multi)LineString at every polygon boundary, in travel order.

    Each segment is treated as a straight lon/lat chord for the cut and as a
    geodesic for its length: a piece gets the fraction of its segment's
    geodesic length, so the pieces of a route add up to its length exactly.
    Parts of a MultiLineString follow each other in order.
    """
    pieces: list[Piece] = []
    along = 0.0
    for part in line_parts(geometry):
        xy = np.asarray(part.coords)[:, :2]
        if len(xy) < 2:
            continue
        _, _, seg_m = WGS84.inv(xy[:-1, 0], xy[:-1, 1], xy[1:, 0], xy[1:, 1])
        segments = np.asarray(
            shapely.linestrings(np.stack([xy[:-1], xy[1:]], axis=1)), dtype=object
        )
        seg_of, t0, t1 = [], [], []
        for i, cuts in enumerate(_cut_params(segments, index)):
            for a, b in itertools.pairwise(cuts):
                if b - a > _EPS_T:
                    seg_of.append(i)
                    t0.append(a)
                    t1.append(b)
        seg = np.asarray(seg_of, dtype=int)
        ta, tb = np.asarray(t0), np.asarray(t1)
        p0, p1 = xy[seg], xy[seg + 1]
        starts = p0 + (p1 - p0) * ta[:, None]
        ends = p0 + (p1 - p0) * tb[:, None]
        mids = shapely.points(p0 + (p1 - p0) * ((ta + tb) / 2)[:, None])
        inside: list[list[int]] = [[] for _ in range(len(seg))]
        mid_i, poly_i = index.tree.query(mids, predicate="within")
        for m, p in zip(mid_i.tolist(), poly_i.tolist(), strict=True):
            inside[m].append(p)
        border: list[list[int]] = [[] for _ in range(len(seg))]
        lost = np.flatnonzero([not i for i in inside])
        if len(lost):
            mid_i, poly_i = index.tree.query(mids[lost], predicate="covered_by")
            for m, p in zip(lost[mid_i].tolist(), poly_i.tolist(), strict=True):
                border[m].append(p)
        lengths = (tb - ta) * seg_m[seg] / 1000.0
        for k in range(len(seg)):
            pieces.append(
                Piece(
                    start_km=along,
                    length_km=float(lengths[k]),
                    polygons=tuple(sorted(inside[k])),
                    start=(float(starts[k, 0]), float(starts[k, 1])),
                    end=(float(ends[k, 0]), float(ends[k, 1])),
                    along=tuple(sorted(border[k])),
                )
            )
            along += float(lengths[k])
    return pieces


def runs_from_pieces(pieces: Sequence[Piece]) -> list[Run]:
    """Merge consecutive pieces that lie in the same polygons."""
    runs: list[Run] = []
    for piece in pieces:
        last = runs[-1] if runs else None
        if (
            last is not None
            and last.polygons == piece.polygons
            and last.along == piece.along
        ):
            runs[-1] = replace(
                last, length_km=last.length_km + piece.length_km, end=piece.end
            )
        else:
            runs.append(piece)
    return runs
