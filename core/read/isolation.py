"""Run a read or a profile in a child process that may crash without taking us along.

A crafted or damaged file can make a native reader abort the whole process (a
Rust allocation failure or a panic inside Rayon ends in SIGABRT) instead of
raising. :func:`run_isolated` runs the work in a child process started with the
``spawn`` method (never ``fork``: the parent may run threads, and Qt) and turns
such a crash into a one-line :class:`~core.errors.CorruptFileError`::

    frame = run_isolated(pl.read_parquet, path, path=path)

The child's stderr (where Rust prints its panic text and backtrace) goes to a
temporary file, never to the user's terminal; it is logged at DEBUG level on
this module's logger and left out of the error's message.

As with any ``spawn``-started process, the child imports the parent's
``__main__`` module again (as ``__mp_main__``), so a script must keep its work
under ``if __name__ == "__main__":``. Each call starts a fresh interpreter and
imports Polars in it: expect some hundreds of milliseconds of overhead.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import pickle
import signal
import tempfile
import time
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, TypeVar, cast

from core.errors import Cancelled, CorruptFileError

__all__ = ["run_isolated"]

T = TypeVar("T")

_log = logging.getLogger(__name__)

POLL_SECONDS = 0.05
_STOP_SECONDS = 2.0
_CRASH_SECONDS = 10.0  # a crashing child may still be writing a core dump
_STDERR_LOG_BYTES = 8192
# A reader that runs out of memory aborts too (or is killed): the file may be fine.
_SUFFIX = "it may be damaged or crafted, or too large for the memory at hand"

# Messages from the child: (kind, payload).
_STARTED = "started"  # payload: None; the child is about to load and run the call
_RESULT = "result"
_ERROR = "error"  # payload: (exception, formatted traceback)
_PANIC = "panic"  # payload: the panic message (a caught Rust panic, not picklable)
_FOREIGN = "foreign"  # payload: (type name, message, traceback) of an unpicklable exception
_SETUP = "setup"  # payload: why the child could not load the call


class _RemoteTraceback(Exception):
    """The child's traceback, chained as ``__cause__`` of a re-raised exception."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text

    def __str__(self) -> str:
        return self.text


def run_isolated(
    func: Callable[..., T],
    /,
    *args: Any,
    path: str | os.PathLike[str],
    timeout: float | None = None,
    cancel: Callable[[], bool] | None = None,
    **kwargs: Any,
) -> T:
    # Long only by its docstring, which is the contract callers rely on; the code is 36 lines.
    """Call ``func(*args, **kwargs)`` in a spawned child process and return its result.

    Args:
        func: a picklable callable (a module-level function or class), e.g.
            ``polars.read_parquet``. It, its arguments and its result cross the
            process boundary by pickling.
        *args: positional arguments for ``func``.
        path: the file ``func`` works on; named in the error if the child crashes.
        timeout: seconds to wait for the result; None waits as long as it takes.
        cancel: polled every ~50 ms while waiting; when it returns True the child
            is terminated and :class:`core.errors.Cancelled` is raised.
        **kwargs: keyword arguments for ``func`` (``path``, ``timeout`` and
            ``cancel`` belong to this function and cannot be passed on).

    Returns:
        What ``func`` returned, unpickled.

    Raises:
        CorruptFileError: the child died by a signal (e.g. SIGABRT), exited
            without a result, or a native reader panicked (a Rust panic caught as
            ``PanicException``, which cannot cross the process boundary).
        core.errors.Cancelled: ``cancel`` returned True.
        TimeoutError: ``timeout`` elapsed first; the child is terminated.
        RuntimeError: ``func`` raised an exception that cannot be pickled (the
            message names its type), or the child process could not start or
            load the call.
        pickle.PicklingError: ``func`` or its arguments cannot be pickled (or
            the ``TypeError``/``AttributeError`` pickle raises for them).
        Exception: whatever ``func`` raised, as the same type with the same
            message (LoupeErrors arrive intact), its traceback chained as
            ``__cause__``.
    """
    where = Path(path)
    payload = pickle.dumps((func, args, kwargs))
    ctx = multiprocessing.get_context("spawn")
    receiver, sender = ctx.Pipe(duplex=False)
    fd, stderr_name = tempfile.mkstemp(prefix="loupe-isolated-", suffix=".log")
    os.close(fd)
    process = ctx.Process(
        target=_child_main,
        args=(sender, payload, stderr_name),
        name=f"loupe-isolated-{getattr(func, '__name__', 'call')}",
        daemon=True,
    )  # cannot fail: the arguments are plain and picklable
    try:
        process.start()
        sender.close()  # only the child writes; EOF then means it is gone
        started, message = _wait(process, receiver, timeout, cancel, where)
        process.join(_STOP_SECONDS if message is not None else _CRASH_SECONDS)
        ended = _how(process)
    finally:
        sender.close()
        receiver.close()
        _stop(process)
        _log_stderr(stderr_name, where)
    if message is None and not started:
        # It died before running the call: e.g. the parent's __main__ module
        # could not be imported again in the child (its traceback is on stderr).
        raise RuntimeError(f"the child process could not start ({ended})")
    if message is None:
        raise CorruptFileError(where, f"the reader crashed on this file ({ended}); {_SUFFIX}")
    return cast(T, _unwrap(message, where))


def _wait(
    process: BaseProcess,
    receiver: Connection,
    timeout: float | None,
    cancel: Callable[[], bool] | None,
    path: Path,
) -> tuple[bool, tuple[str, Any] | None]:
    """Wait for the child's answer.

    Returns:
        Whether the child got as far as running the call, and its message
        (None if it ended without one).
    """
    deadline = None if timeout is None else time.monotonic() + timeout
    started = False
    while True:
        ready = wait([receiver, process.sentinel], POLL_SECONDS)
        if receiver in ready or (ready and receiver.poll()):
            try:
                message: tuple[str, Any] = receiver.recv()
            except EOFError:
                return started, None
            if message[0] != _STARTED:
                return True, message
            started = True
            continue
        if ready:  # the child ended and sent nothing
            return started, None
        if cancel is not None and cancel():
            raise Cancelled("profiling cancelled")
        if deadline is not None and time.monotonic() >= deadline:
            raise TimeoutError(f"{path}: gave up reading after {timeout:g} s")


def _unwrap(message: tuple[str, Any], path: Path) -> Any:
    """The child's result, or raise what the child reported."""
    kind, value = message
    if kind == _RESULT:
        return value
    if kind == _ERROR:
        error, remote = value
        raise error from _RemoteTraceback(remote)
    if kind == _PANIC:
        _log.debug("Reader panic on %s: %s", path, value)
        raise CorruptFileError(
            path, "the reader crashed on this file (panic); it may be damaged or crafted"
        )
    if kind == _FOREIGN:
        name, text, remote = value
        raise RuntimeError(f"{name}: {text}") from _RemoteTraceback(remote)
    raise RuntimeError(f"could not run the call in a child process: {value}")


def _how(process: BaseProcess) -> str:
    """How the child ended, in a few words: "signal SIGABRT", "exit code 1"."""
    code = process.exitcode
    if code is None:
        return "it did not exit"
    if code < 0:
        try:
            return f"signal {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"exit code {code}"


def _stop(process: BaseProcess) -> None:
    """Make sure the child is gone: terminate, then kill, and reap it."""
    if process.pid is None:  # never started
        return
    if process.is_alive():
        process.terminate()
        process.join(_STOP_SECONDS)
    if process.is_alive():
        process.kill()
        process.join()
    process.close()


def _log_stderr(name: str, path: Path) -> None:
    """Log the tail of the child's stderr at DEBUG level and delete the file."""
    try:
        with open(name, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            handle.seek(max(0, handle.tell() - _STDERR_LOG_BYTES))
            text = handle.read().decode("utf-8", "replace").strip()
        if text:
            _log.debug("Child stderr for %s:\n%s", path, text)
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            os.unlink(name)


def _child_main(sender: Connection, payload: bytes, stderr_name: str) -> None:
    """The child: run the call and send back ``(kind, value)``."""
    fd = os.open(stderr_name, os.O_WRONLY | os.O_APPEND)
    os.dup2(fd, 2)
    os.close(fd)
    try:
        sender.send((_STARTED, None))
        try:
            func, args, kwargs = pickle.loads(payload)
        except Exception as exc:
            sender.send((_SETUP, f"{type(exc).__name__}: {exc}"))
            return
        try:
            result = func(*args, **kwargs)
        except Exception as exc:
            sender.send(_error_message(exc))
            return
        except BaseException as exc:
            if not _is_panic(exc):
                raise  # SystemExit, KeyboardInterrupt: end the child
            sender.send((_PANIC, _first_line(exc)))
            return
        try:
            sender.send((_RESULT, result))
        except Exception as exc:  # the result does not pickle
            sender.send(_error_message(exc))
    finally:
        sender.close()


def _error_message(exc: Exception) -> tuple[str, Any]:
    """The message that carries ``exc`` to the parent, picklable or not."""
    remote = "".join(traceback.format_exception(exc))
    try:
        # The parent must be able to rebuild it too: check the round trip here.
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return (_FOREIGN, (type(exc).__qualname__, _first_line(exc), remote))
    return (_ERROR, (exc, remote))


def _is_panic(exc: BaseException) -> bool:
    """Whether ``exc`` is a Rust panic caught by PyO3 (``pyo3_runtime.PanicException``)."""
    kind = type(exc)
    return kind.__name__ == "PanicException" and kind.__module__ == "pyo3_runtime"


def _first_line(exc: BaseException) -> str:
    """The exception's message on one line."""
    return " ".join(str(exc).split())[:300]
