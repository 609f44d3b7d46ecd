"""Profiling from Python: :func:`profile`, :func:`merge` and :func:`load`.

A path is read and profiled exactly as ``loupe profile FILE`` does (the same
reader, type inference and engine choice), so ``profile(path).to_dict()`` is
the document ``loupe profile FILE --json`` writes. Data in memory (pandas,
Polars, Arrow, DuckDB; see :mod:`core.api.frames`) is profiled as a Parquet
file of the same columns would be: columnar data keeps its types.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import polars as pl

from core.api.frames import InMemory, describe, in_memory, to_frame
from core.api.profile import Profile, document_of
from core.api.reading import read_options
from core.api.running import Cancel, Progress, check, run_interruptible
from core.errors import Cancelled, FileAccessError, OptionError, first_line
from core.profiling.config import ProfileConfig, checked_settings, config_of, load_config
from core.profiling.document import Source
from core.read.guard import reading as failing_reads

__all__ = ["ConfigLike", "load", "merge", "profile", "profile_config"]

#: What ``config`` may be: settings in hand, a table of them, or a settings file.
ConfigLike = ProfileConfig | Mapping[str, Any] | str | os.PathLike[str] | None


def profile_config(
    config: ConfigLike, *, engine: str | None = None, sample: int | None = None
) -> ProfileConfig:
    """The configuration ``config`` stands for, with ``engine`` and ``sample`` when given.

    Args:
        config: a :class:`ProfileConfig`, a mapping of settings (as a settings file
            holds them, thresholds under ``"thresholds"``), the path of a TOML or
            JSON settings file, or None for the defaults.
        engine: ``auto``, ``memory`` or ``streaming``.
        sample: profile only the first N rows.

    Raises:
        OptionError: an unknown setting, a value of the wrong type, an unreadable file.
    """
    given = {k: v for k, v in (("engine", engine), ("sample", sample)) if v is not None}
    checked_settings(ProfileConfig, given)
    if isinstance(config, ProfileConfig):
        if engine is not None:
            config = replace(config, engine=engine)
        if sample is not None:
            config = replace(config, sample=sample)
        return config
    if isinstance(config, Mapping):
        return config_of(config, None, engine=engine, sample=sample)
    if config is None or isinstance(config, str | os.PathLike):
        return load_config(None if config is None else Path(config), engine=engine, sample=sample)
    raise OptionError(
        f"config must be a ProfileConfig, a mapping of settings or a settings file, "
        f"not {type(config).__name__}"
    )


def profile(
    data: Any,
    *,
    engine: str | None = None,
    config: ConfigLike = None,
    sample: int | None = None,
    name: str | None = None,
    index: bool | None = None,
    progress: bool | None = None,
    reading: Mapping[str, Any] | None = None,
) -> Profile:
    """Profile a table: a file, or data in memory.

    Args:
        data: a file path (read as ``loupe profile`` reads it), a pandas DataFrame,
            a Polars DataFrame or LazyFrame, a pyarrow Table, RecordBatchReader or
            ChunkedArray (one column), a DuckDB relation, or any object with the Arrow
            PyCapsule interface (``__arrow_c_stream__``). Arrow data is not copied where
            Arrow allows.
        engine: ``auto`` (default: by size and free memory), ``memory`` or ``streaming``.
        config: settings and alert thresholds: a :class:`ProfileConfig`, a mapping
            of settings, or the path of a TOML or JSON settings file.
        sample: profile only the first N rows.
        name: what to call the data in the profile and the report (default: the
            file's name, or the kind of object).
        index: pandas only: profile the index as columns (default: unless it is a
            plain unnamed RangeIndex).
        progress: show a progress bar (default: in notebooks and terminals).
        reading: for a path, how to read it: the options of :func:`loupe.read`
            (``{"sheet": "2024", "delimiter": ";"}``).

    Returns:
        The profile. Ctrl-C (or interrupting the kernel) stops the work and raises
        ``KeyboardInterrupt``; nothing keeps running.

    Raises:
        SourceError: the file cannot be read (missing, damaged, not a table).
        OptionError: an object Loupe cannot profile, or a bad setting.

    Example:
        >>> import loupe  # doctest: +SKIP
        >>> p = loupe.profile(df)  # doctest: +SKIP
        >>> p.columns["price"].mean  # doctest: +SKIP
        12.5
    """
    settings = profile_config(config, engine=engine, sample=sample)
    if isinstance(data, str | os.PathLike):
        if index:
            raise OptionError("index= applies to pandas data, not to files")
        return _profile_path(data, settings, name=name, progress=progress, reading=reading)
    if reading:
        raise OptionError("reading= applies to files; data in memory is already read")
    found = in_memory(data)
    return run_interruptible(
        lambda report, cancel: _profile_memory(found, settings, name, index, report, cancel),
        progress=progress,
        description="profiling",
    )


def _profile_path(
    path: str | os.PathLike[str],
    config: ProfileConfig,
    *,
    name: str | None,
    progress: bool | None,
    reading: Mapping[str, Any] | None,
) -> Profile:
    """Profile a file as ``loupe profile`` does."""
    from core.profiling.engine import profile_table
    from core.read.table import open_table

    options = read_options(reading)

    def work(report: Progress, cancel: Cancel) -> tuple[Any, float, list[str]]:
        with failing_reads(path), open_table(path, options) as table:
            result = profile_table(table, config, progress=report, cancel=cancel)
            return result.profile, result.seconds, list(table.info.warnings)

    document, seconds, notes = run_interruptible(work, progress=progress, description="reading")
    for note in notes:
        warnings.warn(f"{path}: {note}", UserWarning, stacklevel=3)
    if name is not None:
        document["source"]["name"] = name
    return Profile(document, seconds=seconds)


def _profile_memory(
    data: InMemory,
    config: ProfileConfig,
    name: str | None,
    index: bool | None,
    report: Progress,
    cancel: Cancel,
) -> Profile:
    """Profile data in memory (on the worker thread)."""
    from core.profiling.engine import engine_for_file, profile_frame

    report("reading", 0.0)
    with failing_reads(data.label):
        frame = to_frame(data, index=index, cancel=cancel)
        if isinstance(frame, pl.LazyFrame):
            if config.sample is not None:
                frame = frame.head(config.sample)
            try:
                frame = _collect(frame, cancel)
            except OSError as exc:
                # A scan of a missing or unreadable file: Polars' message names it.
                raise FileAccessError(data.label, first_line(exc)) from None
        check(cancel)
        size = int(frame.estimated_size())
        engine = engine_for_file(size, compressed=False, config=config)
        source: Source = {
            "path": None,
            "name": name or _default_name(data),
            "format": data.library,
            "size_bytes": size,
        }
        result = profile_frame(
            frame, config, source=source, engine=engine, progress=report, cancel=cancel
        )
    return Profile(result.profile, seconds=result.seconds)


def _default_name(data: InMemory) -> str:
    """What to call data without a name: ``pandas DataFrame``."""
    return data.label.strip("<>").replace(".", " ", 1)


def _collect(lazy: pl.LazyFrame, cancel: Cancel) -> pl.DataFrame:
    """Collect ``lazy`` on Polars' threads, polling ``cancel`` meanwhile."""
    import threading
    import time

    query = lazy.collect(background=True)
    while (frame := query.fetch()) is None:
        if cancel():
            query.cancel()
            # Polars' worker still sends its result when done: wait it out on a
            # daemon thread (dropping the query first makes that send abort the process).
            threading.Thread(target=query.fetch_blocking, daemon=True).start()
            raise Cancelled("profiling cancelled")
        time.sleep(0.005)
    return frame


def merge(*profiles: Profile | str | os.PathLike[str], config: ConfigLike = None) -> Profile:
    """The profile of all the rows behind ``profiles``: parts of one dataset, in order.

    Args:
        profiles: profiles, or the paths of saved ones (``Profile.save``, or
            ``loupe profile --json``), of tables with the same columns.
        config: settings and thresholds of the merged profile (as for :func:`profile`).

    Raises:
        ProfileError: nothing to merge, a profile without its mergeable state, or
            profiles of different columns.

    Example:
        >>> jan, feb = loupe.profile("jan.csv"), loupe.profile("feb.csv")  # doctest: +SKIP
        >>> whole = loupe.merge(jan, feb)  # doctest: +SKIP
    """
    from core.profiling.profile import merge_profiles

    documents = [document_of(_profile_of(p)) for p in profiles]
    names = [str(p) if not isinstance(p, Profile) else (p.name or "profile") for p in profiles]
    merged = merge_profiles(documents, profile_config(config), names=names)
    return Profile(merged)


def _profile_of(item: Profile | str | os.PathLike[str]) -> Profile:
    """A profile in hand, or loaded from its file.

    Raises:
        OptionError: neither a profile nor a path.
    """
    if isinstance(item, Profile):
        return item
    if not isinstance(item, str | os.PathLike):
        raise OptionError(
            f"merge takes profiles or the paths of saved profiles, not a {describe(item)}: "
            "profile it first with loupe.profile()"
        )
    return load(item)


def load(path: str | os.PathLike[str]) -> Profile:
    """A profile saved with :meth:`Profile.save` (or ``loupe profile --json``).

    Raises:
        ProfileError: unreadable, not a profile, or of an unsupported schema version.

    Example:
        >>> p = loupe.load("flights.profile.json")  # doctest: +SKIP
    """
    from core.profiling.profile import load_profile

    return Profile(load_profile(Path(path)))
