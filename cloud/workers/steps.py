"""The steps after the plan: profile a chunk, merge the chunks' profiles, ask for insights.

Each step is a plain function on a :class:`~cloud.shared.jobs.JobRef`, the
same in the Step Functions Lambdas (:mod:`cloud.workers.handlers`) and in the
local runner (:mod:`cloud.workers.runner`). The plan step is
:func:`cloud.workers.planning.plan_job`.
"""

from __future__ import annotations

import json
import tempfile
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
from core.profiling.config import ProfileConfig
from core.profiling.engine import profile_table
from core.profiling.profile import dumps, merge_profiles
from core.read.table import open_table

__all__ = ["InsightsFactory", "chunk_done", "merge_chunks", "profile_chunk", "write_insights"]

# Makes the model client for an insights job (steps take None where insights are not set up).
InsightsFactory = Callable[[], NemotronClient]


def profile_chunk(job: JobRef, chunk: Chunk, options: dict[str, Any]) -> str:
    """Profile one chunk; write its (mergeable) profile, move progress on, return the key."""
    with tempfile.TemporaryDirectory(prefix="loupe-chunk-") as folder:
        part = Path(folder) / f"chunk-{chunk.index}.parquet"
        if chunk.row_groups:
            # Plans come from the server, but a chunk still reads only its owner's uploads.
            if not chunk.source.startswith(user_uploads(job.identity)):
                raise ForbiddenError("a chunk may only read the caller's own upload")
            with RangedFile(job.store, chunk.source) as handle:
                rows = pq.ParquetFile(handle).read_row_groups(list(chunk.row_groups))
            pq.write_table(rows, part)
        else:
            part.write_bytes(job.store.get(job.keys.chunk(chunk.index)).data)
        with open_table(part) as table:
            result = profile_table(table, ProfileConfig(engine=options.get("engine", "auto")))
    key = job.keys.partial(chunk.index)
    job.store.put(key, dumps(result.profile).encode())
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
    an insights job keeps it as ``profile.json`` for the insights step.
    """
    record = job.update(phase="merging", progress=0.85)
    parts = [json.loads(job.store.get(job.keys.partial(i)).data) for i in range(count)]
    profile = parts[0] if count == 1 else merge_profiles(parts, ProfileConfig())
    profile["source"] = {**profile.get("source", {}), "name": upload.name, "path": None}
    key = job.keys.result if record.kind == "profile" else job.keys.profile
    job.store.put(key, dumps(profile).encode())
    if record.kind == "profile":
        job.succeed()
    return key


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
