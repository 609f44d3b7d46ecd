"""Uploads and jobs: their object keys, their records, and the profiling steps.

Keys are derived on the server from the caller's identity and ids the server
made: ``uploads/{sub}/{upload}/…`` and ``jobs/{sub}/{job}/…``. Nothing the
client sends becomes part of a key except a file name reduced to a safe base
name.

Job state lives in S3 as ``jobs/{sub}/{job}/job.json``, updated with
conditional writes (``If-Match`` on the etag), so concurrent steps never lose
each other's progress. S3 rather than DynamoDB: one service less to deploy and
pay for, the records sit beside the partial profiles and results they describe,
and the lifecycle rules that expire uploads expire jobs too.

The profiling steps are plain functions on an :class:`~cloud.storage.ObjectStore`
— :func:`plan`, :func:`profile_chunk`, :func:`merge` — the same in the Step
Functions Lambdas and in the local runner.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from cloud.auth import Identity
from cloud.errors import ConflictError, ForbiddenError, NotFoundError
from cloud.storage import ObjectStore

__all__ = [
    "Chunk",
    "JobRecord",
    "RangedFile",
    "Upload",
    "chunk_done",
    "delete_upload",
    "fail_job",
    "insights",
    "job_prefix",
    "load_job",
    "load_upload",
    "merge",
    "new_id",
    "plan",
    "profile_chunk",
    "run_job",
    "safe_name",
    "save_job",
    "update_job",
]

_ID = re.compile(r"^[0-9a-f]{32}$")
DEFAULT_CHUNK_ROWS = 1_000_000


def new_id() -> str:
    """A fresh upload or job id."""
    return uuid.uuid4().hex


def checked_id(value: str, what: str) -> str:
    """``value`` if it is an id this server could have made. Raises NotFoundError."""
    if not _ID.match(value):
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


def upload_prefix(identity: Identity, upload_id: str) -> str:
    """Where an upload's objects live."""
    return f"uploads/{identity.sub}/{checked_id(upload_id, 'upload')}/"


def job_prefix(identity: Identity, job_id: str) -> str:
    """Where a job's objects live."""
    return f"jobs/{identity.sub}/{checked_id(job_id, 'job')}/"


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
        record = json.loads(store.get(upload_prefix(identity, upload_id) + "upload.json").data)
    except NotFoundError:
        raise NotFoundError("no such upload") from None
    return Upload(**record)


def save_upload(
    store: ObjectStore, identity: Identity, name: str, size: int, *, part_size: int = 0
) -> Upload:
    """Record a new upload for the caller and return it.

    With ``part_size`` the upload is multipart: S3's multipart upload starts here.
    """
    upload_id = new_id()
    prefix = upload_prefix(identity, upload_id)
    key = prefix + "data/" + safe_name(name)
    multipart_id = store.start_multipart(key) if part_size else None
    upload = Upload(upload_id, name, key, size, multipart_id, part_size)
    store.put(prefix + "upload.json", json.dumps(asdict(upload)).encode(), if_absent=True)
    return upload


def delete_upload(store: ObjectStore, identity: Identity, upload: Upload) -> None:
    """Drop an upload: its unfinished parts, its file and its record."""
    if upload.multipart_id:
        store.abort_multipart(upload.key, upload.multipart_id)
    store.delete(upload.key)
    store.delete(upload_prefix(identity, upload.id) + "upload.json")


@dataclass(frozen=True)
class JobRecord:
    """A job's state, as ``GET /v1/jobs/{id}`` shows it."""

    id: str
    kind: str
    upload_id: str
    status: str = "queued"  # queued, running, succeeded, failed
    phase: str = "queued"
    progress: float = 0.0
    error: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    created: float = field(default_factory=time.time)
    updated: float = field(default_factory=time.time)
    chunks: int = 0


def save_job(store: ObjectStore, identity: Identity, job: JobRecord) -> None:
    """Create the record of a new job."""
    key = job_prefix(identity, job.id) + "job.json"
    store.put(key, json.dumps(asdict(job)).encode(), if_absent=True)


def load_job(store: ObjectStore, identity: Identity, job_id: str) -> tuple[JobRecord, str]:
    """The caller's job and its record's etag. Raises NotFoundError."""
    try:
        stored = store.get(job_prefix(identity, job_id) + "job.json")
    except NotFoundError:
        raise NotFoundError("no such job") from None
    return JobRecord(**json.loads(stored.data)), stored.etag


def update_job(store: ObjectStore, identity: Identity, job_id: str, **changes: Any) -> JobRecord:
    """Change fields of a job's record, retrying when another step wrote first."""
    key = job_prefix(identity, job_id) + "job.json"
    for _ in range(20):
        job, etag = load_job(store, identity, job_id)
        changed = replace(job, updated=time.time(), **changes)
        try:
            store.put(key, json.dumps(asdict(changed)).encode(), if_match=etag)
            return changed
        except ConflictError:
            continue
    raise ConflictError(f"job {job_id}: too many concurrent updates")


@dataclass(frozen=True)
class Chunk:
    """Rows ``offset`` to ``offset + rows`` of the upload.

    Either whole row groups of a Parquet upload (``source`` and ``row_groups``:
    the chunk step reads just those byte ranges), or, for other files, rows
    the plan wrote as a Parquet object of their own.
    """

    index: int
    offset: int
    rows: int
    source: str = ""
    row_groups: tuple[int, ...] = ()

    def key(self, prefix: str) -> str:
        """Where a converted chunk's rows live under a job's ``prefix``."""
        return f"{prefix}chunks/{self.index:06d}.parquet"

    def to_json(self) -> dict[str, Any]:
        """The chunk as a plan item."""
        return {**asdict(self), "row_groups": list(self.row_groups)}

    @classmethod
    def from_json(cls, item: dict[str, Any]) -> Chunk:
        """A chunk from a plan item."""
        return cls(
            int(item["index"]),
            int(item["offset"]),
            int(item["rows"]),
            str(item.get("source", "")),
            tuple(int(g) for g in item.get("row_groups", ())),
        )


class RangedFile(io.RawIOBase):
    """An object in the store read as a seekable file: each read is one ranged GET.

    ``fetched`` counts the bytes transferred, so callers can tell what they read.
    """

    def __init__(self, store: ObjectStore, key: str) -> None:
        super().__init__()
        self._store = store
        self._key = key
        self._size = store.size(key)
        self._position = 0
        self.fetched = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        self._position = max(0, base + offset)
        return self._position

    def readinto(self, buffer: Any) -> int:
        count = min(len(buffer), self._size - self._position)
        if count <= 0:
            return 0
        data = self._store.get_range(self._key, self._position, self._position + count)
        buffer[: len(data)] = data
        self._position += len(data)
        self.fetched += len(data)
        return len(data)


def _row_group_plan(store: ObjectStore, key: str, chunk_rows: int) -> list[Chunk] | None:
    """Chunks of whole row groups if ``key`` is a Parquet file fit for it, else None.

    Only the footer is read. Files whose row groups are much larger than a
    chunk (or that are not Parquet at all) take the converting path instead.
    """
    import pyarrow.parquet as pq

    try:
        # Unbuffered: Parquet readers ask for exact ranges (here the tail, then
        # the footer), so every byte fetched is a byte used.
        with RangedFile(store, key) as handle:
            metadata = pq.ParquetFile(handle).metadata
    except Exception:  # not Parquet, or unreadable: the converting path names the problem
        return None
    sizes = [metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)]
    if not sizes or max(sizes) > 2 * chunk_rows:
        return None
    chunks: list[Chunk] = []
    group: list[int] = []
    rows = offset = 0
    for number, count in enumerate(sizes):
        group.append(number)
        rows += count
        if rows >= chunk_rows or number == len(sizes) - 1:
            chunks.append(Chunk(len(chunks), offset, rows, key, tuple(group)))
            offset, group, rows = offset + rows, [], 0
    return chunks


def plan(
    store: ObjectStore,
    identity: Identity,
    job_id: str,
    upload: Upload,
    *,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
) -> list[Chunk]:
    """Split the upload into chunks of rows whose profiles merge.

    A Parquet upload (what the client sends by default) is planned from its
    footer alone: each chunk is a run of whole row groups, read by the chunk
    step with ranged GETs. Any other file is typed here, once, for the whole
    file (as the desktop does), and its chunks are written as Parquet objects
    of their own, so every chunk has the same schema. A small file is a
    one-chunk plan. Moves the job's record from planning to profiling.
    """
    update_job(store, identity, job_id, status="running", phase="planning", progress=0.05)
    chunks = _row_group_plan(store, upload.key, chunk_rows)
    if chunks is None:
        chunks = _converted_plan(store, job_prefix(identity, job_id), upload, chunk_rows)
    update_job(store, identity, job_id, phase="profiling", progress=0.2, chunks=len(chunks))
    return chunks


def _converted_plan(
    store: ObjectStore, prefix: str, upload: Upload, chunk_rows: int
) -> list[Chunk]:
    """Type the whole upload once and store its chunks as Parquet objects of their own."""
    import polars as pl

    from core.read.convert import convert
    from core.read.table import open_table

    with tempfile.TemporaryDirectory(prefix="loupe-plan-") as folder:
        source = Path(folder) / Path(upload.key).name
        source.write_bytes(store.get(upload.key).data)
        copy = Path(folder) / "data.parquet"
        with open_table(source) as table:
            convert(table, copy)
        source.unlink()
        rows = pl.scan_parquet(copy).select(pl.len()).collect().item()
        count = max(1, -(-rows // chunk_rows))
        chunks = [
            Chunk(i, i * chunk_rows, max(0, min(chunk_rows, rows - i * chunk_rows)))
            for i in range(count)
        ]
        part = Path(folder) / "chunk.parquet"
        for chunk in chunks:
            pl.scan_parquet(copy).slice(chunk.offset, chunk.rows).sink_parquet(part)
            store.put(chunk.key(prefix), part.read_bytes())
    return chunks


def profile_chunk(
    store: ObjectStore, identity: Identity, job_id: str, chunk: Chunk, options: dict[str, Any]
) -> str:
    """Profile one chunk; write its (mergeable) profile, move progress on, return the key."""
    from core.profiling.config import ProfileConfig
    from core.profiling.engine import profile_table
    from core.profiling.profile import dumps
    from core.read.table import open_table

    prefix = job_prefix(identity, job_id)
    with tempfile.TemporaryDirectory(prefix="loupe-chunk-") as folder:
        part = Path(folder) / f"chunk-{chunk.index}.parquet"
        if chunk.row_groups:
            import pyarrow.parquet as pq

            # Plans come from the server, but a chunk still reads only its owner's uploads.
            if not chunk.source.startswith(f"uploads/{identity.sub}/"):
                raise ForbiddenError("a chunk may only read the caller's own upload")
            with RangedFile(store, chunk.source) as handle:
                rows = pq.ParquetFile(handle).read_row_groups(list(chunk.row_groups))
            pq.write_table(rows, part)
        else:
            part.write_bytes(store.get(chunk.key(prefix)).data)
        with open_table(part) as table:
            result = profile_table(table, ProfileConfig(engine=options.get("engine", "auto")))
    key = f"{prefix}partials/{chunk.index:06d}.json"
    store.put(key, dumps(result.profile).encode())
    chunk_done(store, identity, job_id)
    return key


def merge(store: ObjectStore, identity: Identity, job_id: str, upload: Upload, count: int) -> str:
    """Merge the chunks' profiles into the job's profile and return its key.

    A profile job's profile is its ``result.json``, and the job is then done;
    an insights job keeps it as ``profile.json`` for the insights step.
    """
    from core.profiling.config import ProfileConfig
    from core.profiling.profile import dumps, merge_profiles

    prefix = job_prefix(identity, job_id)
    job = update_job(store, identity, job_id, phase="merging", progress=0.85)
    parts = [json.loads(store.get(f"{prefix}partials/{i:06d}.json").data) for i in range(count)]
    profile = parts[0] if count == 1 else merge_profiles(parts, ProfileConfig())
    profile["source"] = {**profile.get("source", {}), "name": upload.name, "path": None}
    key = prefix + ("result.json" if job.kind == "profile" else "profile.json")
    store.put(key, dumps(profile).encode())
    if job.kind == "profile":
        _succeeded(store, identity, job_id)
    return key


def _succeeded(store: ObjectStore, identity: Identity, job_id: str) -> JobRecord:
    """Mark the job done."""
    return update_job(store, identity, job_id, status="succeeded", phase="done", progress=1.0)


InsightsFactory = Callable[[], Any]  # () -> cloud.insights.NemotronClient


def insights(
    store: ObjectStore, identity: Identity, job_id: str, client_factory: InsightsFactory | None
) -> str:
    """Ask the model about the job's profile; write ``result.json`` and return its key.

    The result holds the checked insights and charts, and the profile they
    describe; the job is then done.
    """
    from cloud.insights import InsightsError, generate_insights

    if client_factory is None:
        raise InsightsError("insights are not set up on this server (no NVIDIA API key)")
    prefix = job_prefix(identity, job_id)
    job = update_job(store, identity, job_id, phase="insights", progress=0.9)
    profile = json.loads(store.get(prefix + "profile.json").data)
    client = client_factory()
    try:
        document = generate_insights(
            client,
            profile,
            job.options.get("question"),
            sample_rows=int(job.options.get("sample_rows", 0)),
        )
    finally:
        client.close()
    key = prefix + "result.json"
    store.put(key, json.dumps({**document, "profile": profile}).encode())
    _succeeded(store, identity, job_id)
    return key


def chunk_done(store: ObjectStore, identity: Identity, job_id: str) -> JobRecord:
    """Move the job's progress on after a chunk finished (counting the partial profiles)."""
    job, _ = load_job(store, identity, job_id)
    done = len(store.keys(job_prefix(identity, job_id) + "partials/"))
    share = done / job.chunks if job.chunks else 1.0
    return update_job(store, identity, job_id, progress=round(0.2 + 0.65 * share, 4))


def fail_job(
    store: ObjectStore, identity: Identity, job_id: str, error: BaseException | str
) -> JobRecord:
    """Record that the job failed, with a one-line reason free of temporary paths."""
    text = error if isinstance(error, str) else (str(error) or type(error).__name__)
    message = text.strip().splitlines()[0] if text.strip() else "the job failed"
    # Temporary paths mean nothing to the user: name the upload instead.
    message = re.sub(r"/\S*/(loupe-(plan|chunk)-[^/\s]+/)", "", message)
    return update_job(store, identity, job_id, status="failed", phase="failed", error=message[:500])


def run_job(
    store: ObjectStore,
    identity: Identity,
    job_id: str,
    *,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    map_chunks: Callable[[Callable[[Chunk], str], list[Chunk]], list[str]] | None = None,
    insights_client: InsightsFactory | None = None,
) -> JobRecord:
    """Run a job's steps in this process (the local runner; Step Functions in AWS).

    Args:
        map_chunks: how to run the chunk steps (default: one after another).
        insights_client: makes the model client for insights jobs.

    Failures end up in the job record as one line; they never escape.
    """
    job, _ = load_job(store, identity, job_id)
    try:
        upload = load_upload(store, identity, job.upload_id)
        chunks = plan(store, identity, job_id, upload, chunk_rows=chunk_rows)

        def one(chunk: Chunk) -> str:
            return profile_chunk(store, identity, job_id, chunk, job.options)

        (map_chunks or (lambda fn, items: [fn(c) for c in items]))(one, chunks)
        merge(store, identity, job_id, upload, len(chunks))
        if job.kind == "insights":
            insights(store, identity, job_id, insights_client)
        return load_job(store, identity, job_id)[0]
    except Exception as exc:  # the record must say what went wrong, whatever it was
        return fail_job(store, identity, job_id, exc)
