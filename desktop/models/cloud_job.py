"""Profiling one open file in the cloud, without Qt: preview, upload, job, result.

:class:`CloudProfileJob` belongs to a tab. :meth:`~CloudProfileJob.prepare`
makes what would be sent (a Parquet copy where that is smaller, see
:func:`cloud.client.parquet_copy`) and describes it in a :class:`Preview`:
nothing leaves the machine until :meth:`~CloudProfileJob.send`. Then the file
goes up, the job runs, and its profile is shown in the tab's session like a
local one, marked as computed in the cloud. Cancel during the upload aborts it
on the server (the path Ctrl+C takes in ``loupe cloud``); during the job it
stops waiting. Errors are one line; the tab's own work never waits on any of it.

A multipart upload that stops part-way (the connection dropped, or the app
was closed: :meth:`~CloudProfileJob.suspend`) is kept in an
:class:`~desktop.models.kept_upload.UploadMemory` for the file and endpoint.
The tab then offers :meth:`~CloudProfileJob.resume`, which sends only the parts
the server lacks without a new preview (the user approved this file already;
the copy sent is made again, identical), or
:meth:`~CloudProfileJob.start_over`, which aborts the old upload on the server
and prepares a fresh one. A file changed since cannot resume: its kept upload
is forgotten.
"""

from __future__ import annotations

import contextlib
import functools
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol, cast

from cloud.client import (
    CloudClient,
    TokenProvider,
    UploadInterrupted,
    WaitInterrupted,
    parquet_copy,
)
from cloud.errors import NotFoundError
from core.errors import Cancelled, LoupeError
from core.profiling.document import Profile
from core.read.formats import detect
from core.read.memory import AUTO_MEMORY_MAX_BYTES, available_memory
from desktop.models.cloud import CloudConnection, CloudFailed, cloud_call
from desktop.models.events import Event
from desktop.models.kept_upload import DictUploadMemory, KeptUpload, UploadMemory, upload_key
from desktop.models.session import DatasetSession
from desktop.models.tasks import Newest, Progress, Runner, describe_error

__all__ = ["ClientFactory", "CloudProfileJob", "Preview", "UploadStopped", "size_text"]


class ClientFactory(Protocol):
    """Makes the API client for a URL, a token provider and an API key (``CloudClient``)."""

    def __call__(
        self, endpoint: str, token: str | TokenProvider, *, api_key: str | None = None
    ) -> CloudClient: ...


# Formats as people name them (the detector's names otherwise).
_FORMAT_NAMES = {
    "delimited": "delimited text",
    "excel": "Excel workbook",
    "ods": "OpenDocument spreadsheet",
    "parquet": "Parquet",
    "arrow": "Arrow IPC",
    "arrow-stream": "Arrow stream",
    "feather-v1": "Feather",
    "json": "JSON",
    "ndjson": "NDJSON",
}
_POLL_SECONDS = 0.25


class UploadStopped(CloudFailed):
    """The upload stopped part-way and can be resumed with ``upload_id``."""

    def __init__(self, message: str, upload_id: str) -> None:
        super().__init__(message)
        self.upload_id = upload_id


class UploadGone(CloudFailed):
    """The interrupted upload to resume is no longer on the server: it must start over."""


class _Suspended(Exception):
    """Raised from the progress callback to stop an upload without aborting it."""


def size_text(count: float) -> str:
    """A byte count for people: bytes, kB, MB or GB."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{int(count)} bytes"


@dataclass(frozen=True)
class Preview:
    """Exactly what would leave the machine, and where it would go.

    ``sent_size`` is None while the copy to send is being made.
    """

    file_name: str
    size: int
    format: str
    endpoint: str
    where: str
    sent_name: str | None = None
    sent_format: str | None = None
    sent_size: int | None = None

    @property
    def ready(self) -> bool:
        """True once the copy to send is known."""
        return self.sent_size is not None

    def rows(self) -> list[tuple[str, str]]:
        """The preview as label and value pairs, in the order they are read."""
        kind = _FORMAT_NAMES.get(self.format, self.format)
        if self.sent_size is None:
            sent = "Parquet where that is smaller — converting…"
        elif self.sent_format == "parquet" and self.format != "parquet":
            shrink = self.sent_size / self.size if self.size else 1.0
            sent = f"{self.sent_name}: Parquet, {size_text(self.sent_size)} ({shrink:.0%} of it)"
        else:
            sent = f"{self.sent_name}: as it is ({kind}, {size_text(self.sent_size)})"
        return [
            ("File", self.file_name),
            ("Size", f"{size_text(self.size)} ({kind})"),
            ("Sent as", sent),
            ("To", f"{self.endpoint} ({self.where})"),
        ]


class CloudProfileJob:
    """A tab's cloud profile; see the module docstring.

    Args:
        session: the tab's dataset (its path; where the profile is shown).
        connection: the app's cloud connection.
        runner: runs the conversion and the network work in the background.
        client: makes the API client for a URL and token (tests pass options).
        engine: returns the profiling engine the job is asked to use.
        clock: seconds, for rates and time left.
        memory: where interrupted uploads are kept (default: in memory only).
    """

    def __init__(
        self,
        session: DatasetSession,
        connection: CloudConnection,
        runner: Runner,
        client: ClientFactory = CloudClient,
        engine: Callable[[], str] = lambda: "auto",
        clock: Callable[[], float] = time.monotonic,
        memory: UploadMemory | None = None,
    ) -> None:
        self.session = session
        self.connection = connection
        self.state = "idle"
        self.preview: Preview | None = None
        self.error = ""
        self.phase = ""
        self.fraction = 0.0
        self.changed: Event[[]] = Event()
        #: makes the API client for a URL and token.
        self.client = client
        self._engine = engine
        self._clock = clock
        self._work = Newest(runner)
        self._folder: Path | None = None
        self._sent: Path | None = None
        self._started = 0.0
        # Cancel's own flag as well as the runner's: it holds from the first moment,
        # whichever runner reports the progress it is asked from.
        self._stop = threading.Event()
        # Set by the app closing: the upload stops where it is and is kept, not aborted.
        self._suspend = threading.Event()
        self.memory: UploadMemory = memory or DictUploadMemory()
        # The upload under way (written by the worker as soon as the API names it).
        self._upload_id: str | None = None
        # The kept upload being resumed, or aborted before starting over.
        self._resuming: KeptUpload | None = None
        self._abandoning: str | None = None

    # -- derived state ---------------------------------------------------------------

    @property
    def running(self) -> bool:
        """True while a conversion, an upload or a job runs."""
        return self.state in ("converting", "uploading", "running")

    @property
    def can_start(self) -> bool:
        """True when the user may ask for a cloud profile."""
        return self.connection.connected and not self.running and self.state != "ready"

    @functools.cached_property
    def suggested(self) -> bool:
        """True when the file is larger than the local engine holds in memory (judged once)."""
        return _in_memory_size(self.session.path) > memory_limit()

    def kept_upload(self) -> KeptUpload | None:
        """The interrupted upload of this file to the connected endpoint, if it can resume.

        One kept for a file changed since (size or modification time) is forgotten.
        """
        if not self.connection.connected:
            return None
        key = upload_key(self.connection.url, self.session.path)
        kept = KeptUpload.from_text(self.memory.load(key))
        if kept is not None and not kept.matches(self.session.path):
            self.memory.save(key, None)
            return None
        return kept

    @property
    def resume_text(self) -> str:
        """The tab's line offering to resume, or "" when there is nothing to resume."""
        if self.running or self.state == "ready":
            return ""
        kept = self.kept_upload()
        if kept is None:
            return ""
        done, total = size_text(kept.done).split(), size_text(kept.total)
        # "16.8 of 50.3 MB" when both are in the same unit.
        stopped = (
            f"{done[0]} of {total}"
            if total.endswith(" " + done[1])
            else f"{size_text(kept.done)} of {total}"
        )
        return f"The upload of {self.session.path.name} stopped at {stopped}"

    @property
    def progress_text(self) -> str:
        """The line under the progress bar: bytes, rate and time left, or the job's phase."""
        if self.state == "converting":
            return "Preparing what would be sent…"
        if self.state == "uploading" and self.preview is not None:
            total = self.preview.sent_size or 0
            done = self.fraction * total
            elapsed = max(self._clock() - self._started, 1e-6)
            rate = done / elapsed
            text = f"Uploading {size_text(done)} of {size_text(total)}"
            if done > 0:
                left = (total - done) / rate
                when = f"about {left:.0f} s left" if left >= 1 else "less than a second left"
                text += f" · {size_text(rate)}/s · {when}"
            return text
        if self.state == "running":
            return f"Profiling in the cloud: {self.phase}"
        return ""

    # -- what the user can do --------------------------------------------------------

    def prepare(self) -> None:
        """Describe what would be sent (converting first); nothing is sent yet."""
        self._resuming = None
        self._prepare()

    def resume(self) -> None:
        """Finish the kept upload of this file (only the missing parts), then run the job.

        No preview: the user approved sending this file when the upload began.
        """
        kept = self.kept_upload()
        if kept is None or self.running:
            return
        self._resuming = kept
        self._prepare()

    def start_over(self) -> None:
        """Abort the kept upload on the server, forget it, and prepare a fresh one."""
        kept = self.kept_upload()
        if kept is None or self.running:
            return
        self._forget_kept()
        self._resuming, self._abandoning = None, kept.upload_id
        self._prepare()

    def suspend(self) -> None:
        """Stop an upload under way without aborting it, keeping it to resume (the app closes)."""
        if self.state != "uploading":
            self.cancel()
            return
        upload_id = self._upload_id
        if upload_id is not None:
            self._keep(upload_id)
        self._suspend.set()
        self._stop.set()

    def _prepare(self) -> None:
        """Convert (aborting an abandoned upload first); then the preview, or the resume."""
        if not self.connection.connected:
            self._fail(CloudFailed("not connected to a cloud backend (Settings → Cloud)"))
            return
        self._cleanup()
        path = self.session.path
        try:
            size, kind = path.stat().st_size, detect(path).format.value
        except LoupeError as exc:
            self._fail(exc)
            return
        except OSError as exc:
            self._fail(CloudFailed(f"{path}: cannot be read ({exc.strerror or exc})"))
            return
        self.preview = Preview(path.name, size, kind, self.connection.url, self.connection.where)
        folder = self._folder = Path(tempfile.mkdtemp(prefix="loupe-upload-"))

        abandoned, self._abandoning = self._abandoning, None
        credentials = self.connection.credentials() if abandoned else None
        client = self.client

        def convert(progress: Progress, cancelled: Callable[[], bool]) -> Path:
            if abandoned and credentials is not None:
                with (
                    credentials.open() as (token, key),
                    cloud_call(lambda: client(credentials.url, token, api_key=key)) as api,
                ):
                    _abort(api, abandoned)
            return parquet_copy(path, folder)

        self._set("converting")
        self._work.start(convert, "converting", finished=self._on_converted, errored=self._fail)

    def send(self) -> None:
        """Send what the preview shows; the profile is shown in the tab when it comes back."""
        if self.state != "ready" or self._sent is None or self.preview is None:
            return
        try:
            credentials = self.connection.credentials()
        except CloudFailed as exc:
            self._fail(exc)
            return
        sent, name, client = self._sent, self.session.path.name, self.client
        engine, stop, suspend = self._engine(), threading.Event(), threading.Event()
        self._stop, self._suspend = stop, suspend
        resume_id = self._resuming.upload_id if self._resuming is not None else None
        self._upload_id = resume_id

        def named(upload_id: str) -> None:
            self._upload_id = upload_id

        def run(progress: Progress, cancelled: Callable[[], bool]) -> tuple[Profile, float]:
            started = time.monotonic()

            def stopped() -> bool:
                return stop.is_set() or cancelled()

            with (
                credentials.open() as (token, key),
                cloud_call(lambda: client(credentials.url, token, api_key=key)) as api,
            ):
                result = cloud_call(
                    lambda: _upload_and_run(
                        api, sent, engine, progress, stopped, resume_id, named, suspend.is_set
                    )
                )
            profile = cast(Profile, result.get("profile", result))
            profile.setdefault("source", {})["name"] = name  # type: ignore[typeddict-item]
            return profile, time.monotonic() - started

        self._started, self.fraction = self._clock(), 0.0
        self._set("uploading")
        self._work.start(
            run,
            "sending",
            finished=self._on_profiled,
            errored=self._fail,
            cancelled=self._on_cancelled,
            progressed=self._on_progress,
        )

    def discard(self) -> None:
        """Send nothing: forget the preview and the copy made for it."""
        self._work.invalidate()
        self._cleanup()
        self.preview = None
        self._set("idle")

    def cancel(self) -> None:
        """Stop: an upload is aborted on the server; a job goes on there unwatched."""
        if self.state in ("uploading", "running"):
            self._stop.set()
            self._work.cancel()
        elif self.state in ("converting", "ready"):
            self.discard()

    # -- the background work's outcomes ----------------------------------------------

    def _on_converted(self, sent: Path) -> None:
        self._sent = sent
        if self.preview is not None:
            fmt = detect(sent).format.value
            size = sent.stat().st_size
            self.preview = replace(
                self.preview, sent_name=sent.name, sent_format=fmt, sent_size=size
            )
        if self._resuming is not None:
            if self.preview is None or self._resuming.total != self.preview.sent_size:
                # Not the copy the upload began with: it cannot resume.
                self._forget_kept()
                self._resuming = None
                self._fail(CloudFailed("the copy to send changed; start the upload over"))
                return
            self._set("ready")
            self.send()
            return
        self._set("ready")

    def _on_progress(self, phase: str, fraction: float) -> None:
        self.fraction = fraction
        if phase != "upload":
            self.phase = phase
            if self.state != "running":
                self.state = "running"
                self._resuming = None
                self._forget_kept()  # the upload is complete: nothing to resume
        self.changed.emit()

    def _on_profiled(self, result: tuple[Profile, float]) -> None:
        self._cleanup()
        profile, seconds = result
        self._set("done")
        self.session.show_profile(profile, seconds, f"in the cloud ({self.connection.where})")

    def _on_cancelled(self) -> None:
        uploading = self.state == "uploading"
        self._cleanup()
        self._resuming = None
        if self._suspend.is_set():
            self.error = "The upload stopped; it can be resumed"
            self._set("cancelled")
            return
        if uploading:
            self._forget_kept()  # aborted on the server
        self.error = (
            "Cloud profile cancelled; the upload was removed from the server"
            if uploading
            else "Cloud profile cancelled; the job goes on on the server, unwatched"
        )
        self._set("cancelled")

    def _fail(self, error: BaseException) -> None:
        self._cleanup()
        self._resuming = None
        if isinstance(error, UploadStopped):
            self._keep(error.upload_id)
        elif isinstance(error, UploadGone):
            self._forget_kept()
        self.error = describe_error(error)
        self._set("failed")

    def _keep(self, upload_id: str) -> None:
        """Keep ``upload_id`` for this file and endpoint, with how far it got."""
        try:
            stat = self.session.path.stat()
        except OSError:
            return
        total = self.preview.sent_size or 0 if self.preview is not None else 0
        kept = KeptUpload(
            upload_id, stat.st_size, stat.st_mtime_ns, int(self.fraction * total), total
        )
        self.memory.save(upload_key(self.connection.url, self.session.path), kept.to_text())

    def _forget_kept(self) -> None:
        """Forget the kept upload of this file to this endpoint."""
        if self.connection.url:
            self.memory.save(upload_key(self.connection.url, self.session.path), None)

    def _set(self, state: str) -> None:
        self.state = state
        if state not in ("failed", "cancelled"):
            self.error = ""
        self.changed.emit()

    def _cleanup(self) -> None:
        """Remove the copy made for sending."""
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
        self._folder = self._sent = None


def memory_limit() -> int:
    """The largest file the local engine profiles in memory here."""
    return min(AUTO_MEMORY_MAX_BYTES, available_memory())


def _in_memory_size(path: Path) -> int:
    """What ``path`` weighs once decompressed, roughly (as the engine's choice reckons it)."""
    try:
        size = path.stat().st_size
        compressed = detect(path).compression.value != "none"
    except (OSError, LoupeError):  # unreadable: its tab says why
        return 0
    return size * (8 if compressed else 1)


def _abort(api: CloudClient, upload_id: str) -> None:
    """Drop an abandoned upload on the server (one it no longer knows is dropped already)."""
    with contextlib.suppress(NotFoundError):
        api.abort_upload(upload_id)


def _upload_and_run(
    api: CloudClient,
    sent: Path,
    engine: str,
    progress: Progress,
    cancelled: Callable[[], bool],
    resume_id: str | None = None,
    started: Callable[[str], None] | None = None,
    suspended: Callable[[], bool] = lambda: False,
) -> dict[str, Any]:
    """Upload ``sent`` (or finish the upload ``resume_id``), run a profile job, fetch the result.

    Raises:
        UploadStopped: the upload stopped part-way; it can be resumed.
        Cancelled: cancelled (an upload is aborted on the server unless suspended).
    """

    def report(stage: str, done: int, total: int) -> None:
        progress("upload", done / total if total else 1.0)
        if suspended():
            raise _Suspended
        if cancelled():
            # CloudClient aborts the upload on the server when KeyboardInterrupt passes
            # through it, as Ctrl+C does in `loupe cloud`; Cancel takes the same path.
            raise KeyboardInterrupt

    try:
        if resume_id is not None:
            try:
                upload_id = api.resume_upload(resume_id, sent, progress=report)
            except NotFoundError:
                # Expired (after a day in AWS) or forgotten (a local backend restarted).
                raise UploadGone(
                    "the interrupted upload is no longer on the server; start it over"
                ) from None
        else:
            upload_id = api.upload(sent, progress=report, started=started)
    except KeyboardInterrupt:
        raise Cancelled() from None
    except _Suspended:
        raise Cancelled() from None
    except UploadInterrupted as exc:
        raise UploadStopped(
            "the connection dropped during the upload; it can be resumed", exc.upload_id
        ) from None
    job = api.start_job(upload_id, "profile", engine=engine)

    def seen(state: dict[str, Any]) -> None:
        progress(_phase_text(state), float(state.get("progress") or 0.0))
        if state["status"] == "failed":
            raise CloudFailed(f"the job failed: {state.get('error') or 'no reason given'}")
        if cancelled():
            raise Cancelled()

    gate = threading.Event()

    def pause(seconds: float) -> None:
        # The client's backoff between polls, cut short by Cancel.
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            if cancelled():
                raise Cancelled()
            gate.wait(min(left, _POLL_SECONDS))

    try:
        state = api.wait(str(job["job_id"]), on_state=seen, sleep=pause)
    except WaitInterrupted as exc:
        raise CloudFailed(str(exc)) from None
    return api.result(state)


def _phase_text(state: dict[str, Any]) -> str:
    """A job's phase, with its chunks when the answer has them, else its percent."""
    phase = str(state.get("phase") or state.get("status") or "queued")
    chunks, done = state.get("chunks"), state.get("chunks_done")
    if isinstance(chunks, int) and chunks > 0 and isinstance(done, int):
        return f"{phase} · chunk {done} of {chunks}"
    return f"{phase} · {float(state.get('progress') or 0.0):.0%}"
