"""``kzmap render``: write a map as one self-contained HTML file (PNG, embed)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kzmap.geo.errors import UsageError
from kzmap.maps._cli_args import (
    VECTOR_SUFFIXES,
    bounded_float,
    output_file,
    size,
    unknown_name,
)
from kzmap.maps.i18n import LANGUAGES

if TYPE_CHECKING:
    import argparse

    from kzmap.maps.build import Outputs
    from kzmap.maps.spec import Focus, Spec

__all__ = ["register", "shipped_specs"]

#: A spec layer that is not a packaged layer: the northern route branches.
_ROUTES = "routes"


def shipped_specs() -> list[str]:
    """Return the shipped spec names (as `kzmap.maps.spec.shipped_specs`, light)."""
    from importlib.resources import files

    folder = files("kzmap.maps") / "specs"
    names = (p.name for p in folder.iterdir())
    return sorted(n.removesuffix(".toml") for n in names if n.endswith(".toml"))


def _region(text: str) -> Focus:
    """Return the focus of ``--region``, refusing codes no shipped layer has."""
    from kzmap.layers import available_layers, load
    from kzmap.maps.spec import SpecError, parse_focus

    try:
        focus = parse_focus(text)
    except SpecError:
        focus = None
    if focus is None or focus.kind not in {"region", "country"}:
        msg = (
            f"--region {text!r}: expected a region code such as KZ-19 or a "
            "country code such as KZ or UZ (see kzmap layers: regions, countries)."
        )
        raise UsageError(msg)
    layer = "regions" if focus.kind == "region" else "countries"
    if layer not in available_layers():
        return focus
    frame = load(layer)
    fields = [f for f in ("id", "iso_3166_2", "iso_a2", "iso_a3") if f in frame]
    codes = {str(v).upper() for f in fields for v in frame[f].dropna()}
    if focus.code.upper() not in codes:
        kind = "region" if layer == "regions" else "country"
        err = unknown_name("--region", text, kind, sorted(frame["id"].astype(str)))
        raise err
    return focus


def _check_layers(names: list[str]) -> None:
    from kzmap.layers import available_layers

    known = [*available_layers(), _ROUTES]
    for name in names:
        if name not in known:
            err = unknown_name("--layers", name, "packaged layer", known)
            raise err


def _check_spec_outputs(spec: Spec, args: argparse.Namespace) -> None:
    """Refuse a spec's [output] files with the wrong extension, before any work."""
    wanted = {"html": ".html", "png": ".png", "embed": ".html"}
    given = {"html": args.output, "png": args.png, "embed": args.embed}
    for key, suffix in wanted.items():
        path = given[key] or getattr(spec, key)
        if path is not None and Path(path).suffix.lower() != suffix:
            msg = (
                f"--spec {spec.source}: [output] {key} = {str(path)!r} must end "
                f"in {suffix}."
            )
            raise UsageError(msg)


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in ("title", "subtitle", "lang", "tiles"):
        if getattr(args, key) is not None:
            out[key] = getattr(args, key)
    if args.region:
        out["focus"] = _region(args.region)
    if args.size:
        out["width"], out["height"] = args.size
    if args.scale is not None:
        out["scale"] = args.scale
    return out


def _spec_from_args(args: argparse.Namespace) -> Spec:
    from kzmap.maps.spec import LayerSpec, Spec, find_spec

    if args.spec and not Path(args.spec).is_file():
        name = str(args.spec).removesuffix(".toml")
        if name not in shipped_specs():
            kind = "spec file and no shipped spec"
            err = unknown_name("--spec", args.spec, kind, shipped_specs())
            raise err
    added = tuple(
        LayerSpec(path=Path(p), draw=args.draw, time=args.time) for p in args.add
    )
    if args.spec:
        spec = find_spec(args.spec)
        return replace(spec, layers=spec.layers + added, **_overrides(args))
    names = [n.strip() for n in args.layers.split(",") if n.strip()]
    _check_layers(names)
    layers = tuple(LayerSpec(name=n, labels=n == "cities") for n in names)
    return Spec(layers=layers + added, **_overrides(args))


def _default(args: argparse.Namespace) -> Outputs:
    from kzmap.maps.build import focus_bounds, read_user_layer, save
    from kzmap.maps.render import DEFAULT_BOUNDS, default_map

    options = _overrides(args)
    extra = [(Path(p).stem, read_user_layer(p, lenient=args.lenient)) for p in args.add]
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
        pdf=args.pdf,
        svg=args.svg,
        page=args.page,
    )


def _run(args: argparse.Namespace) -> int:
    if args.list_specs:
        print("\n".join(shipped_specs()))
        return 0
    if args.spec and args.layers:
        msg = "--layers cannot be combined with --spec; list layers in the spec."
        raise UsageError(msg)
    if args.spec or args.layers:
        from kzmap.maps.build import save

        spec = _spec_from_args(args)
        _check_spec_outputs(spec, args)
        outputs = save(
            spec,
            html=args.output,
            png=args.png,
            embed=args.embed,
            pdf=args.pdf,
            svg=args.svg,
            page=args.page,
            lenient=args.lenient,  # spec layers and --add files alike
        )
    else:
        outputs = _default(args)
    for path in (outputs.html, outputs.embed, outputs.png, outputs.pdf, outputs.svg):
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
        "-o",
        "--output",
        type=output_file(".html"),
        help="output HTML file (default: kazakhstan.html)",
    )
    parser.add_argument(
        "--layers", help="comma-separated packaged layers to draw (default: all)"
    )
    parser.add_argument(
        "--add",
        action="append",
        default=[],
        metavar="FILE",
        help="draw a layer of your own, any format kzmap reads ("
        + ", ".join(VECTOR_SUFFIXES)
        + "; CSV with lon/lat columns); repeatable",
    )
    parser.add_argument(
        "--lenient",
        action="store_true",
        help="--add: keep the readable records of a truncated Shapefile",
    )
    parser.add_argument(
        "--as",
        dest="draw",
        choices=("features", "points", "cluster", "heat"),
        default="features",
        help="draw the --add layers as features (default), points, cluster or heat",
    )
    parser.add_argument(
        "--time",
        metavar="COLUMN",
        help="date column of the --add points, cluster or heat: a time slider",
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
    parser.add_argument("--lang", choices=LANGUAGES, help="map language")
    parser.add_argument("--title", help="title shown on the map")
    parser.add_argument("--subtitle", help="subtitle shown under the title")
    parser.add_argument(
        "--png", type=output_file(".png"), help="also write a PNG screenshot here"
    )
    parser.add_argument(
        "--scale",
        type=bounded_float(0, 4, low_open=True),
        help="PNG device scale factor, up to 4 (2 for print)",
    )
    parser.add_argument(
        "--size",
        type=size,
        help="PNG/embed size WIDTHxHEIGHT in CSS pixels (default 1280x800)",
    )
    parser.add_argument(
        "--embed",
        type=output_file(".html"),
        metavar="FILE",
        help="also write an embeddable fragment (.html)",
    )
    parser.add_argument(
        "--pdf", type=Path, help="also write the print layout as PDF (vector)"
    )
    parser.add_argument(
        "--svg", type=Path, help="also write the print layout as SVG (vector)"
    )
    parser.add_argument(
        "--page",
        metavar="PAPER",
        help="print layout paper: A4, A3 or Letter, -landscape (default) or "
        "-portrait, e.g. A3-portrait; with --page, --png is the print sheet",
    )
    parser.set_defaults(func=_run)
