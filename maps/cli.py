"""The ``kzmap`` command line: parser, dispatch and error reporting."""

from __future__ import annotations

import argparse
import os
import sys
from importlib.metadata import version
from typing import TYPE_CHECKING

from kzmap.geo.errors import KzmapError, UsageError
from kzmap.maps import (
    _cli_geocode,
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
_COMMAND_MODULES = (
    _cli_layers, _cli_render, _cli_routes, _cli_validate, _cli_join, _cli_geocode
)  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``kzmap`` command."""
    parser = argparse.ArgumentParser(
        prog="kzmap",
        description=(
            "Sourced maps of trafficking and smuggling routes in Kazakhstan "
            "and Central Asia."
        ),
    )
    parser.add_argument("--version", action="version", version=version("kzmap"))
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
    except UsageError as err:
        if args.debug:
            raise
        print(f"kzmap: error: {err}", file=sys.stderr)
        return 2
    except KzmapError as err:
        if args.debug:
            raise
        print(f"kzmap: error: {err}", file=sys.stderr)
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
