"""Reading a file as Loupe reads it: :func:`read`, and the reading options by their CLI names."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any

import polars as pl

from core.errors import OptionError
from core.read.guard import reading
from core.read.infer import parse_override
from core.read.options import check_encoding, check_skip_rows, parse_delimiter
from core.read.table import ReadOptions, open_table

__all__ = ["READING_OPTIONS", "read", "read_options"]

#: The reading options :func:`read` and ``loupe.profile(..., reading=...)`` take.
READING_OPTIONS = (
    "sheet",
    "encoding",
    "delimiter",
    "has_header",
    "skip_rows",
    "lenient",
    "types",
    "infer",
    "na",
    "keep_na",
    "isolate",
)


def read_options(options: Mapping[str, Any] | None = None) -> ReadOptions:
    """:class:`ReadOptions` of options named as :func:`read`'s, checked as the CLI checks them.

    Raises:
        OptionError: an unknown option, or a value that cannot be used.
    """
    given = dict(options or {})
    unknown = sorted(set(given) - set(READING_OPTIONS))
    if unknown:
        raise OptionError(
            f"unknown reading option {unknown[0]!r}; known: {', '.join(READING_OPTIONS)}"
        )
    for name, value in given.items():
        _check_type(name, value)
    if given.get("delimiter") is not None:
        given["delimiter"] = parse_delimiter(str(given["delimiter"]))
    if given.get("encoding") is not None:
        given["encoding"] = check_encoding(str(given["encoding"]))
    if "skip_rows" in given:
        given["skip_rows"] = check_skip_rows(given["skip_rows"])
    if given.get("types"):
        types: dict[str, str] = {}
        for name, spec in dict(given["types"]).items():
            column, kind, fmt = parse_override(f"{name}={spec}")
            types[column] = f"{kind.value}:{fmt}" if fmt else kind.value
        given["types"] = types
    elif "types" in given:
        given["types"] = {}
    na = given.get("na")
    if na is not None:
        given["na"] = (na,) if isinstance(na, str) else tuple(str(t) for t in na)
    else:
        given.pop("na", None)
    return ReadOptions(**given)


# The types each reading option takes (None: left to detection), as ``isinstance`` checks them.
_TYPES: dict[str, tuple[type, ...]] = {
    "sheet": (str, int),
    "encoding": (str,),
    "delimiter": (str,),
    "has_header": (bool,),
    "skip_rows": (int,),
    "lenient": (bool,),
    "types": (Mapping,),
    "infer": (bool,),
    "na": (str, list, tuple),
    "keep_na": (bool,),
    "isolate": (bool,),
}
_NULLABLE = ("sheet", "encoding", "delimiter", "has_header", "types", "na")


def _check_type(name: str, value: Any) -> None:
    """Raise :class:`OptionError` when reading option ``name`` has a value of the wrong type."""
    if value is None and name in _NULLABLE:
        return
    expected = _TYPES[name]
    # A bool is an int to Python, but True is no row count or sheet number.
    wrong_bool = isinstance(value, bool) and bool not in expected
    if not isinstance(value, expected) or wrong_bool:
        kinds = " or ".join("mapping" if t is Mapping else t.__name__ for t in expected)
        raise OptionError(f"reading option {name!r} must be {kinds}, not {value!r}")
    if isinstance(value, list | tuple) and not all(isinstance(t, str) for t in value):
        raise OptionError(
            f"reading option 'na' must be a string or a list of strings, not {value!r}"
        )


def read(
    path: str | os.PathLike[str],
    *,
    sheet: str | int | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    has_header: bool | None = None,
    skip_rows: int = 0,
    lenient: bool = False,
    types: Mapping[str, str] | None = None,
    infer: bool = True,
    na: str | Iterable[str] | None = None,
    keep_na: bool = False,
) -> pl.LazyFrame:
    """A file read the way Loupe reads it, as a Polars LazyFrame.

    Loupe detects the format, compression, encoding and (for delimited text) the
    dialect, infers the types of text columns from every value (a sample spread
    through files over 256 MB), and reads the file's missing-value markers
    (``NA``, ``NULL``...) as missing. The options are those of ``loupe profile``
    and ``loupe preview``, each left to detection by default.

    Args:
        path: the file: CSV/TSV (any delimiter), JSON, NDJSON, Parquet, Arrow IPC,
            Excel or OpenDocument workbooks, compressed or not.
        sheet: sheet name or 0-based number, for workbooks.
        encoding: text encoding such as ``cp1252``.
        delimiter: field separator (``";"``, ``"tab"``...).
        has_header: whether the first row names the columns.
        skip_rows: lines (sheet rows) to skip before the header.
        lenient: read ragged rows and unclosed quotes instead of failing.
        types: column types to force: ``{"zip": "str", "day": "date:%d/%m/%Y"}``.
        infer: infer the types of text columns (False keeps text as text).
        na: token(s) that stand for a missing value in every column.
        keep_na: keep tokens such as ``NA`` in text columns as values.

    Returns:
        The whole table, typed. Compressed and re-encoded files are read into
        memory here (their plain copy does not outlive this call); other files
        are scanned when the frame is collected.

    Raises:
        SourceError: the file cannot be read as a table (missing, damaged, ...).
        OptionError: an option that does not fit.

    Example:
        >>> lf = loupe.read("sales.csv", delimiter=";", types={"zip": "str"})  # doctest: +SKIP
        >>> lf.filter(pl.col("amount") > 0).collect()  # doctest: +SKIP
    """
    options = read_options(
        {
            "sheet": sheet,
            "encoding": encoding,
            "delimiter": delimiter,
            "has_header": has_header,
            "skip_rows": skip_rows,
            "lenient": lenient,
            "types": types,
            "infer": infer,
            "na": na,
            "keep_na": keep_na,
        }
    )
    with reading(path), open_table(path, options) as table:
        lazy = table.lazy()
        if table.source.needs_copy():
            # The plain copy is deleted with the table: its rows are read now.
            with table.reading():
                return lazy.collect().lazy()
        return lazy
