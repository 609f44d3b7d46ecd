"""Data in memory as a Polars frame: pandas, Polars, Arrow, DuckDB, or any Arrow stream.

Arrow data becomes a Polars frame without copying where Arrow allows (Polars
takes over the Arrow buffers). Libraries are told apart by the module of the
object's type, so none of them is imported unless the caller's data comes from it:
``import loupe`` never loads pandas, pyarrow or DuckDB.

pandas columns become the Polars columns of their meaning:

====================================  ================================================
pandas                                profiled as
====================================  ================================================
Int64, Float64, boolean (nullable)    numbers and booleans, ``pd.NA`` missing
string[python], string[pyarrow], str  text (or categorical, by its values)
category                              categorical
datetime64[ns, tz]                    datetime in that time zone
timedelta64                           duration
period[freq]                          datetime: the start of each period
interval                              text, such as ``(0, 1]``
category of intervals (``pd.cut``)    categorical, named as they print
object of mixed Python values         text: each value as ``str()`` shows it
complex (and other types Arrow lacks)  text: each value as ``str()`` shows it
object holding nothing but None/NaN   empty (no value at all)
====================================  ================================================

The index is profiled as columns (named after its levels, ``index`` when
unnamed) unless it is a plain unnamed ``RangeIndex``, or ``index=False``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import polars as pl

from core.errors import Cancelled, OptionError

__all__ = ["BATCH_ROWS", "InMemory", "describe", "in_memory", "is_in_memory", "to_frame"]

#: Rows per record batch read from a DuckDB result (Ctrl-C is honoured between batches).
BATCH_ROWS = 131_072


@dataclass(frozen=True)
class InMemory:
    """Data in memory, recognised.

    Attributes:
        data: the caller's object.
        library: where it comes from: ``pandas``, ``polars``, ``arrow``, ``duckdb``
            or ``arrow-stream`` (any object with ``__arrow_c_stream__``).
        label: how errors name it.
    """

    data: Any
    library: str
    label: str


def _module(obj: object) -> str:
    """The top-level package of ``obj``'s type."""
    return type(obj).__module__.split(".")[0]


def describe(obj: object) -> str:
    """What ``obj`` is, for messages: ``pandas.DataFrame``."""
    return f"{_module(obj)}.{type(obj).__name__}"


def is_in_memory(obj: object) -> bool:
    """Whether ``obj`` is data in memory that :func:`to_frame` takes."""
    try:
        in_memory(obj)
    except OptionError:
        return False
    return True


def in_memory(obj: object) -> InMemory:
    """Recognise ``obj`` as data in memory.

    Raises:
        OptionError: an object Loupe cannot profile.
    """
    module, name = _module(obj), type(obj).__name__
    label = f"<{describe(obj)}>"
    if module == "pandas" and name in ("DataFrame", "Series"):
        return InMemory(obj, "pandas", label)
    if isinstance(obj, pl.DataFrame | pl.LazyFrame | pl.Series):
        return InMemory(obj, "polars", label)
    if module == "pyarrow" and name in (
        "Table",
        "RecordBatch",
        "RecordBatchReader",
        "ChunkedArray",
    ):
        return InMemory(obj, "arrow", label)
    if module == "duckdb" and hasattr(obj, "arrow"):
        return InMemory(obj, "duckdb", label)
    if hasattr(obj, "__arrow_c_stream__"):
        return InMemory(obj, "arrow-stream", label)
    raise OptionError(
        f"cannot profile a {describe(obj)}: give a file path, a pandas or Polars DataFrame, "
        "a Polars LazyFrame, a pyarrow Table, RecordBatchReader or ChunkedArray, "
        "a DuckDB relation, "
        "or an object with __arrow_c_stream__"
    )


def to_frame(
    data: InMemory,
    *,
    index: bool | None = None,
    cancel: Callable[[], bool] | None = None,
) -> pl.DataFrame | pl.LazyFrame:
    """``data`` as a Polars frame (lazy for a LazyFrame, so the caller collects it).

    Args:
        data: recognised data (see :func:`in_memory`).
        index: for pandas, profile the index as columns (None: unless it is a
            plain unnamed RangeIndex).
        cancel: polled between the record batches of a DuckDB result or an Arrow
            reader, and between pandas columns.

    Raises:
        OptionError: column names that clash, or an index on data that has none.
        Cancelled: ``cancel()`` said so.
    """
    stop = cancel or _never
    obj = data.data
    if index and data.library != "pandas":
        raise OptionError(f"{data.label}: only pandas data has an index to profile")
    match data.library:
        case "pandas":
            converted = _from_pandas(obj, index, stop)
            if not converted.width:
                _check_columns(data, len(obj))
            return converted
        case "polars":
            return obj.to_frame() if isinstance(obj, pl.Series) else obj
        case "arrow":
            if type(obj).__name__ in ("Table", "RecordBatch") and not obj.num_columns:
                _check_columns(data, obj.num_rows)
            if type(obj).__name__ == "RecordBatch":
                return pl.DataFrame(obj)
            if type(obj).__name__ == "RecordBatchReader":
                read = _from_batches(obj, stop)
                if not read.height:
                    # A reader is read once; pyarrow cannot tell a read one from an empty one.
                    raise OptionError(
                        f"{data.label}: the reader gave no rows: it was already read, or is "
                        "empty (a reader is read once: make a new one, or profile the Table)"
                    )
                return read
            frame = pl.from_arrow(obj, rechunk=False)
            if isinstance(frame, pl.DataFrame):
                return frame
            # A ChunkedArray: a frame of one column, ``values`` when unnamed.
            return frame.rename(frame.name or "values").to_frame()
        case "duckdb":
            # The relation's result as a stream of record batches, read one at a time so
            # that Ctrl-C is honoured between them (DuckDB computes the first batch in one
            # call: a query that takes long before its first rows runs that long).
            to_reader = getattr(obj, "to_arrow_reader", None) or obj.fetch_arrow_reader
            return _from_batches(to_reader(BATCH_ROWS), stop)
    return pl.DataFrame(obj)


def _check_columns(data: InMemory, rows: int) -> None:
    """Refuse rows without columns: a frame of no columns has no rows to count.

    Raises:
        OptionError: ``rows`` rows and no column.
    """
    if rows:
        hint = " (index=True profiles its index)" if data.library == "pandas" else ""
        raise OptionError(f"{data.label}: {rows:,} rows but no columns to profile{hint}")


def _never() -> bool:
    """A ``cancel`` that never cancels."""
    return False


def _from_batches(reader: Any, cancel: Callable[[], bool]) -> pl.DataFrame:
    """A pyarrow RecordBatchReader's batches as one frame, polling ``cancel`` between them."""
    import pyarrow as pa

    batches = []
    while not cancel():
        try:
            batches.append(reader.read_next_batch())
        except StopIteration:
            frame = pl.from_arrow(
                pa.Table.from_batches(batches, schema=reader.schema), rechunk=False
            )
            return frame if isinstance(frame, pl.DataFrame) else frame.to_frame()
    reader.close()
    raise Cancelled("profiling cancelled")


# -- pandas ----------------------------------------------------------------------------


def _from_pandas(obj: Any, index: bool | None, cancel: Callable[[], bool]) -> pl.DataFrame:
    """A pandas DataFrame (or Series) as a Polars frame, column by column (``cancel`` between)."""
    frame = obj.to_frame() if type(obj).__name__ == "Series" else obj
    keep_index = _keeps_index(frame.index) if index is None else index
    names = [str(name) for name in frame.columns]
    parts: list[tuple[str, Any]] = []
    if keep_index:
        levels = list(frame.index.names)
        for level, level_name in enumerate(levels):
            name = str(level_name) if level_name is not None else _index_name(level, levels)
            parts.append((name, frame.index.get_level_values(level)))
    parts += [(name, frame.iloc[:, i]) for i, name in enumerate(names)]
    columns: list[pl.Series] = []
    for name, values in parts:
        if cancel():
            raise Cancelled("profiling cancelled")
        columns.append(_column(name, values))
    seen: set[str] = set()
    for series in columns:
        if series.name in seen:
            raise OptionError(
                f"the DataFrame has two columns named {series.name!r}"
                + (" (an index level and a column)" if keep_index else "")
                + "; rename one"
            )
        seen.add(series.name)
    return pl.DataFrame(columns)


def _keeps_index(index: Any) -> bool:
    """Whether an index says something: anything but a plain unnamed RangeIndex."""
    return not (type(index).__name__ == "RangeIndex" and index.name is None)


def _index_name(level: int, levels: list[Any]) -> str:
    """The column name of an unnamed index level (as pandas' ``reset_index`` names it)."""
    return "index" if len(levels) == 1 else f"level_{level}"


def _column(name: str, values: Any) -> pl.Series:
    """One pandas column (a Series or an Index) as a Polars Series of its meaning."""
    dtype = str(values.dtype)
    if dtype.startswith("period"):
        values = _series(values).dt.start_time
    elif dtype.startswith("interval"):
        values = _series(values).astype("string")
    elif dtype == "object":
        return _object_column(name, _series(values))
    elif dtype == "category" and str(values.dtype.categories.dtype) not in ("object", "str"):
        # Categories of intervals (pd.cut), periods or numbers: named as they print.
        values = _series(values)
        values = values.cat.rename_categories([str(c) for c in values.cat.categories])
    try:
        series = cast(pl.Series, pl.from_pandas(_series(values)))
    except NotImplementedError:
        # Types Arrow has no counterpart for (complex numbers): text, as they print.
        return _as_text(name, _series(values))
    except (TypeError, ValueError, pl.exceptions.PolarsError) as exc:
        # pyarrow's ArrowInvalid derives from ValueError.
        raise OptionError(f"column {name!r}: cannot read its {dtype} values ({exc})") from None
    if series.dtype == pl.Object or type(series.dtype).__name__ == "Extension":
        return _as_text(name, _series(values))
    return series.rename(name)


def _series(values: Any) -> Any:
    """An Index as a Series (a Series as it is)."""
    return values.to_series() if hasattr(values, "to_series") else values


def _object_column(name: str, values: Any) -> pl.Series:
    """An object column: typed when its values share a type, text when mixed, empty when none."""
    if not values.notna().any():
        return pl.Series(name, [None] * len(values), dtype=pl.Null)
    try:
        series = cast(pl.Series, pl.from_pandas(values))
    except (TypeError, ValueError, OverflowError, pl.exceptions.PolarsError):
        return _as_text(name, values)
    if series.dtype == pl.Object:
        return _as_text(name, values)
    return series.rename(name)


def _as_text(name: str, values: Any) -> pl.Series:
    """Each present value as ``str()`` shows it; missing values (None, NaN, NA) stay missing."""
    present = values.notna().tolist()
    return pl.Series(
        name,
        [str(v) if keep else None for v, keep in zip(values.tolist(), present, strict=True)],
        dtype=pl.String,
    )
