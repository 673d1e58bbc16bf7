"""Cut a TopoJSON file down to some geometries of one object, arcs and all.

The arcs kept are exactly those the kept geometries use, renumbered and
otherwise unchanged (still quantised and delta-encoded), so a reader decodes
every kept geometry to the same coordinates as from the whole file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _arc_indices(refs: Any) -> list[int]:
    if isinstance(refs, int):
        return [refs if refs >= 0 else ~refs]
    return [i for r in refs for i in _arc_indices(r)]


def subset(
    topo: dict[str, Any], name: str, keep: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    """Return a Topology holding object `name`'s geometries for which `keep` is true."""
    kept = [g for g in topo["objects"][name]["geometries"] if keep(g)]
    order = sorted({i for g in kept for i in _arc_indices(g.get("arcs", []))})
    new = {old: n for n, old in enumerate(order)}

    def renumber(refs: Any) -> Any:
        if isinstance(refs, int):
            return new[refs] if refs >= 0 else ~new[~refs]
        return [renumber(r) for r in refs]

    geometries = [
        {**g, "arcs": renumber(g["arcs"])} if "arcs" in g else g for g in kept
    ]
    out: dict[str, Any] = {
        "type": "Topology",
        "objects": {name: {**topo["objects"][name], "geometries": geometries}},
        "arcs": [topo["arcs"][i] for i in order],
    }
    if "transform" in topo:
        out["transform"] = topo["transform"]
    return out


def arc_indices(geometry: dict[str, Any]) -> list[int]:
    """Indices of the arcs a TopoJSON geometry uses (reversed ones included)."""
    return _arc_indices(geometry.get("arcs", []))
