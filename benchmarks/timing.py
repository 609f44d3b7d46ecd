"""Timing whole processes for the benchmark scripts, with nothing but Python.

Each command runs as a child process; its wall time comes from a monotonic clock
around the run (from the fork to the reaping of the process), and its CPU time and
peak resident memory from the resource usage the kernel reports when it is reaped
(``os.wait4``), so no external tool such as GNU ``time`` is needed. A command for
DuckDB and the machine's description are here too, so that every script prints the
same facts about its run.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
"""The checkout: its ``core`` package is the one measured (first on ``PYTHONPATH``)."""


@dataclass(frozen=True)
class Run:
    """One whole-process run.

    Attributes:
        wall: Elapsed seconds from start to exit.
        cpu: User plus system CPU seconds of the process and the children it waited for.
        peak_mb: Peak resident memory in MB (the kernel's ``ru_maxrss``).
        returncode: The exit status; negative for a signal (``-9``: killed).
    """

    wall: float
    cpu: float
    peak_mb: float
    returncode: int


def child_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for a child: this checkout first on ``PYTHONPATH``."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        part for part in (str(ROOT), env.get("PYTHONPATH", "")) if part
    )
    env.update(extra or {})
    return env


LAUNCHER = """
import json, os, sys, time
procs, cmd = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    if procs:
        with open(procs, "w") as fh:
            fh.write(str(os.getpid()))
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    try:
        os.execvp(cmd[0], cmd)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - start
cpu = usage.ru_utime + usage.ru_stime
print(json.dumps([wall, cpu, usage.ru_maxrss, os.waitstatus_to_exitcode(status)]))
"""
"""Runs a command and prints its measurements as JSON.

The peak RSS the kernel reports for a child counts the memory of the process it
was forked from (until it executes the command), so the command is started by
this small separate interpreter rather than by the benchmark script, which may
hold hundreds of MB of generated data. Given a ``cgroup.procs`` path, the child
enters that cgroup before it executes the command.
"""


def run(
    cmd: Sequence[str],
    *,
    check: bool = True,
    cgroup_procs: Path | None = None,
    capture_stderr: bool = False,
) -> tuple[Run, str]:
    """Run ``cmd`` and measure it.

    Args:
        cmd: The command and its arguments.
        check: Raise ``RuntimeError`` when the command fails.
        cgroup_procs: A cgroup's ``cgroup.procs`` file: the command runs inside
            that cgroup from its first instruction.
        capture_stderr: Return what the command wrote to its standard error
            (otherwise it is discarded unless the command fails).

    Returns:
        The measurements, and the standard error text.
    """
    launcher = [sys.executable, "-I", "-S", "-c", LAUNCHER, str(cgroup_procs or "")]
    proc = subprocess.run(
        [*launcher, *cmd], capture_output=True, env=child_env(), check=False, text=True
    )
    if proc.returncode != 0 or not proc.stdout.strip():
        raise RuntimeError(f"could not run {cmd[0]}: {proc.stderr.strip()}")
    wall, cpu, maxrss_kb, returncode = json.loads(proc.stdout.strip().splitlines()[-1])
    result = Run(wall=wall, cpu=cpu, peak_mb=maxrss_kb / 1024, returncode=returncode)
    if check and returncode != 0:
        last = proc.stderr.strip().splitlines()[-1:] or [""]
        raise RuntimeError(f"{' '.join(cmd)[:200]} exited with {returncode}: {last[0]}")
    return result, proc.stderr if capture_stderr else ""


def timed(cmd: list[str]) -> tuple[float, float]:
    """Run ``cmd``; return its wall seconds and peak RSS in MB."""
    result, _ = run(cmd)
    return result.wall, result.peak_mb


@dataclass
class Series:
    """The runs of one job."""

    runs: list[Run] = field(default_factory=list)

    @property
    def wall(self) -> float:
        """Median wall seconds."""
        return statistics.median(r.wall for r in self.runs)

    @property
    def cpu(self) -> float:
        """Median CPU seconds."""
        return statistics.median(r.cpu for r in self.runs)

    @property
    def peak_mb(self) -> float:
        """The highest peak RSS of the runs, in MB."""
        return max(r.peak_mb for r in self.runs)


def alternate(
    jobs: Mapping[str, Sequence[str]],
    repeat: int,
    warmup: int = 1,
    once: frozenset[str] = frozenset(),
) -> dict[str, Series]:
    """Run the jobs in turn, ``repeat`` rounds, after ``warmup`` untimed rounds.

    Taking turns spreads the machine's slow moments over all the jobs instead of
    one. The jobs named in ``once`` (minutes a run) run in the first timed round only.
    """
    for _ in range(warmup):
        for name, cmd in jobs.items():
            if name not in once:
                run(cmd)
    results = {name: Series() for name in jobs}
    for i in range(repeat):
        for name, cmd in jobs.items():
            if name in once and i > 0:
                continue
            result, _ = run(cmd)
            results[name].runs.append(result)
            print(f"  round {i + 1}: {name:28} {result.wall:8.2f} s {result.peak_mb:8.0f} MB")
    return results


def duckdb_cmd(sql: str, setup: Sequence[str] = (), fetch: str = "fetchall") -> list[str]:
    """A command that runs ``sql`` (after the ``setup`` statements) in a fresh DuckDB process.

    ``fetch`` names the relation's method that takes the result: ``to_arrow_table``
    for rows of any type (``fetchall`` needs ``pytz`` for time-zone-aware timestamps).
    """
    code = "import duckdb; con = duckdb.connect()"
    for statement in setup:
        code += f"; con.execute({statement!r})"
    code += f"; con.sql({sql!r}).{fetch}()"
    return [sys.executable, "-c", code]


def machine() -> str:
    """The machine and the versions measured, in one line."""
    import duckdb
    import polars

    cores = os.cpu_count()
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = f"{pages / 2**30:.0f} GiB"
    except (ValueError, OSError):
        memory = "? GiB"
    try:
        load = "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    except OSError:
        load = ""
    return (
        f"{platform.machine()}, {cores} cores, {memory}, {load}; "
        f"Python {platform.python_version()}, Polars {polars.__version__}, "
        f"DuckDB {duckdb.__version__}"
    )
