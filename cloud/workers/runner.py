"""The local runner: a job's steps one after another in this process (Step Functions in AWS)."""

from __future__ import annotations

from collections.abc import Callable

from cloud.shared.jobs import JobRecord, JobRef
from cloud.shared.uploads import load_upload
from cloud.workers.chunks import DEFAULT_CHUNK_ROWS, Chunk
from cloud.workers.limits import JobLimits
from cloud.workers.planning import plan_job
from cloud.workers.steps import InsightsFactory, merge_chunks, profile_chunk, write_insights

__all__ = ["ChunkMapper", "run_job"]

# How to run the chunk steps: given the step for one chunk and the chunks, their keys.
ChunkMapper = Callable[[Callable[[Chunk], str], list[Chunk]], list[str]]


def _one_after_another(step: Callable[[Chunk], str], chunks: list[Chunk]) -> list[str]:
    """Run ``step`` on each chunk in turn."""
    return [step(chunk) for chunk in chunks]


def run_job(
    job: JobRef,
    *,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    map_chunks: ChunkMapper | None = None,
    insights_client: InsightsFactory | None = None,
    limits: JobLimits | None = None,
) -> JobRecord:
    """Run a job's steps in this process (the local runner; Step Functions in AWS).

    Args:
        job: the job, whose record the API wrote.
        chunk_rows: rows per chunk.
        map_chunks: how to run the chunk steps (default: one after another).
        insights_client: makes the model client for insights jobs.
        limits: the job's limits (default: from the environment, see
            :mod:`cloud.workers.limits`).

    Failures end up in the job record as one line; they never escape.
    """
    record = job.load()
    try:
        upload = load_upload(job.store, job.identity, record.upload_id)
        chunks = plan_job(job, upload, chunk_rows=chunk_rows, limits=limits)

        def one(chunk: Chunk) -> str:
            return profile_chunk(job, chunk, record.options)

        (map_chunks or _one_after_another)(one, chunks)
        merge_chunks(job, upload, len(chunks))
        if record.kind == "insights":
            write_insights(job, insights_client)
        return job.load()
    except Exception as exc:  # the record must say what went wrong, whatever it was
        return job.fail(exc)
