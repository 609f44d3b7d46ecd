"""The cloud round trip on this machine: a ~30 MB CSV through ``loupe serve``'s backend.

Starts the local backend in-process (API under uvicorn, S3 from moto, jobs
in-process) and times, for the same generated file:

- the local profile (``loupe profile``'s engine, in this process);
- the cloud profile as ``loupe cloud profile`` does it: convert to Parquet,
  upload (one PUT), run the job, fetch the result;
- the same with the CSV sent as it is, in 8 MiB multipart parts;
- DuckDB's SUMMARIZE on the CSV, for scale.

    .venv/bin/python benchmarks/cloud_roundtrip.py [--rows 345000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from datagen import orders

from cloud.client import CloudClient, parquet_copy
from cloud.local import LocalBackend, LocalSettings
from core.profiling.config import ProfileConfig
from core.profiling.engine import profile_table
from core.read.table import open_table

DATA = Path(__file__).resolve().parent / "data"


def generate(rows: int) -> Path:
    """The benchmark CSV, generated once."""
    path = DATA / f"cloud_{rows}.csv"
    if not path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        orders(rows, seed=3).write_csv(path)
    return path


def median_time(run: Callable[[], dict[str, float]], repeat: int) -> dict[str, float]:
    """Each step's median over ``repeat`` runs."""
    runs = [run() for _ in range(repeat)]
    return {k: statistics.median(r[k] for r in runs) for k in runs[0]}


def _print_table(figures: dict[str, dict[str, float]]) -> None:
    """Each way's median steps, and its total against the local profile's."""
    base = figures["local profile"]["total"]
    columns = ("sent MB", "convert", "upload", "job", "result", "total")
    print(f"{'':22}" + "".join(f"{c:>9}" for c in columns) + "  vs local")
    for name, steps in figures.items():
        cells = "".join(f"{steps[k]:9.2f}" if k in steps else f"{'':9}" for k in columns)
        print(f"{name:22}{cells}  {steps['total'] / base:6.2f}×")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=345_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    csv = generate(args.rows)
    print(f"file: {csv.name}, {csv.stat().st_size / 1e6:.1f} MB, {args.rows:,} rows")

    backend = LocalBackend(LocalSettings(port=0)).start()

    def local() -> dict[str, float]:
        start = time.perf_counter()
        with open_table(csv) as table:
            profile_table(table, ProfileConfig())
        return {"total": time.perf_counter() - start}

    def cloud(convert: bool) -> dict[str, float]:
        steps: dict[str, float] = {}
        with (
            tempfile.TemporaryDirectory() as folder,
            CloudClient(backend.url, backend.token, multipart_threshold=8 * 1024**2) as client,
        ):
            start = time.perf_counter()
            upload = parquet_copy(csv, Path(folder)) if convert else csv
            steps["convert"] = time.perf_counter() - start
            mark = time.perf_counter()
            upload_id = client.upload(upload)
            steps["upload"] = time.perf_counter() - mark
            mark = time.perf_counter()
            state = client.wait(client.start_job(upload_id)["job_id"], poll=0.05)
            steps["job"] = time.perf_counter() - mark
            mark = time.perf_counter()
            result = client.result(state)
            steps["result"] = time.perf_counter() - mark
            steps["total"] = time.perf_counter() - start
            steps["sent MB"] = upload.stat().st_size / 1e6
            assert result["dataset"]["rows"] == args.rows
        return steps

    try:
        figures = {
            "local profile": median_time(local, args.repeat),
            "cloud, as Parquet": median_time(lambda: cloud(True), args.repeat),
            "cloud, CSV in parts": median_time(lambda: cloud(False), args.repeat),
        }
    finally:
        backend.stop()
    try:
        import duckdb

        start = time.perf_counter()
        summary = duckdb.sql(f"SUMMARIZE SELECT * FROM read_csv('{csv}')")
        assert summary is not None
        summary.fetchall()
        figures["duckdb SUMMARIZE"] = {"total": time.perf_counter() - start}
    except ImportError:
        pass

    _print_table(figures)


if __name__ == "__main__":
    main()
