"""A comparison as readable terminal output (rich)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from core.compare.document import Change, Comparison
from core.present.compare_numbers import centre_text
from core.present.numbers import format_number
from core.profiling.document import Severity

__all__ = ["print_comparison"]

_SEVERITY_STYLE = {Severity.CRITICAL: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
# Columns in the drift table at most; the JSON holds them all.
_DRIFT_ROWS = 30


def _number(value: Any, *, separators: bool = True) -> str:
    """A compact number, markup escaped ('–' for none)."""
    if value is None:
        return "–"
    return escape(format_number(value, digits=3, large=1e6, separators=separators))


def _pair(change: Change, *, separators: bool = True) -> str:
    """``a → b`` of a figure."""
    return (
        f"{_number(change['a'], separators=separators)} → "
        f"{_number(change['b'], separators=separators)}"
    )


def print_comparison(comparison: Comparison, console: Console) -> None:
    """Print the two sides, schema changes, the columns by drift and the alerts.

    Args:
        comparison: a comparison document.
        console: where to print.
    """
    a, b = comparison["a"], comparison["b"]
    console.print(
        f"[bold]A[/bold] {escape(str(a['name'] or 'merged profile'))}  "
        f"[bold]B[/bold] {escape(str(b['name'] or 'merged profile'))}"
    )
    dataset = comparison["dataset"]
    duplicates = dataset["duplicate_rows"]
    console.print(
        f"rows {_pair(dataset['rows'])} · columns {_pair(dataset['columns'])} · "
        f"missing cells {_pair(dataset['missing_cells'])} · "
        f"duplicate rows {_pair(duplicates)}"
    )
    schema = comparison["schema"]
    for label, names in (("added", schema["added"]), ("removed", schema["removed"])):
        if names:
            console.print(f"{label}: {escape(', '.join(names))}")
    for retype in schema["retyped"]:
        console.print(
            f"retyped: {escape(retype['column'])} {escape(str(retype['dtype']['a']))} → "
            f"{escape(str(retype['dtype']['b']))}"
        )
    for rename in schema["renamed"]:
        console.print(f"possibly renamed: {escape(rename['a'])} → {escape(rename['b'])}")
    columns = {c["name"]: c for c in comparison["columns"]}
    table = Table(title="columns by drift")
    for heading, justify in (
        ("column", "left"),
        ("kind", "left"),
        ("drift", "left"),
        ("JS", "right"),
        ("PSI", "right"),
        ("KS", "right"),
        ("missing", "right"),
        ("mean / median", "right"),
    ):
        table.add_column(heading, justify=justify)  # type: ignore[arg-type]
    for row in comparison["drift"][:_DRIFT_ROWS]:
        column = columns[row["column"]]
        severity = row["severity"]
        style = _SEVERITY_STYLE[Severity(severity)] if severity else ""
        centre = centre_text(column)
        missing = column["missing_fraction"]
        approx = "" if row["exact"] in (True, None) else " ≈"
        table.add_row(
            escape(row["column"]),
            row["kind"],
            f"[{style}]{severity}[/{style}]" if severity else "",
            _number(row["js_distance"]) + approx,
            _number(row["psi"]),
            _number(row["ks"]),
            f"{missing['a']:.1%} → {missing['b']:.1%}",
            escape(f"{centre[0]} → {centre[1]}") if centre else "",
        )
    console.print(table)
    if len(comparison["drift"]) > _DRIFT_ROWS:
        console.print(f"… and {len(comparison['drift']) - _DRIFT_ROWS} more columns (see --json)")
    alerts = comparison["alerts"]
    if not alerts:
        console.print("no alerts")
        return
    console.print(f"[bold]{len(alerts)} alerts[/bold]")
    for alert in alerts:
        style = _SEVERITY_STYLE[Severity(alert["severity"])]
        console.print(f"  [{style}]{alert['severity']:8}[/{style}] {escape(alert['message'])}")
