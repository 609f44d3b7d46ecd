"""Uploads: the record of a file the server agreed to receive, kept beside the file."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from cloud.errors import ConflictError, NotFoundError
from cloud.shared.identity import Identity
from cloud.shared.jobs import JobRef
from cloud.shared.keys import UploadKeys, new_id
from cloud.shared.storage import ObjectStore

__all__ = ["Upload", "delete_upload", "load_upload", "save_upload"]


@dataclass(frozen=True)
class Upload:
    """An upload the server agreed to receive.

    A multipart upload also has its S3 ``multipart_id`` and ``part_size``
    (every part but the last is exactly that long).
    """

    id: str
    name: str
    key: str
    size: int
    multipart_id: str | None = None
    part_size: int = 0

    @property
    def part_count(self) -> int:
        """How many parts a multipart upload has (0 for a single PUT)."""
        return max(1, -(-self.size // self.part_size)) if self.part_size else 0

    def part_length(self, number: int) -> int:
        """How long part ``number`` (from 1) must be."""
        return min(self.part_size, self.size - (number - 1) * self.part_size)


def load_upload(store: ObjectStore, identity: Identity, upload_id: str) -> Upload:
    """The caller's upload ``upload_id``. Raises NotFoundError."""
    try:
        record = json.loads(store.get(UploadKeys(identity, upload_id).record).data)
    except NotFoundError:
        raise NotFoundError("no such upload") from None
    return Upload(**record)


def save_upload(
    store: ObjectStore, identity: Identity, name: str, size: int, *, part_size: int = 0
) -> Upload:
    """Record a new upload for the caller and return it.

    With ``part_size`` the upload is multipart: S3's multipart upload starts here.

    Raises:
        ForbiddenError: ``name`` is a path, not a plain file name.
    """
    keys = UploadKeys(identity, new_id())
    key = keys.data(name)
    multipart_id = store.start_multipart(key) if part_size else None
    upload = Upload(keys.upload_id, name, key, size, multipart_id, part_size)
    store.put(keys.record, json.dumps(asdict(upload)).encode(), if_absent=True)
    return upload


def delete_upload(store: ObjectStore, identity: Identity, upload: Upload) -> None:
    """Drop an upload and every copy derived from it, all versions included.

    That is its unfinished parts, its file and its record, and every job run on
    it: chunks, partial profiles, plan, profile, result and record.

    Raises:
        ConflictError: a job on the upload is still queued or running (nothing is removed).
    """
    keys = UploadKeys(identity, upload.id)
    jobs = [JobRef(store, identity, key.rsplit("/", 1)[1]) for key in store.keys(keys.jobs)]
    for job in jobs:
        try:
            record = job.load()
        except NotFoundError:
            continue  # marked, but its record was never written
        if record.in_progress():
            raise ConflictError(
                f"job {job.job_id} on this upload is still {record.status}: "
                "delete the upload once it ends"
            )
    for job in jobs:
        store.purge(job.keys.prefix)
    if upload.multipart_id:
        store.abort_multipart(upload.key, upload.multipart_id)
    store.purge(keys.prefix)
