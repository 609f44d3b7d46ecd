"""Timing whole processes for the benchmark scripts."""

from __future__ import annotations

import subprocess
import time


def timed(cmd: list[str]) -> tuple[float, float]:
    """Run ``cmd``; return its wall seconds and peak RSS in MB (measured by GNU time)."""
    start = time.perf_counter()
    result = subprocess.run(
        ["/usr/bin/time", "-f", "%M", *cmd],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    elapsed = time.perf_counter() - start
    return elapsed, int(result.stderr.strip().splitlines()[-1]) / 1024
