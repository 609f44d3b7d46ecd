"""HTML for notebooks: a compact summary of a profile or a comparison, and the full report.

:func:`profile_summary` is what a profile shows as a cell's output: the dataset's
figures, the alerts, a table of the columns, and a few of the report's charts
(:mod:`core.present.charts`: the overview, missing values, and a histogram per
numeric column up to a limit). It is self-contained and offline: the charts are
drawn by plotly.js from the installed plotly package, carried compressed (see
:mod:`core.present.figures`) by the first summary of a kernel only
(``include_plotly``); later ones wait for the page's ``window.Plotly`` and,
when it has not come within a few seconds, say in one line how to get the charts
(while still drawing them if it comes). Nothing
is fetched from the network: no CDN, no fonts.

Every name and value is escaped, and the figures' JSON inside ``<script>``
escapes ``<``, ``>`` and ``&``: a column named ``<script>`` is shown as that text.

:func:`report_frame` puts the full offline report in an ``<iframe srcdoc>``;
:func:`comparison_summary` shows a comparison's alerts and drift table.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from core.compare.document import Comparison
from core.present import charts
from core.present.compare_charts import overlay_figure
from core.present.figures import FigureStore, plotly_gzip_b64
from core.present.markup import escape as _e
from core.present.markup import number as _number
from core.present.markup import percent as _percent
from core.present.numbers import plain_integers
from core.present.report import render_report
from core.profiling.document import Alert, ColumnProfile, Profile

__all__ = [
    "HISTOGRAMS",
    "OVERLAYS",
    "comparison_summary",
    "html_frame",
    "profile_summary",
    "report_frame",
]

#: Numeric columns at most that get a histogram in the summary.
HISTOGRAMS = 6
#: Drifted columns at most whose overlay a comparison's summary draws.
OVERLAYS = 4
# Columns at most listed in the summary's table, and alerts at most shown.
_COLUMNS = 200
_ALERTS = 15
_ASSETS = Path(__file__).with_name("assets")
_WAIT_MESSAGE = (
    "No charts: they need plotly.js, which only the first Loupe summary of a kernel carries, "
    "and that output is not on this page (cleared, or the notebook was reopened). Restart "
    "the kernel and run the cells again, or show the full report with .to_notebook()."
)
# How long a summary without plotly.js waits for another output's before saying so (ms):
# the output that carries it starts loading it as soon as its script runs.
_WAIT_MS = 3000


@lru_cache(maxsize=1)
def _assets() -> tuple[str, str]:
    """The summary's stylesheet and script."""
    css, js = (
        (_ASSETS / name).read_text(encoding="utf-8") for name in ("notebook.css", "notebook.js")
    )
    return css, js


def profile_summary(
    profile: Profile,
    *,
    include_plotly: bool,
    histograms: int = HISTOGRAMS,
    element_id: str | None = None,
) -> str:
    """A profile's compact summary as an HTML fragment for a notebook cell.

    Args:
        profile: a profile document.
        include_plotly: carry plotly.js (the first summary shown in a page must;
            later ones find it loaded).
        histograms: numeric columns at most that get a histogram.
        element_id: the id of the summary's element (a new unique one by default).

    Returns:
        An HTML fragment: one ``<div>`` with its style, data and script.
    """
    uid = element_id or f"loupe-{uuid.uuid4().hex[:12]}"
    figures = FigureStore("light")
    plots = figures.add(charts.overview(profile, "light"), f"{uid}-overview")
    if profile["dataset"]["missing_cells"]:
        plots += figures.add(charts.missing_bar(profile, "light"), f"{uid}-missing")
    # Constant columns say all in the table: their "histogram" is one bar.
    numeric = [c for c in profile["columns"] if c["kind"] == "numeric" and c["distinct"] > 1]
    for i, column in enumerate(numeric[:histograms]):
        plots += figures.add(charts.numeric_histogram(column, "light"), f"{uid}-hist-{i}")
    dataset = profile["dataset"]
    source = profile.get("source", {})
    name = source.get("name") or source.get("path") or "merged profile"
    duplicates = "unknown"
    if dataset["duplicate_rows"] is not None:
        share = _percent(dataset["duplicate_rows_fraction"])
        duplicates = f"{_number(dataset['duplicate_rows'])} ({share})"
    head = (
        f'<div class="loupe-head"><strong>Loupe profile</strong> · {_e(name)}</div>'
        f'<div class="loupe-facts">{_number(dataset["rows"])} rows × '
        f"{_number(dataset['columns'])} columns · missing cells "
        f"{_number(dataset['missing_cells'])} ({_percent(dataset['missing_cells_fraction'])}) · "
        f"duplicate rows {duplicates}</div>"
    )
    more = " (and the rest in to_notebook() or to_html())" if len(numeric) > histograms else ""
    return _fragment(
        uid,
        head
        + _alerts(profile["alerts"])
        + _columns_table(profile["columns"])
        + f'<div class="loupe-plots">{plots}</div>'
        + f'<p class="loupe-status">drawing charts{_e(more)}…</p>',
        figures,
        include_plotly=include_plotly,
    )


def _fragment(uid: str, body: str, figures: FigureStore, *, include_plotly: bool) -> str:
    """The summary's element: body, style, figures' data, plotly.js if asked, and the script."""
    css, js = _assets()
    plotly = (
        f'<script type="application/octet-stream" class="loupe-plotly">{plotly_gzip_b64()}</script>'
        if include_plotly
        else ""
    )
    # The id is ours (hex), the message a constant: both safe inside the script.
    script = (
        js.replace("__LOUPE_ID__", uid)
        .replace("__LOUPE_WAIT_MS__", str(_WAIT_MS))
        .replace("__LOUPE_WAIT__", _WAIT_MESSAGE)
    )
    return (
        f'<div class="loupe-nb" id="{_e(uid)}"><style>{css}</style>{body}'
        f'<script type="application/json" class="loupe-figures">{figures.payload()}</script>'
        f"{plotly}<script>{script}</script></div>"
    )


def _alerts(alerts: Sequence[Alert]) -> str:
    """The alerts, most severe first, the first few open."""
    if not alerts:
        return '<p class="loupe-dim">No alerts.</p>'
    items = "".join(
        f'<li><span class="loupe-badge loupe-{_e(a["severity"])}">{_e(a["severity"])}</span> '
        f"{_e(a['message'])}</li>"
        for a in alerts[:_ALERTS]
    )
    if len(alerts) > _ALERTS:
        items += f'<li class="loupe-dim">… and {len(alerts) - _ALERTS:,} more</li>'
    return (
        f"<details open><summary>Alerts ({len(alerts):,})</summary>"
        f'<ul class="loupe-alerts">{items}</ul></details>'
    )


def _typical(column: ColumnProfile) -> str:
    """The mean of numbers and durations, else the most frequent value (escaped)."""
    if column["kind"] in ("numeric", "duration") and column.get("mean") is not None:
        unit = " s" if column["kind"] == "duration" else ""
        separators = not plain_integers(column)  # years read "2013"
        return f"mean {_number(column.get('mean'), separators=separators)}{unit}"
    if column["top_values"]:
        top = column["top_values"][0]
        return f"{_e(_short(top['value']))} <span class=loupe-dim>×{_number(top['count'])}</span>"
    return "—"


def _short(value: Any, limit: int = 40) -> str:
    """A value as text, cut to ``limit`` characters."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _columns_table(columns: Sequence[ColumnProfile]) -> str:
    """A row per column: kind, type, missing, distinct, and the mean or most frequent value."""
    rows = "".join(
        f"<tr><td>{_e(c['name'])}</td><td>{_e(c['kind'])}</td>"
        f"<td class=loupe-dim>{_e(_short(c['dtype'], 30))}</td>"
        f"<td>{_number(c['missing'])} "
        f"<span class=loupe-dim>({_percent(c['missing_fraction'])})</span></td>"
        f"<td>{_number(c['distinct'])}{'' if c['distinct_exact'] else ' ≈'}</td>"
        f"<td>{_typical(c)}</td></tr>"
        for c in columns[:_COLUMNS]
    )
    if len(columns) > _COLUMNS:
        more = len(columns) - _COLUMNS
        rows += f'<tr><td colspan=6 class="loupe-dim">… and {more:,} more columns</td></tr>'
    return (
        '<div class="loupe-scroll"><table class="loupe-columns"><tr><th>column</th><th>kind</th>'
        "<th>type</th><th>missing</th><th>distinct</th><th>mean / top value</th></tr>"
        f"{rows}</table></div>"
    )


def report_frame(profile: Profile, *, height: int = 800, **options: Any) -> str:
    """The full offline report (:func:`~core.present.report.render_report`) in an iframe.

    Args:
        profile: a profile document.
        height: the frame's height in pixels.
        options: passed to :func:`~core.present.report.render_report`.
    """
    return html_frame(render_report(profile, **options), height=height)


def html_frame(page: str, *, height: int = 800) -> str:
    """A whole HTML page (a report) in an iframe, for a notebook.

    The page goes in the ``srcdoc`` attribute, escaped. The frame is sandboxed: it
    runs its own scripts, in an origin of its own, so it can neither reach the
    notebook's page nor navigate it, open windows or submit forms.

    Args:
        page: the HTML document.
        height: the frame's height in pixels.
    """
    return (
        f'<iframe class="loupe-report" sandbox="allow-scripts" '
        f'srcdoc="{_e(page)}" '
        f'style="width:100%;height:{int(height)}px;border:1px solid #ddd"></iframe>'
    )


def comparison_summary(
    comparison: Comparison,
    *,
    names: Sequence[str | None] = (),
    include_plotly: bool = True,
    overlays: int = OVERLAYS,
    element_id: str | None = None,
) -> str:
    """A comparison's compact summary: sides, alerts, the columns sorted by drift, and charts.

    Args:
        comparison: a comparison document.
        names: what to call the sides (default: their sources' names).
        include_plotly: carry plotly.js (see :func:`profile_summary`).
        overlays: the most drifted columns at most (those with a drift alert) whose
            two distributions are drawn over each other.
        element_id: the id of the summary's element (a new unique one by default).
    """
    sides = [comparison["a"], comparison["b"]]
    labels = [
        (names[i] if i < len(names) and names[i] else None) or side["name"] or "ab"[i]
        for i, side in enumerate(sides)
    ]
    schema = comparison["schema"]
    changes = []
    for what, listed in (("added", schema["added"]), ("removed", schema["removed"])):
        if listed:
            changes.append(f"{what}: {', '.join(listed)}")
    if schema["retyped"]:
        changes.append("retyped: " + ", ".join(r["column"] for r in schema["retyped"]))
    head = (
        f'<div class="loupe-head"><strong>Loupe comparison</strong> · {_e(labels[0])} → '
        f"{_e(labels[1])}</div>"
        f'<div class="loupe-facts">rows {_number(sides[0]["rows"])} → {_number(sides[1]["rows"])}'
        f" · columns {_number(sides[0]['columns'])} → {_number(sides[1]['columns'])}"
        + (f" · {_e('; '.join(changes))}" if changes else "")
        + "</div>"
    )
    rows = "".join(
        f"<tr><td>{_e(d['column'])}</td><td>{_e(d['kind'])}</td>"
        f"<td>{_severity(d['severity'])}</td><td>{_number(d['js_distance'])}</td>"
        f"<td>{_number(d['psi'])}</td><td>{_number(d['ks'])}</td></tr>"
        for d in comparison["drift"][:_COLUMNS]
    )
    if len(comparison["drift"]) > _COLUMNS:
        more = len(comparison["drift"]) - _COLUMNS
        rows += f'<tr><td colspan=6 class="loupe-dim">… and {more:,} more columns</td></tr>'
    table = (
        '<div class="loupe-scroll"><table class="loupe-columns"><tr><th>column</th><th>kind</th>'
        "<th>drift</th><th>JS distance</th><th>PSI</th><th>KS</th></tr>"
        f"{rows}</table></div>"
    )
    uid = element_id or f"loupe-{uuid.uuid4().hex[:12]}"
    figures = FigureStore("light")
    columns = {c["name"]: c for c in comparison["columns"]}
    drifted = [d["column"] for d in comparison["drift"] if d["severity"]][:overlays]
    plots = "".join(
        figures.add(overlay_figure(columns[name], "light", names=labels), f"{uid}-overlay-{i}")
        for i, name in enumerate(drifted)
    )
    body = head + _alerts(comparison["alerts"]) + table
    if not plots:
        css, _ = _assets()
        return f'<div class="loupe-nb" id="{uid}"><style>{css}</style>{body}</div>'
    return _fragment(
        uid,
        body
        + f'<div class="loupe-plots">{plots}</div>'
        + '<p class="loupe-status">drawing charts…</p>',
        figures,
        include_plotly=include_plotly,
    )


def _severity(severity: str | None) -> str:
    """A severity badge, or a dash below the thresholds."""
    if severity is None:
        return '<span class="loupe-dim">—</span>'
    return f'<span class="loupe-badge loupe-{_e(severity)}">{_e(severity)}</span>'
