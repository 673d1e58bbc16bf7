"""``kzmap layers``: the table of packaged layers."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import argparse

__all__ = ["register"]


def _run(args: argparse.Namespace) -> int:
    from kzmap.layers.catalog import catalog

    infos = catalog()
    if args.format == "json":
        print(json.dumps([asdict(i) for i in infos], ensure_ascii=False, indent=2))
        return 0
    rows = [("NAME", "TITLE", "GEOMETRY", "FEATURES", "SOURCE")]
    rows += [
        (i.name, i.title, i.geometry_type, str(i.feature_count), "; ".join(i.sources))
        for i in infos
    ]
    widths = [max(len(r[c]) for r in rows) for c in range(4)]
    for row in rows:
        cells = [row[c].ljust(widths[c]) for c in range(4)]
        cells[3] = row[3].rjust(widths[3])
        print("  ".join([*cells, row[4]]))
    return 0


def register(sub: Any) -> None:
    """Add the ``layers`` subcommand to `sub` (an argparse subparsers object)."""
    parser = sub.add_parser("layers", help="list the packaged layers")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.set_defaults(func=_run)
