"""The plan step: split an upload into chunks of rows whose profiles merge."""

from __future__ import annotations

import tempfile
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

from cloud.shared.jobs import JobRef
from cloud.shared.storage import ObjectStore
from cloud.shared.uploads import Upload
from cloud.workers.chunks import DEFAULT_CHUNK_ROWS, Chunk
from cloud.workers.ranged_file import RangedFile
from core.read.convert import convert
from core.read.table import open_table

__all__ = ["plan_job"]


def plan_job(job: JobRef, upload: Upload, *, chunk_rows: int = DEFAULT_CHUNK_ROWS) -> list[Chunk]:
    """Split the upload into chunks of rows whose profiles merge.

    A Parquet upload (what the client sends by default) is planned from its
    footer alone: each chunk is a run of whole row groups, read by the chunk
    step with ranged GETs. Any other file is typed here, once, for the whole
    file (as the desktop does), and its chunks are written as Parquet objects
    of their own, so every chunk has the same schema. A small file is a
    one-chunk plan. Moves the job's record from planning to profiling.
    """
    job.update(phase="planning", progress=0.05)
    chunks = _row_group_plan(job.store, upload.key, chunk_rows)
    if chunks is None:
        chunks = _converted_plan(job, upload, chunk_rows)
    job.update(phase="profiling", progress=0.2, chunks=len(chunks))
    return chunks


def _row_group_plan(store: ObjectStore, key: str, chunk_rows: int) -> list[Chunk] | None:
    """Chunks of whole row groups if ``key`` is a Parquet file fit for it, else None.

    Only the footer is read. Files whose row groups are much larger than a
    chunk (or that are not Parquet at all) take the converting path instead.
    """
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


def _converted_plan(job: JobRef, upload: Upload, chunk_rows: int) -> list[Chunk]:
    """Type the whole upload once and store its chunks as Parquet objects of their own."""
    store = job.store
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
            store.put(job.keys.chunk(chunk.index), part.read_bytes())
    return chunks
