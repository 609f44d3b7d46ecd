"""The standalone HTML report of a profile: one file that works offline.

plotly.js is embedded once, compressed, and inflated in the browser with the
standard ``DecompressionStream`` (see :mod:`core.present.figures`). Figures are
drawn only when their panel scrolls into view, so reports of wide tables open
quickly. Nothing is fetched from the network: no CDN, no fonts, no images.

The page is ``assets/profile.html`` filled in section by section, one helper each,
inside the page all reports share (:mod:`core.present.page`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from core.output import write_text
from core.present import charts
from core.present.column_stats import column_stats
from core.present.figures import FigureStore
from core.present.markup import alert_list, rows_table, stats_table
from core.present.markup import escape as _e
from core.present.markup import number as _number
from core.present.markup import percent as _percent
from core.present.page import asset, render_page, section_links
from core.present.scope import profile_scope
from core.profiling.correlations import CorrelationMethod, matrix_of
from core.profiling.document import Profile

__all__ = ["render_report", "write_report"]

_SECTIONS = (
    (("overview", "Overview"), ("correlations", "Correlations")),
    (("missing", "Missing values"), ("duplicates", "Duplicate rows")),
    (("samples", "Sample rows"), ("how", "How the file was read")),
)


def _missing_tokens(read: Mapping[str, Any]) -> str:
    """What was read as missing, and why (for "How the file was read")."""
    tokens = ", ".join(f'"{t}"' for t in read.get("missing_tokens") or [])
    if not tokens:
        return "empty cells only" if read.get("format") in ("delimited", "excel", "ods") else "—"
    columns = [n for n, t in (read.get("column_types") or {}).items() if t.get("missing_tokens")]
    match read.get("missing_source"):
        case "option":
            return f"{tokens}, as asked for, in every column"
        case "none":
            return f"{tokens} in number and date columns; kept as values in text columns"
    text = f" and in the text columns {', '.join(columns)}" if columns else ""
    return f"{tokens}: the file's marker, read as missing in number and date columns{text}"


def _alerts(profile: Profile, column: str | None = None) -> str:
    """Alerts as a list with severity badges (those about ``column`` when given).

    Long lists are cut (100 in the overview, 10 per column), most severe first,
    so a wide table with thousands of correlated pairs still makes a small file.
    """
    items = [a for a in profile["alerts"] if column is None or column in a["columns"]]
    if not items:
        return "" if column else "<p>No alerts.</p>"
    return alert_list(items, 10 if column else 100)


def _insights(profile: Profile) -> str:
    """The AI insights kept with the profile, if any: evidence matching first, the others apart.

    "Evidence matches" says the figures an insight cites are the profile's, not
    that its conclusion is right.

    Everything the model wrote is escaped: a title ``<b>x</b>`` shows those characters.
    """
    kept = profile.get("insights") or []
    if not kept:
        return ""

    def item(insight: Mapping[str, Any]) -> str:
        mark = (
            '<span class="badge info">evidence matches</span>'
            if insight.get("status") == "verified"
            else '<span class="badge warning">evidence does not match</span>'
        )
        evidence = " · ".join(
            f"{e.get('metric')}{' of ' + str(e['column']) if e.get('column') else ''}: "
            f"{e.get('value')}"
            for e in insight.get("evidence", [])
        )
        asked = insight.get("question")
        return (
            f'<li><span class="badge {_e(insight.get("severity", "info"))}">'
            f"{_e(insight.get('severity', 'info'))}</span> {mark} "
            f"<strong>{_e(insight.get('title', ''))}</strong> {_e(insight.get('detail', ''))}"
            + (f'<br><span class="dim">Evidence: {_e(evidence)}</span>' if evidence else "")
            + (f'<br><span class="dim">Asked: {_e(asked)}</span>' if asked else "")
            + "</li>"
        )

    verified = [i for i in kept if i.get("status") == "verified"]
    unverified = [i for i in kept if i.get("status") != "verified"]
    models = sorted({str(i["model"]) for i in kept if i.get("model")})
    by = f" by {', '.join(models)}" if models else ""
    html = (
        f'<h3 id="insights">AI insights</h3><p class="dim">Written{by}. The evidence each '
        "cites is checked against this profile: it matches when every figure is the "
        "profile's. What the model concludes from them is not checked.</p>"
    )
    if verified:
        html += '<ul class="alerts">' + "".join(item(i) for i in verified) + "</ul>"
    if unverified:
        html += (
            f"<h4>Evidence does not match the profile ({len(unverified)}): "
            'check before relying on them</h4><ul class="alerts unverified">'
            + "".join(item(i) for i in unverified)
            + "</ul>"
        )
    return html


def render_report(
    profile: Profile,
    *,
    seconds: float | None = None,
    include_samples: bool = True,
    theme: str = "light",
) -> str:
    """The report of ``profile`` as one self-contained HTML document.

    Args:
        profile: a profile document.
        seconds: the time profiling took, shown under "How the file was read".
        include_samples: show the first and last rows (leave out for privacy).
        theme: ``light`` or ``dark``.
    """
    figures = FigureStore(theme)
    source = profile.get("source", {})
    name = source.get("name") or source.get("path") or "merged profile"
    # Figures are added in page order: the first one's layout is what the others share.
    overview = _overview(profile, figures)
    nav, panels = _columns(profile, figures)
    corr_html, sample_note = _correlations(profile, figures)
    missing = _missing(profile, figures)
    main = asset("profile.html").format(
        overview=overview,
        alerts=_alerts(profile) + _insights(profile),
        columns=panels,
        correlations=corr_html,
        correlation_note=_e(sample_note),
        missing=missing,
        duplicates=_duplicates(profile),
        samples=_samples(profile) if include_samples else "<p>Left out of this report.</p>",
        how=stats_table(_how_read(profile, seconds)),
        warnings=_warnings(profile),
    )
    return render_page(
        title=f"Loupe report: {name}",
        heading=name,
        summary=_e(_summary(profile)),
        sections=section_links(_SECTIONS),
        nav=nav,
        main=main,
        figures=figures,
    )


def _summary(profile: Profile) -> str:
    """The size in the page's header, and which rows when they are not the whole table."""
    dataset = profile["dataset"]
    if "view" in profile.get("source", {}):
        return f"{profile_scope(profile)} · {dataset['columns']:,} columns"
    return f"{dataset['rows']:,} rows × {dataset['columns']:,} columns"


def _overview(profile: Profile, figures: FigureStore) -> str:
    """The dataset's figures and the overview chart."""
    dataset = profile["dataset"]
    missing = f"{_number(dataset['missing_cells'])} ({_percent(dataset['missing_cells_fraction'])})"
    duplicates = (
        "unknown"
        if dataset["duplicate_rows"] is None
        else f"{_number(dataset['duplicate_rows'])} "
        f"({_percent(dataset['duplicate_rows_fraction'])})"
    )
    table = stats_table(
        [
            ("rows", _number(dataset["rows"])),
            ("columns", _number(dataset["columns"])),
            ("missing cells", missing),
            ("duplicate rows", duplicates),
            ("memory", f"{dataset['memory_bytes'] / 2**20:,.1f} MB"),
            ("kinds", _e(", ".join(f"{n} {k}" for k, n in dataset["kinds"].items()))),
        ]
    )
    return table + figures.add(charts.overview(profile, figures.theme), "fig-overview")


def _columns(profile: Profile, figures: FigureStore) -> tuple[str, str]:
    """The navigation list of columns, and a panel per column (figures, alerts, charts)."""
    nav = []
    panels = []
    for i, column in enumerate(profile["columns"]):
        anchor = f"col-{i}"
        name = column["name"]
        nav.append(
            f'<li data-name="{_e(name.lower())}"><a href="#{anchor}">{_e(name)}</a>'
            f' <span class="kind">{_e(column["kind"])}</span></li>'
        )
        plots = "".join(
            figures.add(fig, f"fig-{i}-{j}")
            for j, fig in enumerate(charts.column_figures(column, figures.theme))
        )
        panels.append(
            f'<section class="column" id="{anchor}" data-name="{_e(name.lower())}">'
            f"<h3>{_e(name)}</h3>{_alerts(profile, name)}"
            f'<div class="panel">{stats_table(column_stats(column))}'
            f'<div class="plots">{plots}</div></div></section>'
        )
    return "".join(nav), "".join(panels)


def _correlations(profile: Profile, figures: FigureStore) -> tuple[str, str]:
    """A heatmap per method with two columns or more, and what they were computed on."""
    correlations = profile["correlations"]
    maps = "".join(
        figures.add(
            charts.correlation_heatmap(profile, method, figures.theme), f"fig-corr-{method}"
        )
        for method in CorrelationMethod
        if len(matrix_of(correlations, method)["columns"]) > 1
    )
    rows = correlations["sample_rows"]
    note = (
        f"computed on all {rows:,} rows"
        if correlations["exact"]
        else f"computed on a uniform sample of {rows:,} rows"
    )
    return maps or "<p>Not enough numeric or categorical columns.</p>", note


def _missing(profile: Profile, figures: FigureStore) -> str:
    """Missing values per column, how they go together, and the common patterns."""
    missing = profile["missing"]
    parts = figures.add(charts.missing_bar(profile, figures.theme), "fig-missing")
    if len(missing["nullity_correlation"]["columns"]) > 1:
        parts += figures.add(charts.nullity_heatmap(profile, figures.theme), "fig-nullity")
    patterns = "".join(
        f"<tr><td>{_e(', '.join(p['columns']) or '(nothing missing)')}</td>"
        f"<td>{_number(p['count'])}</td></tr>"
        for p in missing["patterns"][:10]
    )
    return (
        f'{parts}<h3>Most common patterns</h3><table class="rows">'
        f"<tr><th>missing columns</th><th>rows</th></tr>{patterns}</table>"
    )


def _duplicates(profile: Profile) -> str:
    """How many rows repeat an earlier one."""
    dataset = profile["dataset"]
    duplicates = dataset["duplicate_rows"]
    if duplicates is None:
        return "<p>Unknown for this merged profile.</p>"
    share = _percent(dataset["duplicate_rows_fraction"])
    return f"<p>{_number(duplicates)} rows ({share}) repeat an earlier row exactly.</p>"


def _samples(profile: Profile) -> str:
    """The first and last rows."""
    samples = profile["samples"]
    return (
        f"<h3>First rows</h3>{rows_table(samples['head'])}"
        f"<h3>Last rows</h3>{rows_table(samples['tail'])}"
    )


def _how_read(profile: Profile, seconds: float | None) -> list[tuple[str, str]]:
    """How the file was read: format, encoding, dialect, types, missing values, engine."""
    source = profile.get("source", {})
    read = source.get("read") or {}
    dialect = read.get("dialect") or {}
    view = [("rows profiled", _e(profile_scope(profile)))] if "view" in source else []
    return [
        ("file", _e(source.get("path"))),
        *view,
        ("format", _e(source.get("format"))),
        ("size", f"{(source.get('size_bytes') or 0) / 2**20:,.1f} MB"),
        ("compression", _e(read.get("compression", "none"))),
        ("encoding", _e(read.get("encoding") or "—")),
        ("delimiter", _e(repr(dialect.get("delimiter"))) if dialect else "—"),
        ("sheet", _e(read.get("sheet") or "—")),
        ("types inferred from", _e(read.get("inference") or "—")),
        ("missing values", _e(_missing_tokens(read))),
        ("engine", _e(profile["engine"])),
        ("Loupe version", _e(profile.get("loupe_version"))),
        ("time taken", "—" if seconds is None else f"{seconds:,.2f} s"),
    ]


def _warnings(profile: Profile) -> str:
    """What the reader warned about, as a list (nothing when it did not)."""
    read = profile.get("source", {}).get("read") or {}
    warnings = "".join(f"<li>{_e(w)}</li>" for w in read.get("warnings", []))
    return f"<ul>{warnings}</ul>" if warnings else ""


def write_report(profile: Profile, path: str | Path, **options: Any) -> Path:
    """Write the report to ``path`` (complete or not at all).

    Raises:
        OutputError: the file cannot be written.
    """
    return write_text(path, render_report(profile, **options))
