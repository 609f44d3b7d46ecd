"""``loupe cloud profile|insights``: upload a file, run the job, show the result.

Progress goes to stderr; results to stdout or ``--json``. Ctrl+C during the
upload aborts it on the server; during the wait it only stops waiting.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any, cast

from rich.console import Console
from rich.markup import escape

from cloud.client.cloud_client import CloudClient, Progress
from cloud.client.conversion import parquet_copy
from cloud.client.credentials import api_key, open_store, token_provider
from cloud.client.progress import TerminalProgress, size_text
from cloud.insights import omitted_text, printable
from core.errors import OptionError
from core.output import write_text
from core.present.summary import print_summary
from core.profiling.document import Profile, Severity

__all__ = ["EXIT_FAILED", "EXIT_INPUT", "EXIT_INTERRUPTED", "EXIT_OK", "run_remote_job"]

EXIT_OK, EXIT_FAILED, EXIT_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130


def run_remote_job(args: argparse.Namespace) -> int:
    """Run ``loupe cloud profile|insights`` as ``args`` say; returns the exit code.

    Raises:
        OptionError: bad options, a missing file or no token.
        core.errors.LoupeError: the file cannot be read.
        CloudError: the service or the job failed.
    """
    store = open_store()
    token = token_provider(args.endpoint, store)
    key = api_key(args.endpoint, store)
    if args.action == "insights" and not 0 <= args.sample_rows <= 20:
        raise OptionError("--sample-rows must be between 0 and 20")
    progress = TerminalProgress(sys.stderr)
    with tempfile.TemporaryDirectory(prefix="loupe-upload-") as folder:
        if not args.file.is_file():
            raise OptionError(f"{args.file}: no such file")
        upload = args.file if args.no_convert else parquet_copy(args.file, Path(folder))
        if upload != args.file:
            sys.stderr.write(
                f"converted to Parquet: {size_text(args.file.stat().st_size)} → "
                f"{size_text(upload.stat().st_size)}\n"
            )
        with CloudClient(args.endpoint, token, api_key=key) as client:
            result = _upload_and_wait(client, args, upload, progress)
    if result is None:
        return EXIT_INTERRUPTED
    _show(result, args)
    return EXIT_OK


def _upload_and_wait(
    client: CloudClient, args: argparse.Namespace, upload: Path, progress: Progress
) -> dict[str, Any] | None:
    """Upload, run the job and fetch its result; None when Ctrl+C stopped it."""
    try:
        if args.resume:
            upload_id = client.resume_upload(args.resume, upload, progress=progress)
        else:
            upload_id = client.upload(upload, progress=progress)
    except KeyboardInterrupt:
        sys.stderr.write("\nupload aborted\n")
        return None
    options: dict[str, Any] = {"engine": args.engine}
    if args.action == "insights":
        options.update(question=args.question, sample_rows=args.sample_rows or None)
    job = client.start_job(upload_id, args.action, **options)
    try:
        state = client.wait(job["job_id"], progress=progress)
    except KeyboardInterrupt:
        sys.stderr.write(f"\nstopped waiting; job {job['job_id']} goes on on the server\n")
        return None
    return client.result(state)


def _show(result: dict[str, Any], args: argparse.Namespace) -> None:
    """Write the result to ``--json``, or print its summary or insights."""
    profile = result.get("profile", result)
    profile.setdefault("source", {})["name"] = args.file.name
    if args.json:
        write_text(args.json, json.dumps(result, indent=2, ensure_ascii=False))
        sys.stderr.write(f"wrote {args.json}\n")
    elif args.action == "profile":
        # The document the API answers is the profile, as loupe profile --json writes it.
        print_summary(cast(Profile, result), Console())
    else:
        _print_insights(result)


def _print_insights(result: dict[str, Any]) -> None:
    """The insights, most severe first, each saying whether its evidence matches the profile.

    Everything from the model or the file is printed as text: no markup, no
    escape sequences or control characters (see :func:`cloud.insights.printable`).
    """
    console = Console()
    colours = {Severity.CRITICAL: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
    ranks = {severity.value: severity.rank for severity in Severity}
    insights = sorted(
        result.get("insights", []), key=lambda i: ranks.get(i["severity"], len(ranks))
    )
    if not insights:
        console.print("The model found nothing to report.")
    for insight in insights:
        matches = insight["status"] == "verified"
        mark = "evidence matches the profile" if matches else "evidence does not match the profile"
        colour = colours.get(insight["severity"], "white")
        console.print(
            f"[{colour}]{_text(insight['severity']):>8}[/]  [bold]{_text(insight['title'])}[/]"
            f" [dim]({mark})[/]"
        )
        console.print(f"          {_text(insight['detail'])}")
    for chart in result.get("charts", []):
        axes = chart["x"] + (f" × {chart['y']}" if chart.get("y") else "")
        console.print(f"   chart  {_text(chart['type'])} of {_text(axes)}: {_text(chart['title'])}")
    if insights:
        console.print(
            "[dim]Evidence that matches the profile has the profile's figures; what the model "
            "concludes from them is not checked.[/]"
        )
    left_out = omitted_text(result.get("omitted"))
    if left_out:
        console.print(f"[dim]{escape(left_out)}[/]")


def _text(value: Any) -> str:
    """Text from the model or the file, safe to print: no markup, escapes or controls."""
    return escape(printable(str(value)))
