"""Writing an output file whole, without ever replacing what the name stands for.

Every file Loupe writes goes through this module, which first looks at what the
destination is:

* a regular file, or a name not taken yet: the content goes to a temporary file
  in the same folder, renamed over the name only when complete, so the file is
  complete under its name or not changed at all;
* a symbolic link: the link is followed to its final target and the rule for the
  target applies; a regular target is replaced beside itself, so the link stays
  a link and shows the new content (a dangling link gets its target created);
* anything else — ``/dev/stdout``, ``/dev/null``, a terminal, a named pipe, a
  shell's process substitution (``/dev/fd/63``, ``/proc/self/fd/N``) — is opened
  and written through: it is never renamed over nor removed.

:func:`open_output` streams into a destination, :func:`write_bytes` and
:func:`write_text` write a whole content, and :func:`output_path` lends a
temporary path to writers that only take a path (Polars' sinks, ``write_excel``).
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO, Literal, TextIO, overload

from core.errors import OutputError

__all__ = ["open_output", "output_path", "write_bytes", "write_text"]

StrPath = str | os.PathLike[str]

# Folders whose entries are a process's open files (Linux, then macOS and the BSDs):
# /dev/stdout, /dev/fd/63 and /proc/self/fd/N lead here, whatever file they stand for.
_FD_FOLDER = re.compile(r"/proc/[^/]+(/task/[^/]+)?/fd|/dev/fd")
# Linux's limit on symbolic links followed while resolving one path.
_MAX_LINKS = 40


@dataclass(frozen=True)
class _Target:
    """Where the bytes for a destination go.

    Attributes:
        path: the destination as given, named in error messages.
        final: the destination with every symbolic link followed.
        through: write into ``final`` as it is (a device, pipe or open file);
            otherwise replace it through a temporary file beside it.
        mode: the permission bits of the regular file being replaced, if any.
    """

    path: Path
    final: Path
    through: bool
    mode: int | None = None


@overload
def open_output(path: StrPath, mode: Literal["wb"] = "wb") -> AbstractContextManager[BinaryIO]: ...


@overload
def open_output(
    path: StrPath, mode: Literal["w"], *, encoding: str = "utf-8"
) -> AbstractContextManager[TextIO]: ...


def open_output(
    path: StrPath, mode: Literal["wb", "w"] = "wb", *, encoding: str = "utf-8"
) -> AbstractContextManager[IO[Any]]:
    """Open ``path`` to be written whole, as a context manager yielding the file.

    A regular file (or a new name) is written to a temporary file beside its
    final target and renamed into place when the block ends without an
    exception; if it raises, the temporary file is removed and the old content
    stays. A special file (``/dev/stdout``, a pipe, a device) is opened and
    written through as the block runs.

    Args:
        path: the destination.
        mode: ``"wb"`` for a binary file, ``"w"`` for text.
        encoding: the text encoding, for ``mode="w"``.

    Returns:
        A context manager whose value is the open file.

    Raises:
        OutputError: the folder does not exist, the destination is a folder, or
            it cannot be written (any ``OSError`` while writing, too).
    """
    if mode not in ("wb", "w"):
        raise ValueError(f"mode must be 'wb' or 'w', not {mode!r}")
    return _open_output(path, mode, encoding)


@contextmanager
def _open_output(path: StrPath, mode: str, encoding: str) -> Iterator[IO[Any]]:
    """The context manager behind :func:`open_output`."""
    target = _target(path)
    text = encoding if mode == "w" else None
    if target.through:
        with _guard(target.path), open(target.final, mode, encoding=text) as out:
            yield out
        return
    tmp = _partial(target.final)
    try:
        with _guard(target.path):
            # "x": a fresh file, never one that appeared under the random name meanwhile.
            with open(tmp, mode.replace("w", "x"), encoding=text) as out:
                yield out
            _commit(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def write_bytes(path: StrPath, data: bytes) -> Path:
    """Write ``data`` to ``path``: whole or not at all, or through a special file.

    Args:
        path: the destination (see the module's notes on links and special files).
        data: the content.

    Returns:
        ``path``, as a :class:`~pathlib.Path`.

    Raises:
        OutputError: the folder does not exist, the destination is a folder, or
            it cannot be written.
    """
    with open_output(path, "wb") as out:
        out.write(data)
    return Path(path)


def write_text(path: StrPath, text: str) -> Path:
    """Write ``text`` as UTF-8 to ``path``: whole or not at all, or through a special file.

    The text is encoded before anything is opened, so an encoding failure
    changes nothing.

    Args:
        path: the destination (see the module's notes on links and special files).
        text: the content.

    Returns:
        ``path``, as a :class:`~pathlib.Path`.

    Raises:
        OutputError: the folder does not exist, the destination is a folder, or
            it cannot be written.
        UnicodeEncodeError: ``text`` holds lone surrogates.
    """
    return write_bytes(path, text.encode("utf-8"))


@contextmanager
def output_path(path: StrPath) -> Iterator[Path]:
    """Lend a temporary path to write ``path``'s content to, then put it in place.

    For a regular file (or a new name) the temporary path is beside the final
    target, and is renamed over it when the block ends without an exception.
    For a special file it is in a private temporary folder, and its bytes are
    copied into the special file. Either way it is removed afterwards, also
    when the block raises. The writer creates the file itself, so it gets the
    user's usual permissions; a replaced file keeps its own.

    Args:
        path: the destination.

    Returns:
        A context manager whose value is the temporary path to write.

    Raises:
        OutputError: the folder does not exist, the destination is a folder, or
            it cannot be written (any ``OSError`` in the block, too).
    """
    target = _target(path)
    if target.through:
        folder = Path(tempfile.mkdtemp(prefix="loupe-out-"))
        try:
            with _guard(target.path):
                tmp = folder / f"output{target.final.suffix}"
                yield tmp
                with open(tmp, "rb") as src, open(target.final, "wb") as out:
                    shutil.copyfileobj(src, out, 1 << 20)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    tmp = _partial(target.final)
    try:
        with _guard(target.path):
            yield tmp
            _commit(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _target(path: StrPath) -> _Target:
    """Find what ``path`` stands for, following symbolic links one at a time.

    Raises:
        OutputError: a folder, a missing folder, or a loop of links.
    """
    given = Path(path)
    current = _anchored(os.fspath(path))
    for _ in range(_MAX_LINKS):
        if _FD_FOLDER.fullmatch(os.path.dirname(current)):
            # An open file of a process: the name is all there is to write through.
            return _Target(given, Path(current), through=True)
        try:
            info = os.lstat(current)
        except FileNotFoundError:
            folder = os.path.dirname(current)
            if not os.path.isdir(folder):
                raise OutputError(f"{given}: the folder {folder} does not exist") from None
            return _Target(given, Path(current), through=False)
        except OSError as exc:
            raise OutputError(f"{given}: {_reason(exc)}") from None
        if stat.S_ISLNK(info.st_mode):
            try:
                link = os.readlink(current)
            except OSError as exc:
                raise OutputError(f"{given}: {_reason(exc)}") from None
            current = _anchored(os.path.join(os.path.dirname(current), link))
            continue
        if stat.S_ISDIR(info.st_mode):
            raise OutputError(f"{given}: is a folder, not a file")
        if stat.S_ISREG(info.st_mode):
            return _Target(given, Path(current), through=False, mode=stat.S_IMODE(info.st_mode))
        return _Target(given, Path(current), through=True)
    raise OutputError(f"{given}: too many levels of symbolic links")


def _anchored(path: str) -> str:
    """``path`` made absolute, its folder's links resolved and its own name kept."""
    folder, name = os.path.split(path)
    if name in ("", ".", ".."):
        return os.path.realpath(path)
    return os.path.join(os.path.realpath(folder or os.curdir), name)


def _partial(final: Path) -> Path:
    """A fresh temporary name beside ``final``; the random part keeps concurrent runs apart."""
    return final.with_name(f".{final.name}.{uuid.uuid4().hex[:12]}.part")


def _commit(tmp: Path, target: _Target) -> None:
    """Rename the complete ``tmp`` over the target, keeping a replaced file's permissions."""
    if target.mode is not None:
        os.chmod(tmp, target.mode)
    os.replace(tmp, target.final)


@contextmanager
def _guard(path: Path) -> Iterator[None]:
    """Turn an ``OSError`` into a one-line :class:`OutputError` naming ``path``."""
    try:
        yield
    except OSError as exc:
        raise OutputError(f"{path}: {_reason(exc)}") from None


def _reason(exc: OSError) -> str:
    """An ``OSError`` in a few words, without the file name."""
    if isinstance(exc, PermissionError):
        return "permission denied"
    return exc.strerror or str(exc)
