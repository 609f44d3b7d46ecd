"""How long the app took to start: seconds since the process began.

The operating system's own start time of the process is used where it can be
read (psutil where installed, else Linux's ``/proc/self/stat``, to 10 ms), so
the interpreter's own start and every import count; elsewhere the clock starts
when the ``loupe`` command's module is imported, which leaves the interpreter's
start out (:func:`since_start` says which). Imported first by the launcher,
before anything heavy.

``LOUPE_STARTUP_REPORT=1`` makes the app print ``startup: first paint after X.XX s``
on stderr when its window is first painted; ``LOUPE_STARTUP_REPORT=exit`` also
quits right then, to time start-up from outside.
"""

from __future__ import annotations

import os
import sys
import time

__all__ = ["REPORT_VARIABLE", "since_start"]

REPORT_VARIABLE = "LOUPE_STARTUP_REPORT"
_IMPORTED = time.perf_counter()


def _proc_start_seconds() -> float | None:
    """Seconds since this process began, from Linux's /proc (None elsewhere)."""
    try:
        with open("/proc/self/stat", encoding="ascii") as stat:
            # The command name may hold spaces and parentheses: count fields after the last ")".
            fields = stat.read().rsplit(")", 1)[1].split()
        ticks = int(fields[19])  # field 22, "starttime", in clock ticks since boot
        return time.clock_gettime(time.CLOCK_BOOTTIME) - ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError, AttributeError):
        return None


def since_start() -> tuple[float, str]:
    """Seconds since the process began, and where its start was read from."""
    try:
        import psutil  # type: ignore[import-untyped, import-not-found, unused-ignore]

        return time.time() - psutil.Process().create_time(), "process start (psutil)"
    except ImportError:
        pass
    if sys.platform.startswith("linux"):
        seconds = _proc_start_seconds()
        if seconds is not None:
            return seconds, "process start (/proc)"
    return time.perf_counter() - _IMPORTED, "launcher import"
