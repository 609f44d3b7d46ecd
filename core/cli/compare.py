"""``loupe compare``: what changed between two datasets, from data files or saved profiles."""

from __future__ import annotations

import argparse
import sys

from core.cli.exits import EXIT_OK
from core.cli.outputs import add_outputs
from core.output import write_text
from core.profiling.config import ENGINES, load_config
from core.profiling.document import Profile
from core.read.guard import reading
from core.read.table import ReadOptions, open_table

__all__ = ["add_parser", "run"]


def add_parser(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    parents: list[argparse.ArgumentParser],
) -> None:
    """Add the ``compare`` sub-command to ``sub``."""
    parser = sub.add_parser(
        "compare",
        parents=parents,
        help="compare two datasets: schema changes, figures side by side, drift, alerts",
        description="Compare dataset B with dataset A. Each is a table, or a profile saved "
        "with `loupe profile --json` (any mix): a table is profiled first, a saved profile "
        "is compared without its data.",
    )
    parser.add_argument("a", metavar="A", help="the reference: a table or a saved profile")
    parser.add_argument("b", metavar="B", help="the table or saved profile compared with A")
    add_outputs(parser, "the comparison")
    parser.add_argument(
        "--config", metavar="PATH", help="TOML or JSON file of comparison settings and thresholds"
    )
    parser.add_argument(
        "--engine", choices=ENGINES, help="how tables are profiled: memory, streaming or auto"
    )


def run(args: argparse.Namespace, options: ReadOptions) -> int:
    """Compare ``args.b`` with ``args.a``; print a summary, or write JSON and HTML."""
    from core.compare import compare_profiles, load_compare_config

    config = load_compare_config(args.config)
    profiles = [_side(path, options, args.engine) for path in (args.a, args.b)]
    comparison = compare_profiles(profiles[0], profiles[1], config, names=(args.a, args.b))
    if args.html:
        from core.present.compare_report import write_compare_report

        write_compare_report(comparison, args.html, theme=args.theme)
        sys.stderr.write(f"wrote {args.html}\n")
    if args.json:
        from core.profiling.profile import dumps

        text = dumps(comparison)
        if args.json == "-":
            sys.stdout.write(text + "\n")
        else:
            write_text(args.json, text + "\n")
            sys.stderr.write(f"wrote {args.json}\n")
    elif not args.html:
        from rich.console import Console

        from core.present.compare_summary import print_comparison

        width = None if sys.stdout.isatty() else 140
        print_comparison(comparison, Console(highlight=False, width=width))
    return EXIT_OK


def _side(path: str, options: ReadOptions, engine: str | None) -> Profile:
    """A side's profile: loaded when ``path`` is a saved profile, else made from the table.

    Raises:
        SourceError: the table cannot be read (a missing file among others).
        ProfileError: a saved profile that cannot be used.
    """
    from core.compare import is_saved_profile, load_saved_profile

    if is_saved_profile(path):
        return load_saved_profile(path)
    from core.profiling.engine import profile_table

    config = load_config(None, engine=engine)
    with reading(path), open_table(path, options) as table:
        profile = profile_table(table, config).profile
        for warning in table.info.warnings:
            sys.stderr.write(f"warning: {path}: {warning}\n")
    return profile
