"""The rows a query shows, as code to run elsewhere: Polars, or SQL for DuckDB.

:func:`polars_code` and :func:`duckdb_sql` write a runnable snippet that reads
the file as Loupe read it (its dialect, and each column's type as inference or
the user chose it), then keeps the rows of a :class:`~core.read.query.Query`
(filters, quick search, sort) and the columns chosen, in the order chosen.
Run on the file, the snippet gives the rows Loupe shows.

Each filter's text is read once into a :class:`Condition` (what it means);
each kind of condition has one renderer per language in :data:`_POLARS` and
:data:`_SQL`, so a new kind of filter is a parse rule and two small functions.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from core.errors import OptionError
from core.read.delimited import Dialect
from core.read.formats import Compression, Format
from core.read.infer import Candidate, ColumnType, Kind
from core.read.infer.casting import number_guard
from core.read.info import ReadInfo
from core.read.options import ReadOptions
from core.read.query import (
    _OPERATOR,
    _RANGE,
    Filter,
    Query,
    ValueSet,
    _value,
    filter_expression,
)

__all__ = ["CodeSource", "Condition", "duckdb_sql", "parse_filter", "polars_code"]

Scalar = bool | int | float | str | dt.date | dt.datetime | dt.time

# As core.read.infer.casting reads them (kept in step by the tests that run the code).
_TRUE = ("true", "yes", "y", "t")
_FALSE = ("false", "no", "n", "f")
_FLOAT_TOKENS = ("NaN", "nan", "NAN")
_INDENT = "    "


@dataclass(frozen=True)
class CodeSource:
    """How a file was read, as far as code that reads it again needs to know.

    Attributes:
        path: the file.
        format: its table format.
        compression: the compression around it.
        encoding: its text encoding (text formats).
        dialect: delimiter, quote and header (delimited text).
        column_types: the type chosen for each column read from text.
        given_missing: tokens read as missing in every text column (the ``na`` option).
        lenient: ragged rows are padded or cut.
        schema: the columns and types of the table as read.
    """

    path: Path
    format: Format
    schema: pl.Schema
    compression: Compression = Compression.NONE
    encoding: str | None = None
    dialect: Dialect | None = None
    column_types: Mapping[str, ColumnType] = field(default_factory=dict)
    given_missing: tuple[str, ...] = ()
    lenient: bool = False

    @classmethod
    def of(cls, info: ReadInfo, options: ReadOptions, schema: pl.Schema) -> CodeSource:
        """The source of a table read with ``options``, described by ``info``, typed ``schema``."""
        return cls(
            path=info.path,
            format=info.format,
            schema=schema,
            compression=info.compression,
            encoding=info.encoding,
            dialect=info.dialect,
            column_types=dict(info.column_types),
            given_missing=tuple(options.na),
            lenient=options.lenient,
        )


@dataclass(frozen=True)
class Condition:
    """What a column's filter text means: a kind and its values.

    Kinds: ``missing``, ``present``, ``compare`` (operator, value), ``between``
    (low, high), ``contains`` (text, any case), ``equals`` (value), ``in``
    (values picked from a list; ``with_missing``: a missing value was picked
    too; operator ``not``: the rows with none of them).
    """

    kind: str
    column: str
    values: tuple[Scalar, ...] = ()
    operator: str = ""
    with_missing: bool = False


def parse_filter(column: str, dtype: pl.DataType | None, text: Filter) -> Condition:
    """What ``text`` means as a filter on ``column`` of type ``dtype``.

    Follows :func:`core.read.query.filter_expression` rule for rule.

    Raises:
        OptionError: the column does not exist, or a value is not of its type.
    """
    if dtype is None:
        raise OptionError(f"cannot filter {column!r}: no such column")
    if isinstance(text, ValueSet):
        filter_expression(column, dtype, text)  # refuses what the grid refuses
        present = tuple(value for value in text.values if value is not None)
        for value in present:
            if isinstance(value, dt.datetime) and value.tzinfo is not None:
                raise OptionError(
                    f"cannot write the values picked in {column!r} as code: "
                    "they have a time zone; filter with a range instead"
                )
        return Condition(
            "in",
            column,
            present,
            "not" if text.exclude else "",
            with_missing=len(present) < len(text.values),
        )
    stripped = text.strip()
    if stripped.lower() in ("missing", "∅", "null"):
        return Condition("missing", column)
    if stripped.lower() in ("!missing", "!∅", "!null"):
        return Condition("present", column)
    if (match := _OPERATOR.match(stripped)) is not None:
        operator, raw = match.groups()
        return Condition("compare", column, (_value(column, dtype, raw),), operator)
    if dtype != pl.String and (match := _RANGE.match(stripped)) is not None:
        low, high = (_value(column, dtype, raw) for raw in match.groups())
        return Condition("between", column, (low, high))
    if dtype == pl.String:
        return Condition("contains", column, (stripped,))
    return Condition("equals", column, (_value(column, dtype, stripped),))


# -- Polars ------------------------------------------------------------------------------


def polars_code(source: CodeSource, query: Query, columns: Sequence[str] | None = None) -> str:
    """A Python snippet that reads ``source`` with Polars and keeps what ``query`` shows.

    Args:
        source: the file and how it was read.
        query: the filters, search and sort.
        columns: the columns to keep, in order (None: all, as read).

    Raises:
        OptionError: the file's format cannot be read this way, or a filter does not fit.
    """
    conditions = _conditions(source, query)
    steps = [_polars_read(source)]
    given = _polars_given_missing(source)
    if given is not None:
        steps.append(_call("with_columns", [given]))
    casts = _polars_casts(source)
    if casts:
        steps.append(_call("with_columns", casts))
    filters = [_POLARS[c.kind](c) for c in conditions]
    if query.search:
        pattern = _py(f"(?i){re.escape(query.search)}")
        filters.append(
            f"pl.any_horizontal(pl.all().cast(pl.String).str.contains({pattern}).fill_null(False))"
        )
    if filters:
        steps.append(_call("filter", filters))
    if query.sort:
        names = _py([name for name, _ in query.sort])
        descending = _py([descending for _, descending in query.sort])
        steps.append(
            f".sort({names}, descending={descending}, nulls_last=True, maintain_order=True)"
        )
    if columns is not None and list(columns) != list(source.schema.names()):
        steps.append(f".select({_py(list(columns))})")
    steps.append(".collect()")
    imports = ["import polars as pl"]
    body = "\n".join(steps)
    if "datetime." in body:
        imports.insert(0, "import datetime")
    chain = "\n".join(_INDENT + line for line in body.splitlines())
    return (
        "\n".join(imports)
        + f"\n\n# {source.path.name}: the rows and columns shown in Loupe\nview = (\n{chain}\n)\n"
        + "print(view)\n"
    )


def _polars_read(source: CodeSource) -> str:
    """The call that reads the file, every column of delimited text as text."""
    path = _py(str(source.path))
    if source.format in (Format.PARQUET,):
        return f"pl.scan_parquet({path})"
    if source.format in (Format.ARROW, Format.FEATHER_V1):
        return f"pl.scan_ipc({path})"
    dialect = _delimited(source, "code", "delimited text, Parquet and Arrow files")
    options = [path, f"separator={_py(dialect.delimiter)}"]
    if dialect.quote != '"':
        options.append(f"quote_char={_py(dialect.quote)}")
    if not dialect.has_header:
        options.append("has_header=False")
    options.append("infer_schema=False")
    names = source.schema.names()
    if names != _header_names(source):
        options.append(f"new_columns={_py(names)}")
    if source.lenient:
        options.append("truncate_ragged_lines=True")
    plain = source.compression is Compression.NONE
    encoding = (source.encoding or "utf-8").lower().replace("_", "-")
    if plain and encoding in ("utf-8", "ascii", "utf-8-sig"):
        return _call_lines("pl.scan_csv", options)
    if encoding not in ("utf-8", "ascii", "utf-8-sig"):
        options.append(f"encoding={_py(source.encoding)}")
    return _call_lines("pl.read_csv", options) + ".lazy()"


def _header_names(source: CodeSource) -> list[str]:
    """The column names Polars reads from the file's header (to see if Loupe's differ)."""
    dialect = source.dialect or Dialect()
    try:
        return pl.read_csv(
            source.path,
            separator=dialect.delimiter,
            quote_char=dialect.quote,
            has_header=dialect.has_header,
            infer_schema=False,
            n_rows=0,
            encoding="utf8-lossy",
        ).columns
    except (pl.exceptions.PolarsError, OSError):
        return []


def _polars_given_missing(source: CodeSource) -> str | None:
    """The ``na`` tokens read as missing in every column (all text as read), or None."""
    if not source.given_missing or source.format is not Format.DELIMITED:
        return None
    tokens = _py(list(source.given_missing))
    return f"pl.when(~pl.all().str.strip_chars().is_in({tokens})).then(pl.all())"


def _polars_casts(source: CodeSource) -> list[str]:
    """Expressions that type the text columns as Loupe did (columns typed alike together)."""
    if source.format is not Format.DELIMITED:
        return []
    markers: dict[tuple[str, ...], list[str]] = {}
    parsed: dict[Candidate, list[str]] = {}
    for name, chosen in source.column_types.items():
        if name not in source.schema:
            continue
        if chosen.candidate.kind is not Kind.STR:
            parsed.setdefault(chosen.candidate, []).append(name)
        elif chosen.missing:
            markers.setdefault(chosen.missing, []).append(name)
    casts = []
    for tokens, names in markers.items():
        col = _pl_cols(names)
        casts.append(f"pl.when(~{col}.str.strip_chars().is_in({_py(list(tokens))})).then({col})")
    casts.extend(_polars_parse(_pl_cols(names), cand) for cand, names in parsed.items())
    return casts


def _pl_cols(names: list[str]) -> str:
    """``pl.col(...)`` of ``names``."""
    return f"pl.col({', '.join(_py(n) for n in names)})"


def _polars_parse(col: str, cand: Candidate) -> str:
    """``col`` (text) parsed as the candidate ``cand``, as core.read.infer.casting does."""
    value = f"{col}.str.strip_chars()"
    guard = number_guard(cand)
    if guard is not None:
        value = f"pl.when({value}.str.contains({_py(guard)})).then({value})"
        if cand.thousands is not None:
            value += f".str.replace_all({_py(cand.thousands)}, '', literal=True)"
        if cand.decimal_comma:
            value += ".str.replace(',', '.', literal=True)"
    match cand.kind:
        case Kind.INT:
            return f"{value}.cast(pl.Int64, strict=False)"
        case Kind.FLOAT:
            tokens = _py(list(_FLOAT_TOKENS))
            return f"pl.when(~{value}.is_in({tokens})).then({value}).cast(pl.Float64, strict=False)"
        case Kind.BOOL:
            words = {**dict.fromkeys(_TRUE, True), **dict.fromkeys(_FALSE, False)}
            return (
                f"{value}.str.to_lowercase()"
                f".replace_strict({words!r}, default=None, return_dtype=pl.Boolean)"
            )
        case Kind.DATE:
            return f"{value}.str.strptime(pl.Date, {_py(cand.fmt)}, strict=False)"
        case _:
            fmt = cand.fmt
            if fmt is not None and ("%z" in fmt or "%:z" in fmt):
                utc = "+00:00" if "%:z" in fmt else "+0000"
                value = f"{value}.str.replace(r'[Zz]$', {_py(utc)})"
                dtype = "pl.Datetime('us', 'UTC')"
            elif fmt is not None and fmt.endswith("Z"):
                dtype = "pl.Datetime('us', 'UTC')"
            else:
                dtype = "pl.Datetime('us')"
            return f"{value}.str.strptime({dtype}, {_py(fmt)}, strict=False)"


def _pl_col(condition: Condition) -> str:
    return f"pl.col({_py(condition.column)})"


_PY_OPERATORS = {">": ">", ">=": ">=", "<": "<", "<=": "<="}

_POLARS: dict[str, Callable[[Condition], str]] = {
    "missing": lambda c: f"{_pl_col(c)}.is_null()",
    "present": lambda c: f"{_pl_col(c)}.is_not_null()",
    "compare": lambda c: (
        f"{_pl_col(c)} {_PY_OPERATORS[c.operator]} {_py(c.values[0])}"
        if c.operator in _PY_OPERATORS
        else f"{_pl_col(c)}.{'ne' if c.operator == '!=' else 'eq'}_missing({_py(c.values[0])})"
    ),
    "between": lambda c: (
        f"{_pl_col(c)}.is_between({_py(c.values[0])}, {_py(c.values[1])}, closed='both')"
    ),
    "contains": lambda c: f"{_pl_col(c)}.str.contains({_py('(?i)' + re.escape(str(c.values[0])))})",
    "equals": lambda c: f"{_pl_col(c)}.eq_missing({_py(c.values[0])})",
    "in": lambda c: _polars_in(c),
}


def _polars_in(condition: Condition) -> str:
    """Rows whose value is one picked (missing counts only when picked), or none of them."""
    col = _pl_col(condition)
    picked = f"{col}.is_in({_py(list(condition.values))}).fill_null(False)"
    if condition.with_missing:
        picked = f"({picked} | {col}.is_null())"
    return f"~{picked}" if condition.operator == "not" else picked


def _py(value: object) -> str:
    """``value`` as Python source."""
    if isinstance(value, float) and not math.isfinite(value):
        return f"float({str(value)!r})"
    if isinstance(value, list):
        return "[" + ", ".join(_py(v) for v in value) + "]"
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return repr(value).replace("datetime.timezone.utc", "datetime.UTC")
    return repr(value)


def _call(method: str, arguments: list[str]) -> str:
    """``.method(`` with one argument a line."""
    inner = "".join(f"{_INDENT}{argument},\n" for argument in arguments)
    return f".{method}(\n{inner})"


def _call_lines(function: str, arguments: list[str]) -> str:
    """``function(`` with one argument a line."""
    inner = "".join(f"{_INDENT}{argument},\n" for argument in arguments)
    return f"{function}(\n{inner})"


# -- SQL (DuckDB) ------------------------------------------------------------------------

_ROW = "loupe_row"


def duckdb_sql(source: CodeSource, query: Query, columns: Sequence[str] | None = None) -> str:
    """A DuckDB query that reads ``source`` and returns what ``query`` shows.

    Arguments and errors as :func:`polars_code`. With a sort, ties keep the
    file's order (as in Loupe) by a row number taken as the file is read.
    """
    conditions = _conditions(source, query)
    read = _sql_read(source)
    if query.sort:
        read = f"SELECT *, row_number() OVER () AS {_ROW}\n    FROM {read}"
    else:
        read = f"SELECT *\n    FROM {read}"
    parts = [f"-- {source.path.name}: the rows and columns shown in Loupe", "WITH source AS ("]
    parts.append(f"    {read}\n)")
    casts = _sql_casts(source)
    table = "source"
    if casts:
        inner = ",\n".join(f"        {cast}" for cast in casts)
        parts[-1] += f",\ntyped AS (\n    SELECT * REPLACE (\n{inner}\n    )\n    FROM source\n)"
        table = "typed"
    chosen = list(columns) if columns is not None else source.schema.names()
    if chosen == source.schema.names() and not query.sort:
        parts.append("SELECT *")
    elif chosen == source.schema.names():
        parts.append(f"SELECT * EXCLUDE ({_ROW})")
    else:
        parts.append("SELECT " + ", ".join(_ident(n) for n in chosen))
    parts.append(f"FROM {table}")
    where = [_SQL[c.kind](c) for c in conditions]
    if query.search:
        pattern = _sql_like(query.search)
        where.append(
            "("
            + "\n    OR ".join(
                f"CAST({_ident(n)} AS VARCHAR) ILIKE {pattern} ESCAPE '\\'"
                for n in source.schema.names()
            )
            + ")"
        )
    if where:
        parts.append("WHERE " + "\n  AND ".join(where))
    if query.sort:
        keys = [f"{_ident(n)} {'DESC' if d else 'ASC'} NULLS LAST" for n, d in query.sort]
        parts.append("ORDER BY " + ", ".join([*keys, _ROW]))
    return "\n".join(parts) + ";\n"


def _sql_read(source: CodeSource) -> str:
    """The table function that reads the file, delimited text as text."""
    path = _sql_text(str(source.path))
    if source.format is Format.PARQUET:
        return f"read_parquet({path})"
    dialect = _delimited(source, "SQL", "delimited text and Parquet files")
    options = [
        path,
        f"delim = {_sql_text(dialect.delimiter)}",
        f"quote = {_sql_text(dialect.quote or '')}",
        f"header = {'true' if dialect.has_header else 'false'}",
        "all_varchar = true",
    ]
    if source.schema.names() != _header_names(source):
        options.append(f"names = [{', '.join(_sql_text(n) for n in source.schema.names())}]")
    encoding = (source.encoding or "utf-8").lower().replace("_", "-")
    if encoding not in ("utf-8", "ascii", "utf-8-sig"):
        options.append(f"encoding = {_sql_text(source.encoding or '')}")
    if source.lenient:
        options.append("null_padding = true")
        options.append("strict_mode = false")
    return "read_csv(" + ", ".join(options) + ")"


def _sql_casts(source: CodeSource) -> list[str]:
    """``expression AS column`` for each column Loupe typed or cleaned."""
    casts: list[str] = []
    if source.format is not Format.DELIMITED:
        return casts
    for name in source.schema.names():
        raw = _ident(name)
        if source.given_missing:
            tokens = ", ".join(_sql_text(t) for t in source.given_missing)
            raw = f"CASE WHEN trim({raw}) IN ({tokens}) THEN NULL ELSE {raw} END"
        chosen = source.column_types.get(name)
        if chosen is None:
            if source.given_missing:
                casts.append(f"{raw} AS {_ident(name)}")
            continue
        if chosen.candidate.kind is Kind.STR:
            if chosen.missing:
                markers = ", ".join(_sql_text(t) for t in chosen.missing)
                raw = f"CASE WHEN trim({raw}) IN ({markers}) THEN NULL ELSE {raw} END"
            elif not source.given_missing:
                continue
            casts.append(f"{raw} AS {_ident(name)}")
            continue
        casts.append(f"{_sql_parse(raw, chosen)} AS {_ident(name)}")
    return casts


def _sql_parse(raw: str, chosen: ColumnType) -> str:
    """``raw`` (text) parsed as the column's candidate type."""
    cand = chosen.candidate
    value = f"trim({raw})"
    guard = number_guard(cand)
    if guard is not None:
        cleaned = value
        if cand.thousands is not None:
            cleaned = f"replace({cleaned}, {_sql_text(cand.thousands)}, '')"
        if cand.decimal_comma:
            cleaned = f"replace({cleaned}, ',', '.')"
        value = f"CASE WHEN regexp_full_match({value}, {_sql_text(guard)}) THEN {cleaned} END"
    match cand.kind:
        case Kind.INT:
            return f"TRY_CAST({value} AS BIGINT)"
        case Kind.FLOAT:
            tokens = ", ".join(_sql_text(t) for t in _FLOAT_TOKENS)
            return f"TRY_CAST(CASE WHEN {value} NOT IN ({tokens}) THEN {value} END AS DOUBLE)"
        case Kind.BOOL:
            true = ", ".join(_sql_text(t) for t in _TRUE)
            false = ", ".join(_sql_text(t) for t in _FALSE)
            lowered = f"lower({value})"
            return (
                f"CASE WHEN {lowered} IN ({true}) THEN TRUE "
                f"WHEN {lowered} IN ({false}) THEN FALSE END"
            )
        case Kind.DATE:
            return f"CAST(try_strptime({value}, {_sql_formats(cand.fmt)}) AS DATE)"
        case _:
            fmt = cand.fmt or "%Y-%m-%d %H:%M:%S%.f"
            if "%z" in fmt or "%:z" in fmt or fmt.endswith("Z"):
                utc = "+00:00"
                value = f"regexp_replace({value}, '[Zz]$', {_sql_text(utc)})"
                fmt = fmt.replace("%:z", "%z")
                if fmt.endswith("Z"):
                    fmt = fmt[:-1] + "%z"
                return f"try_strptime({value}, {_sql_formats(fmt)})"
            return f"try_strptime({value}, {_sql_formats(fmt)})"


def _sql_formats(fmt: str | None) -> str:
    """A Polars (chrono) strptime format as DuckDB's: ``%.f`` is an optional fraction."""
    fmt = fmt or "%Y-%m-%d"
    if "%.f" in fmt:
        return f"[{_sql_text(fmt.replace('%.f', '.%f'))}, {_sql_text(fmt.replace('%.f', ''))}]"
    return _sql_text(fmt)


def _sql_col(condition: Condition) -> str:
    return _ident(condition.column)


_SQL_OPERATORS = {
    ">": ">",
    ">=": ">=",
    "<": "<",
    "<=": "<=",
    "=": "IS NOT DISTINCT FROM",
    "!=": "IS DISTINCT FROM",
}

_SQL: dict[str, Callable[[Condition], str]] = {
    "missing": lambda c: f"{_sql_col(c)} IS NULL",
    "present": lambda c: f"{_sql_col(c)} IS NOT NULL",
    "compare": lambda c: f"{_sql_col(c)} {_SQL_OPERATORS[c.operator]} {_sql_value(c.values[0])}",
    "between": lambda c: (
        f"{_sql_col(c)} BETWEEN {_sql_value(c.values[0])} AND {_sql_value(c.values[1])}"
    ),
    "contains": lambda c: f"{_sql_col(c)} ILIKE {_sql_like(str(c.values[0]))} ESCAPE '\\'",
    "equals": lambda c: f"{_sql_col(c)} IS NOT DISTINCT FROM {_sql_value(c.values[0])}",
    "in": lambda c: _sql_in(c),
}


def _sql_in(condition: Condition) -> str:
    """Rows whose value is one picked (missing counts only when picked), or none of them."""
    col = _sql_col(condition)
    picked = "FALSE"
    if condition.values:
        listed = ", ".join(_sql_value(value) for value in condition.values)
        picked = f"COALESCE({col} IN ({listed}), FALSE)"
    if condition.with_missing:
        picked = f"({picked} OR {col} IS NULL)"
    return f"NOT {picked}" if condition.operator == "not" else picked


def _ident(name: str) -> str:
    """A column name as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def _sql_text(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _sql_like(text: str) -> str:
    """An ILIKE pattern for "contains ``text``" (escaping ``%``, ``_`` and ``\\``)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return _sql_text(f"%{escaped}%")


def _sql_value(value: Scalar) -> str:
    """A filter's value as a SQL literal."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and not math.isfinite(value):
        return f"CAST({_sql_text(str(value))} AS DOUBLE)"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dt.datetime):
        kind = "TIMESTAMPTZ" if value.tzinfo is not None else "TIMESTAMP"
        return f"{kind} {_sql_text(value.isoformat(sep=' '))}"
    if isinstance(value, dt.date):
        return f"DATE {_sql_text(value.isoformat())}"
    if isinstance(value, dt.time):
        return f"TIME {_sql_text(value.isoformat())}"
    return _sql_text(value)


# -- shared ------------------------------------------------------------------------------


def _delimited(source: CodeSource, language: str, readable: str) -> Dialect:
    """The dialect of a delimited ``source`` the code can read (``readable``: what it can).

    Raises:
        OptionError: another format, or a compression the code cannot read.
    """
    if source.format is not Format.DELIMITED or source.dialect is None:
        raise OptionError(
            f"{source.path.name}: views of {source.format} files cannot be written as "
            f"{language} ({readable} can)"
        )
    if source.compression not in (Compression.NONE, Compression.GZIP, Compression.ZSTD):
        raise OptionError(
            f"{source.path.name}: {source.compression} files cannot be read by the "
            f"{language}; unpack it and open the plain file"
        )
    return source.dialect


def _conditions(source: CodeSource, query: Query) -> list[Condition]:
    """The query's filters, read for the columns' types."""
    return [
        parse_filter(column, source.schema.get(column), text)
        for column, text in query.filters.items()
        if not isinstance(text, str) or text.strip()
    ]
