"""Writing an output file whole: complete under its name, or not there at all."""

from __future__ import annotations

import os
from pathlib import Path

from core.errors import OutputError

__all__ = ["write_text"]


def write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` through a file beside it, renamed when complete.

    Raises:
        OutputError: the folder does not exist or the file cannot be written.
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise OutputError(f"{path}: the folder {path.parent} does not exist")
    partial = path.with_name(f".{path.name}.part")
    try:
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise OutputError(f"{path}: {exc.strerror or exc}") from None
    return path
