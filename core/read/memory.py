"""How much memory this process may use, and how big a file the in-memory engine takes."""

from __future__ import annotations

import os
import resource
from pathlib import Path

__all__ = ["AUTO_MEMORY_MAX_BYTES", "available_memory"]

# Files up to this size may be read whole; bigger ones are streamed in batches.
AUTO_MEMORY_MAX_BYTES = 256 * 1024 * 1024


def available_memory() -> int:
    """Bytes this process may still use: free memory, capped by cgroup and ``ulimit -v``.

    A cgroup's cap is its limit less what its processes (this one included)
    already hold, idle file cache aside.
    """
    limits: list[int] = []
    try:
        limits.append(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        limits.append(8 << 30)
    try:
        meminfo = Path("/proc/meminfo").read_text()
        for line in meminfo.splitlines():
            if line.startswith("MemAvailable:"):
                limits.append(int(line.split()[1]) * 1024)
    except OSError:
        pass
    for path in _cgroup_limit_files():
        try:
            text = path.read_text().strip()
        except OSError:
            continue
        if text.isdigit() and int(text) < (1 << 60):
            limits.append(int(text) - _cgroup_in_use(path))
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft != resource.RLIM_INFINITY:
        # ulimit -v caps virtual size: what is left is the limit minus what is mapped.
        try:
            mapped = int(Path("/proc/self/statm").read_text().split()[0]) * os.sysconf(
                "SC_PAGE_SIZE"
            )
        except (OSError, ValueError):
            mapped = 0
        limits.append(soft - mapped)
    return max(min(limits), 0)


def _cgroup_in_use(limit_file: Path) -> int:
    """What a cgroup already holds that it cannot give back: its usage less its idle file cache.

    The usage (``memory.current`` in v2, ``memory.usage_in_bytes`` in v1) counts
    the page cache too; the inactive part of it is reclaimed before the limit
    bites, so it is left out, as container tools count a "working set". 0 when
    the files cannot be read.
    """
    v2 = limit_file.name == "memory.max"
    folder = limit_file.parent
    try:
        usage = int((folder / ("memory.current" if v2 else "memory.usage_in_bytes")).read_text())
        stat = (folder / "memory.stat").read_text()
    except (OSError, ValueError):
        return 0
    key = "inactive_file" if v2 else "total_inactive_file"
    idle = 0
    for line in stat.splitlines():
        name, _, value = line.partition(" ")
        if name == key and value.strip().isdigit():
            idle = int(value)
    return max(usage - idle, 0)


def _cgroup_limit_files(membership: str | None = None) -> list[Path]:
    """The memory-limit files of this process's own cgroups (v1 and v2).

    Args:
        membership: the text of ``/proc/self/cgroup`` (read when None).
    """
    files: list[Path] = []
    if membership is None:
        try:
            membership = Path("/proc/self/cgroup").read_text()
        except OSError:
            return files
    for line in membership.splitlines():
        if line.count(":") < 2:
            continue
        _, controllers, group = line.split(":", 2)
        if controllers == "":  # cgroup v2: one unified hierarchy
            files.append(Path("/sys/fs/cgroup") / group.lstrip("/") / "memory.max")
        elif "memory" in controllers.split(","):
            files.append(
                Path("/sys/fs/cgroup/memory") / group.lstrip("/") / "memory.limit_in_bytes"
            )
    return files
