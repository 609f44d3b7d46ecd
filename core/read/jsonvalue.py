"""Cell values as JSON values (dates as ISO text, non-finite floats as text)."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import math
from typing import Any

import polars as pl

__all__ = ["json_rows", "json_text", "json_value", "readable_frame"]


def json_value(value: Any) -> Any:
    """A table cell as a JSON-ready value.

    Dates and times become ISO text, durations seconds, decimals exact text,
    bytes hex text, NaN and infinities text (JSON has none); lists and structs
    are converted inside.
    """
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, list):
        return [json_value(v) for v in value]
    if isinstance(value, dict):
        return {k: json_value(v) for k, v in value.items()}
    return value


def json_text(value: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """The JSON text of each value of a (nested) column, as Polars writes it; null stays null.

    Bytes inside are written as hex text (Polars' JSON writer has no bytes).
    """
    # Polars encodes structs only: wrap each value as {"v":…} and cut the wrapper off.
    text = pl.struct(_hex_bytes(value, dtype).alias("v")).struct.json_encode().str.slice(5)
    text = text.str.slice(0, text.str.len_bytes() - 1)
    return pl.when(value.is_null()).then(pl.lit(None, pl.String)).otherwise(text)


def _has_bytes(dtype: Any) -> bool:
    """Whether a (nested) type holds binary values anywhere."""
    if dtype == pl.Binary:
        return True
    if isinstance(dtype, pl.List | pl.Array):
        return _has_bytes(dtype.inner)
    if isinstance(dtype, pl.Struct):
        return any(_has_bytes(f.dtype) for f in dtype.fields)
    if isinstance(dtype, pl.Map):
        return _has_bytes(dtype.key) or _has_bytes(dtype.value)
    return False


def _hex_bytes(value: pl.Expr, dtype: Any) -> pl.Expr:
    """``value`` with every binary value inside it as hex text."""
    if not _has_bytes(dtype):
        return value
    if dtype == pl.Binary:
        return value.bin.encode("hex")
    if isinstance(dtype, pl.Map):
        entries = pl.Struct({"key": dtype.key, "value": dtype.value})
        return _hex_bytes(value.cast(pl.List(entries)), pl.List(entries))
    if isinstance(dtype, pl.List | pl.Array):
        as_list = value if isinstance(dtype, pl.List) else value.cast(pl.List(dtype.inner))
        return as_list.list.eval(_hex_bytes(pl.element(), dtype.inner))
    assert isinstance(dtype, pl.Struct)
    fields = [_hex_bytes(value.struct.field(f.name), f.dtype).alias(f.name) for f in dtype.fields]
    return pl.when(value.is_null()).then(None).otherwise(pl.struct(fields))


def readable_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with every column in a type Python can take its values from.

    Python's datetime stops at year 9999 and knows no Decimal in JSON, so
    dates and times become ISO text (with their zone's offset), decimals exact
    text, binary hex text, and nested columns their JSON text, all formatted by
    Polars; numbers, booleans, durations and text stay as they are.
    """
    exprs: list[pl.Expr] = []
    for name, dtype in frame.schema.items():
        col = pl.col(name)
        if dtype == pl.Date:
            exprs.append(col.dt.to_string("%Y-%m-%d"))
        elif isinstance(dtype, pl.Datetime):
            zone = "%:z" if dtype.time_zone else ""
            exprs.append(col.dt.to_string("%Y-%m-%dT%H:%M:%S%.f" + zone))
        elif dtype == pl.Time:
            exprs.append(col.dt.to_string("%H:%M:%S%.f"))
        elif isinstance(dtype, pl.Decimal):
            exprs.append(col.cast(pl.String))
        elif dtype == pl.Binary:
            exprs.append(col.bin.encode("hex"))
        elif dtype.is_nested():
            exprs.append(json_text(col, dtype).alias(name))
        elif dtype == pl.Object:
            exprs.append(col.map_elements(str, return_dtype=pl.String))
    return frame.with_columns(exprs) if exprs else frame


def json_rows(frame: pl.DataFrame) -> list[list[Any]]:
    """The rows of ``frame`` as lists of JSON-ready values (see :func:`readable_frame`)."""
    nested = {n for n, t in frame.schema.items() if t.is_nested()}
    rows = readable_frame(frame).iter_rows()
    if not nested:
        return [[json_value(v) for v in row] for row in rows]
    flags = [n in nested for n in frame.columns]
    return [
        [
            json.loads(v) if is_nested and v is not None else json_value(v)
            for v, is_nested in zip(row, flags, strict=True)
        ]
        for row in rows
    ]
