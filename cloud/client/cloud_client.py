"""The HTTP client of the Loupe cloud API (what ``loupe cloud`` and the desktop use).

Files go straight to S3 through presigned URLs; the API only hands those out.
Small files take one PUT; large ones go up in parts, each with its SHA-256
signed into its URL, so S3 refuses a part that was damaged on the way. Parts
are read from the file as they are sent, a small chunk at a time, a few at
once: memory stays near ``parts_in_flight`` chunks whatever the part size.

A multipart upload stopped after it was created — storage or API error,
network error, a refused token — raises :class:`UploadInterrupted` with its
id, and :meth:`CloudClient.resume_upload` finishes it: the parts S3 already
holds (same size, same MD5) are not sent again, and an upload already complete
is only confirmed. A small file sent in one PUT that fails is dropped on the
server instead: it is sent again whole. Ctrl+C during an upload aborts it on
the server, so no orphaned parts remain; if that abort fails,
:class:`UploadLeftOpen` (a ``KeyboardInterrupt``) says which upload is still open.

The bearer token goes only to the API, never to the storage URLs. It is asked
of a token provider before each API call (:meth:`cloud.client.signin.SignIn.access_token`
refreshes it shortly before it expires), so a long upload outlives its first
access token; a fixed string is accepted too. When the API refuses a token
(401) and the provider can renew it (:class:`RenewableToken`, such as a
:class:`~cloud.client.signin.SignIn`), the request is made once more with a
fresh one.

API answers that mean "later" — 429 throttling, 502, 503, 504 — and network
errors are retried on calls safe to repeat (:meth:`CloudClient.wait`'s polls,
part URLs, completion), after a growing pause or the ``Retry-After`` the
answer gives when longer, for ``patience`` seconds. Both HTTP clients accept
an httpx transport, and time (``clock``, ``sleep``) is injected, which is how
tests drive failures without waiting.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import httpx

from cloud.client.endpoint import insecure_reason, normalise_endpoint
from cloud.errors import (
    AuthError,
    CloudError,
    ConflictError,
    ForbiddenError,
    NotFoundError,
    QuotaError,
    RequestError,
    StoreError,
)

__all__ = [
    "MULTIPART_THRESHOLD",
    "PARTS_IN_FLIGHT",
    "Backoff",
    "CloudClient",
    "Progress",
    "RenewableToken",
    "TokenProvider",
    "UploadInterrupted",
    "UploadLeftOpen",
    "WaitInterrupted",
]

# (stage, done, total): "upload" in bytes, "job" in thousandths.
Progress = Callable[[str, int, int], None]
# Returns a bearer token valid for the next request (refreshing it when needed).
TokenProvider = Callable[[], str]

MULTIPART_THRESHOLD = 64 * 1024**2
PARTS_IN_FLIGHT = 4
# Part URLs are asked for this many parts at a time: one API call per 16 parts.
_PART_BATCH = 16
# What is read from the file at once, to hash or to send.
_CHUNK = 256 * 1024
# How often the caller's thread reports progress while parts are on their way.
_REPORT_SECONDS = 0.2
_ERRORS: dict[int, type[CloudError]] = {
    400: RequestError,
    401: AuthError,
    403: ForbiddenError,
    404: NotFoundError,
    409: ConflictError,
    422: RequestError,
}
# Answers that say "not now" rather than "no": API Gateway's throttling, and the
# gateway or the function being briefly unavailable.
_LATER = {429, 502, 503, 504}


@runtime_checkable
class RenewableToken(Protocol):
    """A token provider that can replace a token the API refused."""

    def __call__(self) -> str:
        """A bearer token valid for the next request."""
        ...

    def renew(self, refused: str) -> bool:
        """Forget ``refused``; whether the next call may give a different, valid one."""
        ...


class UploadInterrupted(CloudError):
    """An upload stopped after it was created; ``upload_id`` resumes it.

    ``cause`` is the error that stopped it (an :class:`AuthError` or
    :class:`~cloud.errors.SignInError` means: sign in again, then resume).
    """

    def __init__(self, message: str, upload_id: str, cause: CloudError | None = None) -> None:
        super().__init__(message)
        self.upload_id = upload_id
        self.cause = cause


class UploadLeftOpen(KeyboardInterrupt):
    """Ctrl+C (or a cancel) stopped an upload, and aborting it on the server failed.

    ``upload_id`` still holds its parts until the deployment expires it; it can be resumed.
    """

    def __init__(self, upload_id: str, reason: str) -> None:
        super().__init__(upload_id)
        self.upload_id = upload_id
        self.reason = reason


class WaitInterrupted(CloudError):
    """Following a job stopped (refused polls, lost network, time up); the job goes on.

    ``job_id`` is the job to follow again later.
    """

    def __init__(self, message: str, job_id: str) -> None:
        super().__init__(message)
        self.job_id = job_id


class Backoff:
    """Pauses that grow: ``first``, then × ``factor`` each time, never over ``cap``.

    Args:
        first: the first pause, in seconds (also the one after :meth:`reset`).
        factor: how much each pause grows over the one before.
        cap: the longest pause.
    """

    def __init__(self, first: float, factor: float, cap: float) -> None:
        self.first, self.factor, self.cap = first, factor, max(cap, first)
        self._next = first

    def next(self) -> float:
        """The pause to make now (the next one will be longer, up to the cap)."""
        pause = self._next
        self._next = min(self.cap, pause * self.factor)
        return pause

    def reset(self) -> None:
        """Start again from ``first``."""
        self._next = self.first


class _Stopped(Exception):
    """A part on its way was told to stop (another part failed, or Ctrl+C)."""


class _Later(CloudError):
    """An answer or failure worth retrying; ``wait`` is the Retry-After asked, if any."""

    def __init__(self, error: CloudError, wait: float | None) -> None:
        super().__init__(str(error))
        self.error = error
        self.wait = wait


def _quota_error(answer: httpx.Response) -> QuotaError:
    """What API Gateway's usage plan said (quota or throttling), in one line for people."""
    if _quota_used(answer):
        return QuotaError("the deployment's request quota for today is used up; try again tomorrow")
    return QuotaError("the deployment is receiving too many requests; try again in a minute")


def _quota_used(answer: httpx.Response) -> bool:
    """Whether a 429 means the daily quota is spent (not worth retrying today)."""
    try:
        said = str(answer.json().get("message", ""))
    except (ValueError, AttributeError):
        said = ""
    return "limit exceeded" in said.lower()


def _retry_after(answer: httpx.Response) -> float | None:
    """The seconds ``Retry-After`` asks for (a number, or an HTTP date); None if absent or odd.

    A date is measured from the answer's own ``Date`` header when it has one, so
    a wrong clock here does not matter.
    """
    raw = answer.headers.get("retry-after")
    if raw is None:
        return None
    try:
        seconds = float(raw)
    except ValueError:
        when = _http_date(raw)
        if when is None:
            return None
        now = _http_date(answer.headers.get("date", "")) or datetime.now(UTC)
        seconds = (when - now).total_seconds()
    return max(0.0, seconds) if seconds == seconds else None  # NaN: ignored


def _http_date(text: str) -> datetime | None:
    """An HTTP date, in UTC when it names no zone; None when it is not one."""
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _quiet(stage: str, done: int, total: int) -> None:
    """A progress callback that shows nothing."""


def _fixed(token: str) -> TokenProvider:
    """A provider that always gives ``token``."""
    return lambda: token


class _Tally:
    """Bytes of the parts S3 holds so far, added to from the sending threads."""

    def __init__(self, done: int = 0) -> None:
        self._lock = threading.Lock()
        self.done = done

    def add(self, count: int) -> None:
        with self._lock:
            self.done += count


class _Slice:
    """Bytes ``start`` to ``start + length`` of a file, read a chunk at a time as httpx sends them.

    Each iteration opens the file afresh, so a slice can be sent again and
    several slices at once, each from its own thread.
    """

    def __init__(self, path: Path, start: int, length: int, stop: threading.Event) -> None:
        self.path, self.start, self.length = path, start, length
        self.stop = stop

    def __iter__(self) -> Iterator[bytes]:
        with self.path.open("rb") as handle:
            handle.seek(self.start)
            left = self.length
            while left > 0:
                if self.stop.is_set():
                    raise _Stopped
                chunk = handle.read(min(_CHUNK, left))
                if not chunk:
                    raise StoreError(f"{self.path} became shorter while it was being sent")
                left -= len(chunk)
                yield chunk


def _span(number: int, part_size: int, size: int) -> tuple[int, int]:
    """Where part ``number`` (from 1) starts in a file of ``size`` bytes, and its length."""
    start = (number - 1) * part_size
    return start, max(0, min(part_size, size - start))


def _digests(path: Path, start: int, length: int) -> tuple[str, str, int]:
    """SHA-256 (base64, as S3 wants it) and MD5 (hex, S3's ETag) of a span; its length."""
    sha256 = hashlib.sha256()
    md5 = hashlib.md5(usedforsecurity=False)
    read = 0
    with path.open("rb") as handle:
        handle.seek(start)
        while read < length:
            chunk = handle.read(min(_CHUNK, length - read))
            if not chunk:
                break
            sha256.update(chunk)
            md5.update(chunk)
            read += len(chunk)
    return base64.b64encode(sha256.digest()).decode(), md5.hexdigest(), read


class CloudClient:
    """A client of one Loupe endpoint for the holder of ``token``.

    Args:
        endpoint: the API's base URL, e.g. ``http://127.0.0.1:8765``.
        token: the bearer token, or a provider asked for one before each API call
            (a :class:`RenewableToken`, or a method of one such as
            ``sign_in.access_token``, also replaces a token the API refuses).
        api_key: the API Gateway key (deployments with a usage plan), if any.
        transport: httpx transport for API calls (default: the network).
        storage_transport: httpx transport for the presigned storage URLs.
        multipart_threshold: files larger than this go up in parts.
        parts_in_flight: how many parts are sent at once.
        patience: for how long answers that mean "later", and network errors,
            are retried on calls safe to repeat (seconds).
        clock: monotonic seconds, for deadlines.
        sleep: pauses the calling thread for so many seconds.

    Raises:
        RequestError: ``endpoint`` is neither ``https`` nor ``http`` to this machine.
    """

    def __init__(
        self,
        endpoint: str,
        token: str | TokenProvider,
        *,
        api_key: str | None = None,
        transport: httpx.BaseTransport | None = None,
        storage_transport: httpx.BaseTransport | None = None,
        timeout: float = 60.0,
        multipart_threshold: int = MULTIPART_THRESHOLD,
        parts_in_flight: int = PARTS_IN_FLIGHT,
        patience: float = 600.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.endpoint = normalise_endpoint(endpoint)
        reason = insecure_reason(self.endpoint)
        if reason:
            raise RequestError(reason)
        self.multipart_threshold = multipart_threshold
        self.parts_in_flight = max(1, parts_in_flight)
        self.patience = patience
        self._clock = clock
        self._sleep = sleep
        self._token: TokenProvider = _fixed(token) if isinstance(token, str) else token
        # What renews a refused token: the provider, or the object whose method it is
        # (``sign_in.access_token`` renews as ``sign_in`` does).
        self._renewer: RenewableToken | None = None
        for candidate in (token, getattr(token, "__self__", None)):
            if isinstance(candidate, RenewableToken):
                self._renewer = candidate
                break
        headers = {}
        if api_key:
            headers["x-api-key"] = api_key
        self._api = httpx.Client(
            base_url=self.endpoint,
            headers=headers,
            timeout=timeout,
            transport=transport,
        )
        self._storage = httpx.Client(
            timeout=httpx.Timeout(timeout, write=300.0), transport=storage_transport
        )

    def __enter__(self) -> CloudClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release both connection pools."""
        self._api.close()
        self._storage.close()

    # ------------------------------------------------------------ plumbing

    def _call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        signed: bool = True,
        retry: bool = False,
    ) -> Any:
        """One API call (with a fresh bearer token when ``signed``); its JSON answer.

        With ``retry``, answers that mean "later" and network errors are tried
        again for up to ``patience`` seconds, after pauses of 1, 2, 4 … 30 s, or
        the ``Retry-After`` the answer asks for when that is longer. A pause that
        would end past the patience is not made. Raises the CloudError matching
        the status (the last one, when retries run out).
        """
        give_up = self._clock() + self.patience
        pauses = Backoff(1.0, 2.0, 30.0)
        while True:
            try:
                return self._call_once(method, path, body, signed)
            except _Later as later:
                if not retry:
                    raise later.error from None
                # Never sooner than asked, nor than the growing pause: an answer asking
                # for 0 s again and again is not a reason to hammer the API.
                pause = max(later.wait or 0.0, pauses.next())
                if self._clock() + pause > give_up:
                    raise later.error from None
                self._sleep(pause)

    def _call_once(self, method: str, path: str, body: Any, signed: bool) -> Any:
        """One API call, renewing a refused token once; raises _Later for "try later"."""
        token = self._token() if signed else None
        answer = self._send(method, path, body, token)
        if (
            answer.status_code == 401
            and token is not None
            and self._renewer is not None
            and self._renewer.renew(token)
        ):
            answer = self._send(method, path, body, self._token())
        if answer.status_code == 429:
            error: CloudError = _quota_error(answer)
            if _quota_used(answer):
                raise error  # spent for the day: waiting minutes would not help
            raise _Later(error, _retry_after(answer))
        if answer.status_code >= 400:
            try:
                detail = answer.json().get("detail")
            except (ValueError, AttributeError):
                detail = None
            if not isinstance(detail, str):
                detail = f"HTTP {answer.status_code}"
            error = _ERRORS.get(answer.status_code, CloudError)(detail)
            if answer.status_code in _LATER:
                raise _Later(error, _retry_after(answer))
            raise error
        return answer.json() if answer.content else None

    def _send(self, method: str, path: str, body: Any, token: str | None) -> httpx.Response:
        """Send one request to the API; network failures as _Later."""
        bearer = {"Authorization": f"Bearer {token}"} if token is not None else {}
        try:
            return self._api.request(method, path, json=body, headers=bearer)
        except httpx.TimeoutException:
            error = CloudError(f"{self.endpoint} did not answer in time")
        except httpx.TransportError as exc:
            error = CloudError(f"cannot reach {self.endpoint} ({type(exc).__name__})")
        raise _Later(error, None)

    def _put(self, url: str, data: _Slice, headers: dict[str, str] | None = None) -> str:
        """PUT a file slice to a presigned URL, read as it goes; the ETag S3 answered."""
        sized = {**(headers or {}), "Content-Length": str(data.length)}
        try:
            answer = self._storage.put(url, content=data, headers=sized)
        except httpx.TransportError as exc:
            raise StoreError(f"the upload to storage failed ({type(exc).__name__})") from None
        if answer.status_code != 200:
            raise StoreError(f"storage refused the upload (HTTP {answer.status_code})")
        return str(answer.headers.get("etag", ""))

    # ------------------------------------------------------------ uploads

    def health(self) -> dict[str, Any]:
        """The endpoint's health answer (no token needed)."""
        return dict(self._call("GET", "/v1/health", signed=False))

    def upload(
        self,
        path: Path,
        *,
        name: str | None = None,
        progress: Progress = _quiet,
        started: Callable[[str], None] | None = None,
    ) -> str:
        """Upload ``path`` and return its upload id.

        ``started`` is given the upload id as soon as the API hands it out, so
        a caller that stops the upload part-way can resume it later.

        Raises:
            UploadInterrupted: a multipart upload stopped part-way, whatever the
                reason (resumable with its ``upload_id``).
            CloudError: the upload could not be created, or a single PUT failed
                (it is dropped on the server: send the file again).
            UploadLeftOpen: Ctrl+C, and the upload could not be aborted.
            KeyboardInterrupt: after aborting the upload on the server.
        """
        size = path.stat().st_size
        multipart = size > self.multipart_threshold
        answer = self._call(
            "POST", "/v1/uploads", {"name": name or path.name, "size": size, "multipart": multipart}
        )
        upload_id = str(answer["upload_id"])
        if started is not None:
            started(upload_id)
        if answer["method"] == "PUT":
            with self._aborted_on_interrupt(upload_id):
                try:
                    self._send_whole(answer["url"], path, size, progress)
                except CloudError:
                    # One PUT cannot be resumed: drop its record, the file goes up anew.
                    self._try_abort(upload_id)
                    raise
            return upload_id
        with self._aborted_on_interrupt(upload_id), self._resumable(upload_id):
            self._send_parts(
                upload_id, path, int(answer["part_size"]), int(answer["part_count"]), {}, progress
            )
        return upload_id

    def resume_upload(self, upload_id: str, path: Path, *, progress: Progress = _quiet) -> str:
        """Finish an interrupted upload of ``path``; returns the upload id.

        An upload already complete (stopped after its last part, before its job
        started) is only confirmed; one sent whole in a single PUT has nothing to
        resume, and is returned as it is (starting its job says if it arrived).

        Raises:
            NotFoundError: no such upload any more (expired, aborted or dropped).
            UploadInterrupted, UploadLeftOpen, KeyboardInterrupt: as :meth:`upload`.
        """
        try:
            answer = self._call("GET", f"/v1/uploads/{upload_id}/parts", retry=True)
        except ConflictError:
            return upload_id  # a single PUT: nothing is sent in parts
        except NotFoundError:
            # The multipart upload ended: completed (confirmed here, as completing
            # twice is allowed) or dropped (NotFoundError again).
            self._call("POST", f"/v1/uploads/{upload_id}/complete", retry=True)
            size = path.stat().st_size
            progress("upload", size, size)
            return upload_id
        part_size, count = int(answer["part_size"]), int(answer["part_count"])
        received = {int(p["number"]): p for p in answer["parts"]}
        with self._aborted_on_interrupt(upload_id), self._resumable(upload_id):
            self._send_parts(upload_id, path, part_size, count, received, progress)
        return upload_id

    def abort_upload(self, upload_id: str) -> None:
        """Drop an upload and its parts on the server."""
        self._call("DELETE", f"/v1/uploads/{upload_id}")

    def _try_abort(self, upload_id: str) -> None:
        """Drop an upload that cannot be resumed, if the API can be reached."""
        with contextlib.suppress(CloudError):  # else the deployment expires it
            self.abort_upload(upload_id)

    @contextlib.contextmanager
    def _aborted_on_interrupt(self, upload_id: str) -> Iterator[None]:
        """A block where Ctrl+C aborts ``upload_id`` on the server; UploadLeftOpen if that fails."""
        try:
            yield
        except UploadLeftOpen:
            raise
        except KeyboardInterrupt:
            try:
                self.abort_upload(upload_id)
            except CloudError as failed:
                raise UploadLeftOpen(upload_id, str(failed)) from None
            except KeyboardInterrupt:
                raise UploadLeftOpen(upload_id, "interrupted again") from None
            raise

    @contextlib.contextmanager
    def _resumable(self, upload_id: str) -> Iterator[None]:
        """A block whose CloudErrors become UploadInterrupted, naming ``upload_id``."""
        try:
            yield
        except UploadInterrupted:
            raise
        except CloudError as exc:
            raise UploadInterrupted(
                f"{exc}; upload {upload_id} is not finished", upload_id, exc
            ) from None

    def _send_whole(self, url: str, path: Path, size: int, progress: Progress) -> None:
        """PUT the whole file to ``url``, read as it goes."""
        tally, stop = _Tally(), threading.Event()
        progress("upload", 0, size)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="loupe-upload") as pool:
            future = pool.submit(self._put, url, _Slice(path, 0, size, stop))
            self._gather(pool, [future], stop, tally, size, progress)
        progress("upload", size, size)

    def _send_parts(
        self,
        upload_id: str,
        path: Path,
        part_size: int,
        count: int,
        received: dict[int, Any],
        progress: Progress,
    ) -> None:
        """Send the parts S3 does not hold yet, ``parts_in_flight`` at a time; then complete.

        Each part is hashed (read once, a chunk at a time), its URL asked for with
        up to 15 others, then read again as it is sent: no part is ever whole in memory.
        """
        size = path.stat().st_size
        tally, stop = _Tally(), threading.Event()
        with ThreadPoolExecutor(self.parts_in_flight, thread_name_prefix="loupe-part") as pool:
            for first in range(1, count + 1, _PART_BATCH):
                numbers = range(first, min(first + _PART_BATCH, count + 1))
                spans = {n: _span(n, part_size, size) for n in numbers}
                hashing = [pool.submit(_digests, path, *spans[n]) for n in numbers]
                sums = dict(
                    zip(
                        numbers,
                        self._gather(pool, hashing, stop, tally, size, progress),
                        strict=True,
                    )
                )
                pending = []
                for number in numbers:
                    _, md5, length = sums[number]
                    held = received.get(number)
                    if held and int(held["size"]) == length and held["etag"].strip('"') == md5:
                        tally.add(length)
                    else:
                        pending.append(number)
                progress("upload", tally.done, size)
                if pending:
                    self._send_batch(
                        upload_id, path, size, pending, spans, sums, pool, stop, tally, progress
                    )
        self._call("POST", f"/v1/uploads/{upload_id}/complete", retry=True)

    def _send_batch(
        self,
        upload_id: str,
        path: Path,
        size: int,
        numbers: list[int],
        spans: dict[int, tuple[int, int]],
        sums: dict[int, tuple[str, str, int]],
        pool: ThreadPoolExecutor,
        stop: threading.Event,
        tally: _Tally,
        progress: Progress,
    ) -> None:
        """Ask for URLs for a batch of parts and PUT them, a few at once."""
        answer = self._call(
            "POST",
            f"/v1/uploads/{upload_id}/parts",
            {"parts": [{"number": n, "sha256": sums[n][0]} for n in numbers]},
            retry=True,
        )
        urls = {int(p["number"]): p for p in answer["parts"]}
        sending: dict[Future[str], int] = {}
        for number in numbers:
            part = _Slice(path, *spans[number], stop)
            future = pool.submit(self._put_part, urls[number], part, tally)
            sending[future] = number
        try:
            self._gather(pool, list(sending), stop, tally, size, progress)
        except StoreError as exc:
            failed = min(n for f, n in sending.items() if f.done() and f.exception() is exc)
            raise UploadInterrupted(
                f"{exc}; part {failed} was not sent, resume with upload id {upload_id}",
                upload_id,
                exc,
            ) from None

    def _put_part(self, url: dict[str, Any], part: _Slice, tally: _Tally) -> str:
        """PUT one part (on a sending thread); counted as done once S3 has it.

        A failure stops the parts after it at once, before they send anything.
        """
        if part.stop.is_set():
            raise _Stopped
        try:
            etag = self._put(url["url"], part, url["headers"])
        except BaseException:
            part.stop.set()
            raise
        tally.add(part.length)
        return etag

    def _gather(
        self,
        pool: ThreadPoolExecutor,
        futures: list[Future[Any]],
        stop: threading.Event,
        tally: _Tally,
        size: int,
        progress: Progress,
    ) -> list[Any]:
        """Wait for ``futures`` on the caller's thread, reporting progress; their results.

        The first failure (or Ctrl+C, or an exception from ``progress``) stops the
        others within a chunk; once they have stopped, the failure of the first
        future that failed of itself is raised.
        """
        try:
            waiting = set(futures)
            shown = -1
            while waiting:
                done, waiting = wait_for(waiting, _REPORT_SECONDS, FIRST_COMPLETED)
                # Reported before a failure is raised: the last report says what arrived.
                if tally.done != shown:
                    shown = tally.done
                    progress("upload", shown, size)
                if any(future.exception() is not None for future in done):
                    break
        finally:
            if waiting or any(f.done() and f.exception() is not None for f in futures):
                stop.set()
                pool.shutdown(wait=True, cancel_futures=True)
        failures = [e for f in futures if not f.cancelled() and (e := f.exception()) is not None]
        if failures:
            raise next((e for e in failures if not isinstance(e, _Stopped)), failures[0])
        return [future.result() for future in futures]

    # ------------------------------------------------------------ keys

    def personal_key(self) -> str | None:
        """This user's own API key of the deployment (made on first use); None if it needs none.

        Its usage plan's daily quota and throttle then count this user's requests alone.
        """
        answer = self._call("POST", "/v1/keys", retry=True)
        key = answer.get("api_key") if isinstance(answer, dict) else None
        return str(key) if key else None

    # ------------------------------------------------------------ jobs

    def start_job(self, upload_id: str, kind: str = "profile", **options: Any) -> dict[str, Any]:
        """Start a ``profile`` or ``insights`` job on an upload; the job's first state."""
        body = {
            "upload_id": upload_id,
            "kind": kind,
            "options": {k: v for k, v in options.items() if v is not None},
        }
        return dict(self._call("POST", "/v1/jobs", body))

    def job(self, job_id: str) -> dict[str, Any]:
        """The job's current state, asked once (:meth:`wait` retries what fails)."""
        return dict(self._call("GET", f"/v1/jobs/{job_id}"))

    def wait(
        self,
        job_id: str,
        *,
        progress: Progress = _quiet,
        poll: float = 1.0,
        poll_cap: float = 15.0,
        timeout: float | None = 6 * 3600.0,
        on_state: Callable[[dict[str, Any]], None] | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> dict[str, Any]:
        """Poll the job until it ends; its final state.

        ``on_state`` sees every state polled (an exception it raises ends the wait),
        and ``sleep`` makes the pauses between polls (default: the client's), so a
        window can end the wait at once when its user cancels.

        The polls back off: the first after ``poll`` seconds (1 s), each next one
        1.5 times later than the one before (1, 1.5, 2.25, 3.4, 5.1, 7.6, 11.4 s),
        never more than ``poll_cap`` (15 s) apart; when the job enters a new phase
        (queued → planning → profiling → merging …) they start again from
        ``poll``. A short job is seen to end within a second or two; a long one
        costs about 240 requests an hour, against a usage plan's daily quota (2,000
        by default). A poll answered "later" (429 throttled, 502, 503, 504) or lost
        to the network is retried after 1, 2, 4 … 30 s, or the ``Retry-After`` asked
        for when longer, for up to ``patience`` seconds; a daily quota used up is not.

        Raises:
            CloudError: the job failed (its reason, and its id).
            NotFoundError: no such job for this user.
            WaitInterrupted: polls kept failing for ``patience`` seconds, the token
                was refused, or ``timeout`` passed; the job goes on on the server.
        """
        deadline = None if timeout is None else self._clock() + timeout
        pauses = Backoff(poll, 1.5, poll_cap)
        phase = None
        while True:
            try:
                state = dict(self._call("GET", f"/v1/jobs/{job_id}", retry=True))
            except NotFoundError:
                raise NotFoundError(f"no job {job_id} here (for this user)") from None
            except CloudError as exc:
                raise WaitInterrupted(f"lost touch with job {job_id}: {exc}", job_id) from None
            progress("job", round(float(state.get("progress") or 0.0) * 1000), 1000)
            if on_state is not None:
                on_state(state)
            if state["status"] == "succeeded":
                return state
            if state["status"] == "failed":
                raise CloudError(f"job {job_id} failed: {state.get('error') or 'no reason given'}")
            if state.get("phase") != phase:
                phase = state.get("phase")
                pauses.reset()
            pause = pauses.next()
            if deadline is not None and self._clock() + pause > deadline:
                raise WaitInterrupted(f"job {job_id} did not finish within {timeout:.0f} s", job_id)
            (sleep or self._sleep)(pause)

    def result(self, state: dict[str, Any]) -> dict[str, Any]:
        """The result document of a succeeded job (fetched from its presigned URL)."""
        try:
            answer = self._storage.get(state["result_url"])
        except httpx.TransportError as exc:
            raise StoreError(f"the result could not be fetched ({type(exc).__name__})") from None
        if answer.status_code != 200:
            raise StoreError(f"the result could not be fetched (HTTP {answer.status_code})")
        return dict(answer.json())
