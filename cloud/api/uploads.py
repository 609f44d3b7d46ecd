"""The upload routes: presigned PUTs for small files, signed parts for large ones.

A small file goes up with one presigned PUT. A large one goes up in parts:
the client asks for part URLs as it needs them, each with the part's SHA-256
signed in (S3 refuses a part whose bytes do not match), lists the received
parts to resume after an interruption, and completes or aborts.
"""

from __future__ import annotations

from fastapi import APIRouter

from cloud.api.dependencies import Backend, Caller, Service
from cloud.api.models import (
    MAX_PARTS,
    MAX_SINGLE_UPLOAD,
    URL_SECONDS,
    CompleteAnswer,
    PartsAnswer,
    PartsRequest,
    PartUrl,
    ReceivedAnswer,
    ReceivedPart,
    UploadAnswer,
    UploadRequest,
    errors,
)
from cloud.errors import ConflictError, NotFoundError
from cloud.shared.identity import Identity
from cloud.shared.uploads import Upload, delete_upload, load_upload, save_upload

__all__ = ["router"]

router = APIRouter()
_ALL = errors(401, 403, 404, 409, 413, 502)


@router.post("/v1/uploads", status_code=201, responses=_ALL)
def create_upload(body: UploadRequest, caller: Caller, service: Service) -> UploadAnswer:
    """Record an upload and say how to send it: one PUT, or parts."""
    store = service.store
    # Over 5 GiB one PUT cannot carry the file: the answer says to go multipart.
    if not body.multipart and body.size <= MAX_SINGLE_UPLOAD:
        upload = save_upload(store, caller, body.name, body.size)
        url = store.presign_put(upload.key, expires=URL_SECONDS, size=body.size)
        return UploadAnswer(upload_id=upload.id, method="PUT", url=url, expires_in=URL_SECONDS)
    size = max(service.part_size, -(-body.size // MAX_PARTS))
    upload = save_upload(store, caller, body.name, body.size, part_size=size)
    return UploadAnswer(
        upload_id=upload.id,
        method="multipart",
        part_size=upload.part_size,
        part_count=upload.part_count,
        expires_in=URL_SECONDS,
    )


def _multipart(service: Backend, caller: Identity, upload_id: str) -> tuple[Upload, str]:
    """The caller's multipart upload and its S3 id. Raises NotFoundError, ConflictError."""
    upload = load_upload(service.store, caller, upload_id)
    if not upload.multipart_id:
        raise ConflictError("this upload is a single PUT, not multipart")
    return upload, upload.multipart_id


@router.post("/v1/uploads/{upload_id}/parts", responses=_ALL)
def part_urls(upload_id: str, body: PartsRequest, caller: Caller, service: Service) -> PartsAnswer:
    """URLs for the parts asked for, each with its SHA-256 signed in."""
    upload, multipart_id = _multipart(service, caller, upload_id)
    urls = []
    for part in body.parts:
        if part.number > upload.part_count:
            raise ConflictError(f"this upload has {upload.part_count} parts")
        url = service.store.presign_part(
            upload.key, multipart_id, part.number, part.sha256, expires=URL_SECONDS
        )
        headers = {"x-amz-checksum-sha256": part.sha256}
        urls.append(PartUrl(number=part.number, url=url, headers=headers))
    return PartsAnswer(parts=urls, expires_in=URL_SECONDS)


@router.get("/v1/uploads/{upload_id}/parts", responses=_ALL)
def received_parts(upload_id: str, caller: Caller, service: Service) -> ReceivedAnswer:
    """The parts S3 has received so far (to resume an interrupted upload)."""
    upload, multipart_id = _multipart(service, caller, upload_id)
    received = [
        ReceivedPart(number=p.number, size=p.size, etag=p.etag)
        for p in service.store.parts(upload.key, multipart_id)
    ]
    return ReceivedAnswer(
        upload_id=upload.id,
        part_size=upload.part_size,
        part_count=upload.part_count,
        parts=received,
    )


@router.post("/v1/uploads/{upload_id}/complete", responses=_ALL)
def complete_upload(upload_id: str, caller: Caller, service: Service) -> CompleteAnswer:
    """Join the parts into the file, once every part has arrived at its size."""
    store = service.store
    upload, multipart_id = _multipart(service, caller, upload_id)
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


@router.delete("/v1/uploads/{upload_id}", status_code=204, responses=_ALL)
def abort_upload(upload_id: str, caller: Caller, service: Service) -> None:
    """Drop the upload and every copy derived from it: parts, file, record, and its jobs.

    Every version goes, in a versioned bucket. Refused (409) while a job on it is running.
    """
    delete_upload(service.store, caller, load_upload(service.store, caller, upload_id))
