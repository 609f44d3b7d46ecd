"""Plotly figures of a profile (never of raw data: nothing here recomputes statistics).

Each function takes a profile, or one column of it, and returns a
``plotly.graph_objects.Figure``. The same figures serve the HTML report and
the desktop app. Colours come from the Okabe-Ito palette (safe for colour
blindness); correlations use a diverging scale centred on 0; ``theme`` is
``light`` or ``dark``.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import plotly.graph_objects as go

from core.present.numbers import plain_integers
from core.present.palette import OKABE_ITO, kind_colour
from core.profiling.correlations import CorrelationMethod, matrix_of
from core.profiling.document import ColumnProfile, Profile, Severity

__all__ = [
    "DIVERGING",
    "OKABE_ITO",
    "OTHER_COLOUR",
    "SEVERITY_COLOURS",
    "chart_layout",
    "column_figures",
    "correlation_heatmap",
    "datetime_histogram",
    "length_histogram",
    "message_chart",
    "missing_bar",
    "nullity_heatmap",
    "numeric_histogram",
    "overview",
    "plotly_date",
    "top_values_bar",
]

OTHER_COLOUR = "#999999"  # "other" values: grey, visible on light and dark backgrounds
SEVERITY_COLOURS = {
    Severity.CRITICAL: "#D55E00",
    Severity.WARNING: "#E69F00",
    Severity.INFO: "#56B4E9",
}
# Blue to red through white: diverging, and readable for the common colour blindnesses.
DIVERGING = [
    [0.0, "#2166AC"],
    [0.25, "#92C5DE"],
    [0.5, "#F7F7F7"],
    [0.75, "#F4A582"],
    [1.0, "#B2182B"],
]
_SEQUENTIAL = [[0.0, "#F7F7F7"], [1.0, "#0072B2"]]

Column = ColumnProfile


def chart_kind(fig: go.Figure) -> str | None:
    """Which of Loupe's charts ``fig`` is (``"top_values"``, ``"numeric_histogram"``, …).

    Stored in the figure's ``layout.meta``, so views can tell charts apart
    without reading their titles.
    """
    meta = fig.layout.meta
    return str(meta["chart"]) if isinstance(meta, dict) and "chart" in meta else None


def chart_layout(
    fig: go.Figure,
    title: str,
    theme: str,
    *,
    kind: str,
    height: int = 320,
    meta: Mapping[str, Any] | None = None,
) -> go.Figure:
    """Common look: template, palette, margins, title; ``kind`` (and ``meta``) tag the figure."""
    fig.update_layout(
        meta={"chart": kind, **(meta or {})},
        template="plotly_dark" if theme == "dark" else "plotly_white",
        colorway=list(OKABE_ITO),
        title={"text": title, "x": 0.0, "font": {"size": 14}},
        height=height,
        margin={"l": 60, "r": 20, "t": 40, "b": 50},
        hoverlabel={"namelength": -1},
        showlegend=False,
    )
    return fig


def message_chart(title: str, text: str, theme: str, *, kind: str) -> go.Figure:
    """A chart with nothing to draw: one centred line saying why, and no axes."""
    fig = go.Figure()
    fig.add_annotation(
        text=text,
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        showarrow=False,
        font={"size": 14},
    )
    fig.update_layout(xaxis={"visible": False}, yaxis={"visible": False})
    return chart_layout(fig, title, theme, kind=kind, height=160, meta={"empty": True})


def _plural(n: int, noun: str) -> str:
    """``1 row``, ``2 rows``."""
    return f"{n:,} {noun}" if n == 1 else f"{n:,} {noun}s"


def _is_integer(column: Column) -> bool:
    """Whether the column holds whole numbers by type (Int8 … UInt64)."""
    return column.get("dtype", "").lstrip("U").startswith("Int")


def _value_text(value: Any) -> str:
    """A value as it reads: whole floats without ``.0``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _centres(edges: list[float]) -> list[float]:
    """Bin centres."""
    return [(a + b) / 2 for a, b in itertools.pairwise(edges)]


# The quantile labels' font (9 px) is about 6 px a character; the narrowest plot they
# must fit is the desktop's chart pane, about 400 px wide.
_LABEL_CHAR_PX = 6.0
_NARROWEST_PLOT_PX = 400.0


def _quantile_labels(
    quantiles: Mapping[str, float], span: tuple[float, float]
) -> list[tuple[float, str]]:
    """Where to write the quantiles' names on an axis over ``span``, and what.

    Names that would print over each other merge into one label centred on
    them ("5% · 25% · 50%"), until no two labels touch on the narrowest plot.
    """
    width = (span[1] - span[0]) or 1.0
    per_char = width * _LABEL_CHAR_PX / _NARROWEST_PLOT_PX  # axis units a character takes
    groups = [[(v, f"{float(q):.0%}")] for q, v in sorted(quantiles.items(), key=lambda i: i[1])]

    def placed(group: list[tuple[float, str]]) -> tuple[float, str]:
        return (group[0][0] + group[-1][0]) / 2, " · ".join(text for _, text in group)

    def clash(a: list[tuple[float, str]], b: list[tuple[float, str]]) -> bool:
        (xa, ta), (xb, tb) = placed(a), placed(b)
        return xb - xa < (len(ta) + len(tb) + 2) / 2 * per_char  # a character's room between

    merged = True
    while merged:
        merged = False
        for i in range(len(groups) - 1):
            if clash(groups[i], groups[i + 1]):
                groups[i : i + 2] = [groups[i] + groups[i + 1]]
                merged = True
                break
    return [placed(group) for group in groups]


def numeric_histogram(column: Column, theme: str = "light") -> go.Figure:
    """Histogram of a numeric column with quantile markers and a box summary above it."""
    title = f"{column['name']}: distribution"
    histogram = column.get("histogram") or {"edges": [], "counts": []}
    edges, counts = histogram["edges"], histogram["counts"]
    if not counts or not any(counts):
        return message_chart(title, "No values to draw", theme, kind="numeric_histogram")
    low, high = column.get("min"), column.get("max")
    if column.get("distinct") == 1 or (low is not None and low == high):
        only = _value_text(low if low is not None else edges[0])
        return message_chart(title, f"every value is {only}", theme, kind="numeric_histogram")
    integer = _is_integer(column)
    if integer:
        # Bins run from k - 0.5 to k + w - 0.5: name the whole numbers they hold.
        spans = [(round(a + 0.5), round(b - 0.5)) for a, b in itertools.pairwise(edges)]
        labels = [f"{lo}" if lo == hi else f"{lo} to {hi}" for lo, hi in spans]
    else:
        labels = [f"{a:.4g} to {b:.4g}" for a, b in itertools.pairwise(edges)]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=_centres(edges),
            y=counts,
            width=[b - a for a, b in itertools.pairwise(edges)],
            customdata=[[a, b] for a, b in itertools.pairwise(edges)],
            text=[f"{lab}: {_plural(n, 'value')}" for lab, n in zip(labels, counts, strict=True)],
            textposition="none",
            hovertemplate="%{text}<extra></extra>",
            marker={"color": OKABE_ITO[0]},
            name="count",
            yaxis="y",
        )
    )
    quantiles = column.get("quantiles") or {}
    if quantiles and column.get("min") is not None:
        fig.add_trace(
            go.Box(
                q1=[quantiles["0.25"]],
                median=[quantiles["0.5"]],
                q3=[quantiles["0.75"]],
                lowerfence=[column["min"]],
                upperfence=[column["max"]],
                mean=[column["mean"]],
                y=[column["name"]],
                orientation="h",
                yaxis="y2",
                marker={"color": OKABE_ITO[1]},
                name="summary",
                hoverinfo="x",
            )
        )
        for value in quantiles.values():
            fig.add_vline(x=value, line={"dash": "dot", "width": 1, "color": OKABE_ITO[3]})
        span = (min(edges[0], column["min"]), max(edges[-1], column["max"]))
        for x, text in _quantile_labels(quantiles, span):
            fig.add_annotation(
                x=x,
                y=1.0,
                xref="x",
                yref="y domain",
                yanchor="bottom",
                text=text,
                showarrow=False,
                font={"size": 9, "color": OKABE_ITO[3]},
            )
    plain = {"tickformat": "d", "hoverformat": "d"} if plain_integers(column) else {}
    fig.update_layout(
        xaxis={"title": {"text": column["name"]}, **plain},
        yaxis={"title": {"text": "count"}, "domain": [0.0, 0.78]},
        yaxis2={"domain": [0.84, 1.0], "showticklabels": False},
        bargap=0.02,
    )
    return chart_layout(fig, title, theme, kind="numeric_histogram")


def _bar_colour(label: str) -> str:
    """A top value's bar colour: grey for "(other)"."""
    return OTHER_COLOUR if label == "(other)" else OKABE_ITO[0]


def top_values_bar(column: Column, theme: str = "light", *, limit: int = 10) -> go.Figure:
    """The most frequent values as horizontal bars, with the rest as "other"."""
    top = list(column.get("top_values") or [])[:limit]
    labels = [str(v["value"]) for v in top]
    counts = [v["count"] for v in top]
    other = column["count"] - sum(v["count"] for v in column.get("top_values") or [])
    rest = other + sum(v["count"] for v in (column.get("top_values") or [])[limit:])
    if rest > 0:
        labels.append("(other)")
        counts.append(rest)
    total = max(column["count"], 1)
    fig = go.Figure(
        go.Bar(
            x=counts[::-1],
            y=[label if len(label) <= 40 else label[:39] + "…" for label in labels[::-1]],
            orientation="h",
            customdata=[[c / total] for c in counts[::-1]],
            hovertemplate="%{y}: %{x:,} (%{customdata[0]:.1%})<extra></extra>",
            marker={
                "color": [
                    OTHER_COLOUR if lab == "(other)" else OKABE_ITO[0] for lab in labels[::-1]
                ]
            },
        )
    )
    # Categories, or labels like "2012" would be read as numbers and respaced.
    fig.update_layout(
        xaxis={"title": {"text": "count"}}, yaxis={"automargin": True, "type": "category"}
    )
    return chart_layout(
        fig,
        f"{column['name']}: most frequent values",
        theme,
        kind="top_values",
        height=max(220, 40 + 26 * len(labels)),
        meta={"values": len(top)},  # the bars above these many are "(other)"
    )


def datetime_histogram(column: Column, theme: str = "light") -> go.Figure:
    """Values over time."""
    histogram = column.get("histogram") or {"edges": [], "counts": []}
    edges = [plotly_date(e, column) for e in histogram["edges"]]
    fig = go.Figure(
        go.Bar(
            x=edges[:-1],
            y=histogram["counts"],
            customdata=[
                [b, _plural(n, "value")]
                for b, n in zip(edges[1:], histogram["counts"], strict=True)
            ],
            hovertemplate="%{x} to %{customdata[0]}: %{customdata[1]}<extra></extra>",
            marker={"color": OKABE_ITO[2]},
            offset=0,
        )
    )
    zone = f" ({column['time_zone']})" if column.get("time_zone") else ""
    time_of_day = column["kind"] == "time"
    fig.update_layout(
        xaxis={
            "title": {"text": column["name"] + zone},
            "type": "date",
            **({"tickformat": "%H:%M"} if time_of_day else {}),
        },
        yaxis={"title": {"text": "count"}},
        bargap=0.05,
    )
    title = "through the day" if time_of_day else "over time"
    return chart_layout(fig, f"{column['name']}: {title}", theme, kind="datetime_histogram")


def plotly_date(text: str, column: Column) -> str:
    """An ISO instant as Plotly's date axis reads it: wall-clock time, offset dropped.

    Plotly has no time zones; the column's zone goes in the axis title instead.
    Times of day are placed on 1970-01-01.
    """
    if column["kind"] == "time":
        return f"1970-01-01 {text}"
    if column.get("time_zone") and len(text) > 6 and text[-6] in "+-" and text[-3] == ":":
        return text[:-6]
    return text


_LENGTH_UNITS = {"binary": "bytes", "list": "elements"}


def length_histogram(column: Column, theme: str = "light") -> go.Figure:
    """Distribution of lengths: of strings, binary values or lists."""
    unit = _LENGTH_UNITS.get(column["kind"], "characters")
    length = column.get("length")
    histogram = length["histogram"] if length else {"edges": [], "counts": []}
    edges = histogram["edges"]
    fig = go.Figure(
        go.Bar(
            x=_centres(edges),
            y=histogram["counts"],
            width=[b - a for a, b in itertools.pairwise(edges)],
            text=[_plural(n, "value") for n in histogram["counts"]],
            textposition="none",
            hovertemplate="length %{x:.0f}: %{text}<extra></extra>",
            marker={"color": OKABE_ITO[4]},
        )
    )
    fig.update_layout(
        xaxis={"title": {"text": f"length ({unit})"}}, yaxis={"title": {"text": "count"}}
    )
    what = {"bytes": "sizes", "elements": "list lengths"}.get(unit, "string lengths")
    return chart_layout(fig, f"{column['name']}: {what}", theme, kind="length_histogram")


def correlation_heatmap(
    profile: Profile, method: CorrelationMethod | str = "pearson", theme: str = "light"
) -> go.Figure:
    """A correlation matrix: ``pearson``, ``spearman`` or ``cramers_v``."""
    method = CorrelationMethod(method)
    block = matrix_of(profile["correlations"], method)
    names = block["columns"]
    signed = method.signed
    fig = go.Figure(
        go.Heatmap(
            z=block["matrix"],
            x=names,
            y=names,
            zmin=-1 if signed else 0,
            zmax=1,
            zmid=0 if signed else None,
            colorscale=DIVERGING if signed else _SEQUENTIAL,
            hovertemplate="%{y} × %{x}: %{z:.3f}<extra></extra>",
            colorbar={"title": {"text": method.label}},
        )
    )
    fig.update_layout(yaxis={"autorange": "reversed"}, xaxis={"tickangle": -45})
    size = max(320, 60 + 24 * len(names))
    return chart_layout(
        fig, f"Correlations ({method.label})", theme, kind="correlation", height=size
    )


MISSING_BAR_COLUMNS = 40  # above this, only the columns with missing values, most first


def missing_bar(profile: Profile, theme: str = "light") -> go.Figure:
    """Missing values per column, on an axis scaled to the largest share.

    Above ``MISSING_BAR_COLUMNS`` columns only those with missing values are
    drawn, the most missing first; if they are still too many to label, the
    labels are hidden and the names are read by hovering.
    """
    title = "Missing values per column"
    entries = list(profile["missing"]["columns"])
    if not any(e["missing"] for e in entries):
        return message_chart(title, "No missing values", theme, kind="missing_bar")
    if len(entries) > MISSING_BAR_COLUMNS:
        entries = sorted((e for e in entries if e["missing"]), key=lambda e: -e["fraction"])
    top = max(e["fraction"] for e in entries)
    fig = go.Figure(
        go.Bar(
            x=[e["column"] for e in entries],
            y=[e["fraction"] for e in entries],
            customdata=[[_plural(e["missing"], "value")] for e in entries],
            hovertemplate="%{x}: %{customdata[0]} missing (%{y:.1%})<extra></extra>",
            marker={"color": OKABE_ITO[3]},
        )
    )
    fig.update_layout(
        yaxis={
            "title": {"text": "missing"},
            "tickformat": ".0%" if top >= 0.05 else ".1%",
            "range": [0, min(1.0, max(top * 1.1, 0.02))],
        },
        xaxis={
            "tickangle": -45,
            "type": "category",
            "showticklabels": len(entries) <= MISSING_BAR_COLUMNS,
        },
    )
    return chart_layout(fig, title, theme, kind="missing_bar")


def nullity_heatmap(profile: Profile, theme: str = "light") -> go.Figure:
    """How columns go missing together (correlation of their missing-value indicators)."""
    block = profile["missing"]["nullity_correlation"]
    fig = go.Figure(
        go.Heatmap(
            z=block["matrix"],
            x=block["columns"],
            y=block["columns"],
            zmin=-1,
            zmax=1,
            zmid=0,
            colorscale=DIVERGING,
            hovertemplate="%{y} × %{x}: %{z:.3f}<extra></extra>",
            colorbar={"title": {"text": "nullity r"}},
        )
    )
    fig.update_layout(yaxis={"autorange": "reversed"})
    height = max(300, 60 + 24 * len(block["columns"]))
    return chart_layout(fig, "Missing together", theme, kind="nullity_heatmap", height=height)


def overview(profile: Profile, theme: str = "light") -> go.Figure:
    """Column kinds and alerts by severity, side by side."""
    kinds = profile["dataset"]["kinds"]
    severities = dict.fromkeys(Severity, 0)
    for alert in profile["alerts"]:
        severities[alert["severity"]] += 1
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=list(kinds),
            y=list(kinds.values()),
            marker={"color": [kind_colour(kind) for kind in kinds]},
            customdata=[_plural(n, "column") for n in kinds.values()],
            hovertemplate="%{x}: %{customdata}<extra></extra>",
            xaxis="x",
            yaxis="y",
        )
    )
    fig.add_trace(
        go.Bar(
            x=[s.value for s in severities],
            y=list(severities.values()),
            marker={"color": [SEVERITY_COLOURS[s] for s in severities]},
            customdata=[_plural(n, "alert") for n in severities.values()],
            hovertemplate="%{x}: %{customdata}<extra></extra>",
            xaxis="x2",
            yaxis="y2",
        )
    )
    fig.update_layout(
        xaxis={"domain": [0.0, 0.45], "title": {"text": "column kinds"}},
        xaxis2={"domain": [0.55, 1.0], "title": {"text": "alerts"}},
        yaxis={"title": {"text": "columns"}},
        yaxis2={"anchor": "x2", "title": {"text": "alerts"}},
    )
    return chart_layout(fig, "Overview", theme, kind="overview", height=280)


def column_figures(column: Column, theme: str = "light") -> list[go.Figure]:
    """The figures that describe a column, by its kind."""
    kind = column["kind"]
    if not column["count"]:
        return []
    # Where values hardly repeat, "most frequent" is noise.
    top_share = column["top_values"][0]["count"] / column["count"] if column["top_values"] else 0.0
    repeats = column["distinct"] <= 1000 or top_share >= 0.01
    if kind in ("numeric", "duration"):
        top = [top_values_bar(column, theme)] if repeats else []
        return [numeric_histogram(column, theme), *top]
    if kind in ("datetime", "time"):
        return [datetime_histogram(column, theme)]
    if kind in ("empty", "unsupported"):
        return []
    if kind == "boolean":
        return [top_values_bar(column, theme)]
    top = [top_values_bar(column, theme)] if repeats else []
    return [*top, length_histogram(column, theme)]
