"""Casting text columns and counting lost values: the quick paths give exactly the plain ones.

:func:`reference_counting` and :func:`reference_failures` are the plain algorithm
(every value trimmed, then parsed, then checked with regexes), kept here as the
oracle for :func:`~core.read.infer.cast_counting`, :func:`~core.read.infer.casting.lost_values`
and :func:`~core.read.infer.first_fitting`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from core.read import infer
from core.read.infer import MISSING_TOKENS, Candidate, ColumnType, Kind
from core.read.infer.casting import lost_values
from core.read.plan import apply_types

_FLOAT_NANS = ("NaN", "nan", "NAN")


def _reference_parse(name: str, cand: Candidate) -> pl.Expr:
    """The column trimmed, then parsed as ``cand`` (null where it does not parse)."""
    value = pl.col(name).str.strip_chars()
    if cand.thousands is not None or cand.decimal_comma:
        point = "," if cand.decimal_comma else r"\."
        whole = r"\d+"
        if cand.thousands is not None:
            whole = rf"(?:\d{{1,3}}(?:{re.escape(cand.thousands)}\d{{3}})+|\d+)"
        fraction = rf"(?:{point}\d+)?" if cand.kind is Kind.FLOAT else ""
        value = pl.when(value.str.contains(rf"^[+-]?{whole}{fraction}$")).then(value)
        if cand.thousands is not None:
            value = value.str.replace_all(cand.thousands, "", literal=True)
        if cand.decimal_comma:
            value = value.str.replace(",", ".", literal=True)
    match cand.kind:
        case Kind.INT:
            return value.cast(pl.Int64, strict=False)
        case Kind.FLOAT:
            return pl.when(~value.is_in(_FLOAT_NANS)).then(value).cast(pl.Float64, strict=False)
        case Kind.BOOL:
            lowered = value.str.to_lowercase()
            return (
                pl.when(lowered.is_in(("true", "yes", "y", "t")))
                .then(pl.lit(True))
                .when(lowered.is_in(("false", "no", "n", "f")))
                .then(pl.lit(False))
                .otherwise(pl.lit(None, dtype=pl.Boolean))
            )
        case Kind.DATE:
            return value.str.strptime(pl.Date, cand.fmt, strict=False)
        case Kind.DATETIME:
            fmt = cand.fmt
            if fmt is not None and ("%z" in fmt or "%:z" in fmt):
                utc = "+00:00" if "%:z" in fmt else "+0000"
                value = value.str.replace(r"[Zz]$", utc)
                return value.str.strptime(pl.Datetime("us", "UTC"), fmt, strict=False)
            if fmt is not None and fmt.endswith("Z"):
                return value.str.strptime(pl.Datetime("us", "UTC"), fmt, strict=False)
            return value.str.strptime(pl.Datetime("us"), fmt, strict=False)
        case Kind.STR:
            return pl.col(name)


def _reference_present(name: str) -> pl.Expr:
    value = pl.col(name).str.strip_chars()
    return value.is_not_null() & ~value.is_in(MISSING_TOKENS)


def _reference_refused(name: str, cand: Candidate) -> pl.Expr:
    value = pl.col(name).str.strip_chars()
    refused = value.str.contains(r"^[+-]?0[0-9]")
    if cand.kind is Kind.FLOAT:
        refused = refused | value.str.contains(r"^[+-]?\d{16,}$")
    return _reference_present(name) & refused


def reference_counting(
    frame: pl.DataFrame, chosen: Mapping[str, Candidate]
) -> tuple[pl.DataFrame, dict[str, int]]:
    """The plain cast and count: present values minus parsed ones plus refused ones."""
    names = [c for c, cand in chosen.items() if cand.kind is not Kind.STR]
    losses = {c: 0 for c in chosen}
    if not names:
        return frame.select(), losses
    cast = frame.select(_reference_parse(c, chosen[c]).alias(c) for c in names)
    for c in names:
        refused = (
            _reference_refused(c, chosen[c]).sum()
            if chosen[c].kind in (Kind.INT, Kind.FLOAT)
            else pl.lit(0)
        )
        present, lost = frame.select(
            _reference_present(c).sum().alias("p"), refused.alias("r")
        ).row(0)
        losses[c] = int(present) - cast.get_column(c).count() + int(lost)
    return cast, losses


def reference_failures(frame: pl.DataFrame, name: str, cand: Candidate) -> int:
    """The plain count of present values that do not parse or are refused."""
    lost = _reference_present(name) & _reference_parse(name, cand).is_null()
    if cand.kind in (Kind.INT, Kind.FLOAT):
        lost = lost | _reference_refused(name, cand)
    return int(frame.select(lost.sum()).item())


def reference_first_fitting(
    frame: pl.DataFrame, plan: Mapping[str, Sequence[Candidate]]
) -> dict[str, Candidate]:
    """The first candidate per column whose plain failure count is zero."""
    return {
        c: next(
            (cand for cand in cands if reference_failures(frame, c, cand) == 0),
            Candidate(Kind.STR),
        )
        for c, cands in plan.items()
    }


CANDIDATES = (
    Candidate(Kind.INT),
    Candidate(Kind.INT, thousands=","),
    Candidate(Kind.INT, thousands="."),
    Candidate(Kind.FLOAT),
    Candidate(Kind.FLOAT, thousands=","),
    Candidate(Kind.FLOAT, decimal_comma=True),
    Candidate(Kind.FLOAT, decimal_comma=True, thousands="."),
    Candidate(Kind.BOOL),
    Candidate(Kind.DATE, "%Y-%m-%d"),
    Candidate(Kind.DATE, "%d/%m/%Y"),
    Candidate(Kind.DATETIME, "%Y-%m-%dT%H:%M:%S%.f%:z"),
    Candidate(Kind.DATETIME, "%Y-%m-%dT%H:%M:%S%.f%z"),
    Candidate(Kind.DATETIME, "%Y-%m-%dT%H:%M:%S%.fZ"),
    Candidate(Kind.DATETIME, "%Y-%m-%d %H:%M:%S"),
    Candidate(Kind.STR),
)
# What strip_chars trims, and characters it does not.
SPACES = (" ", "  ", "\t", "\n", "\r", "\x0b", "\x85", "\xa0", "\u2003", "\u3000", "\ufeff")

_digits = st.text("0123456789", min_size=1, max_size=20)
_number = st.builds(
    lambda sign, zeros, digits: sign + zeros + digits,
    st.sampled_from(("", "+", "-")),
    st.sampled_from(("", "0", "00")),
    _digits,
)
_grouped = st.builds(
    lambda head, groups, sep: head + "".join(sep + g for g in groups),
    st.text("123456789", min_size=1, max_size=3),
    st.lists(st.text("0123456789", min_size=3, max_size=3), max_size=3),
    st.sampled_from((",", ".", " ")),
)
_decimal = st.builds(
    lambda whole, point, fraction: whole + point + fraction,
    st.one_of(_number, _grouped),
    st.sampled_from((".", ",")),
    _digits,
)
_date = st.builds(
    lambda y, m, d, shape: shape.format(y=y, m=m, d=d),
    st.integers(1, 9999),
    st.integers(1, 13),
    st.integers(1, 32),
    st.sampled_from(("{y:04d}-{m:02d}-{d:02d}", "{d:02d}/{m:02d}/{y:04d}")),
)
_datetime = st.builds(
    lambda date, h, mi, frac, zone: f"{date}T{h:02d}:{mi:02d}:00{frac}{zone}",
    _date,
    st.integers(0, 24),
    st.integers(0, 59),
    st.sampled_from(("", ".5", ".123456")),
    st.sampled_from(("", "Z", "z", "+01:00", "-0530", "+00:00", " ")),
)
_word = st.sampled_from(
    ("true", "False", "YES", "n", "t", "inf", "-inf", "Infinity", "1e5", "1E-3", "0x1F", "abc", "½")
)
_value = st.one_of(
    _number, _grouped, _decimal, _date, _datetime, _word, st.sampled_from(MISSING_TOKENS)
)
_padded = st.builds(
    lambda before, value, after: before + value + after,
    st.sampled_from(("", "", "", *SPACES)),
    _value,
    st.sampled_from(("", "", "", *SPACES)),
)
_column = st.lists(st.one_of(st.none(), _value, _padded), max_size=30)


def _frame(values: list[str | None]) -> pl.DataFrame:
    return pl.DataFrame({"v": values}, schema={"v": pl.String})


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=_column, cand=st.sampled_from(CANDIDATES), clean=st.booleans())
def test_cast_counting_gives_the_plain_casts_and_counts(
    values: list[str | None], cand: Candidate, clean: bool
) -> None:
    if clean:
        # Unpadded columns take the quick path more often.
        values = [v.strip() if v is not None else None for v in values]
    frame = _frame(values)
    cast, losses = infer.cast_counting(frame, {"v": cand})
    expected_cast, expected_losses = reference_counting(frame, {"v": cand})
    assert_frame_equal(cast, expected_cast)
    assert losses == expected_losses
    assert lost_values(frame, {"v": cand}) == {"v": reference_failures(frame, "v", cand)}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    columns=st.lists(_column, min_size=1, max_size=4),
    # Plans never hold text itself: it is what is left when no candidate fits.
    plan=st.lists(st.lists(st.sampled_from(CANDIDATES[:-1]), max_size=4), min_size=4, max_size=4),
)
def test_first_fitting_and_cast_checked_pick_what_the_plain_counts_pick(
    columns: list[list[str | None]], plan: list[list[Candidate]]
) -> None:
    height = max(len(c) for c in columns)
    frame = pl.DataFrame(
        {f"c{i}": c + [None] * (height - len(c)) for i, c in enumerate(columns)},
        schema={f"c{i}": pl.String for i in range(len(columns))},
    )
    chosen_plan = {f"c{i}": plan[i] for i in range(len(columns))}
    expected = reference_first_fitting(frame, chosen_plan)
    assert infer.first_fitting(frame, chosen_plan) == expected
    counts = infer.failure_counts(frame.lazy(), chosen_plan, streaming=False)
    assert infer.choose(chosen_plan, counts) == expected
    typed, picked = infer.cast_checked(frame, chosen_plan)
    assert picked == expected
    expected_typed, _ = reference_counting(
        frame, {c: cand for c, cand in expected.items() if cand.kind is not Kind.STR}
    )
    assert_frame_equal(typed.select(expected_typed.columns), expected_typed)


@pytest.mark.parametrize("space", SPACES)
@pytest.mark.parametrize("text", ["5", "-5", "+5", "1.5", "1e3", "inf", "NaN", "true", "n"])
def test_whitespace_around_a_value_reads_as_trimmed(space: str, text: str) -> None:
    """Number and boolean parses refuse surrounding whitespace; trimming reads these values."""
    frame = _frame([f"{space}{text}", f"{text}{space}", f"{space}{text}{space}", text, " NA "])
    for cand in (Candidate(Kind.INT), Candidate(Kind.FLOAT), Candidate(Kind.BOOL)):
        cast, losses = infer.cast_counting(frame, {"v": cand})
        expected_cast, expected_losses = reference_counting(frame, {"v": cand})
        assert_frame_equal(cast, expected_cast)
        assert losses == expected_losses


def test_codes_and_long_integers_are_counted_as_the_regexes_count_them() -> None:
    values = ["007", "-01", "+00", "0", "-0", "1234567890123456", "-12345678901234567", "10"]
    frame = _frame([*values, "NA", None])
    assert infer.cast_counting(frame, {"v": Candidate(Kind.INT)})[1] == {"v": 3}
    # 007, -01, +00 by their leading zeros, the two long integers by their length.
    assert infer.cast_counting(frame, {"v": Candidate(Kind.FLOAT)})[1] == {"v": 5}
    for cand in (Candidate(Kind.INT), Candidate(Kind.FLOAT)):
        assert lost_values(frame, {"v": cand}) == {"v": reference_failures(frame, "v", cand)}


def _plan(chosen: Mapping[str, Candidate]) -> dict[str, ColumnType]:
    return {c: ColumnType(c, cand) for c, cand in chosen.items()}


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    columns=st.lists(_column, min_size=1, max_size=3),
    kinds=st.lists(st.sampled_from(CANDIDATES), min_size=3, max_size=3),
)
def test_casting_by_batch_gives_the_plain_casts(
    columns: list[list[str | None]], kinds: list[Candidate]
) -> None:
    height = max(len(c) for c in columns)
    frame = pl.DataFrame(
        {f"c{i}": c + [None] * (height - len(c)) for i, c in enumerate(columns)},
        schema={f"c{i}": pl.String for i in range(len(columns))},
    )
    plan = _plan({f"c{i}": kinds[i] for i in range(len(columns))})
    expected = frame.select(_reference_parse(c, t.candidate).alias(c) for c, t in plan.items())
    for engine in ("in-memory", "streaming"):
        typed = apply_types(frame.lazy(), plan, by_batch=True).collect(engine=engine)  # type: ignore[call-overload]
        assert_frame_equal(typed, expected)


def test_only_the_batches_that_need_it_are_trimmed(tmp_path: Path) -> None:
    """A long file, whitespace in a few rows far apart: its casts are the plain ones."""
    values = [str(i - 50_000) for i in range(300_000)]
    values[7] = " 12 "
    values[250_000] = "\t-3"
    values[150_000] = "NA"
    values[160_000] = " NA "
    path = tmp_path / "n.csv"
    pl.DataFrame({"n": values, "b": ["yes", "no", " y"] * 100_000}).write_csv(path)
    raw = pl.scan_csv(path, infer_schema=False)
    plan = _plan({"n": Candidate(Kind.INT), "b": Candidate(Kind.BOOL)})
    expected = raw.select(_reference_parse(c, t.candidate).alias(c) for c, t in plan.items())
    out = tmp_path / "n.parquet"
    apply_types(raw, plan, by_batch=True).sink_parquet(out)
    assert_frame_equal(pl.read_parquet(out), expected.collect())
    assert pl.read_parquet(out)["n"][7] == 12
