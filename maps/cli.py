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
import sys
from typing import TYPE_CHECKING

from kzmap.geo.errors import KzmapError, LayerNotFoundError, UsageError
from kzmap.maps import (
    _cli_args,
    _cli_join,
    _cli_layers,
    _cli_render,
    _cli_routes,
    _cli_validate,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["build_parser", "main"]

#: Modules that each add subcommands through ``register(subparsers)``.
_COMMAND_MODULES = (_cli_layers, _cli_render, _cli_routes, _cli_validate, _cli_join)


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

    Exit codes: 0 success, 1 data error (message on stderr), 2 bad usage,
    130 interrupted, 141 output pipe closed by the reader.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
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


if __name__ == "__main__":
    sys.exit(main())
