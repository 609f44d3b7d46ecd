"""A profile in words for the side panel: the overview, and a line per column."""

from __future__ import annotations

import html

from core.present.numbers import (
    format_duration,
    format_figure,
    format_number,
    format_share,
    format_when,
)
from core.present.scope import profile_scope
from core.profiling.document import ColumnProfile, Profile, Severity

__all__ = ["column_line", "column_tooltip", "overview_html"]

_COLOURS = {Severity.CRITICAL: "#D55E00", Severity.WARNING: "#E69F00", Severity.INFO: "#56B4E9"}


def overview_html(profile: Profile) -> str:
    """The dataset's size, missing cells, duplicates, kinds and every alert, as rich text."""
    dataset = profile["dataset"]
    alerts = "".join(
        f"<li><b style='color:{_COLOURS.get(a['severity'], '#999')}'>"
        f"{html.escape(a['severity'])}</b> {html.escape(a['message'])}</li>"
        for a in profile["alerts"]
    )
    duplicates = dataset["duplicate_rows"]
    return (
        f"<i>{html.escape(profile_scope(profile))}</i><br>"
        f"<b>{dataset['rows']:,} rows × {dataset['columns']:,} columns</b><br>"
        f"missing cells {dataset['missing_cells']:,} "
        f"({format_share(dataset['missing_cells_fraction'])})<br>"
        f"duplicate rows {'unknown' if duplicates is None else f'{duplicates:,}'}<br>"
        + html.escape(", ".join(f"{n} {k}" for k, n in dataset["kinds"].items()))
        + f"<ul>{alerts}</ul>"
    )


def column_tooltip(profile: Profile, column: ColumnProfile) -> str:
    """A column's name, kind and type, then the alerts about it, one a line."""
    tip = [f"{column['name']} ({column['kind']}, {column['dtype']})"]
    tip += [
        alert["message"]
        for alert in profile["alerts"]
        if column["name"] in (alert.get("columns") or [])
    ]
    return "\n".join(tip)


def column_line(column: ColumnProfile) -> str:
    """A column's name and a few numbers for the list."""
    parts = [
        f"{format_share(column['missing_fraction'], digits=0)} missing",
        f"{format_number(column['distinct'])} distinct",
    ]
    if column["kind"] == "numeric" and column.get("mean") is not None:
        parts.append(f"mean {format_figure(column['mean'], column)}")
    elif column["kind"] == "duration" and column.get("mean") is not None:
        parts.append(f"mean {format_duration(column['mean'])}")
    elif column["kind"] in ("list", "binary") and column["length"].get("mean") is not None:
        unit = "elements" if column["kind"] == "list" else "bytes"
        parts.append(f"mean {format_number(column['length']['mean'])} {unit}")
    elif column["kind"] == "unsupported":
        parts.append("not summarised")
    elif column.get("top_values"):
        top = str(column["top_values"][0]["value"])
        top = format_when(top) if column["kind"] == "datetime" else top
        parts.append(f"top {top[:40] + '…' if len(top) > 40 else top}")
    return f"{column['name']}\n{' · '.join(parts)}"
