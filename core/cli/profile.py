"""``loupe profile``: profile a table, or merge profiles; print a summary or write JSON and HTML."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from core.cli.exits import EXIT_OK
from core.cli.outputs import add_outputs
from core.errors import OptionError
from core.output import write_text
from core.profiling.config import ENGINES, ProfileConfig, load_config
from core.read.guard import reading
from core.read.table import ReadOptions, Table, open_table

if TYPE_CHECKING:
    from core.profiling.engine import ProfileResult

__all__ = ["add_parser", "run"]


def add_parser(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    parents: list[argparse.ArgumentParser],
) -> None:
    """Add the ``profile`` sub-command to ``sub``."""
    parser = sub.add_parser(
        "profile",
        parents=parents,
        help="profile a table: types, missing values, distributions, correlations, alerts",
        description="Profile a table and print a summary, or write the profile as JSON.",
    )
    parser.add_argument("file", nargs="?", help="the table (leave out with --merge)")
    add_outputs(parser, "the profile")
    parser.add_argument(
        "--no-samples",
        action="store_true",
        help="leave the first and last rows out of the HTML report (privacy)",
    )
    parser.add_argument("--engine", choices=ENGINES, help="memory, streaming or auto (default)")
    parser.add_argument("--sample", type=int, metavar="N", help="profile only the first N rows")
    parser.add_argument(
        "--config", metavar="PATH", help="TOML or JSON file of settings and alert thresholds"
    )
    parser.add_argument(
        "--merge",
        nargs="+",
        metavar="PROFILE",
        help="merge profiles (JSON files written by --json) into one",
    )


def run(args: argparse.Namespace, options: ReadOptions) -> int:
    """Profile ``args.file`` (or merge ``args.merge``); print a summary or write JSON and HTML."""
    config = load_config(args.config, engine=args.engine, sample=args.sample)
    seconds: float | None = None
    if args.merge:
        if args.file:
            raise OptionError("give either FILE or --merge, not both")
        from core.profiling.profile import load_profile, merge_profiles

        profiles = [load_profile(path) for path in args.merge]
        profile = merge_profiles(profiles, config, names=args.merge)
    else:
        if not args.file:
            raise OptionError("profile needs a FILE (or --merge PROFILE ...)")
        with reading(args.file), open_table(args.file, options) as table:
            result = _profile_with_progress(table, config)
            profile, seconds = result.profile, result.seconds
            for warning in table.info.warnings:
                sys.stderr.write(f"warning: {warning}\n")
    if args.html:
        from core.present.report import write_report

        write_report(
            profile,
            args.html,
            seconds=seconds,
            include_samples=not args.no_samples,
            theme=args.theme,
        )
        sys.stderr.write(f"wrote {args.html}\n")
    if args.json:
        from core.profiling.profile import dumps

        text = dumps(profile)
        if args.json == "-":
            sys.stdout.write(text + "\n")
        else:
            write_text(args.json, text + "\n")
            sys.stderr.write(f"wrote {args.json}\n")
    elif not args.html:
        from rich.console import Console

        from core.present.summary import print_summary

        print_summary(profile, Console(highlight=False, width=None if sys.stdout.isatty() else 140))
    return EXIT_OK


def _profile_with_progress(table: Table, config: ProfileConfig) -> ProfileResult:
    """Profile, with a progress bar on stderr when it is a terminal."""
    from core.profiling.engine import profile_table

    if not sys.stderr.isatty():
        return profile_table(table, config)
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("reading", total=1.0)

        def report(phase: str, fraction: float) -> None:
            bar.update(task, description=phase, completed=fraction)

        return profile_table(table, config, progress=report)
