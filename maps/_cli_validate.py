"""``kzmap validate``: list every problem in input files, located."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from kzmap.maps._cli_args import add_read_options

if TYPE_CHECKING:
    import argparse

    from kzmap.geo.problems import Problem, ValidationReport

__all__ = ["register"]

# Control characters from file names or data must not reach the terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _clean(text: str) -> str:
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _problem_lines(problem: Problem) -> list[str]:
    head = f"{problem.severity}: {problem.location()} [{problem.code}]"
    return [_clean(head), "  " + _clean(problem.message)]


def _summary(report: ValidationReport) -> str:
    errors, warned = len(report.errors), len(report.warnings)
    state = "OK" if report.is_ok() else "REFUSED"
    if report.features_in is None:
        counts = "not read"
    elif report.features_out is None:
        counts = f"{report.features_in} features"
    else:
        counts = f"{report.features_in} features, {report.features_out} kept"
    return _clean(
        f"{report.file}: {state} ({errors} errors, {warned} warnings; {counts})"
    )


def _run(args: argparse.Namespace) -> int:
    from kzmap.geo.validate import validate_file

    options: dict[str, Any] = {
        "layer": args.layer,
        "engine": args.engine,
        "lon": args.lon,
        "lat": args.lat,
        "crs": args.crs,
        "encoding": args.encoding,
        "strict": args.strict,
        "lenient": args.lenient,
    }
    if args.max_features is not None:
        options["max_features"] = args.max_features
    if args.max_bytes is not None:
        options["max_bytes"] = args.max_bytes
    if args.no_aoi:
        options["aoi"] = None
    reports = [validate_file(path, **options) for path in args.files]
    if args.format == "json":
        print(json.dumps([r.to_dict() for r in reports], ensure_ascii=False, indent=2))
    else:
        for report in reports:
            for problem in report.problems:
                print("\n".join(_problem_lines(problem)))
            print(_summary(report))
    return 0 if all(r.is_ok() for r in reports) else 1


def register(sub: Any) -> None:
    """Add the ``validate`` subcommand to `sub` (an argparse subparsers object)."""
    parser = sub.add_parser(
        "validate",
        help="check input files and list every problem (exit 1 if any error)",
        description=(
            "Check GeoJSON, GeoPackage, Shapefile (.shp or .zip), GeoParquet "
            "and CSV files as kzmap reads them, and list every problem with its "
            "file, layer, feature and field. Exit 0 if no file has an error."
        ),
    )
    parser.add_argument("files", nargs="+", metavar="FILE")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--strict",
        action="store_true",
        help="treat repairs and dropped features as errors",
    )
    add_read_options(parser, what="files", layer_default="all")
    parser.add_argument("--engine", choices=("pyogrio", "fiona"), default=None)
    parser.add_argument(
        "--lenient",
        action="store_true",
        help="keep the readable records of a truncated Shapefile (one warning)",
    )
    parser.add_argument("--max-features", type=int, default=None, metavar="N")
    parser.add_argument("--max-bytes", type=int, default=None, metavar="N")
    parser.set_defaults(func=_run)
