"""What the API's routes accept and answer, as pydantic models, and the limits they enforce."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "DEFAULT_PART_SIZE",
    "MAX_PARTS",
    "MAX_SINGLE_UPLOAD",
    "MAX_UPLOAD",
    "MIN_PART_SIZE",
    "URL_SECONDS",
    "CompleteAnswer",
    "JobAnswer",
    "JobOptions",
    "JobRequest",
    "PartRequest",
    "PartUrl",
    "PartsAnswer",
    "PartsRequest",
    "Problem",
    "ReceivedAnswer",
    "ReceivedPart",
    "UploadAnswer",
    "UploadRequest",
    "errors",
]

# One presigned PUT carries at most this much (S3's own limit is 5 GB).
MAX_SINGLE_UPLOAD = 5 * 1024**3
# S3's limits for multipart uploads: 5 TiB, at most 10,000 parts of at least 5 MiB.
MAX_UPLOAD = 5 * 1024**4
MAX_PARTS = 10_000
MIN_PART_SIZE = 5 * 1024**2
DEFAULT_PART_SIZE = 16 * 1024**2
URL_SECONDS = 3600
_SHA256_B64 = r"^[A-Za-z0-9+/]{43}=$"


class Problem(BaseModel):
    """Why a request failed, in one line."""

    detail: str


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The documented error answers of a route."""
    meaning = {
        401: "no valid bearer token",
        403: "not the caller's, or not a plain file name",
        404: "no such upload or job for this caller",
        409: "the upload or job is not in a state that allows this",
        413: "the request body is over 64 KiB",
        502: "the object store failed",
    }
    return {s: {"model": Problem, "description": meaning[s]} for s in statuses}


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
    chunks: int = Field(0, description="the chunks the file was split into (0 until planned)")
    chunks_done: int = Field(0, description="the chunks profiled so far")
    error: str | None = None
    result_url: str | None = None
