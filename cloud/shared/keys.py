"""Object keys: the one place that builds them.

Keys are derived on the server from the caller's identity and ids the server
made. Nothing the client sends becomes part of a key except a file name
reduced to a safe base name::

    uploads/{sub}/{upload}/upload.json          the upload's record
    uploads/{sub}/{upload}/data/{name}          the uploaded file
    uploads/{sub}/{upload}/jobs/{job}           an empty marker: a job was run on the upload
    jobs/{sub}/{job}/job.json                   the job's record
    jobs/{sub}/{job}/plan.json                  the plan the state machine's Map reads
    jobs/{sub}/{job}/reading.json               how the upload is read: dialect, column types
    jobs/{sub}/{job}/chunks/{index}.parquet     rows of a converted chunk
    jobs/{sub}/{job}/partials/{index}.json      a chunk's mergeable profile
    jobs/{sub}/{job}/profile.json               an insights job's merged profile
    jobs/{sub}/{job}/result.json                what the client fetches
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from cloud.errors import ForbiddenError, NotFoundError
from cloud.shared.identity import Identity

__all__ = ["JobKeys", "UploadKeys", "checked_id", "new_id", "safe_name", "user_uploads"]

_ID = re.compile(r"[0-9a-f]{32}")


def new_id() -> str:
    """A fresh upload or job id."""
    return uuid.uuid4().hex


def checked_id(value: str, what: str) -> str:
    """``value`` if it is an id this server could have made. Raises NotFoundError."""
    # fullmatch: "$" would also accept a trailing newline.
    if not _ID.fullmatch(value):
        raise NotFoundError(f"no such {what}")
    return value


def safe_name(name: str) -> str:
    """A client's file name reduced to a base name fit for a key.

    Raises:
        ForbiddenError: the name is a path (absolute, with ``..`` or separators) or empty.
    """
    if (
        not name
        or len(name) > 255
        or "\x00" in name
        or name in (".", "..")
        or PurePosixPath(name).name != name
        or PureWindowsPath(name).name != name
    ):
        raise ForbiddenError("the file name must be a plain name, not a path")
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)


def user_uploads(identity: Identity) -> str:
    """The prefix under which every upload of ``identity`` lives."""
    return f"uploads/{identity.sub}/"


@dataclass(frozen=True)
class UploadKeys:
    """The keys of one upload. Raises NotFoundError for an id the server cannot have made."""

    identity: Identity
    upload_id: str

    def __post_init__(self) -> None:
        checked_id(self.upload_id, "upload")

    @property
    def prefix(self) -> str:
        """Where the upload's objects live."""
        return f"{user_uploads(self.identity)}{self.upload_id}/"

    @property
    def record(self) -> str:
        """The upload's record."""
        return self.prefix + "upload.json"

    def data(self, name: str) -> str:
        """The uploaded file, named after the client's ``name`` made safe. Raises ForbiddenError."""
        return self.prefix + "data/" + safe_name(name)

    @property
    def jobs(self) -> str:
        """The prefix of the markers naming the jobs run on the upload."""
        return self.prefix + "jobs/"

    def job(self, job_id: str) -> str:
        """The marker of job ``job_id`` (an empty object). Raises NotFoundError for an odd id."""
        return self.jobs + checked_id(job_id, "job")


@dataclass(frozen=True)
class JobKeys:
    """The keys of one job. Raises NotFoundError for an id the server cannot have made."""

    identity: Identity
    job_id: str

    def __post_init__(self) -> None:
        checked_id(self.job_id, "job")

    @property
    def prefix(self) -> str:
        """Where the job's objects live."""
        return f"jobs/{self.identity.sub}/{self.job_id}/"

    @property
    def record(self) -> str:
        """The job's record."""
        return self.prefix + "job.json"

    @property
    def plan(self) -> str:
        """The plan's items, one per chunk."""
        return self.prefix + "plan.json"

    @property
    def reading(self) -> str:
        """How the plan read the upload (dialect, column types), for the chunks and the result."""
        return self.prefix + "reading.json"

    @property
    def partials(self) -> str:
        """The prefix of the chunks' profiles."""
        return self.prefix + "partials/"

    def partial(self, index: int) -> str:
        """The profile of chunk ``index``."""
        return f"{self.partials}{index:06d}.json"

    def chunk(self, index: int) -> str:
        """The rows of converted chunk ``index``."""
        return f"{self.prefix}chunks/{index:06d}.parquet"

    @property
    def profile(self) -> str:
        """The merged profile an insights job asks the model about."""
        return self.prefix + "profile.json"

    @property
    def result(self) -> str:
        """The job's result document."""
        return self.prefix + "result.json"
