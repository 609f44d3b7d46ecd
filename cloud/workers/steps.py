"""The steps after the plan: profile a chunk, merge the chunks' profiles, ask for insights.

Each step is a plain function on a :class:`~cloud.shared.jobs.JobRef`, the
same in the Step Functions Lambdas (:mod:`cloud.workers.handlers`) and in the
local runner (:mod:`cloud.workers.runner`). The plan step is
:func:`cloud.workers.planning.plan_job`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from cloud.errors import ForbiddenError, InsightsError
from cloud.insights import NemotronClient, generate_insights
from cloud.shared.jobs import JobRecord, JobRef
from cloud.shared.keys import user_uploads
from cloud.shared.uploads import Upload
from cloud.workers.chunks import Chunk
from cloud.workers.ranged_file import RangedFile
from cloud.workers.scratch import scratch_dir
from cloud.workers.text_ranges import Reading, read_text_range
from core.profiling.config import ProfileConfig
from core.profiling.document import Source
from core.profiling.engine import profile_table
from core.profiling.profile import dumps, merge_profiles
from core.read.options import ReadOptions
from core.read.table import open_table

__all__ = ["InsightsFactory", "chunk_done", "merge_chunks", "profile_chunk", "write_insights"]

# Makes the model client for an insights job (steps take None where insights are not set up).
InsightsFactory = Callable[[], NemotronClient]


def profile_chunk(job: JobRef, chunk: Chunk, options: dict[str, Any]) -> str:
    """Profile one chunk; write its (mergeable) profile, move progress on, return the key."""
    lost: dict[str, int] = {}
    with scratch_dir("loupe-chunk-") as folder:
        part = folder / f"chunk-{chunk.index}.parquet"
        # Plans come from the server, but a chunk still reads only its owner's uploads.
        if chunk.source and not chunk.source.startswith(user_uploads(job.identity)):
            raise ForbiddenError("a chunk may only read the caller's own upload")
        if chunk.row_groups:
            with RangedFile(job.store, chunk.source) as handle:
                rows = pq.ParquetFile(handle).read_row_groups(list(chunk.row_groups))
            pq.write_table(rows, part)
            del rows
        elif chunk.is_byte_range:
            reading = Reading.from_json(json.loads(job.store.get(job.keys.reading).data))
            frame, lost = read_text_range(job.store, chunk, reading, Path(chunk.source).name)
            frame.write_parquet(part)
            del frame
        else:
            part.write_bytes(job.store.get(job.keys.chunk(chunk.index)).data)
        # The chunk is a Parquet file written here, by pyarrow or Polars: no need to
        # check it in a child process, as a file from elsewhere would be.
        with open_table(part, ReadOptions(isolate=False)) as table:
            result = profile_table(table, ProfileConfig(engine=options.get("engine", "auto")))
    profile = result.profile
    # The chunk was read from a temporary file: its path means nothing beyond this step.
    read = {**profile["source"].get("read", {}), "path": None, "lost_values": lost}
    profile["source"] = {**profile["source"], "path": None, "read": read}
    key = job.keys.partial(chunk.index)
    job.store.put(key, dumps(profile).encode())
    chunk_done(job)
    return key


def chunk_done(job: JobRef) -> JobRecord:
    """Move the job's progress on after a chunk finished (counting the partial profiles)."""
    record = job.load()
    done = len(job.store.keys(job.keys.partials))
    share = done / record.chunks if record.chunks else 1.0
    return job.update(progress=round(0.2 + 0.65 * share, 4), chunks_done=done)


def merge_chunks(job: JobRef, upload: Upload, count: int) -> str:
    """Merge the chunks' profiles into the job's profile and return its key.

    A profile job's profile is its ``result.json``, and the job is then done;
    an insights job keeps it as ``profile.json`` for the insights step. Its
    ``source`` is the upload: its name, size and how it was read, never a path
    of the server.
    """
    record = job.update(phase="merging", progress=0.85)
    parts = [json.loads(job.store.get(job.keys.partial(i)).data) for i in range(count)]
    profile = parts[0] if count == 1 else merge_profiles(parts, ProfileConfig())
    profile["source"] = _upload_source(job, upload, parts)
    key = job.keys.result if record.kind == "profile" else job.keys.profile
    job.store.put(key, dumps(profile).encode())
    if record.kind == "profile":
        job.succeed()
    return key


def _upload_source(job: JobRef, upload: Upload, parts: list[dict[str, Any]]) -> Source:
    """What the merged profile says was read: the upload, as the plan read it."""
    # Listed rather than asked for: in AWS a role that may not list the whole bucket is
    # told 403, not 404, for a missing object.
    if job.keys.reading in job.store.keys(job.keys.reading):
        read = Reading.from_json(json.loads(job.store.get(job.keys.reading).data)).info
    else:  # planned by row groups: read as the Parquet file it is
        read = dict(parts[0].get("source", {}).get("read") or {})
        read.pop("lost_values", None)
    lost: dict[str, int] = {}
    for part in parts:
        found = (part.get("source", {}).get("read") or {}).get("lost_values", {})
        for column, count in found.items():
            lost[column] = lost.get(column, 0) + int(count)
    if lost:
        types = read.setdefault("column_types", {})
        warnings = list(read.get("warnings") or [])
        for column, count in lost.items():
            typed = types.setdefault(column, {})
            typed["lost"] = int(typed.get("lost", 0)) + count
            warnings.append(
                f"column {column!r}: {count:,} values past the rows sampled to type it could "
                f"not be read as {typed.get('type', 'its type')} and are shown as missing"
            )
        read["warnings"] = warnings
    return {
        "path": None,
        "name": upload.name,
        "format": str(read.get("format") or "parquet"),
        "size_bytes": upload.size,
        "read": {**read, "path": None},
    }


def write_insights(job: JobRef, client_factory: InsightsFactory | None) -> str:
    """Ask the model about the job's profile; write ``result.json`` and return its key.

    The result holds the checked insights and charts, and the profile they
    describe; the job is then done.
    """
    if client_factory is None:
        raise InsightsError("insights are not set up on this server (no NVIDIA API key)")
    record = job.update(phase="insights", progress=0.9)
    profile = json.loads(job.store.get(job.keys.profile).data)
    client = client_factory()
    try:
        document = generate_insights(
            client,
            profile,
            record.options.get("question"),
            sample_rows=int(record.options.get("sample_rows", 0)),
        )
    finally:
        client.close()
    key = job.keys.result
    job.store.put(key, json.dumps({**document, "profile": profile}).encode())
    job.succeed()
    return key
