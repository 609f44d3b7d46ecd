"""The job routes: start a job on an upload, follow it to its result, delete it."""

from __future__ import annotations

from fastapi import APIRouter

from cloud.api.dependencies import Caller, Service
from cloud.api.models import URL_SECONDS, JobAnswer, JobRequest, errors
from cloud.errors import ConflictError, NotFoundError
from cloud.shared.jobs import JobRecord, JobRef
from cloud.shared.keys import new_id
from cloud.shared.uploads import load_upload

__all__ = ["router"]

router = APIRouter()
_ALL = errors(401, 403, 404, 409, 413, 502)


@router.post("/v1/jobs", status_code=202, responses=_ALL)
def create_job(body: JobRequest, caller: Caller, service: Service) -> JobAnswer:
    """Record a job on an upload that has arrived, and hand it to the runner."""
    upload = load_upload(service.store, caller, body.upload_id)
    try:
        size = service.store.size(upload.key)
    except NotFoundError:
        raise NotFoundError("the upload has not arrived yet: PUT the file first") from None
    # The PUT URL has the declared length signed in; this holds where a store does not check.
    if size != upload.size:
        raise ConflictError(
            f"the file that arrived is {size:,} bytes, not the {upload.size:,} declared: "
            "upload it again"
        )
    options = body.options.model_dump(exclude_defaults=True)
    job = JobRecord(id=new_id(), kind=body.kind, upload_id=upload.id, options=options)
    ref = JobRef(service.store, caller, job.id)
    ref.create(job)
    service.runner(ref)
    return _answer(job)


@router.get("/v1/jobs/{job_id}", responses=_ALL)
def get_job(job_id: str, caller: Caller, service: Service) -> JobAnswer:
    """The job's state; once it succeeded, a URL of its result."""
    ref = JobRef(service.store, caller, job_id)
    job = ref.load()
    answer = _answer(job)
    if job.status == "succeeded":
        answer.result_url = service.store.presign_get(ref.keys.result, expires=URL_SECONDS)
    return answer


@router.delete("/v1/jobs/{job_id}", status_code=204, responses=_ALL)
def delete_job(job_id: str, caller: Caller, service: Service) -> None:
    """Remove the job's objects (all versions); a job still queued or running is refused (409)."""
    JobRef(service.store, caller, job_id).delete()


def _answer(job: JobRecord) -> JobAnswer:
    """What the client is told of ``job``."""
    return JobAnswer(
        job_id=job.id,
        kind=job.kind,
        status=job.status,
        phase=job.phase,
        progress=job.progress,
        chunks=job.chunks,
        chunks_done=job.chunks_done,
        error=job.error,
    )
