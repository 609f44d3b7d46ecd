"""``loupe serve`` and ``loupe cloud …``: the backend on this machine, and its client.

    loupe serve [--host 127.0.0.1] [--port 8765]
    loupe cloud login [--endpoint URL]            keep a token in the OS keyring
    loupe cloud logout [--endpoint URL]
    loupe cloud profile FILE [--endpoint URL] [--json OUT]
    loupe cloud insights FILE [--endpoint URL] [--question TEXT] [--json OUT]

The endpoint defaults to ``LOUPE_ENDPOINT``, else the local server. The token
comes from ``LOUPE_API_TOKEN``, else the keyring entry ``loupe login`` made
for that endpoint; an API Gateway key likewise from ``LOUPE_API_KEY`` or the
keyring. Progress goes to stderr; results to stdout or ``--json``.
Exit codes: 0 done, 1 the service or the job failed, 2 bad input or options,
130 interrupted (an upload in progress is aborted on the server first).
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import json
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from cloud.client import CloudClient, UploadInterrupted, parquet_copy
from cloud.errors import CloudError

__all__ = ["COMMANDS", "main"]

COMMANDS = ("serve", "cloud")
DEFAULT_ENDPOINT = "http://127.0.0.1:8765"
KEYRING_SERVICE = "loupe"
EXIT_OK, EXIT_FAILED, EXIT_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130


class OptionError(Exception):
    """The command line or the environment asks for something impossible."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="loupe", description="Loupe's cloud backend and client.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser("serve", help="run the whole backend on this machine")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8765, help="port (0 picks a free one)")
    serve.add_argument("--chunk-rows", type=int, default=1_000_000, help=argparse.SUPPRESS)

    cloud = sub.add_parser("cloud", help="profile or get insights through a Loupe endpoint")
    actions = cloud.add_subparsers(dest="action", required=True, metavar="ACTION")
    endpoint = argparse.ArgumentParser(add_help=False)
    endpoint.add_argument(
        "--endpoint",
        default=os.environ.get("LOUPE_ENDPOINT") or DEFAULT_ENDPOINT,
        help="the API's URL (default: $LOUPE_ENDPOINT or the local server)",
    )
    actions.add_parser("login", parents=[endpoint], help="keep a token in the OS keyring")
    actions.add_parser("logout", parents=[endpoint], help="forget the keyring token")

    job = argparse.ArgumentParser(add_help=False, parents=[endpoint])
    job.add_argument("file", type=Path, help="the table to upload")
    job.add_argument("--json", type=Path, metavar="OUT", help="write the result as JSON here")
    job.add_argument(
        "--no-convert", action="store_true", help="upload the file as it is, not as Parquet"
    )
    job.add_argument("--resume", metavar="UPLOAD_ID", help="finish an interrupted upload")
    job.add_argument(
        "--engine",
        choices=("auto", "memory", "streaming"),
        default=None,
        help="the server's profiling engine (default: auto)",
    )
    actions.add_parser("profile", parents=[job], help="profile FILE in the cloud")
    insights = actions.add_parser("insights", parents=[job], help="ask Nemotron about FILE")
    insights.add_argument("--question", help="what you want to know about the data")
    insights.add_argument(
        "--sample-rows",
        type=int,
        default=0,
        help="also show the model this many raw rows (0-20; default none)",
    )
    return parser


# ------------------------------------------------------------------ credentials


def _keyring() -> Any:
    """The keyring module, or OptionError saying why there is none."""
    try:
        import keyring
        from keyring.backends.fail import Keyring as NoKeyring
    except ImportError:
        raise OptionError("the keyring package is not installed; set LOUPE_API_TOKEN") from None
    if isinstance(keyring.get_keyring(), NoKeyring):
        raise OptionError("no OS keyring is available on this machine; set LOUPE_API_TOKEN instead")
    return keyring


def _secret(env: str, entry: str, endpoint: str, *, required: bool) -> str | None:
    """A credential from the environment, else the keyring entry for ``endpoint``."""
    if os.environ.get(env):
        return os.environ[env]
    try:
        value = _keyring().get_password(KEYRING_SERVICE, f"{entry}@{endpoint}")
    except OptionError:
        if required:
            raise
        return None
    except Exception as exc:  # keyring backends raise their own errors
        raise OptionError(
            f"the OS keyring could not be read ({type(exc).__name__}); set {env} instead"
        ) from None
    if value is not None and not isinstance(value, str):
        raise OptionError(f"the OS keyring gave an unusable value; set {env} instead")
    if value is None and required:
        raise OptionError(
            f"no access token for {endpoint}: set {env}, or run `loupe cloud login "
            f"--endpoint {endpoint}`"
        )
    return value


def _login(endpoint: str, stdin: TextIO) -> int:
    """Ask for a token (and an optional API key) and keep them in the keyring."""
    ring = _keyring()
    if stdin.isatty():
        token = getpass.getpass(f"Access token for {endpoint}: ").strip()
        api_key = getpass.getpass("API key (Enter if none): ").strip()
    else:
        lines = [*stdin.read().splitlines(), "", ""]
        token, api_key = lines[0].strip(), lines[1].strip()
    if not token:
        raise OptionError("no token given")
    try:
        ring.set_password(KEYRING_SERVICE, f"token@{endpoint}", token)
        if api_key:
            ring.set_password(KEYRING_SERVICE, f"api-key@{endpoint}", api_key)
    except Exception as exc:
        raise OptionError(f"the OS keyring refused the token ({type(exc).__name__})") from None
    sys.stderr.write(f"token kept in the OS keyring for {endpoint}\n")
    return EXIT_OK


def _logout(endpoint: str) -> int:
    ring = _keyring()
    for entry in ("token", "api-key"):
        with contextlib.suppress(Exception):  # absent already: nothing to forget
            ring.delete_password(KEYRING_SERVICE, f"{entry}@{endpoint}")
    sys.stderr.write(f"forgot the token for {endpoint}\n")
    return EXIT_OK


# ------------------------------------------------------------------ progress


class _Progress:
    """Progress lines on stderr: redrawn in place on a terminal, every 10% otherwise."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._tty = stream.isatty()
        self._last: tuple[str, int] = ("", -1)
        self._shown = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        percent = int(100 * done / total) if total else 100
        step = percent if self._tty else percent // 10 * 10
        if (stage, step) == self._last:
            return
        now = time.monotonic()
        if self._tty and percent < 100 and now - self._shown < 0.1:
            return
        self._last, self._shown = (stage, step), now
        if stage == "upload":
            text = f"uploading: {percent:3d}% ({_size(done)} of {_size(total)})"
        else:
            text = f"job: {percent:3d}%"
        self._stream.write(("\r\x1b[2K" + text) if self._tty else text + "\n")
        if self._tty and percent >= 100:
            self._stream.write("\n")
        self._stream.flush()


# ------------------------------------------------------------------ jobs


def _size(count: int) -> str:
    """A byte count for people: kB below a megabyte, MB above."""
    return f"{count / 1e3:.1f} kB" if count < 1e6 else f"{count / 1e6:.1f} MB"


def _run_job(args: argparse.Namespace) -> int:
    token = _secret("LOUPE_API_TOKEN", "token", args.endpoint, required=True)
    api_key = _secret("LOUPE_API_KEY", "api-key", args.endpoint, required=False)
    assert token is not None
    if args.action == "insights" and not 0 <= args.sample_rows <= 20:
        raise OptionError("--sample-rows must be between 0 and 20")
    progress = _Progress(sys.stderr)
    with tempfile.TemporaryDirectory(prefix="loupe-upload-") as folder:
        if not args.file.is_file():
            raise OptionError(f"{args.file}: no such file")
        upload = args.file if args.no_convert else parquet_copy(args.file, Path(folder))
        if upload != args.file:
            sys.stderr.write(
                f"converted to Parquet: {_size(args.file.stat().st_size)} → "
                f"{_size(upload.stat().st_size)}\n"
            )
        with CloudClient(args.endpoint, token, api_key=api_key) as client:
            try:
                if args.resume:
                    upload_id = client.resume_upload(args.resume, upload, progress=progress)
                else:
                    upload_id = client.upload(upload, progress=progress)
            except KeyboardInterrupt:
                sys.stderr.write("\nupload aborted\n")
                return EXIT_INTERRUPTED
            options: dict[str, Any] = {"engine": args.engine}
            if args.action == "insights":
                options.update(question=args.question, sample_rows=args.sample_rows or None)
            job = client.start_job(upload_id, args.action, **options)
            try:
                state = client.wait(job["job_id"], progress=progress)
            except KeyboardInterrupt:
                sys.stderr.write(f"\nstopped waiting; job {job['job_id']} goes on on the server\n")
                return EXIT_INTERRUPTED
            result = client.result(state)
    profile = result.get("profile", result)
    profile.setdefault("source", {})["name"] = args.file.name
    if args.json:
        from core.output import write_text

        write_text(args.json, json.dumps(result, indent=2, ensure_ascii=False))
        sys.stderr.write(f"wrote {args.json}\n")
    elif args.action == "profile":
        from rich.console import Console

        from core.present.summary import print_summary

        print_summary(result, Console())
    else:
        _print_insights(result)
    return EXIT_OK


def _print_insights(result: dict[str, Any]) -> None:
    """The insights, most severe first, each marked when its evidence did not check out."""
    from rich.console import Console
    from rich.markup import escape

    console = Console()
    order = {"critical": 0, "warning": 1, "info": 2}
    colours = {"critical": "red", "warning": "yellow", "info": "cyan"}
    insights = sorted(result.get("insights", []), key=lambda i: order.get(i["severity"], 3))
    if not insights:
        console.print("The model found nothing to report.")
    for insight in insights:
        mark = "" if insight["status"] == "verified" else " [dim](unverified)[/]"
        colour = colours.get(insight["severity"], "white")
        console.print(
            f"[{colour}]{insight['severity']:>8}[/]  [bold]{escape(insight['title'])}[/]{mark}"
        )
        console.print(f"          {escape(insight['detail'])}")
    for chart in result.get("charts", []):
        axes = chart["x"] + (f" × {chart['y']}" if chart.get("y") else "")
        console.print(
            f"   chart  {escape(chart['type'])} of {escape(axes)}: {escape(chart['title'])}"
        )


# ------------------------------------------------------------------ serve


def _serve(args: argparse.Namespace) -> int:
    from cloud.local import LocalBackend, LocalSettings

    settings = LocalSettings.from_env(host=args.host, port=args.port, chunk_rows=args.chunk_rows)
    backend = LocalBackend(settings).start()
    # Ctrl+C at any moment once the backend runs, even while the banner is written,
    # stops it cleanly.
    try:
        out = sys.stdout
        out.write(f"Loupe cloud (local) is running at {backend.url}\n")
        out.write(f"Access token (local user, valid 12 hours):\n    {backend.token}\n")
        out.write(
            f"Try: LOUPE_API_TOKEN=<token> loupe cloud profile FILE --endpoint {backend.url}\n"
        )
        if backend.insights_enabled:
            from cloud.insights import DEFAULT_MODEL

            out.write(f"Insights: on ({settings.nemotron_model or DEFAULT_MODEL})\n")
        else:
            out.write("Insights: off (set NVIDIA_API_KEY to turn them on)\n")
        if settings.host not in ("127.0.0.1", "localhost", "::1"):
            out.write(
                "Note: files are uploaded to a storage server on 127.0.0.1, so clients must run "
                "on this machine.\n"
            )
        out.write("Uploads and jobs live in memory until you stop the server (Ctrl+C).\n")
        out.flush()
        backend.wait()
    except KeyboardInterrupt:
        sys.stderr.write("stopping\n")
    finally:
        backend.stop()
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``loupe serve`` or ``loupe cloud …``; returns the exit code."""
    args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    try:
        if args.command == "serve":
            return _serve(args)
        if args.action == "login":
            return _login(args.endpoint, sys.stdin)
        if args.action == "logout":
            return _logout(args.endpoint)
        return _run_job(args)
    except OptionError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return EXIT_INPUT
    except UploadInterrupted as exc:
        sys.stderr.write(f"\nerror: {exc} (loupe cloud … --resume {exc.upload_id})\n")
        return EXIT_FAILED
    except CloudError as exc:
        sys.stderr.write(f"\nerror: {exc}\n")
        return EXIT_FAILED
    except KeyboardInterrupt:
        sys.stderr.write("\ninterrupted\n")
        return EXIT_INTERRUPTED
    except Exception as exc:
        from core.errors import LoupeError

        if isinstance(exc, LoupeError):
            sys.stderr.write(f"error: {exc}\n")
            return EXIT_INPUT
        if os.environ.get("LOUPE_DEBUG"):
            raise
        sys.stderr.write(
            f"error: internal error ({type(exc).__name__}); "
            "run again with LOUPE_DEBUG=1 for details\n"
        )
        return EXIT_FAILED
