"""Reading text values as a candidate type, and counting the values a cast would lose.

A value is *present* when it is not null and not a missing-value token
(:data:`MISSING_TOKENS`); a candidate loses a present value that does not parse
under it, or that must not be read so (codes with leading zeros, integers too
long for a float).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import cache

import polars as pl

from core.read.infer.kinds import Candidate, Kind

__all__ = [
    "COL",
    "MISSING_TOKENS",
    "VAL",
    "cast_checked",
    "cast_counting",
    "cast_expr",
    "cast_untrimmed",
    "clean",
    "failures",
    "lost_values",
    "present",
    "untrimmed_dtypes",
]

MISSING_TOKENS: tuple[str, ...] = (
    "", "NA", "N/A", "n/a", "na", "NULL", "null", "Null", "NaN", "nan", "NAN",
    "#N/A", "#NA", "None", "none", "-", "--", "?",
)  # fmt: skip

_FLOAT_TOKENS = tuple(t for t in MISSING_TOKENS if t.lower() in ("nan", "inf", "-inf"))
_TRUE = ("true", "yes", "y", "t")
_FALSE = ("false", "no", "n", "f")
_LEADING_ZERO = r"^[+-]?0[0-9]"
_LONG_INTEGER = r"^[+-]?\d{16,}$"
# Kinds whose parse refuses a value with whitespace around it: for them a value
# that parses untrimmed reads the same trimmed.
_UNTRIMMED_KINDS = (Kind.INT, Kind.FLOAT, Kind.BOOL)
_DTYPES: dict[Kind, pl.DataType] = {
    Kind.INT: pl.Int64(),
    Kind.FLOAT: pl.Float64(),
    Kind.BOOL: pl.Boolean(),
}
# Names of the long (unpivoted) sample's columns; control characters keep them
# apart from any real column name.
COL, VAL = "\x00column", "\x00value"


def number_guard(cand: Candidate) -> str | None:
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


def clean(name: str) -> pl.Expr:
    """The column's values, trimmed."""
    return pl.col(name).str.strip_chars()


def present(name: str) -> pl.Expr:
    """True where the value is not missing and not a missing-value token."""
    value = clean(name)
    return value.is_not_null() & ~value.is_in(MISSING_TOKENS)


def _parse(name: str, cand: Candidate, *, trim: bool = True) -> pl.Expr:
    """The column parsed as ``cand``; null where it does not parse or is a token.

    Args:
        name: the text column.
        cand: the type to read it as.
        trim: strip whitespace around each value first (see :func:`_untrimmed_counts`
            for when that can be skipped).
    """
    # Tokens cannot survive an integer, boolean or date parse; among floats only
    # the NaN spellings would, so only they are masked.
    value = clean(name) if trim else pl.col(name)
    guard = number_guard(cand)
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
    return present(name) & _refusal(clean(name), cand)


def _refusal(value: pl.Expr, cand: Candidate) -> pl.Expr:
    """True where text ``value`` must not be read as number ``cand`` even if it parses."""
    refused = value.str.contains(_LEADING_ZERO)
    if cand.kind is Kind.FLOAT:
        refused = refused | value.str.contains(_LONG_INTEGER)
    return refused


def _may_refuse(value: pl.Expr, cand: Candidate) -> pl.Expr:
    """True at least where :func:`_refusal` is, found without a regex over every value."""
    lead = value.str.starts_with("0") | value.str.starts_with("+0") | value.str.starts_with("-0")
    if cand.kind is Kind.FLOAT:
        # Sixteen digits take at least sixteen bytes.
        lead = lead | (value.str.len_bytes() >= 16)
    return lead


def failures(name: str, cand: Candidate) -> pl.Expr:
    """Count of present values that ``cand`` cannot represent."""
    lost = present(name) & _parse(name, cand).is_null()
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

    Columns whose values need no trimming (see :func:`_untrimmed_counts`) are
    parsed as they are; the others are trimmed first.

    Returns:
        The cast columns (only those in ``chosen``) and, per column, the present
        values that did not parse or must not be read so (codes with leading zeros).
    """
    names = [c for c, cand in chosen.items() if cand.kind is not Kind.STR]
    losses = {c: 0 for c in chosen}
    if not names:
        return frame.select(), losses
    quick = {c: chosen[c] for c in names if _untrimmed_exact(chosen[c])}
    cast, found = _untrimmed_counts(frame, quick)
    columns = dict(zip(quick, cast.get_columns(), strict=True))
    rest = [c for c in names if found.get(c) is None]
    if rest:
        trimmed, counted = _trimmed_counts(frame, {c: chosen[c] for c in rest})
        columns.update(zip(rest, trimmed.get_columns(), strict=True))
        found.update(counted)
    for c in names:
        losses[c] = found[c] or 0
    return pl.DataFrame([columns[c] for c in names]), losses


def lost_values(frame: pl.DataFrame, chosen: Mapping[str, Candidate]) -> dict[str, int]:
    """Per column, the present values of ``frame`` that ``chosen`` cannot represent.

    The same counts as :func:`failures`, most of them found without trimming values.
    """
    names = [c for c, cand in chosen.items() if cand.kind is not Kind.STR]
    quick = {c: chosen[c] for c in names if _untrimmed_exact(chosen[c])}
    _, found = _untrimmed_counts(frame, quick)
    rest = [c for c in names if found.get(c) is None]
    if rest:
        row = frame.select(failures(c, chosen[c]).alias(c) for c in rest).row(0, named=True)
        found.update({c: int(row[c] or 0) for c in rest})
    return {c: found.get(c) or 0 for c in chosen}


def untrimmed_dtypes(chosen: Mapping[str, Candidate]) -> dict[str, pl.DataType]:
    """The columns :func:`cast_untrimmed` can cast, with the type each is read as."""
    return {c: _DTYPES[cand.kind] for c, cand in chosen.items() if _untrimmed_exact(cand)}


def cast_untrimmed(batch: pl.DataFrame, chosen: Mapping[str, Candidate]) -> pl.DataFrame:
    """``batch`` with the columns of :func:`untrimmed_dtypes` cast as ``chosen``.

    The values of :func:`cast_expr`, without trimming every value: a column
    is trimmed only in a batch where some value needs it.
    """
    quick = {c: chosen[c] for c in untrimmed_dtypes(chosen)}
    cast, found = _untrimmed_counts(batch, quick, refusals=False)
    columns = [s for s in cast.get_columns() if found[s.name] is not None]
    trimmed = [cast_expr(c, cand) for c, cand in quick.items() if found[c] is None]
    if trimmed:
        columns += batch.select(trimmed).get_columns()
    return batch.with_columns(columns)


@cache
def _untrimmed_exact(cand: Candidate) -> bool:
    """Whether ``cand``'s parse refuses surrounding whitespace and reads no missing-value token.

    Only such candidates are read by :func:`_untrimmed_counts`.
    """
    if cand.kind not in _UNTRIMMED_KINDS:
        return False
    tokens = pl.DataFrame({"t": list(MISSING_TOKENS)}, schema={"t": pl.String})
    return tokens.select(_parse("t", cand, trim=False).alias("t")).get_column(
        "t"
    ).null_count() == len(MISSING_TOKENS)


def _untrimmed_counts(
    frame: pl.DataFrame, chosen: Mapping[str, Candidate], *, refusals: bool = True
) -> tuple[pl.DataFrame, dict[str, int | None]]:
    """Parse columns without trimming them, and count losses where that reads as trimming does.

    Where every value is missing, exactly a missing-value token, or parses as it
    stands, trimming changes nothing: a value that parses has no whitespace around
    it (``chosen`` are kinds whose parse refuses it, see :func:`_untrimmed_exact`),
    a token has none, and no token parses. Then the present values are exactly
    those that parsed, and the loss is the refused ones among them.

    Args:
        frame: the text columns.
        chosen: the candidate per column, each one :func:`_untrimmed_exact` accepts.
        refusals: count the refused values (otherwise a column's loss is 0 or None).

    Returns:
        The columns parsed untrimmed, and per column its loss, or None where some
        value needs the trimmed parse (that column's parse here is not to be used).
    """
    if not chosen:
        return frame.select(), {}
    cast = frame.select(_parse(c, cand, trim=False).alias(c) for c, cand in chosen.items())
    pairs = pl.DataFrame(
        [frame.get_column(c).alias(f"r{i}") for i, c in enumerate(chosen)]
        + [s.alias(f"p{i}") for i, s in enumerate(cast.get_columns())]
    )
    checks: list[pl.Expr] = []
    for i, cand in enumerate(chosen.values()):
        raw, parsed = pl.col(f"r{i}"), pl.col(f"p{i}")
        tokens = raw.filter(parsed.is_null()).is_in(MISSING_TOKENS).sum()
        unread = raw.count().cast(pl.Int64) - parsed.count() - tokens
        checks.append(unread.alias(f"u{i}"))
        if refusals and cand.kind in (Kind.INT, Kind.FLOAT):
            suspects = raw.filter(parsed.is_not_null() & _may_refuse(raw, cand))
            checks.append(_refusal(suspects, cand).sum().alias(f"x{i}"))
        else:
            checks.append(pl.lit(0).alias(f"x{i}"))
    stats = pairs.select(checks).row(0, named=True)
    found: dict[str, int | None] = {
        c: int(stats[f"x{i}"] or 0) if stats[f"u{i}"] == 0 else None for i, c in enumerate(chosen)
    }
    return cast, found


def _trimmed_counts(
    frame: pl.DataFrame, chosen: Mapping[str, Candidate]
) -> tuple[pl.DataFrame, dict[str, int | None]]:
    """Parse trimmed columns, counting present values minus parsed ones plus refused ones."""
    cast = frame.select(cast_expr(c, cand) for c, cand in chosen.items())
    checks: list[pl.Expr] = []
    for i, (c, cand) in enumerate(chosen.items()):
        checks.append(present(c).sum().alias(f"p{i}"))
        refused = _refused(c, cand)
        checks.append((refused if refused is not None else pl.lit(False)).sum().alias(f"r{i}"))
    stats = frame.select(checks).row(0, named=True)
    parsed = cast.select(pl.all().count()).row(0, named=True)
    found: dict[str, int | None] = {
        c: int(stats[f"p{i}"]) - int(parsed[c]) + int(stats[f"r{i}"]) for i, c in enumerate(chosen)
    }
    return cast, found


def cast_expr(name: str, cand: Candidate) -> pl.Expr:
    """Expression that reads text column ``name`` as ``cand``, keeping the name."""
    return _parse(name, cand).alias(name)
