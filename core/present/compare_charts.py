"""Plotly figures of a comparison (never of raw data): overlays and correlations of both sides.

The same figures serve the compare report and the desktop's compare view.
Side A (the reference) is drawn in the palette's blue, side B in its
orange, each as a share of its own values so sides of different sizes
read alike.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go

from core.compare.document import ColumnComparison, Comparison, Overlay
from core.present.charts import (
    DIVERGING,
    OKABE_ITO,
    chart_layout,
    message_chart,
    plotly_date,
)
from core.present.compare_numbers import values_plain
from core.profiling.correlations import CorrelationMethod

__all__ = ["SIDE_COLOURS", "correlation_change_heatmap", "overlay_figure", "overlay_integers"]

#: Colours of side A and side B.
SIDE_COLOURS = (OKABE_ITO[0], OKABE_ITO[1])
# Categories drawn at most; the rest join "(other)".
_CHART_CATEGORIES = 20
# Category labels longer than this are cut.
_LABEL_CHARS = 40


def _shares(counts: Sequence[int]) -> list[float]:
    """Counts as shares of their sum (all 0 for none)."""
    total = sum(counts)
    return [c / total if total else 0.0 for c in counts]


def overlay_figure(
    column: ColumnComparison, theme: str = "light", *, names: Sequence[str] = ("A", "B")
) -> go.Figure:
    """Both sides' distribution of a column in the same buckets, one over the other.

    Numbers, instants and lengths: bars of each bin's share of the side's
    values, overlaid. Categories: the categories both sides know (and
    everything else as "(other)") as paired horizontal bars.
    """
    title = f"{column['name']}: distribution"
    overlay = column.get("overlay")
    if overlay is None or not (any(overlay["a"]) or any(overlay["b"])):
        return message_chart(title, "No values to compare", theme, kind="overlay")
    drift = column["drift"]
    estimated = "" if drift is None or drift["exact"] else " (estimated)"
    if overlay["method"] == "categories":
        return _category_overlay(column, overlay, title + estimated, theme, names)
    return _bin_overlay(column, overlay, title + estimated, theme, names)


def _bin_overlay(
    column: ColumnComparison, overlay: Overlay, title: str, theme: str, names: Sequence[str]
) -> go.Figure:
    """Overlaid bars of both sides' bin shares."""
    edges: list[Any] = list(overlay["edges"] or [])
    kind = str(column["kind"]["b"])
    fig = go.Figure()
    temporal = kind in ("datetime", "date", "time")
    if temporal:
        profile_like = {"kind": kind, "time_zone": True}
        points = [plotly_date(str(e), profile_like) for e in edges]  # type: ignore[arg-type]
        starts: list[Any] = points[:-1]
        ends: list[Any] = points[1:]
        axis: dict[str, Any] = {"type": "date"}
    else:
        numbers = [float(e) for e in edges]
        starts, ends = numbers[:-1], numbers[1:]
        axis = {"tickformat": "d", "hoverformat": "d"} if values_plain(column) else {}
        if edges and overlay_integers(column) and numbers[-1] - numbers[0] <= 30:
            axis["dtick"] = 1  # a few whole numbers: one tick each, never 2013 five times
    hover = "%{customdata[0]} to %{customdata[1]}: %{customdata[2]:,} (%{customdata[3]:.1%})"
    for side, name, colour in zip(("a", "b"), names, SIDE_COLOURS, strict=True):
        counts: list[int] = overlay[side]  # type: ignore[literal-required]
        shares = _shares(counts)
        data = [[s, e, c, f] for s, e, c, f in zip(starts, ends, counts, shares, strict=True)]
        template = f"{name}: {hover}<extra></extra>"
        if side == "a":
            # The reference as bars ...
            x = starts if temporal else [(s + e) / 2 for s, e in itertools.pairwise(numbers)]
            widths = [e - s for s, e in itertools.pairwise(numbers)] if not temporal else []
            bars = {"offset": 0} if temporal else {"width": widths}
            fig.add_trace(
                go.Bar(
                    x=x,
                    y=shares,
                    name=name,
                    opacity=0.55,
                    marker={"color": colour},
                    customdata=data,
                    hovertemplate=template,
                    **bars,
                )
            )
            continue
        # ... and the other side as a step line over them, so neither hides the other.
        fig.add_trace(
            go.Scatter(
                x=[*starts, ends[-1]],
                y=[*shares, shares[-1]],
                name=name,
                mode="lines",
                line={"shape": "hv", "color": colour, "width": 2.5},
                customdata=[*data, data[-1]],
                hovertemplate=template,
            )
        )
    drift = column["drift"]
    unit = drift["unit"] if drift is not None else None
    label = column["name"] + (f" ({unit})" if unit and unit != "seconds" else "")
    fig.update_layout(
        barmode="overlay",
        bargap=0.02,
        xaxis={"title": {"text": label}, **axis},
        yaxis={"title": {"text": "share of values"}, "tickformat": ".0%"},
    )
    chart_layout(fig, title, theme, kind="overlay", meta={"method": "bins"})
    return _with_legend(fig)


def overlay_integers(column: ColumnComparison) -> bool:
    """Whether the column holds whole numbers by type on both sides."""
    return all(
        str(column["dtype"][side]).lstrip("U").startswith("Int") for side in ("a", "b")
    ) or column["kind"]["b"] in ("binary", "list")


def _category_overlay(
    column: ColumnComparison, overlay: Overlay, title: str, theme: str, names: Sequence[str]
) -> go.Figure:
    """Paired horizontal bars of both sides' category shares, the most common first.

    The first :data:`_CHART_CATEGORIES` categories are drawn; the rest join
    "(other)", drawn last and faded.
    """
    rows: list[tuple[str | None, int, int]] = list(
        zip(overlay["labels"] or [], overlay["a"], overlay["b"], strict=True)
    )
    named = [r for r in rows if r[0] is not None]
    shown, rest = named[:_CHART_CATEGORIES], named[_CHART_CATEGORIES:]
    rest += [r for r in rows if r[0] is None]
    if rest:
        shown.append((None, sum(r[1] for r in rest), sum(r[2] for r in rest)))
    labels = [
        "(other)" if v is None else (v if len(v) <= _LABEL_CHARS else v[: _LABEL_CHARS - 1] + "…")
        for v, _, _ in shown
    ]
    fig = go.Figure()
    for index, (name, colour) in enumerate(zip(names, SIDE_COLOURS, strict=True)):
        counts = [r[2] if index else r[1] for r in shown]
        fig.add_trace(
            go.Bar(
                x=_shares(counts),
                y=labels,
                orientation="h",
                name=name,
                marker={
                    "color": colour,
                    "opacity": [0.45 if v is None else 1.0 for v, _, _ in shown],
                },
                customdata=[[c] for c in counts],
                hovertemplate=f"{name}: %{{y}}: %{{customdata[0]:,}} (%{{x:.1%}})<extra></extra>",
            )
        )
    fig.update_layout(
        barmode="group",
        xaxis={"title": {"text": "share of values"}, "tickformat": ".0%"},
        yaxis={"automargin": True, "type": "category", "autorange": "reversed"},
    )
    height = max(260, 90 + 30 * len(labels))
    chart_layout(fig, title, theme, kind="overlay", height=height, meta={"method": "categories"})
    return _with_legend(fig)


def _with_legend(fig: go.Figure) -> go.Figure:
    """Both sides named in a legend between the title and the plot."""
    return fig.update_layout(
        showlegend=True,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "xanchor": "left"},
        # The title at the very top, so a legend on two lines (narrow panes) stays below it.
        title={"y": 0.995, "yanchor": "top", "yref": "container"},
        margin={"t": 84},
    )


def correlation_change_heatmap(
    comparison: Comparison,
    method: CorrelationMethod | str = "pearson",
    part: str = "difference",
    theme: str = "light",
    *,
    names: Sequence[str] = ("A", "B"),
) -> go.Figure:
    """A correlation matrix of one side (``part`` ``a`` or ``b``) or their ``difference``."""
    method = CorrelationMethod(method)
    found = comparison.get("correlations", {}).get(method.value)
    what = {"a": names[0], "b": names[1], "difference": f"{names[1]} − {names[0]}"}[part]
    title = f"Correlations ({method.label}): {what}"
    if not found:
        return message_chart(title, "Not computed on both sides", theme, kind="correlation_change")
    columns = found["columns"]
    signed = method.signed or part == "difference"
    limit = 1.0
    if part == "difference":
        # The scale spans the largest change (at least 0.1), so small changes still show.
        moved = [abs(v) for row in found["difference"] for v in row if v is not None]
        limit = max(0.1, math.ceil(max(moved, default=0.0) * 10) / 10)
    fig = go.Figure(
        go.Heatmap(
            z=found[part],  # type: ignore[literal-required]
            x=columns,
            y=columns,
            zmin=-limit if signed else 0,
            zmax=limit,
            zmid=0 if signed else None,
            colorscale=DIVERGING if signed else [[0.0, "#F7F7F7"], [1.0, "#0072B2"]],
            hovertemplate="%{y} × %{x}: %{z:.3f}<extra></extra>",
            colorbar={"title": {"text": "change" if part == "difference" else method.label}},
        )
    )
    fig.update_layout(yaxis={"autorange": "reversed"}, xaxis={"tickangle": -45})
    size = max(320, 60 + 24 * len(columns))
    return chart_layout(
        fig, title, theme, kind="correlation_change", height=size, meta={"part": part}
    )
