"""The ``loupe`` command: sub-commands go to the CLI, anything else opens the desktop app.

``loupe --smoke`` checks, in the app's real window, that the installed app works.

``serve`` and ``cloud`` belong to the cloud package, the others to core.

Lives outside ``core`` because core never imports the desktop; PySide6 is only
imported when the window is really wanted, so ``loupe preview`` stays quick.
"""

from __future__ import annotations

# First, before anything heavy: start-up is timed from here where the process's own
# start cannot be read (see desktop.startup).
import desktop.startup  # noqa: F401

# isort: split
import atexit
import contextlib
import multiprocessing
import os
import sys
from collections.abc import Sequence

__all__ = ["CLOUD_COMMANDS", "CORE_COMMANDS", "main", "run"]

# The sub-commands of core.cli and cloud.cli (a test keeps these in step): named here
# so that opening the app does not first import both command lines, Polars and the
# cloud client with them.
CORE_COMMANDS = ("preview", "convert", "profile", "compare")
CLOUD_COMMANDS = ("serve", "cloud")


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``loupe`` with ``argv`` (default: the process arguments)."""
    # Files are first decoded in child processes (core.read.isolation); in a frozen app,
    # such a child is this executable again, and must run the child's work only.
    multiprocessing.freeze_support()
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--smoke"]:
        # Imports Qt before the app exists, as QtWebEngine needs.
        from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: F401

        from desktop.qt_smoke import main as smoke_main

        return smoke_main()
    if args and args[0] in CLOUD_COMMANDS:
        from cloud.cli import main as cloud_main

        return cloud_main(args)
    if args and (args[0] in CORE_COMMANDS or args[0].startswith("-")):
        from core.cli import main as cli_main

        return cli_main(args)
    from desktop.app import main as app_main

    return app_main(args)


def run() -> None:
    """The ``loupe`` command's process: run :func:`main` and exit with its code.

    After a core sub-command (``profile``, ``preview``, ``convert``) the process
    leaves as soon as its output is written and its exit handlers (temporary
    files, spilled row hashes) have run, without tearing down every module the
    interpreter loaded: that teardown took 0.08 s of a 1 s profile.
    """
    args = sys.argv[1:]
    code = main(args)
    if args and args[0] in CORE_COMMANDS:
        for stream in (sys.stdout, sys.stderr):
            # A reader that left, or a closed stream, has nothing more to get.
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        atexit._run_exitfuncs()
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":
    run()
