"""Errors of the reading libraries, as one line naming the file (or the data) they came from."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import polars as pl

from core.errors import CorruptFileError, LoupeError, first_line

__all__ = ["reading"]


@contextmanager
def reading(path: str | os.PathLike[str]) -> Iterator[None]:
    """Errors of the reading libraries, as one line naming the file they came from.

    Loupe's readers translate what they expect; this catches what slipped through
    (a reader's panic, an exception of pyarrow or a sketch library on odd values).
    """
    try:
        yield
    except (LoupeError, KeyboardInterrupt, BrokenPipeError):
        raise
    except pl.exceptions.PanicException as exc:
        raise CorruptFileError(
            Path(path), f"the reader failed on this file ({first_line(exc)})"
        ) from None
    except pl.exceptions.PolarsError as exc:
        raise CorruptFileError(Path(path), first_line(exc)) from None
    except Exception as exc:
        # pyarrow's own errors (ArrowInvalid, ...), told apart without importing pyarrow.
        if not type(exc).__module__.startswith("pyarrow"):
            raise
        raise CorruptFileError(Path(path), first_line(exc)) from None
