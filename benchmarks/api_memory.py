"""Peak memory of ``loupe.profile(pyarrow_table)`` against the table's size: no copy of the data.

Builds a table of about 1 GB in memory (numbers, integers and timestamps; text is
left out because Polars converts Arrow strings to its string views, a copy by
design), then measures the process's resident memory (RSS, sampled every 5 ms) while

- the table becomes a Polars frame (what ``loupe.profile`` does first), and
- ``loupe.profile`` profiles the table (auto engine; the in-memory engine with
  ``--engine memory``).

A copy would add the table's size to the peak; what profiling itself holds (row
hashes for duplicates, value counts, the correlation sample) comes on top of the
frame in both cases. The figures are printed, not asserted::

    .venv/bin/python benchmarks/api_memory.py
    .venv/bin/python benchmarks/api_memory.py --gb 0.5 --engine memory
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

_PAGE = os.sysconf("SC_PAGE_SIZE")


def rss() -> int:
    """The resident memory of this process, in bytes."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * _PAGE


def peak_during(work: Callable[[], Any]) -> tuple[Any, int, float]:
    """Run ``work``; return what it returned, the peak RSS meanwhile, and the seconds taken."""
    peak = rss()
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, rss())
            time.sleep(0.005)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    try:
        result = work()
    finally:
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
    return result, max(peak, rss()), seconds


def main() -> None:
    """Build the table, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gb", type=float, default=1.0, help="table size in GB (default 1)")
    parser.add_argument("--engine", default="auto", choices=("auto", "memory", "streaming"))
    args = parser.parse_args()

    import numpy as np
    import pyarrow as pa

    import loupe
    from core.api.frames import in_memory, to_frame

    columns = 8
    rows = int(args.gb * 1e9 / (8 * columns))
    rng = np.random.default_rng(0)
    data: dict[str, Any] = {}
    for i in range(columns):
        if i % 3 == 0:
            data[f"x{i}"] = rng.normal(size=rows)
        elif i % 3 == 1:
            data[f"n{i}"] = rng.integers(0, 1_000, size=rows)
        else:
            data[f"t{i}"] = pa.array(
                rng.integers(1_600_000_000, 1_700_000_000, size=rows) * 1_000_000,
                pa.timestamp("us"),
            )
    table = pa.table(data)
    del data
    mib = 2**20
    print(f"table: {rows:,} rows × {columns} columns, {table.nbytes / mib:,.0f} MiB")
    base = rss()
    print(f"RSS with the table: {base / mib:,.0f} MiB")

    frame, peak, seconds = peak_during(lambda: to_frame(in_memory(table)))
    print(
        f"to a Polars frame: +{(peak - base) / mib:,.0f} MiB at the peak "
        f"({(peak - base) / table.nbytes:.1%} of the table), {seconds:.2f} s"
    )
    del frame

    base = rss()
    profile, peak, seconds = peak_during(
        lambda: loupe.profile(table, engine=args.engine, progress=False)
    )
    print(
        f"loupe.profile ({profile.engine}): +{(peak - base) / mib:,.0f} MiB at the peak "
        f"({(peak - base) / table.nbytes:.1%} of the table), {seconds:.1f} s"
    )


if __name__ == "__main__":
    main()
