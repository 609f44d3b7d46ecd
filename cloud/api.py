"""The HTTP API: one FastAPI app, run by uvicorn locally and by Lambda through Mangum.

Routes (all but health need ``Authorization: Bearer <token>``):

    GET    /v1/health                      liveness
    POST   /v1/uploads                     {name, size, multipart} → {upload_id, url | part_size}
    POST   /v1/uploads/{id}/parts          {parts: [{number, sha256}]} → a URL per part
    GET    /v1/uploads/{id}/parts          the parts S3 has received (to resume)
    POST   /v1/uploads/{id}/complete       join the parts into the file
    DELETE /v1/uploads/{id}                abort: drop the parts, the file and the record
    POST   /v1/jobs                        {upload_id, kind, options} → 202 {job_id, status}
    GET    /v1/jobs/{job_id}               status, phase, progress; result_url once succeeded

A small file goes up with one presigned PUT. A large one goes up in parts:
the client asks for part URLs as it needs them, each with the part's SHA-256
signed in (S3 refuses a part whose bytes do not match), lists the received
parts to resume after an interruption, and completes or aborts.

Nothing in the routes knows which host runs them: storage, token checking and
the job runner are given to :func:`create_app`.
"""

# No ``from __future__ import annotations`` here: FastAPI reads the routes'
# annotations at run time, and they name a dependency local to create_app.
from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

from cloud.auth import Identity, TokenVerifier
from cloud.errors import AuthError, CloudError, ConflictError, NotFoundError
from cloud.jobs import (
    JobRecord,
    Upload,
    delete_upload,
    load_job,
    load_upload,
    new_id,
    save_job,
    save_upload,
)
from cloud.storage import ObjectStore

__all__ = ["MAX_SINGLE_UPLOAD", "MAX_UPLOAD", "MIN_PART_SIZE", "create_app"]

# One presigned PUT carries at most this much (S3's own limit is 5 GB).
MAX_SINGLE_UPLOAD = 5 * 1024**3
# S3's limits for multipart uploads: 5 TiB, at most 10,000 parts of at least 5 MiB.
MAX_UPLOAD = 5 * 1024**4
MAX_PARTS = 10_000
MIN_PART_SIZE = 5 * 1024**2
DEFAULT_PART_SIZE = 16 * 1024**2
URL_SECONDS = 3600
_SHA256_B64 = r"^[A-Za-z0-9+/]{43}=$"

Runner = Callable[[Identity, str], None]


class Problem(BaseModel):
    """Why a request failed, in one line."""

    detail: str


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The documented error answers of a route."""
    meaning = {
        401: "no valid bearer token",
        403: "not the caller's, or not a plain file name",
        404: "no such upload or job for this caller",
        409: "the upload or job is not in a state that allows this",
        502: "the object store failed",
    }
    return {s: {"model": Problem, "description": meaning[s]} for s in statuses}


_ALL = _errors(401, 403, 404, 409, 502)


class UploadRequest(BaseModel):
    """What the client is about to upload."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=255)
    size: int = Field(ge=0, le=MAX_UPLOAD)
    multipart: bool = Field(
        default=False, description="send in parts (always so for files over 5 GiB)"
    )


class UploadAnswer(BaseModel):
    upload_id: str
    method: Literal["PUT", "multipart"]
    url: str | None = None
    part_size: int | None = None
    part_count: int | None = None
    expires_in: int


class PartRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    number: int = Field(ge=1, le=MAX_PARTS)
    sha256: str = Field(pattern=_SHA256_B64, description="base64 SHA-256 of the part's bytes")


class PartsRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    parts: list[PartRequest] = Field(min_length=1, max_length=100)


class PartUrl(BaseModel):
    number: int
    url: str
    headers: dict[str, str]


class PartsAnswer(BaseModel):
    parts: list[PartUrl]
    expires_in: int


class ReceivedPart(BaseModel):
    number: int
    size: int
    etag: str


class ReceivedAnswer(BaseModel):
    upload_id: str
    part_size: int
    part_count: int
    parts: list[ReceivedPart]


class CompleteAnswer(BaseModel):
    upload_id: str
    size: int


class JobOptions(BaseModel):
    """What a job may be told; anything else is refused."""

    model_config = ConfigDict(extra="forbid")

    engine: Literal["auto", "memory", "streaming"] = "auto"
    question: str | None = Field(default=None, max_length=2000)
    sample_rows: int = Field(
        default=0, ge=0, le=20, description="raw rows the model may see (opt-in; default none)"
    )


class JobRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    upload_id: str = Field(max_length=64)
    kind: Literal["profile", "insights"] = "profile"
    options: JobOptions = Field(default_factory=JobOptions)


class JobAnswer(BaseModel):
    job_id: str
    kind: str
    status: str
    phase: str
    progress: float
    error: str | None = None
    result_url: str | None = None


def create_app(
    store: ObjectStore,
    verifier: TokenVerifier,
    runner: Runner,
    *,
    part_size: int = DEFAULT_PART_SIZE,
) -> FastAPI:
    """The API over ``store``, trusting tokens ``verifier`` accepts, running jobs with ``runner``.

    ``runner(identity, job_id)`` must return at once (queue the work elsewhere).
    ``part_size`` is the smallest part of multipart uploads (at least 5 MiB).
    """
    if part_size < MIN_PART_SIZE:
        raise ValueError("parts must be at least 5 MiB")
    app = FastAPI(title="Loupe cloud", version="1.0")
    bearer = HTTPBearer(auto_error=False)

    def identity(
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> Identity:
        if credentials is None or credentials.scheme.lower() != "bearer":
            raise AuthError("a bearer token is required")
        return verifier.verify(credentials.credentials)

    Caller = Annotated[Identity, Depends(identity)]

    @app.exception_handler(CloudError)
    async def cloud_error(request: Request, exc: CloudError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, AuthError) else None
        return JSONResponse({"detail": str(exc)}, status_code=exc.status, headers=headers)

    @app.get("/v1/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/v1/uploads", status_code=201, responses=_ALL)
    def create_upload(body: UploadRequest, caller: Caller) -> UploadAnswer:
        # Over 5 GiB one PUT cannot carry the file: the answer says to go multipart.
        if not body.multipart and body.size <= MAX_SINGLE_UPLOAD:
            upload = save_upload(store, caller, body.name, body.size)
            url = store.presign_put(upload.key, expires=URL_SECONDS)
            return UploadAnswer(upload_id=upload.id, method="PUT", url=url, expires_in=URL_SECONDS)
        size = max(part_size, -(-body.size // MAX_PARTS))
        upload = save_upload(store, caller, body.name, body.size, part_size=size)
        return UploadAnswer(
            upload_id=upload.id,
            method="multipart",
            part_size=upload.part_size,
            part_count=upload.part_count,
            expires_in=URL_SECONDS,
        )

    def multipart(caller: Identity, upload_id: str) -> tuple[Upload, str]:
        upload = load_upload(store, caller, upload_id)
        if not upload.multipart_id:
            raise ConflictError("this upload is a single PUT, not multipart")
        return upload, upload.multipart_id

    @app.post("/v1/uploads/{upload_id}/parts", responses=_ALL)
    def part_urls(upload_id: str, body: PartsRequest, caller: Caller) -> PartsAnswer:
        upload, multipart_id = multipart(caller, upload_id)
        urls = []
        for part in body.parts:
            if part.number > upload.part_count:
                raise ConflictError(f"this upload has {upload.part_count} parts")
            url = store.presign_part(
                upload.key, multipart_id, part.number, part.sha256, expires=URL_SECONDS
            )
            headers = {"x-amz-checksum-sha256": part.sha256}
            urls.append(PartUrl(number=part.number, url=url, headers=headers))
        return PartsAnswer(parts=urls, expires_in=URL_SECONDS)

    @app.get("/v1/uploads/{upload_id}/parts", responses=_ALL)
    def received_parts(upload_id: str, caller: Caller) -> ReceivedAnswer:
        upload, multipart_id = multipart(caller, upload_id)
        received = [
            ReceivedPart(number=p.number, size=p.size, etag=p.etag)
            for p in store.parts(upload.key, multipart_id)
        ]
        return ReceivedAnswer(
            upload_id=upload.id,
            part_size=upload.part_size,
            part_count=upload.part_count,
            parts=received,
        )

    @app.post("/v1/uploads/{upload_id}/complete", responses=_ALL)
    def complete_upload(upload_id: str, caller: Caller) -> CompleteAnswer:
        upload, multipart_id = multipart(caller, upload_id)
        try:
            store.size(upload.key)
            return CompleteAnswer(upload_id=upload.id, size=upload.size)  # completed before
        except NotFoundError:
            pass
        received = {p.number: p for p in store.parts(upload.key, multipart_id)}
        missing = [n for n in range(1, upload.part_count + 1) if n not in received]
        if missing:
            shown = ", ".join(map(str, missing[:10])) + (" …" if len(missing) > 10 else "")
            raise ConflictError(f"parts not received yet: {shown}")
        wrong = [
            n for n, p in received.items()
            if n > upload.part_count or p.size != upload.part_length(n)
        ]  # fmt: skip
        if wrong:
            raise ConflictError(f"parts of the wrong size: {', '.join(map(str, wrong[:10]))}")
        store.complete_multipart(upload.key, multipart_id, [received[n] for n in sorted(received)])
        return CompleteAnswer(upload_id=upload.id, size=upload.size)

    @app.delete("/v1/uploads/{upload_id}", status_code=204, responses=_ALL)
    def abort_upload(upload_id: str, caller: Caller) -> None:
        delete_upload(store, caller, load_upload(store, caller, upload_id))

    @app.post("/v1/jobs", status_code=202, responses=_ALL)
    def create_job(body: JobRequest, caller: Caller) -> JobAnswer:
        upload = load_upload(store, caller, body.upload_id)
        try:
            store.size(upload.key)
        except NotFoundError:
            raise NotFoundError("the upload has not arrived yet: PUT the file first") from None
        options = body.options.model_dump(exclude_defaults=True)
        job = JobRecord(id=new_id(), kind=body.kind, upload_id=upload.id, options=options)
        save_job(store, caller, job)
        runner(caller, job.id)
        return _answer(job)

    @app.get("/v1/jobs/{job_id}", responses=_ALL)
    def get_job(job_id: str, caller: Caller) -> JobAnswer:
        job, _ = load_job(store, caller, job_id)
        answer = _answer(job)
        if job.status == "succeeded":
            key = f"jobs/{caller.sub}/{job.id}/result.json"
            answer.result_url = store.presign_get(key, expires=URL_SECONDS)
        return answer

    return app


def _answer(job: JobRecord) -> JobAnswer:
    return JobAnswer(
        job_id=job.id,
        kind=job.kind,
        status=job.status,
        phase=job.phase,
        progress=job.progress,
        error=job.error,
    )
