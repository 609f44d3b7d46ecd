"""The charts of a profile's sections, and what a click on each of them does.

Figures are built with plotly (no Qt): :func:`section_figures` gives a
section's figures with one click handler each, :func:`figure_specs` turns them
into the plain data plotly.js draws, cheap to hand from a worker to the page.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio

from core.present import charts
from core.present.column_stats import column_stats, top_values_table
from core.present.markup import escape, stats_table
from core.profiling.correlations import CorrelationMethod, matrix_of
from core.profiling.document import ColumnProfile, Profile

__all__ = [
    "SECTIONS",
    "ClickHandler",
    "SetFilter",
    "column_html",
    "column_notice",
    "figure_click",
    "figure_specs",
    "section_figures",
]

SECTIONS = ("Overview", "Correlations", "Missing values", "Column")
# Kinds whose chart values a grid filter can take back.
_FILTERABLE = ("numeric", "categorical", "text", "boolean", "datetime")

ClickHandler = Callable[[dict[str, Any]], None]
SetFilter = Callable[[str, str], None]


def figure_specs(figures: list[go.Figure]) -> list[dict[str, Any]]:
    """Figures as the plain data plotly.js draws (safe to compute in a worker)."""
    return [json.loads(pio.to_json(fig, validate=False)) for fig in figures]


def section_figures(
    profile: Profile,
    section: str,
    column: ColumnProfile | None,
    theme: str,
    select: ClickHandler,
    set_filter: SetFilter,
) -> tuple[list[go.Figure], list[ClickHandler | None]]:
    """The figures of a section, and what a click on each one does.

    Args:
        profile: the profile document.
        section: one of :data:`SECTIONS`.
        column: the column whose charts the "Column" section shows.
        theme: ``light`` or ``dark``.
        select: called with a point whose ``x`` names a column to select.
        set_filter: called with a column and a filter text for the grid.
    """
    figures: list[go.Figure] = []
    handlers: list[ClickHandler | None] = []
    if section == "Overview":
        figures = [charts.overview(profile, theme), charts.missing_bar(profile, theme)]
        handlers = [None, select]
    elif section == "Correlations":
        for method in CorrelationMethod:
            if len(matrix_of(profile["correlations"], method)["columns"]) >= 2:
                figures.append(charts.correlation_heatmap(profile, method, theme))
                handlers.append(select)
    elif section == "Missing values":
        figures = [charts.missing_bar(profile, theme)]
        handlers = [select]
        if len(profile["missing"]["nullity_correlation"].get("columns") or []) >= 2:
            figures.append(charts.nullity_heatmap(profile, theme))
            handlers.append(select)
    elif column is not None:
        figures = charts.column_figures(column, theme)
        handlers = [figure_click(column, figure, set_filter) for figure in figures]
    return figures, handlers


def column_html(column: ColumnProfile | None) -> str:
    """A column's figures by kind and its top values, as the report shows them (HTML)."""
    if column is None:
        return ""
    return (
        f'<div class="column-stats"><h3>{escape(column["name"])}</h3>'
        f"{stats_table(column_stats(column))}{top_values_table(column)}</div>"
    )


def column_notice(profile: Profile, column: ColumnProfile | None) -> str:
    """A line for the Column section when the column has nothing to chart ("" otherwise)."""
    rows = profile["dataset"]["rows"]
    if column is None or rows == 0 or column["missing"] < rows:
        return ""
    return f"'{column['name']}' is missing in every row ({rows:,} of {rows:,}): nothing to chart"


def figure_click(
    column: ColumnProfile, figure: go.Figure, set_filter: SetFilter
) -> ClickHandler | None:
    """What a click on one of a column's figures does: filter the grid to the bar's rows."""
    name = column["name"]
    kind = charts.chart_kind(figure)
    if column["kind"] not in _FILTERABLE:
        # Durations are charted in seconds, lists and bytes as text: no grid filter reads those.
        return None
    if kind == "top_values":
        top = list(column.get("top_values") or [])
        shown = len(figure.data[0].y)
        values = int(figure.layout.meta["values"])  # the "(other)" bar comes after these

        def on_top(point: dict[str, Any]) -> None:
            position = shown - 1 - int(point["index"])  # bars run bottom-up
            if 0 <= position < min(values, len(top)):
                value = top[position]["value"]
                set_filter(name, "missing" if value is None else f"= {_literal(value)}")

        return on_top
    if kind == "numeric_histogram":

        def on_bin(point: dict[str, Any]) -> None:
            edges = point.get("customdata")
            if isinstance(edges, list) and len(edges) == 2 and point.get("curve") == 0:
                set_filter(name, f"{edges[0]!r}..{edges[1]!r}")

        return on_bin
    return None


def _literal(value: Any) -> str:
    """A top value as filter text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
