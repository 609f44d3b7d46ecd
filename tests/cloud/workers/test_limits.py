"""What one job may take on: too many rows or chunks fail it, in one line naming the limit."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

from cloud.errors import CloudError, RequestError
from cloud.shared import MemoryStore, S3Store
from cloud.workers import JobLimits, handlers, run_job, text_ranges
from core.samples import SAMPLE_CSV
from tests.cloud.helpers import Context, job_on
from tests.cloud.workers.test_planning import parquet


def failed(data: bytes, name: str, chunk_rows: int, limits: JobLimits) -> str:
    """The one-line error of a job over its limits; nothing of it was profiled."""
    store = MemoryStore()
    job = job_on(store, data, name)
    record = run_job(job, chunk_rows=chunk_rows, limits=limits)
    assert record.status == "failed" and record.error is not None
    assert "\n" not in record.error
    done = [k for k in store.keys(job.keys.prefix) if "/partials/" in k or "/chunks/" in k]
    assert done == [] and record.chunks == 0
    return record.error


# A gzip of 3 KB that holds 600,000 rows.
BOMB = gzip.compress(b"a,b\n" + b"1,2\n" * 600_000)


def test_a_small_compressed_file_does_not_fan_out() -> None:
    assert len(BOMB) < 5_000
    # The defaults: 200 chunks at most, here of 1,000 rows each.
    assert failed(BOMB, "tiny.csv.gz", 1_000, JobLimits()) == (
        "tiny.csv.gz: 600,000 rows make 600 chunks, over the 200 a job may run (LOUPE_MAX_CHUNKS)"
    )
    assert failed(BOMB, "tiny.csv.gz", 1_000_000, JobLimits(max_rows=500_000)) == (
        "tiny.csv.gz: 600,000 rows, over the 500,000 a job may profile (LOUPE_MAX_ROWS)"
    )
    assert "(LOUPE_MAX_CONVERT_BYTES)" in failed(
        BOMB, "tiny.csv.gz", 1_000_000, JobLimits(max_convert_bytes=1_000)
    )


def test_every_kind_of_plan_is_held_to_the_limits(tmp_path: Path) -> None:
    text = SAMPLE_CSV.read_bytes()
    groups = parquet(SAMPLE_CSV, tmp_path, rows_per_group=100).read_bytes()
    for data, name in ((text, "orders.csv"), (groups, "orders.parquet")):
        error = failed(data, name, 100, JobLimits(max_chunks=10))
        # Ranges of text are cut by bytes: about 20 chunks of about 100 rows.
        assert re.fullmatch(
            rf"{name}: 2,000 rows make 2\d chunks, over the 10 a job may run "
            r"\(LOUPE_MAX_CHUNKS\)",
            error,
        ), error
        error = failed(data, name, 1_000, JobLimits(max_rows=1_999))
        assert error == f"{name}: 2,000 rows, over the 1,999 a job may profile (LOUPE_MAX_ROWS)"
    done = run_job(job_on(MemoryStore(), text, "orders.csv"), limits=JobLimits(max_rows=2_000))
    assert done.status == "succeeded"


def test_large_text_is_held_to_the_limits_by_its_estimate(
    big_csv: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(text_ranges, "FULL_SCAN_BYTES", 1_000_000)  # typed from samples
    data = big_csv.read_bytes().replace(b"two lines:\nfirst", b"two lines: first")
    error = failed(data, "big.csv", 1_000, JobLimits(max_chunks=50))
    assert error.startswith("big.csv: about 1") and error.endswith("(LOUPE_MAX_CHUNKS)")


def test_limits_come_from_the_environment(store: S3Store, lambda_env: None) -> None:
    assert JobLimits.from_env({}) == JobLimits()
    assert JobLimits.from_env({"LOUPE_MAX_CHUNKS": "7", "LOUPE_MAX_ROWS": " 9 "}) == JobLimits(
        max_rows=9, max_chunks=7
    )
    with pytest.raises(CloudError, match="LOUPE_MAX_ROWS must be a positive whole number"):
        JobLimits.from_env({"LOUPE_MAX_ROWS": "-1"})
    job = job_on(store, SAMPLE_CSV.read_bytes(), "orders.csv")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LOUPE_MAX_CHUNKS", "2")  # the plan function's environment
        with pytest.raises(RequestError, match=r"3 chunks, over the 2 .*\(LOUPE_MAX_CHUNKS\)"):
            handlers.plan({"sub": "alice", "job_id": job.job_id}, Context())
