"""The file's own missing-value markers, and where in its text columns they mean missing.

R and the tools that follow it write ``NA`` in every column: the tokens a file
uses so are its *missing markers* (:func:`file_markers`). In a text column a
marker is missing too, unless it has the shape of the column's values
(:func:`text_markers`: Namibia's ``NA`` among country codes stays a value).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import polars as pl

from core.read.infer.casting import COL, MISSING_TOKENS, VAL, clean

__all__ = ["file_markers", "text_markers"]

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
            .unpivot(value_name=VAL)
            .select(clean(VAL).alias(VAL))
            .filter(pl.col(VAL).is_in(tokens))
            for names, tokens in ((typed, _MARKER_TOKENS), (text, _STRONG_TOKENS))
            if names
        ]
        or [pl.DataFrame(schema={VAL: pl.String})]
    )
    counts = found.get_column(VAL).value_counts(sort=True)
    return [str(token) for token in counts.get_column(VAL).to_list()]


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
        .unpivot(variable_name=COL, value_name=VAL)
        .select(COL, clean(VAL).alias(VAL))
        .drop_nulls(VAL)
        .unique()
    )
    present = long.filter(pl.col(VAL).is_in(list(markers)))
    if present.is_empty():
        return {}
    others = (
        long.filter(~pl.col(VAL).is_in(MISSING_TOKENS))
        .with_columns(_shape(pl.col(VAL)).alias("shape"))
        .group_by(COL, "shape")
        .len()
        .with_columns((pl.col("len") / pl.col("len").sum().over(COL)).alias("share"))
    )
    shares = {(row[COL], row["shape"]): row["share"] for row in others.iter_rows(named=True)}
    found: dict[str, list[str]] = {}
    for column, token in present.sort(COL, VAL).iter_rows():
        token_shape = pl.select(_shape(pl.lit(token))).item()
        if shares.get((column, token_shape), 0.0) < _SHAPE_SHARE:
            found.setdefault(column, []).append(token)
    ordered = {m: i for i, m in enumerate(markers)}
    return {c: tuple(sorted(t, key=ordered.__getitem__)) for c, t in found.items()}
