"""Small pieces of the HTML report: escaped text, numbers, shares and tables."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

from core.present.numbers import format_number, format_share
from core.profiling.document import Rows

__all__ = ["alert_list", "escape", "number", "percent", "rows_table", "stats_table"]


def escape(value: Any) -> str:
    """Text for HTML."""
    return html.escape(str(value), quote=True)


def number(value: Any, *, separators: bool = True) -> str:
    """A readable number (or the value as text), for HTML; see :func:`format_number`."""
    return escape(format_number(value, digits=4, large=1e7, separators=separators))


def percent(value: float | None) -> str:
    """A share as a percentage, for HTML; see :func:`format_share` ("<0.1%", not "0.0%")."""
    return escape(format_share(value))


def stats_table(rows: list[tuple[str, str]], cls: str = "stats") -> str:
    """A two-column table of already-escaped cells."""
    body = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return f'<table class="{cls}">{body}</table>'


def rows_table(block: Rows) -> str:
    """Sample rows as a table."""
    if not block["rows"]:
        return "<p>No rows.</p>"
    head = "".join(f"<th>{escape(c)}</th>" for c in block["columns"])
    body = "".join(
        "<tr>"
        + "".join(f"<td>{'<span class=dim>∅</span>' if v is None else escape(v)}</td>" for v in row)
        + "</tr>"
        for row in block["rows"]
    )
    return f'<div class="scroll"><table class="rows"><tr>{head}</tr>{body}</table></div>'


def alert_list(alerts: Sequence[Mapping[str, Any]], limit: int) -> str:
    """Alerts as a list with severity badges, the first ``limit`` and how many more."""
    lis = "".join(
        f'<li><span class="badge {escape(a["severity"])}">{escape(a["severity"])}</span> '
        f"{escape(a['message'])} <span class=dim>({escape(a['kind'])}: {number(a['value'])} "
        f"vs {number(a['threshold'])})</span></li>"
        for a in alerts[:limit]
    )
    if len(alerts) > limit:
        lis += f'<li class="dim">… and {len(alerts) - limit:,} more</li>'
    return f'<ul class="alerts">{lis}</ul>'
