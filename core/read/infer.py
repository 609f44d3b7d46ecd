"""Type inference for text columns: numbers, booleans, dates and datetimes.

Text formats (CSV, JSON strings, Excel text cells) arrive as strings. A column
becomes a typed column only when *every* value that is not a missing-value
token parses as that type, checked over the whole column or a large sample
spread through the file — never just the first rows. Inference runs in two
steps so that it stays one pass over the data:

1. :func:`candidates` narrows each column to the types its sample supports;
2. :func:`failure_counts` counts, in one lazy query, the values that each
   remaining candidate would lose; the first candidate that loses none wins
   (:func:`choose`).

Missing-value tokens (``NA``, ``N/A``, ``NULL``, ``NaN``, ``#N/A``, empty, …)
become missing in columns that end up numeric, boolean or temporal. The tokens
a file uses so are its *missing markers* (:func:`file_markers`): R and the
tools that follow it write ``NA`` in every column. In text columns a marker is
missing too, unless it has the shape of the column's values (:func:`text_markers`:
Namibia's ``NA`` among country codes stays a value). Codes with leading zeros
(``08123``) stay text.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from core.errors import OptionError

__all__ = [
    "MISSING_TOKENS",
    "Candidate",
    "ColumnType",
    "Kind",
    "candidates",
    "cast_checked",
    "cast_counting",
    "cast_expr",
    "choose",
    "failure_counts",
    "file_markers",
    "ordered_candidates",
    "parse_override",
    "text_markers",
]

MISSING_TOKENS: tuple[str, ...] = (
    "", "NA", "N/A", "n/a", "na", "NULL", "null", "Null", "NaN", "nan", "NAN",
    "#N/A", "#NA", "None", "none", "-", "--", "?",
)  # fmt: skip

_FLOAT_TOKENS = tuple(t for t in MISSING_TOKENS if t.lower() in ("nan", "inf", "-inf"))
_TRUE = ("true", "yes", "y", "t")
_FALSE = ("false", "no", "n", "f")
_LEADING_ZERO = r"^[+-]?0[0-9]"
_QUICK_ROWS = 500
_NARROW_ROWS = 5000
# Names of the long (unpivoted) sample's columns; control characters keep them
# apart from any real column name.
_COL, _VAL = "\x00column", "\x00value"


class Kind(enum.StrEnum):
    """Target types of inference and of user overrides."""

    STR = "str"
    INT = "int"
    FLOAT = "float"
    BOOL = "bool"
    DATE = "date"
    DATETIME = "datetime"


@dataclass(frozen=True)
class Candidate:
    """One way to read a text column.

    Attributes:
        kind: the target type.
        fmt: the strptime format for dates and datetimes.
        decimal_comma: numbers written with a decimal comma.
        thousands: the digit-group separator numbers are written with, if any.
    """

    kind: Kind
    fmt: str | None = None
    decimal_comma: bool = False
    thousands: str | None = None

    def describe(self) -> str:
        """Short human description, e.g. ``date (%d/%m/%Y)``."""
        extras = [self.fmt] if self.fmt else []
        if self.decimal_comma:
            extras.append("decimal comma")
        if self.thousands:
            extras.append(f"thousands {self.thousands!r}")
        return f"{self.kind.value} ({', '.join(extras)})" if extras else self.kind.value


def _number_guard(cand: Candidate) -> str | None:
    """The pattern a number must match under ``cand``, where a plain cast is not enough.

    Digit groups must be exactly three digits (so ``1,5`` is never read as 15),
    and a decimal-comma number has no point in it (so ``1.234`` is not 1.234).
    """
    if cand.thousands is None and not cand.decimal_comma:
        return None
    point = "," if cand.decimal_comma else r"\."
    whole = r"\d+"
    if cand.thousands is not None:
        whole = rf"(?:\d{{1,3}}(?:{re.escape(cand.thousands)}\d{{3}})+|\d+)"
    fraction = rf"(?:{point}\d+)?" if cand.kind is Kind.FLOAT else ""
    return rf"^[+-]?{whole}{fraction}$"


@dataclass(frozen=True)
class ColumnType:
    """The type chosen for a column, and how sure Loupe is of it.

    Attributes:
        name: column name.
        candidate: how the column is read.
        source: ``inferred`` or ``override``.
        lost: values that did not parse under an override and became missing.
        missing: in a text column, the file's missing markers read as missing there.
    """

    name: str
    candidate: Candidate
    source: str = "inferred"
    lost: int = 0
    missing: tuple[str, ...] = ()

    def describe(self) -> str:
        """How the column was read, e.g. ``inferred as int``; ``text, "NA" as missing``."""
        how = f"{self.source} as {self.candidate.describe()}"
        if self.missing:
            tokens = ", ".join(f'"{t}"' for t in self.missing)
            how += f"; {tokens} read as missing (the file's marker)"
        return how


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y%m%d")
_DATETIME_FORMATS = (
    # With a time zone: an offset (`+02:00`, `+0200`) or `Z`; read as UTC instants.
    "%Y-%m-%dT%H:%M:%S%.f%:z",
    "%Y-%m-%dT%H:%M:%S%.fZ",
    "%Y-%m-%dT%H:%M:%S%.f%z",
    "%Y-%m-%d %H:%M:%S%.f%:z",
    "%Y-%m-%d %H:%M:%S%.f%z",
    "%Y-%m-%d %H:%M:%S%.fZ",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
)
# Cheap shape tests that keep expensive strptime attempts off columns that
# cannot be dates at all.
_DATE_SHAPE = r"^(?:\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}|\d{8})$"
_DATETIME_SHAPE = r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}[T ]\d{1,2}:\d{2}"


def _clean(name: str) -> pl.Expr:
    """The column's values, trimmed."""
    return pl.col(name).str.strip_chars()


def _present(name: str) -> pl.Expr:
    """True where the value is not missing and not a missing-value token."""
    value = _clean(name)
    return value.is_not_null() & ~value.is_in(MISSING_TOKENS)


def _parse(name: str, cand: Candidate) -> pl.Expr:
    """The column parsed as ``cand``; null where it does not parse or is a token."""
    # Tokens cannot survive an integer, boolean or date parse; among floats only
    # the NaN spellings would, so only they are masked.
    value = _clean(name)
    guard = _number_guard(cand)
    if guard is not None:
        value = pl.when(value.str.contains(guard)).then(value)
        if cand.thousands is not None:
            value = value.str.replace_all(cand.thousands, "", literal=True)
        if cand.decimal_comma:
            value = value.str.replace(",", ".", literal=True)
    match cand.kind:
        case Kind.INT:
            return value.cast(pl.Int64, strict=False)
        case Kind.FLOAT:
            value = pl.when(~value.is_in(_FLOAT_TOKENS)).then(value)
            return value.cast(pl.Float64, strict=False)
        case Kind.BOOL:
            lowered = value.str.to_lowercase()
            return (
                pl.when(lowered.is_in(_TRUE))
                .then(pl.lit(True))
                .when(lowered.is_in(_FALSE))
                .then(pl.lit(False))
                .otherwise(pl.lit(None, dtype=pl.Boolean))
            )
        case Kind.DATE:
            return value.str.strptime(pl.Date, cand.fmt, strict=False)
        case Kind.DATETIME:
            fmt = cand.fmt
            if fmt is not None and ("%z" in fmt or "%:z" in fmt):
                # Offsets may differ from value to value (Z among them): each is read as
                # its UTC instant.
                utc = "+00:00" if "%:z" in fmt else "+0000"
                value = value.str.replace(r"[Zz]$", utc)
                return value.str.strptime(pl.Datetime("us", "UTC"), fmt, strict=False)
            if fmt is not None and fmt.endswith("Z"):
                return value.str.strptime(pl.Datetime("us", "UTC"), fmt, strict=False)
            return value.str.strptime(pl.Datetime("us"), fmt, strict=False)
        case Kind.STR:
            return pl.col(name)


def _refused(name: str, cand: Candidate) -> pl.Expr | None:
    """Present values that parse under ``cand`` but must not be read so (or None)."""
    if cand.kind not in (Kind.INT, Kind.FLOAT):
        return None
    # Codes with leading zeros must stay text, as must integers too long for a
    # float to hold exactly.
    value = _clean(name)
    refused = value.str.contains(_LEADING_ZERO)
    if cand.kind is Kind.FLOAT:
        refused = refused | value.str.contains(r"^[+-]?\d{16,}$")
    return _present(name) & refused


def _failures(name: str, cand: Candidate) -> pl.Expr:
    """Count of present values that ``cand`` cannot represent."""
    lost = _present(name) & _parse(name, cand).is_null()
    refused = _refused(name, cand)
    return (lost if refused is None else lost | refused).sum()


def cast_checked(
    frame: pl.DataFrame, plan: Mapping[str, Sequence[Candidate]]
) -> tuple[pl.DataFrame, dict[str, Candidate]]:
    """Cast each text column of an in-memory frame to its first candidate that loses nothing.

    Each column is parsed once per candidate tried (usually once): losses are
    counted as present values minus parsed values, plus refused ones.

    Returns:
        The frame with the chosen types, and the candidate chosen per column
        (text where none fits).
    """
    remaining = {c: list(cands) for c, cands in plan.items() if cands}
    chosen = {c: Candidate(Kind.STR) for c in plan}
    typed: dict[str, pl.Series] = {}
    while remaining:
        trying = {c: cands[0] for c, cands in remaining.items()}
        cast, losses = cast_counting(frame, trying)
        for c, lost in losses.items():
            if lost == 0:
                chosen[c] = trying[c]
                typed[c] = cast.get_column(c)
                del remaining[c]
            else:
                remaining[c] = remaining[c][1:]
                if not remaining[c]:
                    del remaining[c]
    return frame.with_columns(typed.values()) if typed else frame, chosen


def cast_counting(
    frame: pl.DataFrame, chosen: Mapping[str, Candidate]
) -> tuple[pl.DataFrame, dict[str, int]]:
    """Cast text columns of ``frame`` as ``chosen``, counting the values each cast loses.

    Returns:
        The cast columns (only those in ``chosen``) and, per column, the present
        values that did not parse or must not be read so (codes with leading zeros).
    """
    names = [c for c, cand in chosen.items() if cand.kind is not Kind.STR]
    if not names:
        return frame.select(), {c: 0 for c in chosen}
    cast = frame.select(cast_expr(c, chosen[c]) for c in names)
    checks: list[pl.Expr] = []
    for i, c in enumerate(names):
        checks.append(_present(c).sum().alias(f"p{i}"))
        refused = _refused(c, chosen[c])
        checks.append((refused if refused is not None else pl.lit(False)).sum().alias(f"r{i}"))
    stats = frame.select(checks).row(0, named=True)
    parsed = cast.select(pl.all().count()).row(0, named=True)
    losses = {c: 0 for c in chosen}
    for i, c in enumerate(names):
        losses[c] = int(stats[f"p{i}"]) - int(parsed[c]) + int(stats[f"r{i}"])
    return cast, losses


def cast_expr(name: str, cand: Candidate) -> pl.Expr:
    """Expression that reads text column ``name`` as ``cand``, keeping the name."""
    return _parse(name, cand).alias(name)


def ordered_candidates(decimal_comma: bool) -> list[Candidate]:
    """All candidates, most specific first."""
    if decimal_comma:
        # Where the comma is the decimal mark, a point can only group thousands;
        # point-decimals come last, for the odd column exported differently.
        numbers = [
            Candidate(Kind.INT),
            Candidate(Kind.INT, thousands="."),
            Candidate(Kind.FLOAT, decimal_comma=True),
            Candidate(Kind.FLOAT, decimal_comma=True, thousands="."),
            Candidate(Kind.FLOAT),
        ]
    else:
        numbers = [
            Candidate(Kind.INT),
            Candidate(Kind.INT, thousands=","),
            Candidate(Kind.FLOAT),
            Candidate(Kind.FLOAT, thousands=","),
        ]
    return [
        Candidate(Kind.BOOL),
        *numbers,
        *(Candidate(Kind.DATE, fmt) for fmt in _DATE_FORMATS),
        *(Candidate(Kind.DATETIME, fmt) for fmt in _DATETIME_FORMATS),
    ]


def candidates(
    sample: pl.DataFrame, columns: Iterable[str], *, decimal_comma: bool = False
) -> dict[str, list[Candidate]]:
    """Narrow each text column to the types its sample supports.

    Args:
        sample: rows of the table, text columns as strings.
        columns: the text columns to consider.
        decimal_comma: also try numbers written ``3,14``.

    Returns:
        For each column, the candidates (most specific first) under which no
        sampled value is lost. Columns with no present value get none and stay text.
    """
    schema = sample.schema  # built anew on each access: read it once
    columns = [c for c in columns if schema.get(c) == pl.String]
    if not columns or sample.height == 0:
        return {c: [] for c in columns}
    plan = {c: ordered_candidates(decimal_comma) for c in columns}
    # Most candidates fail on the first few hundred rows; only the survivors are
    # checked against the whole sample.
    # Checking the candidates against every value is the caller's job, and a
    # failure there falls back to the next candidate: a few thousand rows narrow
    # the list as well as the whole sample would.
    for rows in (_QUICK_ROWS, _NARROW_ROWS):
        plan = _narrow(sample.head(rows), plan)
        if sample.height <= rows:
            break
    return plan


def _narrow(part: pl.DataFrame, plan: Mapping[str, list[Candidate]]) -> dict[str, list[Candidate]]:
    """Drop the candidates that lose a value of ``part``.

    The sample is unpivoted into one long (column, value) frame so that each
    candidate is one expression over all the columns that still have it: the
    cost grows with the number of values, not with columns times candidates,
    which keeps tables of thousands of columns quick.
    """
    live = [c for c, cands in plan.items() if cands]
    if not live:
        return dict(plan)
    long = (
        part.select(live)
        .unpivot(variable_name=_COL, value_name=_VAL)
        .filter(_present(_VAL))
        .with_columns(
            _clean(_VAL).str.contains(_DATE_SHAPE).alias("date_shape"),
            _clean(_VAL).str.contains(_DATETIME_SHAPE).alias("datetime_shape"),
        )
    )
    shapes = long.group_by(_COL).agg(
        pl.col("date_shape").all().alias("dates"),
        pl.col("datetime_shape").all().alias("datetimes"),
    )
    present = {row[_COL]: row for row in shapes.iter_rows(named=True)}
    narrowed: dict[str, list[Candidate]] = {}
    for c, cands in plan.items():
        shape = present.get(c)
        # No value at all (or only tokens): nothing to type, the column stays text.
        narrowed[c] = (
            []
            if shape is None
            else [
                cand
                for cand in cands
                if not (cand.kind is Kind.DATE and not shape["dates"])
                and not (cand.kind is Kind.DATETIME and not shape["datetimes"])
            ]
        )
    distinct = list(dict.fromkeys(cand for cands in narrowed.values() for cand in cands))
    for cand in distinct:
        holders = [c for c, cands in narrowed.items() if cand in cands]
        lost = (
            long.filter(pl.col(_COL).is_in(holders))
            .group_by(_COL)
            .agg(_failures(_VAL, cand).alias("lost"))
            .filter(pl.col("lost") > 0)
            .get_column(_COL)
            .to_list()
        )
        for c in lost:
            narrowed[c] = [x for x in narrowed[c] if x != cand]
    return narrowed


def failure_counts(
    frame: pl.LazyFrame,
    plan: Mapping[str, Sequence[Candidate]],
    *,
    streaming: bool = True,
) -> dict[str, dict[Candidate, int]]:
    """Count, in one query over ``frame``, the values each candidate would lose.

    Args:
        frame: the table, text columns as strings.
        plan: candidates to check per column.
        streaming: run on Polars' streaming engine (bounded memory).

    Returns:
        ``{column: {candidate: lost values}}``.
    """
    exprs = [
        _failures(c, cand).alias(f"{c}\x00{i}")
        for c, cands in plan.items()
        for i, cand in enumerate(cands)
    ]
    if not exprs:
        return {c: {} for c in plan}
    row = (
        frame.select(exprs)
        .collect(engine="streaming" if streaming else "in-memory")
        .row(0, named=True)
    )
    return {
        c: {cand: int(row[f"{c}\x00{i}"] or 0) for i, cand in enumerate(cands)}
        for c, cands in plan.items()
    }


def choose(
    plan: Mapping[str, Sequence[Candidate]], counts: Mapping[str, Mapping[Candidate, int]]
) -> dict[str, Candidate]:
    """The first candidate per column that loses no value; text when none does."""
    chosen: dict[str, Candidate] = {}
    for c, cands in plan.items():
        chosen[c] = next(
            (cand for cand in cands if counts.get(c, {}).get(cand, 1) == 0), Candidate(Kind.STR)
        )
    return chosen


_KIND_ALIASES = {
    "str": Kind.STR, "string": Kind.STR, "text": Kind.STR, "utf8": Kind.STR,
    "int": Kind.INT, "integer": Kind.INT, "int64": Kind.INT,
    "float": Kind.FLOAT, "double": Kind.FLOAT, "float64": Kind.FLOAT, "number": Kind.FLOAT,
    "bool": Kind.BOOL, "boolean": Kind.BOOL,
    "date": Kind.DATE, "datetime": Kind.DATETIME, "timestamp": Kind.DATETIME,
}  # fmt: skip


def parse_override(spec: str) -> tuple[str, Kind, str | None]:
    """Parse a user's ``NAME=TYPE`` or ``NAME=TYPE:FORMAT`` type override.

    Raises:
        OptionError: no ``=``, or an unknown type name.
    """
    name, sep, rest = spec.rpartition("=")
    if not sep or not name:
        raise OptionError(f"type override {spec!r} is not NAME=TYPE (e.g. zip=str)")
    type_name, _, fmt = rest.partition(":")
    kind = _KIND_ALIASES.get(type_name.strip().lower())
    if kind is None:
        known = ", ".join(k.value for k in Kind)
        raise OptionError(f"unknown type {type_name!r} in {spec!r}; use one of {known}")
    return name, kind, fmt or None


def override_candidates(kind: Kind, fmt: str | None, *, decimal_comma: bool) -> list[Candidate]:
    """Candidates to try, in order, for a column the user forced to ``kind``."""
    if kind is Kind.STR:
        return [Candidate(Kind.STR)]
    if fmt is not None:
        return [Candidate(kind, fmt)]
    return [c for c in ordered_candidates(decimal_comma) if c.kind is kind]


# -- the file's own missing-value markers ------------------------------------------

# Tokens that can be a file's missing marker in its text columns. Empty text is
# left out: an empty text cell is an empty string, reported as such.
_MARKER_TOKENS = tuple(t for t in MISSING_TOKENS if t)
# Tokens that say "missing" wherever they stand; the others (`-`, `?`, `None`, `na`)
# are markers only where the file uses them so in its typed columns.
_STRONG_TOKENS = ("NA", "N/A", "n/a", "#N/A", "#NA", "NULL", "null", "NaN")
# A token is kept as a value in a text column when at least this share of the
# column's other distinct values has the token's shape (Namibia's `NA` among
# two-letter country codes).
_SHAPE_SHARE = 0.5


def _shape(text: pl.Expr) -> pl.Expr:
    """Each value's shape: capitals as A, small letters as a, digits as 9."""
    return (
        text.str.replace_all(r"\p{Lu}", "A")
        .str.replace_all(r"\p{Ll}", "a")
        .str.replace_all(r"\d", "9")
    )


def file_markers(sample: pl.DataFrame, typed: Iterable[str], text: Iterable[str] = ()) -> list[str]:
    """The tokens that the file writes for a missing value.

    Any missing-value token (:data:`MISSING_TOKENS`, empty text aside) that the
    file uses in its typed columns, and the unmistakable ones (``NA``, ``NULL``,
    ``#N/A``…) wherever they stand.

    Args:
        sample: rows of the table, text columns still text.
        typed: the text columns that read as numbers, booleans or dates.
        text: the columns that stay text.

    Returns:
        The tokens, most used first.
    """
    schema = sample.schema
    typed = [c for c in typed if schema.get(c) == pl.String]
    text = [c for c in text if schema.get(c) == pl.String]
    found = pl.concat(
        [
            sample.select(names)
            .unpivot(value_name=_VAL)
            .select(_clean(_VAL).alias(_VAL))
            .filter(pl.col(_VAL).is_in(tokens))
            for names, tokens in ((typed, _MARKER_TOKENS), (text, _STRONG_TOKENS))
            if names
        ]
        or [pl.DataFrame(schema={_VAL: pl.String})]
    )
    counts = found.get_column(_VAL).value_counts(sort=True)
    return [str(token) for token in counts.get_column(_VAL).to_list()]


def text_markers(
    sample: pl.DataFrame, columns: Iterable[str], markers: Sequence[str]
) -> dict[str, tuple[str, ...]]:
    """Per text column, the file's markers that stand for missing values there.

    A marker found in a text column is a missing value there, unless it has the
    shape of that column's values: in a column of two-letter codes, ``NA`` is a
    code like the others.

    Args:
        sample: rows of the table, text columns still text.
        columns: the columns that stay text.
        markers: the file's missing markers (see :func:`file_markers`).

    Returns:
        ``{column: tokens read as missing}`` for the columns where any is.
    """
    names = [c for c in columns if sample.schema.get(c) == pl.String]
    if not markers or not names:
        return {}
    long = (
        sample.select(names)
        .unpivot(variable_name=_COL, value_name=_VAL)
        .select(_COL, _clean(_VAL).alias(_VAL))
        .drop_nulls(_VAL)
        .unique()
    )
    present = long.filter(pl.col(_VAL).is_in(list(markers)))
    if present.is_empty():
        return {}
    others = (
        long.filter(~pl.col(_VAL).is_in(MISSING_TOKENS))
        .with_columns(_shape(pl.col(_VAL)).alias("shape"))
        .group_by(_COL, "shape")
        .len()
        .with_columns((pl.col("len") / pl.col("len").sum().over(_COL)).alias("share"))
    )
    shares = {(row[_COL], row["shape"]): row["share"] for row in others.iter_rows(named=True)}
    found: dict[str, list[str]] = {}
    for column, token in present.sort(_COL, _VAL).iter_rows():
        token_shape = pl.select(_shape(pl.lit(token))).item()
        if shares.get((column, token_shape), 0.0) < _SHAPE_SHARE:
            found.setdefault(column, []).append(token)
    ordered = {m: i for i, m in enumerate(markers)}
    return {c: tuple(sorted(t, key=ordered.__getitem__)) for c, t in found.items()}
