"""Polygon coverage helpers shared by the boundary build scripts."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import numpy as np
import shapely
from shapely.geometry import Polygon

GRID = 1e-7  # degrees: noding precision when repairing a coverage (about 1 cm)


def polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """Keep only the polygonal parts of `geom`, as a (Multi)Polygon."""
    parts = [p for p in shapely.get_parts(geom) if isinstance(p, Polygon)]
    if not parts:
        return Polygon()
    return shapely.union_all(parts) if len(parts) > 1 else parts[0]


def _owner(face: shapely.Geometry, owners: list[int], geoms: np.ndarray) -> int:
    """Among `owners`, the unit sharing the longest edge with `face`."""
    shared = [
        shapely.length(shapely.intersection(face.boundary, geoms[i].boundary))
        for i in owners
    ]
    return owners[int(np.argmax(shared))]


def repair(geoms: Sequence[shapely.Geometry], *, max_gap_km2: float) -> list:
    """
    Turn overlapping or gapped polygons into a valid coverage.

    All boundaries are noded together and polygonised into faces. A face
    inside one unit goes to it; a face inside several (an overlap) or inside
    none (a gap between units) goes to the candidate sharing the longest edge
    with it. Gaps larger than `max_gap_km2` (roughly, at 1 degree ~ 100 km)
    stop the build: they would be real holes, not digitising slivers.
    """
    valid = np.array([polygonal(shapely.make_valid(g)) for g in geoms])
    lines = shapely.union_all(shapely.boundary(valid), grid_size=GRID)
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(lines)))
    faces = faces[shapely.area(faces) > 0]
    inside = shapely.STRtree(valid).query(
        shapely.point_on_surface(faces), predicate="within"
    )
    owners: dict[int, list[int]] = {}
    for face, unit in inside.T:
        owners.setdefault(int(face), []).append(int(unit))
    touching = shapely.STRtree(valid)
    pieces: list[list[shapely.Geometry]] = [[] for _ in valid]
    for i, face in enumerate(faces):
        mine = owners.get(i, [])
        if not mine:
            if shapely.area(face) * 1e4 > max_gap_km2:
                sys.exit(f"gap of {face.area * 1e4:.1f} km² at {face.centroid}")
            mine = [int(j) for j in touching.query(face, predicate="intersects")]
        target = mine[0] if len(mine) == 1 else _owner(face, mine, valid)
        pieces[target].append(face)
    return [polygonal(shapely.union_all(p, grid_size=GRID)) for p in pieces]


def check(geoms: Sequence[shapely.Geometry], what: str) -> None:
    """Stop the build unless `geoms` are valid and form a valid coverage."""
    bad = [i for i, g in enumerate(geoms) if not shapely.is_valid(g) or g.is_empty]
    if bad:
        sys.exit(f"{what}: invalid or empty polygons at rows {bad}")
    if not shapely.coverage_is_valid(np.asarray(geoms)):
        sys.exit(f"{what}: not a valid coverage (overlaps or unshared edges)")


def dissolve(
    geoms: Sequence[shapely.Geometry], keys: Sequence[str]
) -> dict[str, shapely.Geometry]:
    """Union `geoms` by key; exact for a coverage (shared edges cancel)."""
    groups: dict[str, list[shapely.Geometry]] = {}
    for g, k in zip(geoms, keys, strict=True):
        groups.setdefault(k, []).append(g)
    return {
        k: polygonal(shapely.coverage_union_all(np.asarray(v)))
        for k, v in sorted(groups.items())
    }


def round_coverage(
    geoms: Sequence[shapely.Geometry], precision: int
) -> list[shapely.Geometry]:
    """Round every vertex to `precision` decimals, repairing what rounding breaks."""
    grid = 10.0**-precision
    return [
        polygonal(shapely.set_precision(g, grid, mode="valid_output")) for g in geoms
    ]


def fit_around(
    keep: shapely.Geometry,
    others: Sequence[shapely.Geometry],
    *,
    grid: float,
    min_edge_share: float = 0.25,
) -> tuple[shapely.Geometry, list[shapely.Geometry]]:
    """
    Fit the coverage `others` around the fixed polygon `keep`.

    Everything is noded on `grid` (snap-rounding; vertices already on it do not
    move). What `others` overlap of `keep` is cut away; each closed gap
    between `keep` and `others` goes to the unit of `others` sharing the
    longest edge with it, if that edge is at least `min_edge_share` of the
    gap's perimeter (a sliver between two land borders); gaps open to the
    sea are not faces and vanish. Returns `keep` (noded) and the fitted others.
    """
    units = np.array([keep, *[polygonal(g) for g in others]])
    lines = shapely.union_all(shapely.boundary(units), grid_size=grid)
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(lines)))
    faces = faces[shapely.area(faces) > 0]
    points = shapely.point_on_surface(faces)
    tree = shapely.STRtree(units)
    pieces: list[list[shapely.Geometry]] = [[] for _ in units]
    for face, point in zip(faces, points, strict=True):
        inside = [int(i) for i in tree.query(point, predicate="within")]
        if 0 in inside:
            target = 0
        elif not inside:
            target = _gap_owner(face, units, min_edge_share, grid)
        else:
            target = inside[0] if len(inside) == 1 else _owner(face, inside, units)
        if target >= 0:
            pieces[target].append(face)
    fitted = [polygonal(shapely.union_all(p, grid_size=grid)) for p in pieces]
    # A neighbour keeps only parts that hold some of its own land: pieces made
    # of gap faces alone (sea along a coast) are dropped.
    for i in range(1, len(fitted)):
        parts = shapely.get_parts(fitted[i])
        own = shapely.area(shapely.intersection(parts, units[i])) > 0.5 * shapely.area(
            parts
        )
        fitted[i] = polygonal(shapely.union_all(parts[own]))
    return fitted[0], fitted[1:]


def _gap_owner(
    face: shapely.Geometry, units: np.ndarray, min_share: float, grid: float
) -> int:
    """The neighbour (index >= 1) owning gap `face`, or -1 (the face is dropped).

    Snap-rounding bends edges slightly at new nodes, so the shared length is
    measured within two grid cells of the face's boundary.
    """
    near = shapely.buffer(face.boundary, 2 * grid)
    shared = shapely.length(shapely.intersection(shapely.boundary(units[1:]), near))
    best = int(np.argmax(shared))
    if shared[best] < min_share * face.length:
        return -1
    return best + 1
