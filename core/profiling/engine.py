"""The profiling engines: in memory, or streaming in batches with bounded memory.

Both feed the same :class:`~core.profiling.partial.PartialProfile`, so they give the same
profile (the in-memory engine computes exact quantiles of high-cardinality
columns where streaming estimates them). ``auto`` picks the in-memory engine
for files up to 256 MB that comfortably fit in the memory this process may use
(free memory, a cgroup limit, ``ulimit -v``), streaming otherwise. Streaming
reads and types the next batch on a thread of its own while it summarises one,
and cuts batches at fixed rows, so that a file always gives the same profile.

Progress goes to a callback as ``(phase, fraction)``; a ``cancel`` callable
returning True stops the work at the next check with :class:`Cancelled`.
Neither needs the caller's threads (the streaming engine's own ends before it
returns): the desktop drives them from a worker.
"""

from __future__ import annotations

import importlib
import threading
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import polars as pl

from core.errors import Cancelled, TypesChanged
from core.profiling.config import ProfileConfig
from core.profiling.document import Profile, Source
from core.profiling.stream import fixed_rows, read_ahead
from core.read.memory import AUTO_MEMORY_MAX_BYTES, available_memory
from core.read.table import Table

if TYPE_CHECKING:
    from core.profiling.partial import PartialProfile

__all__ = [
    "Cancelled",
    "ProfileResult",
    "choose_engine",
    "engine_for_file",
    "profile_frame",
    "profile_table",
]

Progress = Callable[[str, float], None]
# A Polars frame takes about this many times the CSV's size in memory, and the
# profile's own work needs about as much again.
_MEMORY_FACTOR = 4.0
# A batch's bytes in the file, kept to 1/30 of the memory left: read in blocks (one
# block at a time), its rows as text, typed, summarised, and the next batch read ahead
# take some times that (measured: 65,536 rows of flights30.csv within 296 MiB).
_BATCH_MEMORY_FACTOR = 30
_MAX_BATCH_BYTES = 32 << 20
_MIN_CHUNK_ROWS = 20_000
# Batches read and typed ahead of the one being summarised.
_READ_AHEAD = 1


@dataclass(frozen=True)
class ProfileResult:
    """A finished profile.

    Attributes:
        profile: the profile document (deterministic: no timings in it).
        engine: the engine that ran.
        seconds: wall time taken.
    """

    profile: Profile
    engine: str
    seconds: float


def choose_engine(table: Table, config: ProfileConfig) -> str:
    """The engine ``auto`` stands for, given the table's size and the memory at hand."""
    return engine_for_file(
        table.source.size, compressed=table.source.compression.value != "none", config=config
    )


def engine_for_file(size_bytes: int, *, compressed: bool, config: ProfileConfig) -> str:
    """The engine ``auto`` stands for on a file of ``size_bytes``, given the memory at hand."""
    if config.engine != "auto":
        return config.engine
    size = size_bytes * (8 if compressed else 1)
    if config.sample is not None:
        size = min(size, config.sample * 200)
    if size > AUTO_MEMORY_MAX_BYTES:
        # Streaming overlaps reading with summarising and holds less: faster on big
        # files. In memory, only exact quantiles of very diverse columns are gained.
        return "streaming"
    return "memory" if size * _MEMORY_FACTOR < available_memory() else "streaming"


def profile_table(
    table: Table,
    config: ProfileConfig,
    *,
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
) -> ProfileResult:
    """Profile an open table.

    Args:
        table: the table (see :func:`core.read.table.open_table`).
        config: settings and thresholds.
        progress: called with a phase name and the fraction done (0 to 1).
        cancel: polled between steps; True stops the work.

    Returns:
        The profile, the engine used and the time taken.

    Raises:
        SourceError: the file fails while being read.
        Cancelled: ``cancel`` returned True.
    """
    started = time.perf_counter()
    report = progress or (lambda phase, fraction: None)
    stop = cancel or (lambda: False)
    engine = choose_engine(table, config)
    report("reading", 0.0)
    with table.reading():
        if engine == "memory":
            partial = _in_memory(table, config, report, stop)
        else:
            partial = _streaming(table, config, report, stop)
    _check(stop)
    report("correlations and alerts", 0.9)
    source: Source = {
        "path": str(table.path),
        "name": table.path.name,
        "format": table.info.format.value,
        "size_bytes": table.info.size_bytes,
        "read": table.info.to_dict(),
    }
    profile = _build_profile(partial, config, source=source, engine=engine)
    report("done", 1.0)
    return ProfileResult(profile, engine, time.perf_counter() - started)


def profile_frame(
    frame: pl.DataFrame,
    config: ProfileConfig,
    *,
    source: Source,
    engine: str = "memory",
    progress: Progress | None = None,
    cancel: Callable[[], bool] | None = None,
) -> ProfileResult:
    """Profile typed rows in hand (in memory or mapped): a file read whole, or the rows shown.

    With the ``memory`` engine the rows are summarised as the in-memory engine
    summarises a whole file, so a profile of a filtered frame is the profile of
    those rows. With ``streaming`` they are summarised in slices of
    ``config.chunk_rows``, as the streaming engine summarises a big file's
    batches: the memory taken stays that of a slice.

    Args:
        frame: the rows.
        config: settings and thresholds (``sample`` keeps the first rows only).
        source: what the rows were read from (and, in ``view``, how they were chosen).
        engine: ``memory`` or ``streaming``.
        progress: called with a phase name and the fraction done (0 to 1).
        cancel: polled between steps; True stops the work.

    Raises:
        Cancelled: ``cancel`` returned True.
    """
    started = time.perf_counter()
    report = progress or (lambda phase, fraction: None)
    stop = cancel or (lambda: False)
    if config.sample is not None:
        frame = frame.head(config.sample)
    report("summarising columns", 0.1)
    _check(stop)
    partial = _new_partial(frame.schema, config)
    if engine == "memory":
        partial.update(frame, exact_quantiles=True)
    else:
        step = max(1, config.chunk_rows)
        for start in range(0, max(frame.height, 1), step):
            _check(stop)
            partial.update(frame.slice(start, step))
            report(
                "summarising columns", 0.1 + 0.8 * min(1.0, (start + step) / max(frame.height, 1))
            )
    _check(stop)
    report("correlations and alerts", 0.9)
    profile = _build_profile(partial, config, source=source, engine=engine)
    report("done", 1.0)
    return ProfileResult(profile, engine, time.perf_counter() - started)


def _check(stop: Callable[[], bool]) -> None:
    """Raise Cancelled if asked to stop."""
    if stop():
        raise Cancelled("profiling cancelled")


def _load_summaries() -> None:
    """Load the summarising stack (NumPy, the sketches, the document builder).

    It takes about a tenth of a second: the in-memory engine loads it while
    Polars reads the file on its own threads, instead of before.
    """
    importlib.import_module("core.profiling.profile")


def _build_profile(
    partial: PartialProfile, config: ProfileConfig, *, source: Source, engine: str
) -> Profile:
    """The profile document of ``partial``."""
    from core.profiling.profile import build_profile

    return build_profile(partial, config, source=source, engine=engine)


def _new_partial(schema: pl.Schema, config: ProfileConfig) -> PartialProfile:
    """An empty partial profile for ``schema``."""
    from core.profiling.partial import PartialProfile

    return PartialProfile(
        schema,
        exact_distinct_limit=config.exact_distinct_limit,
        sample_rows=config.correlation_sample,
    )


def _in_memory(
    table: Table, config: ProfileConfig, report: Progress, stop: Callable[[], bool]
) -> PartialProfile:
    """Read the whole table once, type it in memory, then summarise it in one pass."""
    raw = table.raw_lazy()
    if config.sample is not None:
        raw = raw.head(config.sample)
    query = raw.collect(background=True)
    _load_summaries()  # while the file is read
    # Polling keeps cancellation responsive while Polars reads on its own threads.
    while (frame := query.fetch()) is None:
        if stop():
            query.cancel()
            # Polars' worker still sends its result when done; dropping the query
            # before then makes that send panic and abort the whole process.
            threading.Thread(target=_drain, args=(query,), daemon=True).start()
            raise Cancelled("profiling cancelled")
        time.sleep(0.005)
    report("typing columns", 0.3)
    _check(stop)
    frame = table.typed(frame)
    report("summarising columns", 0.5)
    _check(stop)
    partial = _new_partial(frame.schema, config)
    partial.update(frame, exact_quantiles=True)
    return partial


def _drain(query: Any) -> None:
    """Wait out a cancelled background query, discarding what it returns."""
    try:
        query.fetch_blocking()
    except Exception:  # its outcome no longer matters to anyone
        return


def _streaming(
    table: Table, config: ProfileConfig, report: Progress, stop: Callable[[], bool]
) -> PartialProfile:
    """Summarise the table batch by batch, reading it once (again only if a type was wrong)."""
    expected = _estimated_rows(table, config)
    chunk_rows = _chunk_rows(table, config, expected)
    while True:
        partial: PartialProfile | None = None
        # Batches are read and typed on a thread of their own while the previous one is
        # summarised; fixed boundaries make the profile the same whatever the timing.
        batches = read_ahead(
            fixed_rows(table.batches(chunk_rows, limit=config.sample), chunk_rows),
            _READ_AHEAD,
        )
        try:
            with closing(batches):
                for batch in batches:
                    if stop():
                        raise Cancelled("profiling cancelled")
                    if partial is None:
                        partial = _new_partial(batch.schema, config)
                    partial.update(batch)
                    if expected:
                        report("reading and summarising", min(0.89, 0.89 * partial.rows / expected))
        except TypesChanged as change:
            # Rare: a late value proved a column's type wrong. Each restart drops a
            # candidate type, so this ends.
            report(f"reading again ({', '.join(change.columns)} changed type)", 0.0)
            continue
        if partial is None:
            partial = _new_partial(table.lazy().collect_schema(), config)
        return partial


def _chunk_rows(table: Table, config: ProfileConfig, expected: int | None) -> int:
    """Rows per batch: ``chunk_rows`` at most, fewer when memory is short.

    A batch and the work on it take several times its size in the file (the
    file is read a block at a time, so nothing else is read ahead). One batch's
    bytes are kept to about 1/30 of the memory left, and to 32 MiB: on
    flights30.csv (92 bytes a row) 262,144-row batches took 9.6 s at a 640 MB
    peak, 131,072-row ones 10.4 s at 450 MB, and 500,000-row ones 10.6 s at
    1,000 MB.
    What fits is rounded down to a power of two: the batches' boundaries decide
    the last bits of the sums, and memory that comes and goes between two runs
    should not.
    """
    if not expected:
        return config.chunk_rows
    bytes_per_row = max(1.0, table.source.size / expected)
    fitting = int(min(available_memory() / _BATCH_MEMORY_FACTOR, _MAX_BATCH_BYTES) / bytes_per_row)
    if fitting < config.chunk_rows:
        fitting = 1 << max(0, fitting.bit_length() - 1)
    return max(_MIN_CHUNK_ROWS, min(config.chunk_rows, fitting))


def _estimated_rows(table: Table, config: ProfileConfig) -> int | None:
    """Rows expected (for progress only)."""
    if config.sample is not None:
        return config.sample
    return table.estimated_rows()
