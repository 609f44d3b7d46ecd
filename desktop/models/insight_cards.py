"""The model's answer as the desktop shows it: cards, and charts drawn by Loupe itself.

:func:`cards` turns the checked answer (see :func:`cloud.insights.generate_insights`)
into plain :class:`Card` data, those whose evidence matches the profile first,
their text without control characters or escape sequences
(:func:`cloud.insights.printable`); :func:`suggested_figures`
draws the charts the model suggested with Loupe's own chart code from the
profile (a column's figures, a correlation heatmap) or, for a scatter or a line
of two columns, from the rows the window holds (at most 5,000 of them), dropping
any that names a column the profile does not have. Nothing the model wrote is executed, and no
text of it goes into a figure (plotly.js reads some tags in titles).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go
import polars as pl

from cloud.insights import printable
from core.present import charts
from core.profiling.correlations import CorrelationMethod, matrix_of
from core.profiling.document import Profile

__all__ = ["SEVERITIES", "Card", "cards", "suggested_figures"]

SEVERITIES = ("critical", "warning", "info")
# Suggested charts of two columns drawn from the rows themselves, and how many points.
_ROW_CHARTS = ("scatter", "line")
_MAX_POINTS = 5_000
# Which of a column's figures answers a suggested chart type.
_KINDS = {
    "histogram": ("numeric_histogram", "datetime_histogram", "length_histogram"),
    "box": ("numeric_histogram",),
    "line": ("datetime_histogram", "numeric_histogram"),
    "bar": ("top_values",),
}


@dataclass(frozen=True)
class Card:
    """One insight as shown: plain text only.

    ``columns`` are the profile's names (to select them); ``verified`` says its
    evidence matches the profile — its figures, not its conclusion.
    """

    severity: str
    title: str
    detail: str
    columns: tuple[str, ...]
    evidence: tuple[str, ...]
    verified: bool


def _evidence_line(evidence: dict[str, Any]) -> str:
    """One piece of evidence in words."""
    where = f" of {evidence['column']}" if evidence.get("column") else ""
    return printable(f"{evidence.get('metric', '?')}{where}: {evidence.get('value')}")


def cards(result: dict[str, Any]) -> list[Card]:
    """The answer's insights as cards: evidence matching first, then by severity."""
    made = [
        Card(
            severity=printable(str(i.get("severity", "info"))),
            title=printable(str(i.get("title", ""))),
            detail=printable(str(i.get("detail", ""))),
            columns=tuple(str(c) for c in i.get("columns", [])),
            evidence=tuple(_evidence_line(e) for e in i.get("evidence", [])),
            verified=i.get("status") == "verified",
        )
        for i in result.get("insights", [])
    ]
    rank = {s: n for n, s in enumerate(SEVERITIES)}
    return sorted(made, key=lambda c: (not c.verified, rank.get(c.severity, len(rank))))


def _column_figure(profile: Profile, name: str, kind: str, theme: str) -> go.Figure | None:
    """The figure of column ``name`` that fits a suggested chart ``kind``."""
    column = next((c for c in profile["columns"] if c["name"] == name), None)
    if column is None:
        return None
    figures = charts.column_figures(column, theme)
    wanted = _KINDS.get(kind, ())
    fitting = [f for f in figures if charts.chart_kind(f) in wanted]
    return (fitting or figures or [None])[0]


def _pair_figure(profile: Profile, x: str, y: str, theme: str) -> go.Figure | None:
    """The correlation heatmap holding both ``x`` and ``y``, if any does."""
    for method in CorrelationMethod:
        names = matrix_of(profile["correlations"], method)["columns"]
        if x in names and y in names and len(names) >= 2:
            return charts.correlation_heatmap(profile, method, theme)
    return None


def _rows_figure(rows: pl.DataFrame, x: str, y: str, kind: str, theme: str) -> go.Figure | None:
    """A scatter of ``y`` against ``x`` (a line, ordered by ``x``) from up to 5,000 rows."""
    if x not in rows.columns or y not in rows.columns:
        return None
    if not all(rows.schema[c].is_numeric() or rows.schema[c].is_temporal() for c in (x, y)):
        return None
    frame = rows.select(x, y).drop_nulls()
    if frame.height == 0:
        return None
    shown = frame.sample(_MAX_POINTS, seed=0) if frame.height > _MAX_POINTS else frame
    line = kind == "line"
    if line:
        shown = shown.sort(x)
    figure = go.Figure(
        go.Scattergl(
            x=shown.get_column(x).to_list(),
            y=shown.get_column(y).to_list(),
            mode="lines" if line else "markers",
            marker={"size": 4, "opacity": 0.6, "color": "#0072B2"},
        )
    )
    # Column names come from the file: escaped, as plotly reads some tags in titles.
    sampled = f" ({shown.height:,} of {frame.height:,} rows)" if shown.height < frame.height else ""
    figure.update_layout(
        template="plotly_dark" if theme == "dark" else "plotly_white",
        title=f"{html.escape(y)} against {html.escape(x)}{sampled}",
        xaxis_title=html.escape(x),
        yaxis_title=html.escape(y),
        margin={"l": 60, "r": 20, "t": 50, "b": 50},
        meta={"chart": f"rows_{kind}"},
    )
    return figure


def suggested_figures(
    profile: Profile,
    suggested: list[dict[str, Any]],
    theme: str,
    rows: pl.DataFrame | None = None,
) -> list[go.Figure]:
    """Loupe's figures for the charts the model suggested (unknown columns dropped, no repeats).

    A scatter or a line of two columns is drawn from ``rows`` when the window holds
    them, else it falls back on the profile's correlations or the column's figures.
    """
    known = {c["name"] for c in profile["columns"]}
    figures: list[go.Figure] = []
    drawn: set[tuple[str, ...]] = set()
    for chart in suggested:
        x, y, kind = chart.get("x"), chart.get("y"), str(chart.get("type", ""))
        if not isinstance(x, str) or x not in known or (y is not None and y not in known):
            continue
        figure: go.Figure | None = None
        key: tuple[str, ...] = (x, kind)
        if isinstance(y, str) and y != x and kind in _ROW_CHARTS and rows is not None:
            figure = _rows_figure(rows, x, y, kind, theme)
            key = (x, y, kind)
        if figure is None and isinstance(y, str) and y != x:
            figure = _pair_figure(profile, x, y, theme)
            if figure is not None:
                key = ("correlation", str(figure.layout.title.text))
        if figure is None:
            figure = _column_figure(profile, x, kind, theme)
            key = (x, str(charts.chart_kind(figure)) if figure is not None else "")
        if figure is not None and key not in drawn:
            drawn.add(key)
            figures.append(figure)
    return figures
