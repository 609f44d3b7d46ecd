"""How each Polars data type is summarised: its family, the numbers measured, the values counted.

Every column of a table belongs to one *family*, which decides what its
profile holds:

============  ===========================================  =================================
family        Polars types                                 measured (moments, histogram)
============  ===========================================  =================================
numeric       integers (to 128 bits), floats, Decimal      the value (Decimal also exactly)
boolean       Boolean                                      1 or 0
datetime      Date, Datetime (any unit, any time zone)     microseconds since 1970 (UTC)
time          Time                                         nanoseconds since midnight
duration      Duration (any unit)                          microseconds
string        String, Categorical, Enum                    length in characters
binary        Binary                                       length in bytes
list          List, Array, Map                             number of elements
null          Null (a column that holds no value at all)   nothing
unsupported   Object and anything else                     nothing (the reason is reported)
============  ===========================================  =================================

Struct columns are not a family: :func:`flat_columns` turns each field into a
column of its own, named ``parent.field`` (nested structs ``a.b.c``), before
profiling; extension types (``arrow.json``, ``arrow.uuid``…) are profiled as
the type that stores them. The elements of list columns are profiled as a column of their own,
``name[]`` (the fields of struct elements as ``name[].field``).

(Temporal types in nanoseconds count nanoseconds instead: :func:`per_microsecond`.)

Values are counted by a *key* (:func:`keyed`): the value itself for numbers,
booleans and text; the measured integer for temporal types, so that dates
beyond year 9999 and every time zone count alike; hex text for binary; JSON
text for lists.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from core.read.jsonvalue import json_text

__all__ = [
    "FAMILIES",
    "element_dtype",
    "family",
    "flat_columns",
    "keyed",
    "list_elements",
    "measured",
    "per_microsecond",
    "time_zone",
    "unsupported_reason",
    "value_kind",
]

FAMILIES = (
    "numeric",
    "boolean",
    "datetime",
    "time",
    "duration",
    "string",
    "binary",
    "list",
    "null",
    "unsupported",
)
# Integers that may not fit 64 signed bits: keyed and reported as text.
WIDE_INTEGERS = (pl.UInt64, pl.Int128, pl.UInt128)


def family(dtype: pl.DataType) -> str:
    """The family that decides how a column of ``dtype`` is summarised (see the module)."""
    if dtype == pl.Boolean:
        return "boolean"
    if isinstance(dtype, pl.Decimal) or dtype.is_numeric():
        return "numeric"
    if dtype == pl.Date or isinstance(dtype, pl.Datetime):
        return "datetime"
    if dtype == pl.Time:
        return "time"
    if isinstance(dtype, pl.Duration):
        return "duration"
    if dtype in (pl.String, pl.Categorical) or isinstance(dtype, pl.Enum | pl.Categorical):
        return "string"
    if dtype == pl.Binary:
        return "binary"
    if isinstance(dtype, pl.List | pl.Array | pl.Map):
        return "list"
    if dtype == pl.Null:
        return "null"
    return "unsupported"


def unsupported_reason(dtype: pl.DataType) -> str:
    """Why a column of ``dtype`` cannot be summarised."""
    if dtype == pl.Object:
        return "Python objects have no type Loupe can summarise"
    return f"Loupe cannot summarise values of type {dtype}"


def time_zone(dtype: pl.DataType) -> str | None:
    """The time zone of a Datetime type (None for others, and for naive datetimes)."""
    return dtype.time_zone if isinstance(dtype, pl.Datetime) else None


def value_kind(dtype: pl.DataType) -> str:
    """How a column's counted values are keyed and decoded (see :func:`keyed`)."""
    fam = family(dtype)
    if fam == "numeric":
        if isinstance(dtype, pl.Decimal):
            return "decimal"
        if dtype in WIDE_INTEGERS:
            return "str"  # may not fit 64 signed bits (nor a JSON number)
        return "int" if dtype.is_integer() else "float"
    if fam == "boolean":
        return "bool"
    if fam == "datetime":
        return "date" if dtype == pl.Date else "datetime"
    if fam in ("time", "duration", "binary", "list"):
        return fam
    return "str"


def measured(name: str, dtype: pl.DataType, fam: str) -> pl.Expr:
    """The numbers (Float64) that a column's moments and distribution describe."""
    col = pl.col(name)
    match fam:
        case "numeric" | "boolean":
            number = col.cast(pl.Float64)
        case "datetime" | "time" | "duration":
            number = _integer(col, dtype, fam).cast(pl.Float64)
        case "string":
            number = col.cast(pl.String).str.len_chars().cast(pl.Float64)
        case "binary":
            number = col.bin.size().cast(pl.Float64)
        case "list":
            number = _as_list(col, dtype).list.len().cast(pl.Float64)
        case _:
            number = pl.lit(None, dtype=pl.Float64).repeat_by(pl.len()).explode()
    return number.alias(name)


def _integer(col: pl.Expr, dtype: pl.DataType, fam: str) -> pl.Expr:
    """A temporal column as whole microseconds, or nanoseconds where it has them (Int64).

    :func:`per_microsecond` tells which.
    """
    nanoseconds = per_microsecond(dtype) == 1000
    if fam == "datetime":
        # The epoch is the same instant whatever the zone: zones only change how it is shown.
        return col.dt.epoch("ns" if nanoseconds else "us")
    if fam == "time":
        return col.cast(pl.Int64)  # nanoseconds since midnight
    return col.cast(pl.Int64) if nanoseconds else col.dt.total_microseconds()


def per_microsecond(dtype: pl.DataType) -> int:
    """How many units a temporal column's numbers count per microsecond: 1000 for ns, else 1."""
    if dtype == pl.Time:
        return 1000
    if isinstance(dtype, pl.Datetime | pl.Duration) and dtype.time_unit == "ns":
        return 1000
    return 1


def keyed(name: str, dtype: pl.DataType, fam: str) -> pl.Expr:
    """What a column's value counts and distinct-value sketches are keyed by."""
    col = pl.col(name)
    match fam:
        case "datetime" | "time" | "duration":
            return _integer(col, dtype, fam).alias(name)
        case "binary":
            # Long values (images, documents) are keyed by their start and a hash of the
            # whole, so that counting them costs little and stays exact.
            start = col.bin.head(_KEY_BYTES).bin.encode("hex")
            return _bounded(col, start, col.bin.size() > _KEY_BYTES).alias(name)
        case "list":
            # JSON text, as the values would be written out: `[1,2]`, `{"a":1}`; long
            # lists (embeddings) by their first elements and a hash of the whole.
            if isinstance(dtype, pl.Map):
                return json_text(col, dtype).alias(name)
            as_list = _as_list(col, dtype)
            start = json_text(as_list.list.head(_KEY_ELEMENTS), pl.List(element_dtype(dtype)))
            return _bounded(col, start, as_list.list.len() > _KEY_ELEMENTS).alias(name)
        case _:
            return col


_KEY_BYTES = 32
_KEY_ELEMENTS = 20


def _bounded(col: pl.Expr, start: pl.Expr, long: pl.Expr) -> pl.Expr:
    """``start`` as the key of short values; for long ones, ``start…#hash`` of the whole."""
    tagged = start + pl.lit("…#") + col.hash(_KEY_SEED).cast(pl.String)
    return pl.when(long).then(tagged).otherwise(start)


_KEY_SEED = 0x10EC0DE


def _as_list(col: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """An Array or Map column as a List column (List columns as they are)."""
    if isinstance(dtype, pl.List):
        return col
    return col.cast(pl.List(element_dtype(dtype)))


def element_dtype(dtype: pl.DataType) -> pl.DataType:
    """The type of a list column's elements (a Map's are key-value structs)."""
    if isinstance(dtype, pl.Map):
        return pl.Struct({"key": dtype.key, "value": dtype.value})
    assert isinstance(dtype, pl.List | pl.Array)
    return _instance(dtype.inner)


def _instance(dtype: Any) -> pl.DataType:
    """A data type as an instance (nested types may hold the bare class, ``pl.Int64``)."""
    instance: pl.DataType = dtype() if isinstance(dtype, type) else dtype
    return instance


def list_elements(column: pl.Series) -> pl.Series:
    """Every element of the present, non-empty lists of a list column, in order."""
    as_list = column.to_frame("v").select(_as_list(pl.col("v"), column.dtype)).to_series()
    present = as_list.drop_nulls()
    present = present.filter(present.list.len() > 0)
    return present.explode().alias(column.name)


def flat_columns(schema: Mapping[str, pl.DataType]) -> dict[str, tuple[pl.DataType, pl.Expr]]:
    """Each column to profile, with its type and the expression that yields it.

    Struct columns become one column per field, ``parent.field``, recursively;
    a field of a missing struct is missing. A flattened name that a real
    column already has gets a ``#2`` (``#3``…) suffix.
    """
    out: dict[str, tuple[pl.DataType, pl.Expr]] = {}
    # Real columns keep their names; only flattened fields are renamed when they clash.
    taken = set(schema)

    def add(name: str, dtype: pl.DataType, expr: pl.Expr, *, field: bool = False) -> None:
        if isinstance(dtype, pl.Extension):
            # Extension types (arrow.json, arrow.uuid, geoarrow...) are profiled by their storage.
            add(name, _instance(dtype.ext_storage()), expr.ext.storage(), field=field)
            return
        if isinstance(dtype, pl.Struct) and dtype.fields:
            for part in dtype.fields:
                add(
                    f"{name}.{part.name}",
                    _instance(part.dtype),
                    expr.struct.field(part.name),
                    field=True,
                )
            return
        unique, n = name, 1
        while unique in out or (field and unique in taken):
            n += 1
            unique = f"{name}#{n}"
        out[unique] = (dtype, expr.alias(unique))

    for name, dtype in schema.items():
        add(name, dtype, pl.col(name))
    return out
