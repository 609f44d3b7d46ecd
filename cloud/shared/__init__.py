"""What the API and the workers share: identities, object keys, records, and the object store.

* :mod:`~cloud.shared.identity` — the caller whose ``sub`` decides every key;
* :mod:`~cloud.shared.keys` — the one place object keys are built;
* :mod:`~cloud.shared.uploads` and :mod:`~cloud.shared.jobs` — the records of
  uploads and jobs, and :class:`JobRef`, one caller's job in one store;
* :mod:`~cloud.shared.storage` — the object store protocol and its S3
  implementation; :mod:`~cloud.shared.memory` — its in-memory twin.

Nothing here imports the client, the API or the workers, nor core or Polars:
it ships in the API's zip as well as in the workers' image.
"""

from __future__ import annotations

from cloud.shared.identity import Identity, subject
from cloud.shared.jobs import JobKind, JobRecord, JobRef, Phase, Status
from cloud.shared.keys import JobKeys, UploadKeys, new_id, safe_name, user_uploads
from cloud.shared.memory import MemoryStore
from cloud.shared.storage import ObjectStore, Part, S3Store, Stored, s3_client
from cloud.shared.uploads import Upload, delete_upload, load_upload, save_upload

__all__ = [
    "Identity",
    "JobKeys",
    "JobKind",
    "JobRecord",
    "JobRef",
    "MemoryStore",
    "ObjectStore",
    "Part",
    "Phase",
    "S3Store",
    "Status",
    "Stored",
    "Upload",
    "UploadKeys",
    "delete_upload",
    "load_upload",
    "new_id",
    "s3_client",
    "safe_name",
    "save_upload",
    "subject",
    "user_uploads",
]
