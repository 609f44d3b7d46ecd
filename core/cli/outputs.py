"""Command-line options several sub-commands share."""

from __future__ import annotations

import argparse

__all__ = ["add_outputs"]


def add_outputs(parser: argparse.ArgumentParser, what: str) -> None:
    """The output options a profile and a comparison share: ``--json``, ``--html``, ``--theme``.

    Args:
        parser: the sub-command's parser.
        what: what is written, for the help ("the profile", "the comparison").
    """
    parser.add_argument(
        "--json", metavar="PATH", help=f"write {what} as JSON to PATH ('-' for stdout)"
    )
    parser.add_argument("--html", metavar="PATH", help=f"write {what} as one offline HTML report")
    parser.add_argument(
        "--theme", choices=("light", "dark"), default="light", help="HTML report theme"
    )
