"""``kzmap render``: write a map as one self-contained HTML file (and a PNG)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from kzmap.maps.export import save_html
from kzmap.maps.render import default_map

if TYPE_CHECKING:
    import argparse

__all__ = ["register"]


def _run(args: argparse.Namespace) -> int:
    m = default_map(tiles=args.tiles, lang=args.lang, title=args.title)
    out = save_html(m, args.output, offline=args.tiles == "none")
    print(out)
    if args.png:
        from kzmap.maps.png import html_to_png  # noqa: PLC0415 (needs Playwright)

        print(html_to_png(out, args.png, scale=args.scale))
    return 0


def register(sub: Any) -> None:
    """Add the ``render`` subcommand to `sub` (an argparse subparsers object)."""
    parser = sub.add_parser("render", help="render a map to a self-contained HTML file")
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path("kazakhstan.html"),
        help="output HTML file (default: kazakhstan.html)",
    )
    parser.add_argument(
        "--tiles",
        choices=("none", "osm"),
        default="none",
        help="basemap: 'none' draws kzmap's own vector layers offline (default); "
        "'osm' adds online OpenStreetMap tiles",
    )
    parser.add_argument("--lang", choices=("en", "ru", "kk"), default="en")
    parser.add_argument("--title", help="title shown on the map")
    parser.add_argument("--png", type=Path, help="also write a PNG screenshot here")
    parser.add_argument(
        "--scale", type=float, default=1.0, help="PNG device scale factor"
    )
    parser.set_defaults(func=_run)
