"""``loupe serve`` and ``loupe cloud …``: the backend on this machine, and its client.

    loupe serve [--host 127.0.0.1] [--port 8765]
    loupe cloud login [--endpoint URL] [--no-browser | --token-from-stdin]
    loupe cloud logout [--endpoint URL]
    loupe cloud profile FILE [--endpoint URL] [--json OUT] [--resume UPLOAD_ID]
    loupe cloud insights FILE [--endpoint URL] [--question TEXT] [--json OUT] [--resume UPLOAD_ID]
    loupe cloud job JOB_ID [--endpoint URL] [--json OUT]

The endpoint defaults to ``LOUPE_ENDPOINT``, else the newest ``loupe serve``
running on this machine (found through its connection file,
:mod:`cloud.client.connection`), else ``http://127.0.0.1:8765``. The token comes
from ``LOUPE_API_TOKEN``, else that server's connection file, else the keyring
entry ``loupe cloud login`` made for the endpoint; an API Gateway key likewise
from ``LOUPE_API_KEY`` or the keyring. Progress goes to stderr; results to stdout or ``--json``.
Exit codes: 0 done, 1 the service or the job failed, 2 bad input or options,
130 interrupted (an upload in progress is aborted on the server first). An
upload stopped otherwise prints its id and the ``--resume`` command that
finishes it; a job's id is printed when it starts, and ``loupe cloud job``
follows it again and fetches its result.

``loupe cloud`` is the client side (:mod:`cloud.client`); ``loupe serve``
runs the API and the workers (:mod:`cloud.local`), which need the cloud extra.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import webbrowser
from collections.abc import Sequence
from pathlib import Path

from cloud.client.cloud_client import UploadInterrupted
from cloud.client.commands import (
    EXIT_FAILED,
    EXIT_INPUT,
    EXIT_INTERRUPTED,
    EXIT_OK,
    follow_job,
    remote_id,
    run_remote_job,
)
from cloud.client.connection import remove_connection, write_connection
from cloud.client.credentials import (
    browser_login,
    default_endpoint,
    logout,
    open_store,
    paste_login,
)
from cloud.client.endpoint import normalise_endpoint
from cloud.errors import CloudError, missing_extra
from core.errors import LoupeError

__all__ = ["COMMANDS", "main"]

COMMANDS = ("serve", "cloud")
DEFAULT_ENDPOINT = "http://127.0.0.1:8765"


def _parser() -> argparse.ArgumentParser:
    """The ``serve`` and ``cloud`` commands' options."""
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
        type=normalise_endpoint,
        default=default_endpoint(DEFAULT_ENDPOINT),
        help="the API's URL (default: $LOUPE_ENDPOINT, else the loupe serve running here)",
    )
    login = actions.add_parser(
        "login", parents=[endpoint], help="sign in in the browser; the sign-in is kept"
    )
    how = login.add_mutually_exclusive_group()
    how.add_argument(
        "--no-browser",
        action="store_true",
        help="print the sign-in address instead of opening a browser",
    )
    how.add_argument(
        "--token-from-stdin",
        action="store_true",
        help="read an access token (and an API key on the next line) instead of signing in",
    )
    actions.add_parser("logout", parents=[endpoint], help="forget the sign-in kept for it")

    job = argparse.ArgumentParser(add_help=False, parents=[endpoint])
    job.add_argument("file", type=Path, help="the table to upload")
    job.add_argument("--json", type=Path, metavar="OUT", help="write the result as JSON here")
    job.add_argument(
        "--no-convert", action="store_true", help="upload the file as it is, not as Parquet"
    )
    job.add_argument(
        "--resume",
        metavar="UPLOAD_ID",
        type=remote_id,
        help="finish an interrupted upload (the command prints its id), then run the job",
    )
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
    follow = actions.add_parser(
        "job",
        parents=[endpoint],
        help="follow a job started earlier (its id is printed when it starts); show its result",
    )
    follow.add_argument("job_id", metavar="JOB_ID", type=remote_id, help="the job's id")
    follow.add_argument("--json", type=Path, metavar="OUT", help="write the result as JSON here")
    return parser


def _interrupt(signum: int, frame: object) -> None:
    """Turn a termination request into the KeyboardInterrupt Ctrl+C gives."""
    raise KeyboardInterrupt


def _serve(args: argparse.Namespace) -> int:
    """Run the backend on this machine until Ctrl+C."""
    # Imported here: the backend needs the cloud extra (FastAPI, boto3, moto), which a
    # desktop install running only `loupe cloud` does not have.
    try:
        from cloud.local import LocalBackend, LocalSettings
    except ImportError as exc:
        raise missing_extra(exc) from None

    settings = LocalSettings.from_env(host=args.host, port=args.port, chunk_rows=args.chunk_rows)
    # `kill`, a service manager or a closing session stops it as Ctrl+C does: cleanly,
    # its connection file removed.
    signal.signal(signal.SIGTERM, _interrupt)
    backend = LocalBackend(settings).start()
    connection: Path | None = None
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
            out.write(f"Insights: on ({backend.insights_model})\n")
        else:
            out.write("Insights: off (set NVIDIA_API_KEY to turn them on)\n")
        if settings.host not in ("127.0.0.1", "localhost", "::1"):
            out.write(
                "Note: files are uploaded to a storage server on 127.0.0.1, so clients must run "
                "on this machine.\n"
            )
        out.write("Uploads and jobs live in memory until you stop the server (Ctrl+C).\n")
        try:
            connection = write_connection(backend.url, backend.token)
            out.write(f"The desktop app and `loupe cloud` find this server through {connection}\n")
        except OSError as exc:
            out.write(f"No connection file ({exc}): give the URL and token by hand.\n")
        out.flush()
        backend.wait()
    except KeyboardInterrupt:
        sys.stderr.write("stopping\n")
    finally:
        if connection is not None:
            remove_connection(connection)
        backend.stop()
    return EXIT_OK


def _print_url(url: str) -> None:
    """``--no-browser``: show the sign-in address for the user to open."""
    sys.stderr.write(f"open this address in a browser on this machine:\n    {url}\n")
    sys.stderr.flush()


def _open_browser(url: str) -> None:
    """Open the sign-in page, and show its address in case no browser opens."""
    sys.stderr.write(f"signing in in your browser; if none opened, go to:\n    {url}\n")
    sys.stderr.flush()
    webbrowser.open(url)


def _run(args: argparse.Namespace) -> int:
    """The command ``args`` name; its exit code."""
    if args.command == "serve":
        return _serve(args)
    if args.action == "login":
        if args.token_from_stdin:
            paste_login(args.endpoint, sys.stdin, open_store())
        else:
            opener = _print_url if args.no_browser else _open_browser
            browser_login(
                args.endpoint, open_store(), opener, sys.stdin, no_browser=args.no_browser
            )
        return EXIT_OK
    if args.action == "logout":
        logout(args.endpoint, open_store())
        return EXIT_OK
    if args.action == "job":
        return follow_job(args)
    return run_remote_job(args)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``loupe serve`` or ``loupe cloud …``; returns the exit code."""
    args = _parser().parse_args(sys.argv[1:] if argv is None else argv)
    try:
        return _run(args)
    except UploadInterrupted as exc:
        sys.stderr.write(f"\nerror: {exc} (loupe cloud … --resume {exc.upload_id})\n")
        return EXIT_FAILED
    except CloudError as exc:
        sys.stderr.write(f"\nerror: {exc}\n")
        return EXIT_FAILED
    except KeyboardInterrupt:
        sys.stderr.write("\ninterrupted\n")
        return EXIT_INTERRUPTED
    except LoupeError as exc:  # OptionError among them: bad options or input
        sys.stderr.write(f"error: {exc}\n")
        return EXIT_INPUT
    except Exception as exc:
        if os.environ.get("LOUPE_DEBUG"):
            raise
        sys.stderr.write(
            f"error: internal error ({type(exc).__name__}); "
            "run again with LOUPE_DEBUG=1 for details\n"
        )
        return EXIT_FAILED
