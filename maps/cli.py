"""The ``kzmap`` command line: parser, dispatch and error reporting.

The CLI stays a thin module in kzmap.maps (the entry point is unchanged) and
pays only for what a command uses: the kzmap packages import their names on
first use, the subcommand modules import only the standard library at module
level, and each command imports geopandas, folium etc. inside its run
function. ``kzmap --help`` and ``--version`` therefore import no third-party
package at all.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import warnings
from typing import TYPE_CHECKING

from kzmap.geo.errors import KzmapError, KzmapWarning, LayerNotFoundError, UsageError
from kzmap.maps import (
    _cli_args,
    _cli_geocode,
    _cli_join,
    _cli_layers,
    _cli_render,
    _cli_routes,
    _cli_validate,
)

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import TextIO

__all__ = ["build_parser", "main"]

#: Modules that each add subcommands through ``register(subparsers)``.
_COMMAND_MODULES = (
    _cli_layers, _cli_render, _cli_routes, _cli_validate, _cli_join, _cli_geocode
)  # fmt: skip


class _Version(argparse.Action):
    """``--version``: look the version up only when asked (importlib.metadata)."""

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        from importlib.metadata import version

        print(version("kzmap"))
        parser.exit()


#: Commands with the reading options (--lon, --lat, --crs, --no-aoi ...).
_READERS = {"validate", "join"}


def _say(err: Exception, command: str) -> None:
    text = _cli_args.cli_terms(str(err), read_options=command in _READERS)
    print(f"kzmap: error: {text}", file=sys.stderr)


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``kzmap`` command."""
    parser = argparse.ArgumentParser(
        prog="kzmap",
        description=(
            "Sourced maps of trafficking and smuggling routes in Kazakhstan "
            "and Central Asia."
        ),
    )
    parser.add_argument(
        "--version", action=_Version, nargs=0, help="print the version and exit"
    )
    parser.add_argument(
        "--debug", action="store_true", help="show a traceback on errors"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in _COMMAND_MODULES:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """
    Run the command line and return its exit code.

    Exit codes: 0 success, 1 data error or internal error (message on
    stderr), 2 bad usage, 130 interrupted, 141 output pipe closed by the reader.
    """
    parser = build_parser()
    args = parser.parse_args(_glue_text_values(sys.argv[1:] if argv is None else argv))
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    with warnings.catch_warnings():
        # kzmap's own warnings are messages for the user: always one line each
        warnings.simplefilter("always", KzmapWarning)
        warnings.showwarning = _show_warning
        return _guarded(args)


def _guarded(args: argparse.Namespace) -> int:
    """Run the command; an OSError or a bug ends in one line, never a traceback."""
    try:
        return _dispatch(args)
    except OSError as err:  # disk full, permissions … outside kzmap's own writers
        if args.debug:
            raise
        where = f": {err.filename}" if err.filename else ""
        print(f"kzmap: error: {err.strerror or err}{where}", file=sys.stderr)
        return 1
    except Exception as err:
        if args.debug:
            raise
        line = (str(err).strip().splitlines() or [""])[0][:300]
        print(
            f"kzmap: internal error: {type(err).__name__}: {line}; please report it "
            "(rerun with --debug for the traceback)",
            file=sys.stderr,
        )
        return 1


def _dispatch(args: argparse.Namespace) -> int:
    try:
        code: int = args.func(args)
    except (UsageError, LayerNotFoundError) as err:
        if args.debug:
            raise
        _say(err, args.command)
        return 2
    except KzmapError as err:
        if args.debug:
            raise
        columns = _coordinate_columns_missing(err)
        if columns is not None:
            # the file's columns do not match the options: fixed with --lon/--lat
            _say(err, args.command)
            print(f"kzmap: error: its columns are {columns}.", file=sys.stderr)
            return 2
        _say(err, args.command)
        return 1
    except KeyboardInterrupt:
        print("kzmap: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (``kzmap routes | head``): stop quietly, and
        # point stdout at devnull so the interpreter's final flush is silent.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    return code


#: The problem code of a CSV whose lon/lat columns are missing or ambiguous.
_COORDINATE_COLUMNS = "csv.coordinate_columns"


def _coordinate_columns_missing(err: KzmapError) -> str | None:
    """
    Return a CSV's header if `err` is only about its coordinate columns.

    Such a file is refused as bad usage (exit 2): its columns are named with
    --lon/--lat, as for an unknown --lon column. None for any other error.
    """
    problems = [p for p in err.problems if p.severity == "error"]
    if not problems or any(p.code != _COORDINATE_COLUMNS for p in problems):
        return None
    import csv

    try:
        with open(problems[0].file, encoding="utf-8-sig", errors="replace") as fh:
            header = next(csv.reader(fh), [])
    except OSError:
        return "unreadable"
    return ", ".join(repr(h) for h in header) or "none"


#: Options whose value is free text, which may start with "-" (``--subtitle -->``).
_TEXT_OPTIONS = frozenset({"--title", "--subtitle"})
_OPTION_LIKE = re.compile(r"^--?[A-Za-z]")


def _glue_text_values(argv: Sequence[str]) -> list[str]:
    """
    Join ``--subtitle VALUE`` into ``--subtitle=VALUE`` when VALUE starts with "-".

    argparse takes any word starting with "-" for an option, so ``--subtitle
    "-->"`` would fail; a value that does not look like an option (``-->``,
    ``- draft``, ``-5``) is glued to its option first.
    """
    out = list(argv)
    i = 0
    while i < len(out) - 1:
        if (
            out[i] in _TEXT_OPTIONS
            and out[i + 1].startswith("-")
            and not _OPTION_LIKE.match(out[i + 1])
        ):
            out[i : i + 2] = [f"{out[i]}={out[i + 1]}"]
        i += 1
    return out


def _show_warning(  # noqa: PLR0917 (the signature of warnings.showwarning)
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    """Print a warning as one line, ``kzmap: warning: FILE: …``, not Python's format."""
    text = " ".join(str(message).split())
    print(f"kzmap: warning: {text}", file=sys.stderr if file is None else file)


if __name__ == "__main__":
    sys.exit(main())
