"""Time-to-first-rows and streaming conversion on a generated ~1 GB CSV.

Runs `loupe preview` and `loupe convert` as whole processes, alternating with
DuckDB doing the same jobs on the same file, and prints wall times, ratios and
peak memory (RSS) of each process. Generate the data once; it is reused.

    .venv/bin/python benchmarks/preview_convert.py [--rows 12000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from datagen import orders
from timing import timed

DATA = Path(__file__).resolve().parent / "data"
BIN = Path(sys.executable).parent


def generate(path: Path, rows: int) -> None:
    """Write ``rows`` generated order rows to ``path`` in 1M-row chunks."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    with tmp.open("wb") as fh:
        for i, start in enumerate(range(0, rows, 1_000_000)):
            chunk = orders(min(1_000_000, rows - start), seed=i).with_columns(
                pl.col("order_id") + start
            )
            chunk.write_csv(fh, include_header=(i == 0))
    tmp.rename(path)


def duckdb(sql: str) -> list[str]:
    """A command that runs ``sql`` in a fresh DuckDB process."""
    return [sys.executable, "-c", f"import duckdb; duckdb.sql({sql!r}).fetchall()"]


def main() -> None:
    """Generate the data, run each job alternately, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=12_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    csv = DATA / f"orders_{args.rows}.csv"
    generate(csv, args.rows)
    out = DATA / "orders.parquet"
    size_gb = csv.stat().st_size / 1e9
    print(f"file: {csv.name}, {size_gb:.2f} GB, {args.rows:,} rows")
    jobs = {
        "loupe preview": [str(BIN / "loupe"), "preview", str(csv), "--rows", "20"],
        "duckdb first 20 rows": duckdb(f"SELECT * FROM read_csv('{csv}') LIMIT 20"),
        "loupe convert to parquet": [str(BIN / "loupe"), "convert", str(csv), str(out)],
        "duckdb copy to parquet": duckdb(
            f"COPY (SELECT * FROM read_csv('{csv}')) TO '{out}' (FORMAT parquet)"
        ),
    }
    times: dict[str, list[float]] = {name: [] for name in jobs}
    peaks: dict[str, float] = {}
    for _ in range(args.repeat):
        for name, cmd in jobs.items():
            elapsed, peak = timed(cmd)
            times[name].append(elapsed)
            peaks[name] = max(peaks.get(name, 0.0), peak)
    print(f"{'job':28} {'median s':>9} {'min s':>7} {'peak RSS MB':>12}")
    for name, values in times.items():
        print(f"{name:28} {statistics.median(values):9.3f} {min(values):7.3f} {peaks[name]:12.0f}")
    ratio_preview = statistics.median(times["loupe preview"]) / statistics.median(
        times["duckdb first 20 rows"]
    )
    ratio_convert = statistics.median(times["loupe convert to parquet"]) / statistics.median(
        times["duckdb copy to parquet"]
    )
    print(
        f"preview time / duckdb: {ratio_preview:.2f}x; convert time / duckdb: {ratio_convert:.2f}x"
    )


if __name__ == "__main__":
    main()
