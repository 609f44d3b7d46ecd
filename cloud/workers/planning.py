"""The plan step: split an upload into chunks of rows whose profiles merge.

Three ways, tried in turn, none of which holds the whole file in memory:

* a Parquet upload (what the client sends by default) is planned from its
  footer alone: each chunk is a run of whole row groups;
* plain UTF-8 delimited text is cut into byte ranges of whole records, typed
  from ranged reads (:mod:`cloud.workers.text_ranges`);
* anything else (compressed text, other encodings, Excel, ODS, JSON, text whose
  head shows line breaks inside quoted values above 256 MB) is typed whole, as
  the desktop types it: downloaded to the function's disk, converted to
  Parquet, and cut into Parquet chunks of its own. Only files up to
  ``LOUPE_MAX_CONVERT_BYTES`` (1 GiB) are taken this way.

Every plan is held to the job's limits (:mod:`cloud.workers.limits`) before any
chunk runs.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

from cloud.shared.jobs import JobRef
from cloud.shared.storage import ObjectStore
from cloud.shared.uploads import Upload
from cloud.workers.chunks import DEFAULT_CHUNK_ROWS, Chunk
from cloud.workers.limits import JobLimits
from cloud.workers.ranged_file import RangedFile
from cloud.workers.scratch import scratch_dir
from cloud.workers.text_ranges import Reading, plan_text_ranges
from core.read.convert import convert
from core.read.table import open_table

__all__ = ["plan_job"]

# The downloads of the converting path go to disk in pieces of this size.
_DOWNLOAD_BLOCK = 8 * 1024 * 1024


def plan_job(
    job: JobRef,
    upload: Upload,
    *,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    limits: JobLimits | None = None,
) -> list[Chunk]:
    """Split the upload into chunks of rows whose profiles merge (see the module's documentation).

    A small file is a one-chunk plan. Writes how the upload is read
    (``reading.json``) unless it is planned by row groups, and moves the job's
    record from planning to profiling.

    Args:
        job: the job.
        upload: the upload it profiles.
        chunk_rows: about how many rows each chunk gets.
        limits: the job's limits (default: from the environment).

    Raises:
        RequestError: the file is over a limit of the job, named in one line.
        SourceError: the file cannot be read as a table.
    """
    limits = limits or JobLimits.from_env()
    job.update(phase="planning", progress=0.05)
    chunks = _row_group_plan(job.store, upload.key, chunk_rows)
    if chunks is not None:
        limits.check(upload.name, rows=sum(c.rows for c in chunks), chunks=len(chunks))
    else:
        with scratch_dir("loupe-plan-") as folder:
            planned = plan_text_ranges(
                job.store,
                upload.key,
                upload.name,
                chunk_rows=chunk_rows,
                limits=limits,
                folder=folder,
            )
            if planned is None:
                planned = _converted_plan(job, upload, chunk_rows, limits, folder)
        chunks, reading = planned
        job.store.put(job.keys.reading, json.dumps(reading.to_json()).encode())
    job.update(phase="profiling", progress=0.2, chunks=len(chunks))
    return chunks


def _row_group_plan(store: ObjectStore, key: str, chunk_rows: int) -> list[Chunk] | None:
    """Chunks of whole row groups if ``key`` is a Parquet file fit for it, else None.

    Only the footer is read. Files whose row groups are much larger than a
    chunk (or that are not Parquet at all) take another path instead.
    """
    try:
        # Unbuffered: Parquet readers ask for exact ranges (here the tail, then
        # the footer), so every byte fetched is a byte used.
        with RangedFile(store, key) as handle:
            metadata = pq.ParquetFile(handle).metadata
    except Exception:  # not Parquet, or unreadable: the other paths name the problem
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


def _converted_plan(
    job: JobRef, upload: Upload, chunk_rows: int, limits: JobLimits, folder: Path
) -> tuple[list[Chunk], Reading]:
    """Type the whole upload once and store its chunks as Parquet objects of their own."""
    store = job.store
    size = store.size(upload.key)
    limits.check_convert(upload.name, size)
    source = folder / Path(upload.key).name
    with source.open("wb") as out:
        for start in range(0, size, _DOWNLOAD_BLOCK):
            out.write(store.get_range(upload.key, start, min(size, start + _DOWNLOAD_BLOCK)))
    copy = folder / "data.parquet"
    with open_table(source) as table:
        convert(table, copy)
        info = table.info.to_dict()
    source.unlink()
    info.update(path=None, size_bytes=size)
    rows = pl.scan_parquet(copy).select(pl.len()).collect().item()
    count = max(1, -(-rows // chunk_rows))
    limits.check(upload.name, rows=rows, chunks=count)
    chunks = [
        Chunk(i, i * chunk_rows, max(0, min(chunk_rows, rows - i * chunk_rows)))
        for i in range(count)
    ]
    part = folder / "chunk.parquet"
    for chunk in chunks:
        pl.scan_parquet(copy).slice(chunk.offset, chunk.rows).sink_parquet(part)
        store.put(job.keys.chunk(chunk.index), part.read_bytes())
    return chunks, Reading(info)
