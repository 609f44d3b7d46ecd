"""A profile as readable terminal output (rich)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from core.present.numbers import format_duration, format_number
from core.profiling.document import ColumnProfile, Profile, Severity

__all__ = ["print_summary"]

_SEVERITY_STYLE = {Severity.CRITICAL: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def _number(value: Any) -> str:
    """A compact number, markup escaped."""
    return escape(format_number(value, digits=3, large=1e6))


def _text(value: Any) -> str:
    """A value on one line, markup escaped."""
    return escape(str(value).replace("\r\n", "⏎").replace("\n", "⏎"))


def _headline(column: ColumnProfile) -> str:
    """The figures that tell most about a column, by kind."""
    kind = column["kind"]
    if kind == "numeric" and column.get("mean") is not None:
        q = column["quantiles"]
        return (
            f"mean {_number(column['mean'])} · sd {_number(column['std'])} · "
            f"min {_number(column['min'])} · median {_number(q.get('0.5'))} · "
            f"max {_number(column['max'])}"
        )
    if kind in ("datetime", "time") and column.get("min"):
        zone = f" ({column['time_zone']})" if column.get("time_zone") else ""
        return f"{column['min']} → {column['max']}{zone}"
    if kind == "duration" and column.get("mean") is not None:
        q = column["quantiles"]
        return (
            f"mean {format_duration(column['mean'])} · min {format_duration(column['min'])} · "
            f"median {format_duration(q.get('0.5'))} · max {format_duration(column['max'])}"
        )
    if kind in ("list", "binary") and column.get("length", {}).get("mean") is not None:
        length = column["length"]
        unit = "elements" if kind == "list" else "bytes"
        return (
            f"{_number(length['min'])}–{_number(length['max'])} {unit} "
            f"(mean {_number(length['mean'])}) · {column['empty']:,} empty"
        )
    if kind == "unsupported":
        return _text(column.get("reason", ""))
    top = column["top_values"][:3]
    shown = ", ".join(f"{_text(v['value'])} ({v['count']:,})" for v in top)
    return f"top: {shown}" if shown else ""


def print_summary(profile: Profile, console: Console) -> None:
    """Print the dataset figures, a line per column, and the alerts.

    Args:
        profile: a profile document (also one received as plain JSON, from the cloud).
        console: where to print.
    """
    dataset = profile["dataset"]
    source = profile.get("source", {})
    name = source.get("path") or source.get("name") or "merged profile"
    console.print(f"[bold]{escape(str(name))}[/bold]  ({profile['engine']} engine)")
    duplicates = dataset["duplicate_rows"]
    console.print(
        f"{dataset['rows']:,} rows × {dataset['columns']:,} columns · "
        f"missing cells {dataset['missing_cells']:,} ({dataset['missing_cells_fraction']:.1%}) · "
        f"duplicate rows {'unknown' if duplicates is None else f'{duplicates:,}'} · "
        + ", ".join(f"{n} {k}" for k, n in dataset["kinds"].items())
    )
    table = Table()
    for heading, justify in (
        ("column", "left"),
        ("kind", "left"),
        ("missing", "right"),
        ("distinct", "right"),
        ("summary", "left"),
    ):
        table.add_column(heading, justify=justify)  # type: ignore[arg-type]
    for column in profile["columns"]:
        distinct = f"{column['distinct']:,}" + ("" if column["distinct_exact"] else " ≈")
        table.add_row(
            escape(column["name"]),
            column["kind"],
            f"{column['missing_fraction']:.1%}",
            distinct,
            _headline(column),
        )
    console.print(table)
    alerts = profile.get("alerts", [])
    if not alerts:
        console.print("no alerts")
        return
    console.print(f"[bold]{len(alerts)} alerts[/bold]")
    for alert in alerts:
        style = _SEVERITY_STYLE[alert["severity"]]
        console.print(f"  [{style}]{alert['severity']:8}[/{style}] {escape(alert['message'])}")
