"""The HTTP API: one FastAPI app, run by uvicorn locally and by Lambda through Mangum.

Routes (all but health and auth/config need ``Authorization: Bearer <token>``):

    GET    /v1/health                      liveness
    GET    /v1/auth/config                 how to sign in: the browser flow's settings, or local
    POST   /v1/uploads                     {name, size, multipart} → {upload_id, url | part_size}
    POST   /v1/uploads/{id}/parts          {parts: [{number, sha256}]} → a URL per part
    GET    /v1/uploads/{id}/parts          the parts S3 has received (to resume)
    POST   /v1/uploads/{id}/complete       join the parts into the file
    DELETE /v1/uploads/{id}                drop the parts, the file, the record and its jobs
    POST   /v1/jobs                        {upload_id, kind, options} → 202 {job_id, status}
    GET    /v1/jobs/{job_id}               status, phase, progress; result_url once succeeded
    DELETE /v1/jobs/{job_id}               drop the job's objects (409 while it runs)
    POST   /v1/keys                        the caller's own API key (per-user quota), or null

The upload routes are in :mod:`cloud.api.uploads`, the job routes in
:mod:`cloud.api.jobs`. Request bodies over 64 KiB are refused with 413 before
they are parsed; a body that does not validate gets 422 with the location and
reason of each problem, never the input (:mod:`cloud.api.limits`). Nothing in
the routes knows which host runs them: storage, token checking and the job
runner are given to :func:`create_app`.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from cloud.api import jobs, keys, uploads
from cloud.api.auth import SignInSettings, TokenVerifier
from cloud.api.dependencies import Backend, Runner
from cloud.api.limits import MAX_BODY, BodyLimit, validation_problems
from cloud.api.models import DEFAULT_PART_SIZE, MIN_PART_SIZE
from cloud.errors import AuthError, CloudError
from cloud.shared.storage import ObjectStore

__all__ = ["create_app"]


def create_app(
    store: ObjectStore,
    verifier: TokenVerifier,
    runner: Runner,
    *,
    part_size: int = DEFAULT_PART_SIZE,
    sign_in: SignInSettings | None = None,
    personal_keys: keys.KeyIssuer | None = None,
) -> FastAPI:
    """The API over ``store``, trusting tokens ``verifier`` accepts, running jobs with ``runner``.

    ``runner(job)`` must return at once (queue the work elsewhere).
    ``part_size`` is the smallest part of multipart uploads (at least 5 MiB).
    ``sign_in`` says how clients sign in; without it (``loupe serve``) the API
    answers that the token is the local one, found in the connection file.
    ``personal_keys`` gives each user an API key of their own (AWS: the usage
    plan's quota is then per user); without it no key is needed.
    """
    if part_size < MIN_PART_SIZE:
        raise ValueError("parts must be at least 5 MiB")
    app = FastAPI(title="Loupe cloud", version="1.0")
    app.state.backend = Backend(store, verifier, runner, part_size, personal_keys)
    app.add_middleware(BodyLimit, limit=MAX_BODY)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        # FastAPI's own answer echoes the input: a large body back, or a 500 when
        # the input holds a lone surrogate that JSON cannot encode.
        return JSONResponse({"detail": validation_problems(exc.errors())}, status_code=422)

    @app.exception_handler(CloudError)
    async def cloud_error(request: Request, exc: CloudError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, AuthError) else None
        return JSONResponse({"detail": str(exc)}, status_code=exc.status, headers=headers)

    @app.get("/v1/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/v1/auth/config")
    def auth_config() -> dict[str, Any]:
        if sign_in is None:
            return {"method": "local"}
        return sign_in.answer()

    app.include_router(uploads.router)
    app.include_router(jobs.router)
    app.include_router(keys.router)
    return app
