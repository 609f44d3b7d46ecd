"""Where a running ``loupe serve`` is: a connection file in the user's runtime folder.

As Jupyter does for its servers, ``loupe serve`` writes its URL and access token
to ``serve-<pid>.json`` in a runtime folder only the user can enter, readable by
the user alone, and removes it when it stops; the desktop app and ``loupe cloud``
find the local backend there without copy-paste. The folder is
``$LOUPE_RUNTIME_DIR`` if set, else platformdirs' user runtime folder (on Linux
``$XDG_RUNTIME_DIR/loupe``, a tmpfs emptied at logout).

A file is trusted only in a folder that belongs to the user and that no one else
may write to, and only as a regular file of the user's that no one else may read
(opened without following links): a token planted by another account could send
files elsewhere. On Windows the per-user folder's permissions are relied on, and a
server is not checked to be running (the client's first request tells).
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

__all__ = ["Connection", "find_connections", "remove_connection", "runtime_dir", "write_connection"]

_PREFIX = "serve-"


@dataclass(frozen=True)
class Connection:
    """A running local backend: its API's URL, an access token, its process and file."""

    url: str
    token: str = field(repr=False)
    pid: int
    started: float
    path: Path


def runtime_dir() -> Path:
    """The folder connection files live in (not created here)."""
    override = os.environ.get("LOUPE_RUNTIME_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_runtime_dir("loupe", appauthor=False))


def write_connection(url: str, token: str) -> Path:
    """Write this process's connection file, readable by the user alone; returns its path.

    The file appears whole (written beside it, then renamed), so a reader never
    sees half of it.
    """
    folder = runtime_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not _private(folder):
        raise PermissionError(f"{folder}: others may write here; not keeping a token in it")
    target = folder / f"{_PREFIX}{os.getpid()}.json"
    text = json.dumps({"url": url, "token": token, "pid": os.getpid(), "started": time.time()})
    # mkstemp makes the file readable and writable by this user alone.
    fd, partial = tempfile.mkstemp(dir=folder, prefix=".serve-", suffix=".partial")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(partial, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(partial)
        raise
    return target


def remove_connection(path: Path) -> None:
    """Remove a connection file (gone already: nothing to do)."""
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def find_connections() -> list[Connection]:
    """The local backends whose connection files are readable and whose process runs, newest first.

    Damaged files, files of processes that ended and files in a folder others may
    write to are passed over (never deleted: they may be another tool's).
    """
    folder = runtime_dir()
    if not folder.is_dir() or not _private(folder):
        return []
    found: list[Connection] = []
    for path in folder.glob(f"{_PREFIX}*.json"):
        try:
            data = json.loads(_read_own(path))
            connection = Connection(
                url=str(data["url"]),
                token=str(data["token"]),
                pid=int(data["pid"]),
                started=float(data["started"]),
                path=path,
            )
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if _running(connection.pid):
            found.append(connection)
    return sorted(found, key=lambda c: c.started, reverse=True)


def _read_own(path: Path) -> str:
    """The text of ``path`` if it is a regular file of this user's that only they can read.

    Opened without following a symbolic link, and checked on the open file itself,
    so what is checked is what is read. Raises OSError (or ValueError) otherwise.
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags)
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(f.fileno())
        if sys.platform != "win32" and (
            not stat.S_ISREG(info.st_mode)
            or info.st_uid != os.getuid()
            or info.st_mode & (stat.S_IRWXG | stat.S_IRWXO)
        ):
            raise ValueError(f"{path}: not a private file of this user's")
        return f.read(64 * 1024).decode("utf-8")


def _private(folder: Path) -> bool:
    """Whether ``folder`` is this user's and no one else may write to it."""
    if sys.platform == "win32":  # the per-user profile folder is private by its ACL
        return True
    info = folder.stat()
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _running(pid: int) -> bool:
    """Whether a process with this id runs (on Windows: assumed; the caller's request tells)."""
    if sys.platform == "win32":
        # os.kill(pid, 0) would terminate the process there.
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # runs, as another user
        return True
    return True
