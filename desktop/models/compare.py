"""A comparison in words and rows for the compare view, without Qt.

:class:`DriftTable` is the table of columns by drift (in the comparison's
order, narrowed to the names holding a text); :func:`detail_rows` gives a
column's figures on both sides and their difference; :func:`summary_html` and
:func:`detail_html` word the sides, schema changes, alerts and a column's
figures for the panes. Figures read as the terminal summary prints them: years
as "2013", shares as percentages, instants without a ``T``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from core.compare.document import Change, ColumnComparison, Comparison
from core.present.compare_numbers import centre_text, no_drift_reason, values_plain
from core.present.markup import escape
from core.present.numbers import (
    format_dtype,
    format_duration,
    format_number,
    format_share,
    format_when,
)
from core.profiling.document import Severity

__all__ = [
    "DRIFT_FIELDS",
    "SEVERITY_COLOURS",
    "DetailRow",
    "DriftField",
    "DriftLine",
    "DriftTable",
    "column_of",
    "detail_html",
    "detail_rows",
    "drift_lines",
    "summary_html",
]

#: A severity's colour (colour-blind safe, readable on light and dark backgrounds).
SEVERITY_COLOURS = {
    Severity.CRITICAL.value: "#D55E00",
    Severity.WARNING.value: "#E69F00",
    Severity.INFO.value: "#56B4E9",
}
_SEVERITIES = (Severity.CRITICAL.value, Severity.WARNING.value, Severity.INFO.value)
# Statistics in the order a reader scans them; the others follow in the document's order.
_STATS = (
    ("mean", "mean"),
    ("std", "std deviation"),
    ("min", "min"),
    ("q0.05", "5th percentile"),
    ("q0.25", "25th percentile"),
    ("q0.5", "median"),
    ("q0.75", "75th percentile"),
    ("q0.95", "95th percentile"),
    ("max", "max"),
    ("length_mean", "mean length"),
    ("length_min", "shortest"),
    ("length_max", "longest"),
)
# Values of categories listed at most in a column's detail.
_LISTED = 5


@dataclass(frozen=True)
class DriftField:
    """A column of the drift table: its title, and whether it holds numbers."""

    title: str
    numeric: bool


DRIFT_FIELDS = (
    DriftField("Column", numeric=False),
    DriftField("Severity", numeric=False),
    DriftField("JS", numeric=True),
    DriftField("PSI", numeric=True),
    DriftField("KS", numeric=True),
    DriftField("Missing a → b", numeric=True),
    DriftField("Mean a → b", numeric=True),
)


@dataclass(frozen=True)
class DriftLine:
    """A line of the drift table: the column, its severity, and its cells as text."""

    column: str
    severity: str | None
    cells: tuple[str, ...]
    tooltip: str


def _number(value: Any, *, plain: bool = False, digits: int = 3) -> str:
    """A compact figure ("–" for none); an instant to the minute, UTC unsaid."""
    if value is None:
        return "–"
    if isinstance(value, str):
        return _instant(value)
    return format_number(value, digits=digits, large=1e6, separators=not plain)


def _instant(text: str) -> str:
    """An ISO instant as ``2013-01-01 10:00`` (seconds when not 0, a zone other than UTC)."""
    shown = format_when(text)
    if shown.endswith("+00:00"):
        shown = shown[: -len("+00:00")]
    if len(shown) == len("2013-01-01 10:00:00") and shown.endswith(":00") and " " in shown:
        shown = shown[: -len(":00")]
    return shown


def _arrow(change: Change, *, plain: bool = False, digits: int = 3) -> str:
    """``a → b`` of a figure."""
    a, b = change["a"], change["b"]
    return f"{_number(a, plain=plain, digits=digits)} → {_number(b, plain=plain, digits=digits)}"


def column_of(comparison: Comparison, name: str) -> ColumnComparison | None:
    """The comparison of the column ``name`` (None: not on both sides)."""
    return next((c for c in comparison["columns"] if c["name"] == name), None)


def drift_lines(comparison: Comparison) -> list[DriftLine]:
    """The drift table's lines, in the comparison's order (most drifted first)."""
    columns = {c["name"]: c for c in comparison["columns"]}
    lines = []
    for row in comparison["drift"]:
        column = columns[row["column"]]
        missing = column["missing_fraction"]
        centre = centre_text(column, digits=2)
        mean = column["stats"].get("mean") is not None
        approx = "" if row["exact"] in (True, None) else " ≈"
        js = "–" if row["js_distance"] is None else _number(row["js_distance"]) + approx
        cells = (
            row["column"],
            row["severity"] or "",
            js,
            _number(row["psi"]),
            _number(row["ks"]),
            f"{format_share(missing['a'])} → {format_share(missing['b'])}",
            f"{centre[0]} → {centre[1]}" if centre and mean else "",
        )
        tip = f"{row['column']} ({row['kind']})"
        if centre and not mean:
            # Dates would widen the column past the pane: their median shows here.
            tip += f"\nmedian: {centre[0]} → {centre[1]}"
        if approx:
            tip += "\nestimated from a side's digest or frequent values"
        lines.append(DriftLine(row["column"], row["severity"], cells, tip))
    return lines


class DriftTable:
    """The columns by drift, narrowed to those whose name holds :attr:`wanted`, any case."""

    def __init__(self, comparison: Comparison | None = None) -> None:
        self.lines = drift_lines(comparison) if comparison is not None else []
        self.wanted = ""
        self.shown = list(self.lines)

    def __len__(self) -> int:
        return len(self.shown)

    def narrow(self, text: str) -> None:
        """Show only the columns whose name holds ``text`` ("" for all)."""
        self.wanted = text.strip().casefold()
        self.shown = [line for line in self.lines if self.wanted in line.column.casefold()]

    def text(self, row: int, field: int) -> str:
        """The cell's text."""
        return self.shown[row].cells[field]

    def name(self, row: int) -> str:
        """The column shown on ``row``."""
        return self.shown[row].column

    def row_of(self, name: str) -> int | None:
        """Where the column ``name`` is shown, if it is."""
        return next((i for i, line in enumerate(self.shown) if line.column == name), None)


@dataclass(frozen=True)
class DetailRow:
    """A figure of a column on both sides and their difference, as text."""

    label: str
    a: str
    b: str
    difference: str


def _signed(value: Any, *, plain: bool = False, seconds: bool = False) -> str:
    """A difference with its sign ("" for none, "0" for nothing)."""
    if value is None or isinstance(value, str | bool):
        return ""
    if value == 0:
        return "0"
    if seconds:
        return ("+" if value > 0 else "") + format_duration(value)
    return ("+" if value > 0 else "") + _number(value, plain=plain)


def detail_rows(column: ColumnComparison) -> list[DetailRow]:
    """A column's figures on both sides and their difference, from kind to drift."""
    plain = values_plain(column)
    temporal = column["kind"]["b"] in ("datetime", "date", "time")
    # A kind or type that stays is said once.
    rows = [
        DetailRow(
            label,
            text(change["a"]),
            "same" if change["a"] == change["b"] else text(change["b"]),
            "",
        )
        for label, change, text in (
            ("kind", column["kind"], str),
            ("type", column["dtype"], lambda v: format_dtype(str(v))),
        )
    ]
    for label, key in (("values", "count"), ("missing", "missing"), ("distinct", "distinct")):
        change: Change = column[key]  # type: ignore[literal-required]
        rows.append(
            DetailRow(
                label, _number(change["a"]), _number(change["b"]), _signed(change["difference"])
            )
        )
    missing = column["missing_fraction"]
    rows.insert(
        4,
        DetailRow(
            "missing share",
            format_share(missing["a"]),
            format_share(missing["b"]),
            _points(missing["difference"]),
        ),
    )
    stats = column["stats"]
    keys = [k for k, _ in _STATS if k in stats] + [k for k in stats if k not in dict(_STATS)]
    names = dict(_STATS)
    for key in keys:
        change = stats[key]
        rows.append(
            DetailRow(
                names.get(key, key),
                _number(change["a"], plain=plain),
                _number(change["b"], plain=plain),
                _signed(change["difference"], plain=plain, seconds=temporal),
            )
        )
    categories = column["categories"]
    if categories is not None:
        for label, side in (("appeared", "appeared"), ("vanished", "vanished")):
            count: int = categories[f"{side}_count"]  # type: ignore[literal-required]
            if not count:
                continue
            listed: list[dict[str, Any]] = categories[side]  # type: ignore[literal-required]
            values = ", ".join(str(v["value"]) for v in listed[:_LISTED])
            more = f" and {count - _LISTED:,} more" if count > _LISTED else ""
            share: float = categories[f"{side}_share"]  # type: ignore[literal-required]
            text = f"{count:,} ({format_share(share)}): {values}{more}"
            # Vanished values were A's only, appeared ones are B's only.
            row = ("", text) if side == "appeared" else (text, "")
            rows.append(DetailRow(label, *row, ""))
    dates = column["date_range"]
    if dates is not None:
        rows.append(DetailRow("ranges overlap", "", "", "yes" if dates["overlap"] else "no"))
    drift = column["drift"]
    if drift is not None:
        exact = "" if drift["exact"] else " (estimated)"
        severity = column["severity"] or "below thresholds"
        rows.append(DetailRow("drift", "", "", severity + exact))
        for label, key in (("PSI", "psi"), ("JS distance", "js_distance"), ("KS", "ks")):
            value = drift[key]  # type: ignore[literal-required]
            if value is not None:
                rows.append(DetailRow(label, "", "", _number(value)))
        if drift["wasserstein_std"] is not None:
            rows.append(
                DetailRow("Wasserstein (std of a)", "", "", _number(drift["wasserstein_std"]))
            )
    else:
        rows.append(DetailRow("drift", "", "", f"not measured: {no_drift_reason(column)}"))
    return rows


def _points(value: float | None) -> str:
    """A change of shares in percentage points ("" for none)."""
    if value is None:
        return ""
    if value == 0:
        return "0"
    return f"{'+' if value > 0 else '−'}{abs(value) * 100:.1f} pt"


def _detail_line(row: DetailRow, names: Sequence[str]) -> str:
    """A row of the detail table; values found on one side only span the row, left aligned."""
    if row.label in ("appeared", "vanished"):
        side = names[1] if row.b else names[0]
        text = f"{escape(row.b or row.a)} <span class='dim'>(only in {escape(side)})</span>"
        return (
            f"<tr><th>{escape(row.label)}</th>"
            f"<td colspan='3' style='text-align:left'>{text}</td></tr>"
        )
    return (
        f"<tr><th>{escape(row.label)}</th><td>{escape(row.a)}</td><td>{escape(row.b)}</td>"
        f"<td>{escape(row.difference)}</td></tr>"
    )


def detail_html(column: ColumnComparison, names: Sequence[str]) -> str:
    """A column's figures on both sides and their difference, as the panel beside its chart."""
    # A and B as in the summary (the names are long); each names its side when hovered.
    head = (
        f"<tr><th></th><th title='{escape(names[0])}'>A</th>"
        f"<th title='{escape(names[1])}'>B</th><th>B − A</th></tr>"
    )
    body = "".join(_detail_line(r, names) for r in detail_rows(column))
    severity = column["severity"]
    badge = (
        f" <span style='color:{SEVERITY_COLOURS[severity]}'>{escape(severity)}</span>"
        if severity
        else ""
    )
    return (
        f'<div class="column-stats compare-stats"><h3>{escape(column["name"])}{badge}</h3>'
        f'<table class="stats">{head}{body}</table></div>'
    )


def summary_html(comparison: Comparison, names: Sequence[str]) -> str:
    """The sides, their sizes side by side, schema changes and alerts by severity, as rich text."""
    parts = []
    for label, side, name in (("A", comparison["a"], names[0]), ("B", comparison["b"], names[1])):
        source = escape(side["name"] or "merged profile")
        parts.append(
            f"<b>{label}</b> {escape(name)} <span style='color:gray'>"
            f"({escape(side['format'])}, {escape(side['engine'])})</span>"
            f"<br><small style='color:gray'>{source}</small>"
        )
    dataset = comparison["dataset"]
    cells = "".join(
        f"<tr><td>{label}</td><td align='right'>{_number(change['a'])}</td>"
        f"<td align='right'>{_number(change['b'])}</td>"
        f"<td align='right'>{escape(_signed(change['difference']))}</td></tr>"
        for label, change in (
            ("rows", dataset["rows"]),
            ("columns", dataset["columns"]),
            ("missing cells", dataset["missing_cells"]),
            ("duplicate rows", dataset["duplicate_rows"]),
        )
    )
    table = (
        "<table cellspacing='0' cellpadding='2'>"
        f"<tr><th></th><th align='right'>A</th><th align='right'>B</th>"
        f"<th align='right'>B − A</th></tr>{cells}</table>"
    )
    schema = comparison["schema"]
    changes = [
        f"<li>{label}: {escape(', '.join(found))}</li>"
        for label, found in (("added in B", schema["added"]), ("removed from A", schema["removed"]))
        if found
    ]
    changes += [
        f"<li>retyped: {escape(r['column'])} {escape(r['dtype']['a'])} → "
        f"{escape(r['dtype']['b'])}</li>"
        for r in schema["retyped"]
    ]
    changes += [
        f"<li>possibly renamed: {escape(r['a'])} → {escape(r['b'])}</li>" for r in schema["renamed"]
    ]
    schema_text = (
        f"<ul style='margin:0'>{''.join(changes)}</ul>"
        if changes
        else "<br>same columns, same types"
    )
    alerts = comparison["alerts"]
    counts = " · ".join(
        f"<b style='color:{SEVERITY_COLOURS[s]}'>{n} {s}</b>"
        for s in _SEVERITIES
        if (n := sum(a["severity"] == s for a in alerts))
    )
    listed = "".join(
        f"<li><b style='color:{SEVERITY_COLOURS[a['severity']]}'>{escape(a['severity'])}</b> "
        f"{escape(a['message'])}</li>"
        for s in _SEVERITIES
        for a in alerts
        if a["severity"] == s
    )
    return (
        "<br>".join(parts)
        + f"<p>{table}</p><b>Schema</b>{schema_text}"
        + f"<p><b>Alerts</b> {counts or 'none'}</p>"
        + (f"<ul style='margin-top:0'>{listed}</ul>" if listed else "")
    )
