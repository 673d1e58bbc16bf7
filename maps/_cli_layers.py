"""``kzmap layers``: the table of packaged layers."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import argparse

__all__ = ["register"]

_BASEMAP_NOTE = (
    "# basemap only: drawn under every map for orientation (coarse, no data to "
    "count); not for kzmap join"
)


def _run(args: argparse.Namespace) -> int:
    from kzmap.layers.catalog import catalog

    infos = catalog()
    if args.format == "json":
        print(json.dumps([asdict(i) for i in infos], ensure_ascii=False, indent=2))
        return 0
    # analysis layers first, then (under a note) the basemap-only ones
    infos = sorted(infos, key=lambda i: i.basemap)
    rows = [("NAME", "TITLE", "GEOMETRY", "FEATURES", "SOURCE")]
    rows += [
        (i.name, i.title, i.geometry_type, str(i.feature_count), "; ".join(i.sources))
        for i in infos
    ]
    widths = [max(len(r[c]) for r in rows) for c in range(4)]
    for n, row in enumerate(rows):
        if n > 0 and infos[n - 1].basemap and (n == 1 or not infos[n - 2].basemap):
            print(_BASEMAP_NOTE)
        cells = [row[c].ljust(widths[c]) for c in range(4)]
        cells[3] = row[3].rjust(widths[3])
        print("  ".join([*cells, row[4]]))
    return 0


def register(sub: Any) -> None:
    """Add the ``layers`` subcommand to `sub` (an argparse subparsers object)."""
    parser = sub.add_parser(
        "layers",
        help="list the packaged layers",
        description="List the packaged layers: the analysis layers, then the "
        "basemap-only ones (surrounding land, its outlines, rivers), which are "
        "drawn under every map but are not for kzmap join. JSON output marks "
        'them "basemap": true.',
    )
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.set_defaults(func=_run)
