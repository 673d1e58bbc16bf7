"""``kzmap render``: write a map as one self-contained HTML file (PNG, embed)."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kzmap.geo.errors import UsageError
from kzmap.maps.build import focus_bounds, read_user_layer, save
from kzmap.maps.render import DEFAULT_BOUNDS, default_map
from kzmap.maps.spec import LayerSpec, Spec, find_spec, parse_focus, shipped_specs

if TYPE_CHECKING:
    import argparse

    from kzmap.maps.build import Outputs

__all__ = ["register"]

_SIZE = re.compile(r"^(\d{3,4})x(\d{3,4})$")


def _size(text: str) -> tuple[int, int]:
    match = _SIZE.match(text)
    if not match:
        msg = f"--size {text!r}: expected WIDTHxHEIGHT in CSS pixels, e.g. 1280x800"
        raise UsageError(msg)
    return int(match[1]), int(match[2])


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in ("title", "subtitle", "lang", "tiles"):
        if getattr(args, key) is not None:
            out[key] = getattr(args, key)
    if args.region:
        out["focus"] = parse_focus(args.region)
    if args.size:
        out["width"], out["height"] = _size(args.size)
    if args.scale is not None:
        out["scale"] = args.scale
    return out


def _spec_from_args(args: argparse.Namespace) -> Spec:
    added = tuple(
        LayerSpec(path=Path(p), draw=args.draw, time=args.time) for p in args.add
    )
    if args.spec:
        spec = find_spec(args.spec)
        return replace(spec, layers=spec.layers + added, **_overrides(args))
    names = [n.strip() for n in args.layers.split(",") if n.strip()]
    layers = tuple(LayerSpec(name=n, labels=n == "cities") for n in names)
    return Spec(layers=layers + added, **_overrides(args))


def _default(args: argparse.Namespace) -> Outputs:
    options = _overrides(args)
    extra = [(Path(p).stem, read_user_layer(p)) for p in args.add]
    focus = options.get("focus")
    bounds = focus_bounds(focus, dict(extra)) if focus else DEFAULT_BOUNDS
    m = default_map(
        tiles=options.get("tiles", "none"),
        lang=options.get("lang", "en"),
        title=options.get("title"),
        subtitle=options.get("subtitle"),
        bounds=bounds,
        extra=extra,
        extra_as=args.draw,
        extra_time=args.time,
    )
    width, height = options.get("width"), options.get("height")
    return save(
        m,
        html=args.output or "kazakhstan.html",
        png=args.png,
        embed=args.embed,
        scale=args.scale,
        width=width,
        height=height,
    )


def _run(args: argparse.Namespace) -> int:
    if args.list_specs:
        print("\n".join(shipped_specs()))
        return 0
    if args.spec and args.layers:
        msg = "--layers cannot be combined with --spec; list layers in the spec."
        raise UsageError(msg)
    if args.spec or args.layers:
        outputs = save(
            _spec_from_args(args), html=args.output, png=args.png, embed=args.embed
        )
    else:
        outputs = _default(args)
    for path in (outputs.html, outputs.embed, outputs.png):
        if path is not None:
            print(path)
    return 0


def register(sub: Any) -> None:
    """Add the ``render`` subcommand to `sub` (an argparse subparsers object)."""
    parser = sub.add_parser(
        "render",
        help="render a map to a self-contained HTML file",
        description="Render the default map, or a map spec (--spec), offline.",
    )
    parser.add_argument(
        "--spec", help="map spec: a TOML file, or the name of a shipped spec"
    )
    parser.add_argument(
        "--list-specs", action="store_true", help="list the shipped specs and exit"
    )
    parser.add_argument(
        "-o", "--output", type=Path, help="output HTML file (default: kazakhstan.html)"
    )
    parser.add_argument(
        "--layers", help="comma-separated packaged layers to draw (default: all)"
    )
    parser.add_argument(
        "--add",
        action="append",
        default=[],
        metavar="FILE",
        help="draw a layer of your own (.geojson/.gpkg/.shp); repeatable",
    )
    parser.add_argument(
        "--as",
        dest="draw",
        choices=("features", "points", "cluster", "heat"),
        default="features",
        help="draw the --add layers as features (default), points, cluster or heat",
    )
    parser.add_argument(
        "--time", metavar="COLUMN", help="date column of --add points: time slider"
    )
    parser.add_argument(
        "--region", help="fit the view to a region (KZ-19) or country (KZ, UZ)"
    )
    parser.add_argument(
        "--tiles",
        choices=("none", "osm"),
        help="basemap: 'none' draws kzmap's own vector layers offline (default); "
        "'osm' adds online OpenStreetMap tiles (the page then contacts that server)",
    )
    parser.add_argument("--lang", choices=("en", "ru", "kk"), help="map language")
    parser.add_argument("--title", help="title shown on the map")
    parser.add_argument("--subtitle", help="subtitle shown under the title")
    parser.add_argument("--png", type=Path, help="also write a PNG screenshot here")
    parser.add_argument(
        "--scale", type=float, help="PNG device scale factor (2 for print)"
    )
    parser.add_argument("--size", help="PNG/embed size WIDTHxHEIGHT (default 1280x800)")
    parser.add_argument(
        "--embed", type=Path, metavar="FILE", help="also write an embeddable fragment"
    )
    parser.set_defaults(func=_run)
