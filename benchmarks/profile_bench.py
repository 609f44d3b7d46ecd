"""Full profiles side by side: Loupe, DuckDB's SUMMARIZE and ydata-profiling.

Each tool runs as a whole process on the same generated CSV, alternating, and
the script prints the median wall time, the ratios and the peak RSS of each:

- ``loupe profile FILE --json OUT`` (everything: types, distributions,
  correlations, duplicates, missing patterns, alerts, mergeable state);
- DuckDB: ``SUMMARIZE SELECT * FROM read_csv(FILE)``;
- ydata-profiling's default (full) mode: ``ProfileReport(pandas.read_csv(FILE)).to_json()``,
  run with the Python given by ``--ydata-python`` (it needs its own environment:
  its pins conflict with Loupe's), on the small file only.

    .venv/bin/python benchmarks/profile_bench.py --size small --ydata-python /path/to/python
    .venv/bin/python benchmarks/profile_bench.py --size large
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from datagen import orders, wide_orders
from timing import timed

DATA = Path(__file__).resolve().parent / "data"
BIN = Path(sys.executable).parent
SIZES = {"small": 300_000, "large": 12_000_000}


def generate(size: str) -> Path:
    """The benchmark file of ``size``, generated once."""
    rows = SIZES[size]
    path = DATA / f"profile_{size}.csv"
    if path.exists():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    with tmp.open("wb") as fh:
        step = 1_000_000
        for i, start in enumerate(range(0, rows, step)):
            make = wide_orders if size == "small" else orders
            chunk = make(min(step, rows - start), seed=i)
            chunk.write_csv(fh, include_header=(i == 0))
    tmp.rename(path)
    return path


def main() -> None:
    """Run the tools alternately and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", choices=SIZES, default="small")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--ydata-python", help="a Python with ydata-profiling installed")
    args = parser.parse_args()
    csv = generate(args.size)
    out = DATA / f"profile_{args.size}.json"
    print(f"file: {csv.name}, {csv.stat().st_size / 1e6:.0f} MB, {SIZES[args.size]:,} rows")
    jobs = {
        "loupe profile": [str(BIN / "loupe"), "profile", str(csv), "--json", str(out)],
        "duckdb SUMMARIZE": [
            sys.executable,
            "-c",
            f"import duckdb; duckdb.sql(\"SUMMARIZE SELECT * FROM read_csv('{csv}')\").fetchall()",
        ],
    }
    if args.ydata_python and args.size == "small":
        jobs["ydata-profiling (full)"] = [
            args.ydata_python,
            "-c",
            "import pandas, ydata_profiling as y; "
            f"y.ProfileReport(pandas.read_csv('{csv}'), progress_bar=False).to_json()",
        ]
    times: dict[str, list[float]] = {name: [] for name in jobs}
    peaks: dict[str, float] = {}
    for i in range(args.repeat):
        for name, cmd in jobs.items():
            if name.startswith("ydata") and i > 0:
                continue  # minutes per run: once is enough for a ratio
            elapsed, peak = timed(cmd)
            times[name].append(elapsed)
            peaks[name] = max(peaks.get(name, 0.0), peak)
    print(f"{'tool':26} {'median s':>9} {'peak RSS MB':>12}")
    for name, values in times.items():
        print(f"{name:26} {statistics.median(values):9.2f} {peaks[name]:12.0f}")
    loupe = statistics.median(times["loupe profile"])
    duck = statistics.median(times["duckdb SUMMARIZE"])
    print(f"loupe / duckdb: {loupe / duck:.2f}x")
    if "ydata-profiling (full)" in times:
        ydata = statistics.median(times["ydata-profiling (full)"])
        print(f"ydata / loupe: {ydata / loupe:.1f}x")


if __name__ == "__main__":
    main()
