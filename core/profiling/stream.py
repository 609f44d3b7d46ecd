"""How the streaming engine takes a table's batches: fixed row boundaries, read ahead.

:func:`fixed_rows` cuts the batches a reader hands out into batches of exactly
``rows`` rows (the last one fewer). The profile's sums are taken batch by batch
(and, within a batch, piece by piece as the reader laid the rows out in memory):
with boundaries that do not depend on how the reader grouped its rows, the same
file gives the same profile, to the last bit.

:func:`read_ahead` runs an iterator on a thread of its own and keeps a few of
its items ready, so that reading and typing the next batch (Polars, which lets
go of the interpreter) overlaps with summarising the current one.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Generator, Iterable, Iterator
from typing import TypeVar, cast

import polars as pl

__all__ = ["fixed_rows", "read_ahead"]

T = TypeVar("T")

# How often a reader waiting for room checks whether it is still wanted (seconds).
_POLL = 0.05


def fixed_rows(batches: Iterable[pl.DataFrame], rows: int) -> Iterator[pl.DataFrame]:
    """``batches`` cut and joined into batches of exactly ``rows`` rows.

    The rows keep the pieces of memory they were in (joining copies nothing),
    so a table read as one batch is summarised as it was read.

    The last batch holds what is left (fewer rows). A stream of empty batches
    gives one empty batch, so that its columns are still known; an empty
    stream gives none.

    Args:
        batches: frames with the same columns, in table order.
        rows: rows per batch (at least 1).
    """
    if rows < 1:
        raise ValueError(f"rows per batch must be at least 1, not {rows}")
    pending: list[pl.DataFrame] = []
    held = 0
    empty: pl.DataFrame | None = None
    given = False
    for batch in batches:
        if batch.height == 0:
            empty = batch
        while batch.height:
            take = min(rows - held, batch.height)
            pending.append(batch.slice(0, take))
            held += take
            batch = batch.slice(take)
            if held == rows:
                yield _joined(pending)
                given = True
                pending, held = [], 0
    if pending:
        yield _joined(pending)
    elif not given and empty is not None:
        yield empty


def _joined(parts: list[pl.DataFrame]) -> pl.DataFrame:
    """The parts one after another (without copying them)."""
    if len(parts) == 1:
        return parts[0]
    return pl.concat(parts, how="vertical", rechunk=False)


def read_ahead(items: Iterator[T], depth: int = 1) -> Generator[T, None, None]:
    """``items``, produced on a thread of their own up to ``depth`` ahead of the consumer.

    What the producing thread raises is raised to the consumer when it reaches
    that point. Closing the returned generator (or dropping it) stops the
    producer at its next item and closes ``items`` on the producer's thread (so
    a generator's ``finally`` runs where it ran); it waits for the producer to
    finish the item it is making.

    Args:
        items: the iterator to run ahead (a generator is closed when done with).
        depth: items kept ready besides the one being made.
    """
    ready: queue.Queue[tuple[bool, object]] = queue.Queue(maxsize=max(1, depth))
    stop = threading.Event()

    def put(done: bool, item: object) -> None:
        """Hand an item (or the end, or an error) over; give up once the consumer left."""
        while not stop.is_set():
            try:
                ready.put((done, item), timeout=_POLL)
                return
            except queue.Full:
                continue

    def produce() -> None:
        """Make the items, then hand over the end (None) or what went wrong."""
        try:
            for item in items:
                if stop.is_set():
                    break
                put(False, item)
            put(True, None)
        except BaseException as exc:  # handed to the consumer, who raises it
            put(True, exc)
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()

    producer = threading.Thread(target=produce, name="loupe-read-ahead", daemon=True)
    producer.start()
    try:
        while True:
            done, item = ready.get()
            if done:
                if item is not None:
                    assert isinstance(item, BaseException)
                    raise item
                return
            yield cast(T, item)
    finally:
        stop.set()
        # Make room, so that a producer waiting to hand over an item sees the stop.
        while True:
            try:
                ready.get_nowait()
            except queue.Empty:
                break
        producer.join()
