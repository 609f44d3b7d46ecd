"""Jobs: their record, and :class:`JobRef`, one caller's job in one store.

Job state lives in S3 as ``jobs/{sub}/{job}/job.json``, updated with
conditional writes (``If-Match`` on the etag), so concurrent steps never lose
each other's progress. S3 rather than DynamoDB: one service less to deploy and
pay for, the records sit beside the partial profiles and results they describe,
and the lifecycle rules that expire uploads expire jobs too.

A job moves through phases; its status follows from the phase::

    phase    queued → planning → profiling → merging → (insights) → done
                                                                    ↘ failed (from any)
    status   queued   running    running     running     running    succeeded / failed
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

from cloud.errors import ConflictError, NotFoundError
from cloud.shared.identity import Identity
from cloud.shared.keys import JobKeys, UploadKeys
from cloud.shared.storage import ObjectStore

__all__ = ["STALLED_SECONDS", "JobKind", "JobRecord", "JobRef", "Phase", "Status"]

JobKind = Literal["profile", "insights"]
Phase = Literal["queued", "planning", "profiling", "merging", "insights", "done", "failed"]
Status = Literal["queued", "running", "succeeded", "failed"]

# Phases that are not "running"; every other phase is.
_STATUS: dict[str, Status] = {"queued": "queued", "done": "succeeded", "failed": "failed"}
# A queued or running job whose record has not changed for this long has stopped
# without a word (every step updates the record, and no step runs for 15 minutes).
STALLED_SECONDS = 3600


@dataclass(frozen=True)
class JobRecord:
    """A job's state, as ``GET /v1/jobs/{id}`` shows it."""

    id: str
    kind: JobKind
    upload_id: str
    phase: Phase = "queued"
    progress: float = 0.0
    error: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    created: float = field(default_factory=time.time)
    updated: float = field(default_factory=time.time)
    chunks: int = 0
    chunks_done: int = 0

    @property
    def status(self) -> Status:
        """queued, running, succeeded or failed: what the phase means to the client."""
        return _STATUS.get(self.phase, "running")

    def in_progress(self, now: float | None = None) -> bool:
        """Whether steps may still write the job's objects: queued or running, and not stalled."""
        now = time.time() if now is None else now
        return self.status in ("queued", "running") and now - self.updated < STALLED_SECONDS

    def to_json(self) -> dict[str, Any]:
        """The record as stored."""
        return asdict(self)

    @classmethod
    def from_json(cls, record: dict[str, Any]) -> JobRecord:
        """A record as stored.

        Records written before the status was derived also hold a ``status``;
        it always agreed with the phase, so it is left out.
        """
        return cls(**{k: v for k, v in record.items() if k != "status"})


@dataclass(frozen=True)
class JobRef:
    """Job ``job_id`` of ``identity`` in ``store``: its keys, and its record read and changed.

    Raises NotFoundError on creation for an id the server cannot have made.
    """

    store: ObjectStore
    identity: Identity
    job_id: str
    keys: JobKeys = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "keys", JobKeys(self.identity, self.job_id))

    def create(self, job: JobRecord) -> None:
        """Write the record of a new job (refused if one exists), and mark it on its upload.

        The marker comes first, so deleting the upload finds every job that has a record.
        """
        self.store.put(UploadKeys(self.identity, job.upload_id).job(self.job_id), b"")
        self.store.put(self.keys.record, json.dumps(job.to_json()).encode(), if_absent=True)

    def delete(self) -> None:
        """Remove every object of the job, all versions, and its marker on the upload.

        Raises:
            NotFoundError: no such job.
            ConflictError: the job is still queued or running.
        """
        job = self.load()
        if job.in_progress():
            raise ConflictError(f"job {self.job_id} is still {job.status}: delete it once it ends")
        self.store.purge(self.keys.prefix)
        self.store.purge(UploadKeys(self.identity, job.upload_id).job(self.job_id))

    def load(self) -> JobRecord:
        """The job's record. Raises NotFoundError."""
        return self._load_tagged()[0]

    def _load_tagged(self) -> tuple[JobRecord, str]:
        """The job's record and its etag. Raises NotFoundError."""
        try:
            stored = self.store.get(self.keys.record)
        except NotFoundError:
            raise NotFoundError("no such job") from None
        return JobRecord.from_json(json.loads(stored.data)), stored.etag

    def update(self, **changes: Any) -> JobRecord:
        """Change fields of the record, retrying when another step wrote first."""
        for _ in range(20):
            job, etag = self._load_tagged()
            changed = replace(job, updated=time.time(), **changes)
            try:
                self.store.put(
                    self.keys.record, json.dumps(changed.to_json()).encode(), if_match=etag
                )
                return changed
            except ConflictError:
                continue
        raise ConflictError(f"job {self.job_id}: too many concurrent updates")

    def succeed(self) -> JobRecord:
        """Mark the job done."""
        return self.update(phase="done", progress=1.0)

    def fail(self, error: BaseException | str) -> JobRecord:
        """Record that the job failed, with a one-line reason free of temporary paths."""
        text = error if isinstance(error, str) else (str(error) or type(error).__name__)
        message = text.strip().splitlines()[0] if text.strip() else "the job failed"
        # Temporary paths mean nothing to the user: name the upload instead.
        message = re.sub(r"/\S*/(loupe-(plan|chunk)-[^/\s]+/)", "", message)
        return self.update(phase="failed", error=message[:500])
