"""A column's key figures, as rows of a two-column table by kind, and its top values.

The HTML report and the desktop's Column view show both.
"""

from __future__ import annotations

from core.present.markup import escape as _e
from core.present.markup import number as _number
from core.present.markup import percent as _percent
from core.present.numbers import format_duration, format_number, format_when, plain_integers
from core.profiling.document import ColumnProfile

__all__ = ["column_stats", "top_values_table"]

Stats = list[tuple[str, str]]


def column_stats(column: ColumnProfile) -> Stats:
    """The key figures of a column (already escaped): the common ones, then its kind's."""
    rows = [
        ("type", f"{_e(column['kind'])} <span class=dim>({_e(column['dtype'])})</span>"),
        ("values", _number(column["count"])),
        ("missing", f"{_number(column['missing'])} ({_percent(column['missing_fraction'])})"),
        (
            "distinct",
            f"{_number(column['distinct'])}{'' if column['distinct_exact'] else ' (estimate)'} "
            f"({_percent(column.get('distinct_fraction'))})",
        ),
    ]
    kind = column["kind"]
    if kind == "numeric":
        return rows + _numeric(column)
    if kind in ("datetime", "time"):
        return rows + _temporal(column)
    if kind == "duration":
        return rows + _duration(column)
    if kind == "boolean":
        return [
            *rows,
            ("true", _number(column.get("trues"))),
            ("false", _number(column.get("falses"))),
        ]
    if kind in ("empty", "unsupported"):
        return [*rows, ("note", _e(column.get("reason") or "the column holds no value at all"))]
    return rows + _lengths(column)


def _numeric(column: ColumnProfile) -> Stats:
    """Figures of a numeric column."""
    q = column.get("quantiles") or {}
    separators = not plain_integers(column)  # figures in the column's values: "2013"

    def value(figure: object) -> str:
        return _number(figure, separators=separators)

    rows = [
        ("mean", value(column.get("mean"))),
        ("std", value(column.get("std"))),
        ("min", value(column.get("min"))),
        ("5% · 25% · 50%", " · ".join(value(q.get(k)) for k in ("0.05", "0.25", "0.5"))),
        ("75% · 95%", " · ".join(value(q.get(k)) for k in ("0.75", "0.95"))),
        ("max", value(column.get("max"))),
        ("sum", _number(column.get("sum"))),
        (
            "skewness · kurtosis",
            f"{_number(column.get('skewness'))} · {_number(column.get('kurtosis'))}",
        ),
        (
            "zeros · negatives",
            f"{_number(column.get('zeros'))} · {_number(column.get('negatives'))}",
        ),
        ("infinite", _number(column.get("infinite"))),
    ]
    if not column.get("quantiles_exact", True):
        rows.append(("quantiles", "estimated (t-digest)"))
    exact = column.get("exact")
    if exact:
        rows.append(
            ("exactly", _e(f"min {exact['min']} · max {exact['max']} · sum {exact['sum']}"))
        )
    return rows


def _temporal(column: ColumnProfile) -> Stats:
    """Figures of a date, datetime or time-of-day column."""
    rows = [
        ("first", _e(_when(column.get("min")))),
        ("last", _e(_when(column.get("max")))),
        ("span", _e(format_duration(column.get("range_seconds")))),
    ]
    if column.get("time_zone"):
        rows.append(("time zone", _e(column.get("time_zone"))))
    return rows


def _when(value: object) -> object:
    """A date and time as a grid shows it (other values as they are)."""
    return format_when(value) if isinstance(value, str) else value


def _duration(column: ColumnProfile) -> Stats:
    """Figures of a duration column."""
    q = column.get("quantiles") or {}
    return [
        ("mean", _e(format_duration(column.get("mean")))),
        ("std", _e(format_duration(column.get("std")))),
        ("min", _e(format_duration(column.get("min")))),
        (
            "25% · 50% · 75%",
            _e(" · ".join(format_duration(q.get(k)) for k in ("0.25", "0.5", "0.75"))),
        ),
        ("max", _e(format_duration(column.get("max")))),
        ("total", _e(format_duration(column.get("sum")))),
    ]


def _lengths(column: ColumnProfile) -> Stats:
    """Lengths and empty values of text, binary and list columns, and list elements."""
    kind = column["kind"]
    length = column.get("length")
    figures = (length["min"], length["mean"], length["max"]) if length else (None, None, None)
    unit = {"binary": " (bytes)", "list": " (elements)"}.get(kind, "")
    rows = [
        (
            f"length{unit} min · mean · max",
            " · ".join(_number(v) for v in figures),
        ),
        (
            {"binary": "empty values", "list": "empty lists"}.get(kind, "empty strings"),
            _number(column.get("empty")),
        ),
    ]
    for element in column.get("elements", []):
        rows.append(
            (
                f"elements {_e(element['name'])}",
                f"{_e(element['kind'])} · {_number(element['count'])} values · "
                f"{_number(element['missing'])} missing · {_number(element['distinct'])} distinct",
            )
        )
    return rows


def top_values_table(column: ColumnProfile, limit: int = 10) -> str:
    """The column's most frequent values with their counts and shares of its rows, as HTML.

    "" when the column has no top values (numbers with no value repeated, say).
    """
    top = list(column.get("top_values") or [])
    if not top:
        return ""
    rows = column["count"] + column["missing"]
    shown_as = _when if column["kind"] == "datetime" else (lambda value: value)

    def row(value: str, count: int) -> str:
        share = _percent(count / rows if rows else None)
        return f"<tr><td>{value}</td><td>{_number(count)}</td><td>{share}</td></tr>"

    body = "".join(
        row(
            "<span class=dim>∅ missing</span>" if v["value"] is None else _e(shown_as(v["value"])),
            v["count"],
        )
        for v in top[:limit]
    )
    shown = [v for v in top[:limit] if v["value"] is not None]
    other = column["count"] - sum(v["count"] for v in shown)
    rest = column["distinct"] - len(shown)
    if other > 0 and rest > 0:
        body += row(f"<span class=dim>{_e(format_number(rest))} other values</span>", other)
    exact = "" if not column.get("top_values_error") else " (approximate counts)"
    return (
        f'<table class="top"><tr><th>top value{exact}</th><th>count</th><th>share</th></tr>'
        f"{body}</table>"
    )
