"""The HTTP API: one FastAPI app, run by uvicorn locally and by Lambda through Mangum.

Routes (all but health need ``Authorization: Bearer <token>``):

    GET  /v1/health              liveness
    POST /v1/uploads             {name, size} → {upload_id, url, method}: PUT the file to url
    POST /v1/jobs                {upload_id, kind, options} → 202 {job_id, status}
    GET  /v1/jobs/{job_id}       status, phase, progress; result_url once succeeded

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
from pydantic import BaseModel, Field

from cloud.auth import Identity, TokenVerifier
from cloud.errors import AuthError, CloudError, NotFoundError
from cloud.jobs import JobRecord, load_job, load_upload, new_id, save_job, save_upload
from cloud.storage import ObjectStore

__all__ = ["MAX_SINGLE_UPLOAD", "create_app"]

# One presigned PUT carries at most this much (S3's own limit is 5 GB).
MAX_SINGLE_UPLOAD = 5 * 1024**3
URL_SECONDS = 3600

Runner = Callable[[Identity, str], None]


class UploadRequest(BaseModel):
    """What the client is about to upload."""

    name: str = Field(min_length=1, max_length=255)
    size: int = Field(ge=0, le=MAX_SINGLE_UPLOAD)


class UploadAnswer(BaseModel):
    upload_id: str
    url: str
    method: Literal["PUT"] = "PUT"
    expires_in: int


class JobRequest(BaseModel):
    upload_id: str = Field(max_length=64)
    kind: Literal["profile"] = "profile"
    options: dict[str, Any] = Field(default_factory=dict)


class JobAnswer(BaseModel):
    job_id: str
    kind: str
    status: str
    phase: str
    progress: float
    error: str | None = None
    result_url: str | None = None


def create_app(store: ObjectStore, verifier: TokenVerifier, runner: Runner) -> FastAPI:
    """The API over ``store``, trusting tokens ``verifier`` accepts, running jobs with ``runner``.

    ``runner(identity, job_id)`` must return at once (queue the work elsewhere).
    """
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

    @app.post("/v1/uploads", status_code=201)
    def create_upload(body: UploadRequest, caller: Caller) -> UploadAnswer:
        upload = save_upload(store, caller, body.name, body.size)
        url = store.presign_put(upload.key, expires=URL_SECONDS)
        return UploadAnswer(upload_id=upload.id, url=url, expires_in=URL_SECONDS)

    @app.post("/v1/jobs", status_code=202)
    def create_job(body: JobRequest, caller: Caller) -> JobAnswer:
        upload = load_upload(store, caller, body.upload_id)
        try:
            store.size(upload.key)
        except NotFoundError:
            raise NotFoundError("the upload has not arrived yet: PUT the file first") from None
        job = JobRecord(id=new_id(), kind=body.kind, upload_id=upload.id, options=body.options)
        save_job(store, caller, job)
        runner(caller, job.id)
        return _answer(job)

    @app.get("/v1/jobs/{job_id}")
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
