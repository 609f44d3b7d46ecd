"""Running the ``loupe`` command: parse, dispatch to the sub-command, and exit codes for errors.

Exit codes: 0 on success, 2 for input Loupe cannot read or options that do not
fit, 130 when interrupted.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import polars as pl

from core.cli import compare, convert, preview, profile
from core.cli.exits import EXIT_INPUT, EXIT_INTERRUPTED, EXIT_OK
from core.cli.parser import COMMANDS, build_parser, read_options
from core.errors import LoupeError, first_line

__all__ = ["main"]


def _run(argv: Sequence[str]) -> int:
    """Parse ``argv`` and run the sub-command."""
    parser = build_parser()
    if not argv or not (argv[0] in COMMANDS or argv[0].startswith("-")):
        # `loupe [FILE ...]` is the desktop app's entry.
        sys.stderr.write(
            "The desktop app starts with the 'loupe' command itself ('loupe FILE'); "
            "this entry point runs only the sub-commands (see 'loupe --help').\n"
        )
        return EXIT_INPUT if argv else EXIT_OK
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_OK
    options = read_options(args)
    match args.command:
        case "preview":
            return preview.run(args, options)
        case "convert":
            return convert.run(args, options)
        case "profile":
            return profile.run(args, options)
        case "compare":
            return compare.run(args, options)
    parser.error(f"unknown command {args.command}")
    return EXIT_INPUT  # pragma: no cover - parser.error exits


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``loupe`` command; returns the exit code."""
    try:
        return _run(sys.argv[1:] if argv is None else argv)
    except LoupeError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return EXIT_INPUT
    except KeyboardInterrupt:
        sys.stderr.write("error: interrupted\n")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # `loupe preview big.csv | head`: the reader left; nothing is wrong.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except (pl.exceptions.PolarsError, pl.exceptions.PanicException) as exc:
        sys.stderr.write(f"error: {first_line(exc)}\n")
        return EXIT_INPUT
    except Exception as exc:
        if os.environ.get("LOUPE_DEBUG"):
            raise
        sys.stderr.write(
            f"error: internal error ({type(exc).__name__}: {exc}); "
            "run again with LOUPE_DEBUG=1 for details\n"
        )
        return EXIT_INPUT
