"""The HTTP client of the Loupe cloud API (what ``loupe cloud`` uses; the desktop is meant to).

Files go straight to S3 through presigned URLs; the API only hands those out.
Small files take one PUT; large ones go up in parts, each with its SHA-256
signed into its URL, so S3 refuses a part that was damaged on the way. An
interrupted multipart upload is resumed with :meth:`CloudClient.resume_upload`:
the parts S3 already holds (same size, same MD5) are not sent again. Ctrl+C
during an upload aborts it on the server, so no orphaned parts remain.

The bearer token goes only to the API, never to the storage URLs. It is asked
of a token provider before each API call (:meth:`cloud.client.signin.SignIn.access_token`
refreshes it shortly before it expires), so a long upload outlives its first
access token; a fixed string is accepted too. Both HTTP clients accept an httpx
transport, which is how tests inject failures.
"""

from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

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

__all__ = ["MULTIPART_THRESHOLD", "CloudClient", "Progress", "TokenProvider", "UploadInterrupted"]

# (stage, done, total): "upload" in bytes, "job" in thousandths.
Progress = Callable[[str, int, int], None]
# Returns a bearer token valid for the next request (refreshing it when needed).
TokenProvider = Callable[[], str]

MULTIPART_THRESHOLD = 64 * 1024**2
_PART_BATCH = 16
_ERRORS: dict[int, type[CloudError]] = {
    400: RequestError,
    401: AuthError,
    403: ForbiddenError,
    404: NotFoundError,
    409: ConflictError,
    422: RequestError,
}


class UploadInterrupted(CloudError):
    """A multipart upload stopped part-way; ``upload_id`` resumes it."""

    def __init__(self, message: str, upload_id: str) -> None:
        super().__init__(message)
        self.upload_id = upload_id


def _quota_error(answer: httpx.Response) -> QuotaError:
    """What API Gateway's usage plan said (quota or throttling), in one line for people."""
    try:
        said = str(answer.json().get("message", ""))
    except (ValueError, AttributeError):
        said = ""
    if "limit exceeded" in said.lower():
        return QuotaError("the deployment's request quota for today is used up; try again tomorrow")
    return QuotaError("the deployment is receiving too many requests; try again in a minute")


def _quiet(stage: str, done: int, total: int) -> None:
    """A progress callback that shows nothing."""


def _fixed(token: str) -> TokenProvider:
    """A provider that always gives ``token``."""
    return lambda: token


class CloudClient:
    """A client of one Loupe endpoint for the holder of ``token``.

    Args:
        endpoint: the API's base URL, e.g. ``http://127.0.0.1:8765``.
        token: the bearer token, or a provider asked for one before each API call.
        api_key: the API Gateway key (deployments with a usage plan), if any.
        transport: httpx transport for API calls (default: the network).
        storage_transport: httpx transport for the presigned storage URLs.
        multipart_threshold: files larger than this go up in parts.

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
    ) -> None:
        self.endpoint = normalise_endpoint(endpoint)
        reason = insecure_reason(self.endpoint)
        if reason:
            raise RequestError(reason)
        self.multipart_threshold = multipart_threshold
        self._token: TokenProvider = _fixed(token) if isinstance(token, str) else token
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

    def _call(self, method: str, path: str, body: Any = None, *, signed: bool = True) -> Any:
        """One API call (with a fresh bearer token when ``signed``); its JSON answer.

        Raises the CloudError matching the status.
        """
        bearer = {"Authorization": f"Bearer {self._token()}"} if signed else {}
        try:
            answer = self._api.request(method, path, json=body, headers=bearer)
        except httpx.TimeoutException:
            raise CloudError(f"{self.endpoint} did not answer in time") from None
        except httpx.TransportError as exc:
            raise CloudError(f"cannot reach {self.endpoint} ({type(exc).__name__})") from None
        if answer.status_code == 429:
            raise _quota_error(answer)
        if answer.status_code >= 400:
            try:
                detail = answer.json().get("detail")
            except ValueError:
                detail = None
            if not isinstance(detail, str):
                detail = f"HTTP {answer.status_code}"
            raise _ERRORS.get(answer.status_code, CloudError)(detail)
        return answer.json() if answer.content else None

    def _put(self, url: str, data: bytes, headers: dict[str, str] | None = None) -> str:
        """PUT bytes to a presigned URL; the ETag S3 answered."""
        try:
            answer = self._storage.put(url, content=data, headers=headers)
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
            UploadInterrupted: a multipart upload failed part-way (resumable).
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
        try:
            if answer["method"] == "PUT":
                progress("upload", 0, size)
                self._put(answer["url"], path.read_bytes())
                progress("upload", size, size)
                return upload_id
            self._send_parts(
                upload_id, path, int(answer["part_size"]), int(answer["part_count"]), {}, progress
            )
        except KeyboardInterrupt:
            self.abort_upload(upload_id)
            raise
        return upload_id

    def resume_upload(self, upload_id: str, path: Path, *, progress: Progress = _quiet) -> str:
        """Finish an interrupted multipart upload of ``path``; returns the upload id."""
        answer = self._call("GET", f"/v1/uploads/{upload_id}/parts")
        part_size, count = int(answer["part_size"]), int(answer["part_count"])
        received = {int(p["number"]): p for p in answer["parts"]}
        try:
            self._send_parts(upload_id, path, part_size, count, received, progress)
        except KeyboardInterrupt:
            self.abort_upload(upload_id)
            raise
        return upload_id

    def abort_upload(self, upload_id: str) -> None:
        """Drop an upload and its parts on the server."""
        self._call("DELETE", f"/v1/uploads/{upload_id}")

    def _send_parts(
        self,
        upload_id: str,
        path: Path,
        part_size: int,
        count: int,
        received: dict[int, Any],
        progress: Progress,
    ) -> None:
        """Send the parts S3 does not hold yet, then complete the upload."""
        size = path.stat().st_size
        done = 0
        pending: list[tuple[int, bytes]] = []
        with path.open("rb") as handle:
            for number in range(1, count + 1):
                data = _read_part(handle, number, part_size)
                held = received.get(number)
                if (
                    held
                    and int(held["size"]) == len(data)
                    and held["etag"].strip('"') == _md5(data)
                ):
                    done += len(data)
                    progress("upload", done, size)
                    continue
                pending.append((number, data))
                if len(pending) == _PART_BATCH or number == count:
                    done = self._send_batch(upload_id, pending, done, size, progress)
                    pending = []
            if pending:
                self._send_batch(upload_id, pending, done, size, progress)
        self._call("POST", f"/v1/uploads/{upload_id}/complete")

    def _send_batch(
        self,
        upload_id: str,
        batch: list[tuple[int, bytes]],
        done: int,
        size: int,
        progress: Progress,
    ) -> int:
        """Ask for URLs for a batch of parts and PUT each; the bytes sent so far."""
        sums = {number: _sha256(data) for number, data in batch}
        answer = self._call(
            "POST",
            f"/v1/uploads/{upload_id}/parts",
            {"parts": [{"number": n, "sha256": s} for n, s in sums.items()]},
        )
        urls = {int(p["number"]): p for p in answer["parts"]}
        for number, data in batch:
            try:
                self._put(urls[number]["url"], data, urls[number]["headers"])
            except StoreError as exc:
                raise UploadInterrupted(
                    f"{exc}; part {number} was not sent, resume with upload id {upload_id}",
                    upload_id,
                ) from None
            done += len(data)
            progress("upload", done, size)
        return done

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
        """The job's current state."""
        return dict(self._call("GET", f"/v1/jobs/{job_id}"))

    def wait(
        self,
        job_id: str,
        *,
        progress: Progress = _quiet,
        poll: float = 0.5,
        timeout: float = 3600.0,
    ) -> dict[str, Any]:
        """Poll the job until it ends; its final state. Raises CloudError if it failed."""
        deadline = time.monotonic() + timeout
        while True:
            state = self.job(job_id)
            progress("job", round(float(state["progress"]) * 1000), 1000)
            if state["status"] == "succeeded":
                return state
            if state["status"] == "failed":
                raise CloudError(f"the job failed: {state.get('error') or 'no reason given'}")
            if time.monotonic() > deadline:
                raise CloudError(f"the job did not finish within {timeout:.0f} s")
            time.sleep(poll)

    def result(self, state: dict[str, Any]) -> dict[str, Any]:
        """The result document of a succeeded job (fetched from its presigned URL)."""
        try:
            answer = self._storage.get(state["result_url"])
        except httpx.TransportError as exc:
            raise StoreError(f"the result could not be fetched ({type(exc).__name__})") from None
        if answer.status_code != 200:
            raise StoreError(f"the result could not be fetched (HTTP {answer.status_code})")
        return dict(answer.json())


def _read_part(handle: BinaryIO, number: int, part_size: int) -> bytes:
    """Part ``number`` (from 1) of an open file."""
    handle.seek((number - 1) * part_size)
    return handle.read(part_size)


def _sha256(data: bytes) -> str:
    """The base64 SHA-256 S3 expects in ``x-amz-checksum-sha256``."""
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def _md5(data: bytes) -> str:
    """The hex MD5 S3 reports as a part's ETag (with SSE-S3 encryption)."""
    return hashlib.md5(data, usedforsecurity=False).hexdigest()
