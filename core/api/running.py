"""Long work run so that Ctrl-C stops it cleanly, with a progress bar in notebooks and terminals.

The work runs on a thread of its own while the calling thread waits, so the
caller's thread is free to take a ``KeyboardInterrupt`` (Ctrl-C in a terminal,
"interrupt the kernel" in Jupyter). The work is then asked to stop through the
``cancel`` callable the engines poll, waited for, and the interrupt raised again:
nothing keeps running behind the caller's back.

The bar is tqdm's (``tqdm.auto``: a widget in Jupyter when ipywidgets is there,
text otherwise), fed from the engine's ``(phase, fraction)`` reports.
"""

from __future__ import annotations

import importlib.util
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from core.errors import Cancelled

__all__ = ["Cancel", "Progress", "check", "in_notebook", "run_interruptible", "shows_progress"]

T = TypeVar("T")
Progress = Callable[[str, float], None]
Cancel = Callable[[], bool]
# How often the waiting thread wakes to move the bar (and to take Ctrl-C on
# platforms where a wait is not interrupted).
_TICK = 0.1
_STEPS = 1000
# How long an interrupted start waits for the worker to begin (it begins at once
# unless the interrupt came before the thread existed).
_START = 5.0


def in_notebook() -> bool:
    """Whether this runs in a Jupyter kernel."""
    shell = sys.modules.get("IPython")
    if shell is None or "ipykernel" not in sys.modules:
        return False
    get = getattr(shell, "get_ipython", None)
    ip = get() if get is not None else None
    return ip is not None and "IPKernelApp" in getattr(ip, "config", {})


def shows_progress(progress: bool | None) -> bool:
    """Whether to show a bar: as asked, else in a notebook or when stderr is a terminal."""
    if progress is not None:
        return progress
    stream = sys.stderr
    return in_notebook() or bool(stream is not None and stream.isatty())


def _bar(description: str) -> Any:
    """A tqdm bar of ``_STEPS`` steps; the notebook's widget when it can be drawn."""
    if in_notebook() and importlib.util.find_spec("ipywidgets") is not None:
        from tqdm.auto import tqdm
    else:
        # Without ipywidgets, tqdm's notebook bar fails: text works everywhere.
        from tqdm.std import tqdm
    return tqdm(
        total=_STEPS,
        desc=description,
        leave=False,
        bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}",
    )


def run_interruptible(
    work: Callable[[Progress, Cancel], T], *, progress: bool | None, description: str
) -> T:
    """Run ``work(progress, cancel)`` on a worker thread; Ctrl-C cancels it.

    Args:
        work: the job; it reports through ``progress`` and polls ``cancel``.
        progress: show a bar (None: in notebooks and terminals).
        description: the bar's first label.

    Returns:
        What ``work`` returned.

    Raises:
        KeyboardInterrupt: the caller was interrupted; the work stopped before this
            was raised.
        Exception: whatever ``work`` raised.
    """
    stop = threading.Event()
    begun = threading.Event()
    done = threading.Event()
    state: dict[str, Any] = {"phase": description, "fraction": 0.0}
    outcome: list[tuple[bool, Any]] = []

    def report(phase: str, fraction: float) -> None:
        state["phase"], state["fraction"] = phase, fraction

    def target() -> None:
        begun.set()
        try:
            outcome.append((True, work(report, stop.is_set)))
        except BaseException as exc:  # handed to the caller's thread, raised there
            outcome.append((False, exc))
        finally:
            done.set()

    bar = _bar(description) if shows_progress(progress) else None
    worker = threading.Thread(target=target, name="loupe-work", daemon=True)
    try:
        try:
            worker.start()
            while not done.wait(_TICK):
                _move(bar, state)
        except KeyboardInterrupt:
            stop.set()
            _wait_out(begun, done)
            raise
        worker.join()
        _move(bar, state)
    finally:
        if bar is not None:
            bar.close()
    ok, value = outcome[0]
    if not ok:
        raise value
    result: T = value
    return result


def _move(bar: Any, state: dict[str, Any]) -> None:
    """Bring the bar to the last phase and fraction reported."""
    if bar is None:
        return
    steps = round(min(1.0, max(0.0, float(state["fraction"]))) * _STEPS)
    if state["phase"] != bar.desc:
        bar.set_description_str(str(state["phase"]), refresh=False)
    if steps != bar.n:
        bar.update(steps - bar.n)


def _wait_out(begun: threading.Event, done: threading.Event) -> None:
    """Wait for cancelled work to end, through further Ctrl-C (it stops at its next check).

    It waits on the work's own ``done`` event, never on ``Thread.join``: in
    CPython 3.11 an interrupted ``join`` marks the thread stopped while it still
    runs, and a second Ctrl-C would then leave the work running behind the caller.
    Work interrupted before its thread began is not waited for once ``_START``
    has passed: it finds ``stop`` set at its first check.
    """
    deadline = time.monotonic() + _START
    while not done.is_set():
        try:
            if not begun.is_set() and time.monotonic() > deadline:
                return
            done.wait(_TICK)
        except KeyboardInterrupt:
            continue


def check(cancel: Cancel) -> None:
    """Raise :class:`Cancelled` when ``cancel()`` says so."""
    if cancel():
        raise Cancelled("profiling cancelled")
