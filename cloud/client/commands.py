"""``loupe cloud profile|insights|job``: upload a file, run the job, show the result.

Progress, and the ids of the upload and the job, go to stderr; results to
stdout or ``--json``. Ctrl+C during the upload aborts it on the server; during
the wait it only stops waiting. Whatever stops an upload after it was created
prints its id and the command that finishes it (``--resume``); whatever stops
the wait prints the job's id and the command that follows it again
(``loupe cloud job``).
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import sys
import tempfile
from pathlib import Path
from typing import Any, cast

from rich.console import Console
from rich.markup import escape

from cloud.client.cloud_client import (
    CloudClient,
    Progress,
    UploadInterrupted,
    UploadLeftOpen,
    WaitInterrupted,
)
from cloud.client.conversion import parquet_copy
from cloud.client.credentials import kept_credentials, open_store
from cloud.client.progress import TerminalProgress, size_text
from cloud.errors import AuthError, CloudError, NotFoundError, SignInError
from cloud.insights import omitted_text, printable
from core.errors import OptionError
from core.output import write_text
from core.present.summary import print_summary
from core.profiling.document import Profile, Severity

__all__ = [
    "EXIT_FAILED",
    "EXIT_INPUT",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "follow_job",
    "remote_id",
    "run_remote_job",
]

EXIT_OK, EXIT_FAILED, EXIT_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130

_ID = re.compile(r"[0-9A-Za-z_-]{1,100}")


def remote_id(text: str) -> str:
    """An upload or job id as given on the command line (argparse ``type``).

    Raises:
        argparse.ArgumentTypeError: it cannot be one (it would change the request's path).
    """
    if not _ID.fullmatch(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not an upload or job id")
    return text


def _say(text: str) -> None:
    """One or more lines to stderr, after any progress line."""
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def run_remote_job(args: argparse.Namespace) -> int:
    """Run ``loupe cloud profile|insights`` as ``args`` say; returns the exit code.

    Raises:
        OptionError: bad options, a missing file or no token.
        core.errors.LoupeError: the file cannot be read.
        CloudError: the service or the job failed.
    """
    if args.action == "insights" and not 0 <= args.sample_rows <= 20:
        raise OptionError("--sample-rows must be between 0 and 20")
    progress = TerminalProgress(sys.stderr)
    with (
        kept_credentials(args.endpoint, open_store()) as (token, key),
        tempfile.TemporaryDirectory(prefix="loupe-upload-") as folder,
    ):
        if not args.file.is_file():
            raise OptionError(f"{args.file}: no such file")
        upload = args.file if args.no_convert else parquet_copy(args.file, Path(folder))
        if upload != args.file:
            sys.stderr.write(
                f"converted to Parquet: {size_text(args.file.stat().st_size)} → "
                f"{size_text(upload.stat().st_size)}\n"
            )
        with CloudClient(args.endpoint, token, api_key=key) as client:
            upload_id = _upload(client, args, upload, progress)
            if upload_id is None:
                return EXIT_INTERRUPTED
            if not upload_id:
                return EXIT_FAILED
            outcome = _run_job(client, args, upload_id, progress)
    if isinstance(outcome, int):
        return outcome
    _show(outcome, args.action, args.file.name, args.json)
    return EXIT_OK


def follow_job(args: argparse.Namespace) -> int:
    """Run ``loupe cloud job JOB_ID``: wait for a job started earlier, show its result.

    Raises:
        OptionError: no token.
        CloudError: the service failed, the job failed, or there is no such job.
    """
    with (
        kept_credentials(args.endpoint, open_store()) as (token, key),
        CloudClient(args.endpoint, token, api_key=key) as client,
    ):
        state = _wait(client, args, args.job_id, TerminalProgress(sys.stderr))
        if isinstance(state, int):
            return state
        result = client.result(state)
    _show(result, str(state.get("kind") or "profile"), None, args.json)
    return EXIT_OK


def _upload(
    client: CloudClient, args: argparse.Namespace, upload: Path, progress: Progress
) -> str | None:
    """Upload (or resume); the upload id, None when Ctrl+C stopped it, "" when it failed.

    A failure after the upload was created says how to finish it.
    """
    try:
        if args.resume:
            return client.resume_upload(args.resume, upload, progress=progress)
        return client.upload(upload, progress=progress)
    except UploadLeftOpen as exc:
        _say(
            f"\nupload {exc.upload_id} could not be aborted ({exc.reason}); it stays open on "
            f"the server until it expires. To finish it:\n    {_command(args, exc.upload_id)}"
        )
        return None
    except KeyboardInterrupt:
        _say("\nupload aborted")
        return None
    except UploadInterrupted as exc:
        _say(f"\nerror: {exc}")
        _say(_how_to_finish(args, exc.upload_id, exc.cause))
        return ""
    except NotFoundError:
        if not args.resume:
            raise
        _say(
            f"error: upload {args.resume} is no longer on the server (finished long ago, "
            "expired or aborted); run the command again without --resume"
        )
        return ""


def _how_to_finish(args: argparse.Namespace, upload_id: str, cause: BaseException | None) -> str:
    """The line saying how to finish an upload: sign in again first if the token was refused."""
    command = _command(args, upload_id)
    if isinstance(cause, AuthError | SignInError):
        return (
            f"to finish it, sign in again (`loupe cloud login --endpoint {args.endpoint}`, or a "
            f"fresh LOUPE_API_TOKEN), then run:\n    {command}"
        )
    return f"to finish it:\n    {command}"


def _command(args: argparse.Namespace, upload_id: str) -> str:
    """The ``loupe cloud`` command that finishes ``upload_id`` and runs the job asked for."""
    words = ["loupe", "cloud", args.action, str(args.file), "--endpoint", args.endpoint]
    if args.no_convert:
        words.append("--no-convert")
    if args.engine:
        words += ["--engine", args.engine]
    if args.action == "insights":
        if args.question:
            words += ["--question", args.question]
        if args.sample_rows:
            words += ["--sample-rows", str(args.sample_rows)]
    if args.json:
        words += ["--json", str(args.json)]
    return shlex.join([*words, "--resume", upload_id])


def _run_job(
    client: CloudClient, args: argparse.Namespace, upload_id: str, progress: Progress
) -> dict[str, Any] | int:
    """Start the job on a finished upload, wait for it and fetch its result (or an exit code)."""
    options: dict[str, Any] = {"engine": args.engine}
    if args.action == "insights":
        options.update(question=args.question, sample_rows=args.sample_rows or None)
    try:
        job = client.start_job(upload_id, args.action, **options)
    except KeyboardInterrupt:
        _say(f"\nupload {upload_id} is complete, its job was not started. To start it:")
        _say(f"    {_command(args, upload_id)}")
        return EXIT_INTERRUPTED
    except CloudError as exc:
        _say(f"\nerror: {exc}; upload {upload_id} is complete, its job was not started")
        _say(_how_to_finish(args, upload_id, exc))
        return EXIT_FAILED
    job_id = str(job["job_id"])
    _say(f"job {job_id} started (`loupe cloud job {job_id}` follows it again)")
    state = _wait(client, args, job_id, progress)
    return state if isinstance(state, int) else client.result(state)


def _wait(
    client: CloudClient, args: argparse.Namespace, job_id: str, progress: Progress
) -> dict[str, Any] | int:
    """The job's final state, or the exit code once the wait stopped (saying how to go on)."""
    again = shlex.join(["loupe", "cloud", "job", job_id, "--endpoint", args.endpoint])
    try:
        return client.wait(job_id, progress=progress)
    except KeyboardInterrupt:
        _say(f"\nstopped waiting; job {job_id} goes on on the server: `{again}` follows it")
        return EXIT_INTERRUPTED
    except WaitInterrupted as exc:
        _say(f"\nerror: {exc}; the job goes on on the server: `{again}` follows it again")
        return EXIT_FAILED


def _show(result: dict[str, Any], kind: str, name: str | None, out: Path | None) -> None:
    """Write the result to ``out``, or print its summary or insights.

    ``name`` replaces the uploaded copy's name in the profile (the file the user named).
    """
    profile = result.get("profile", result)
    if name is not None:
        profile.setdefault("source", {})["name"] = name
    if out:
        write_text(out, json.dumps(result, indent=2, ensure_ascii=False))
        sys.stderr.write(f"wrote {out}\n")
    elif kind == "profile":
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
