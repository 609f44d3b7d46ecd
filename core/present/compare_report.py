"""The standalone HTML report of a comparison: one offline file, as the profile's report.

It shows, in the order an analyst checks them: what the two sides are, how the
dataset and its schema changed, the alerts, the columns sorted by drift, then a
section per column on both sides (figures side by side, drift statistics, both
distributions in the same buckets, categories that appeared or vanished, date
ranges), the correlations of both sides and their difference, and how the
comparison was made. Every figure comes from the comparison document; nothing
is computed again here. The page, its stylesheet and its lazy chart drawing are
those of the profile's report (:mod:`core.present.page`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from core.compare.document import Change, ColumnComparison, Comparison, CorrelationChange, Side
from core.output import write_text
from core.present.compare_charts import correlation_change_heatmap, overlay_figure
from core.present.compare_numbers import centre_text, no_drift_reason, values_plain
from core.present.figures import FigureStore
from core.present.markup import alert_list, stats_table
from core.present.markup import escape as _e
from core.present.markup import number as _number
from core.present.markup import percent as _percent
from core.present.numbers import format_duration, format_number, format_when
from core.present.page import asset, render_page, section_links
from core.profiling.correlations import CorrelationMethod
from core.profiling.profile import loupe_version

__all__ = ["render_compare_report", "side_labels", "write_compare_report"]

_SECTIONS = (
    (("overview", "Overview"), ("drift", "Columns by drift")),
    (("correlations", "Correlations"), ("how", "How this was compared")),
)
_SEVERITY_RANK = {"critical": 0, "warning": 1, "info": 2}
_TEMPORAL = ("datetime", "date", "time", "duration")
# Figures of a column, in reading order: (key in the document's stats, label).
_STATS = (
    ("min", "min"),
    ("q0.05", "5th percentile"),
    ("q0.25", "25th percentile"),
    ("q0.5", "median"),
    ("mean", "mean"),
    ("q0.75", "75th percentile"),
    ("q0.95", "95th percentile"),
    ("max", "max"),
    ("std", "standard deviation"),
    ("length_min", "shortest"),
    ("length_mean", "mean length"),
    ("length_max", "longest"),
)
# What each drift statistic says, shown when hovering its name.
_EXPLAIN = {
    "JS": "Jensen–Shannon distance of the two distributions over the same buckets (base 2): "
    "0 for the same distribution, 1 when they share no bucket.",
    "PSI": "Population stability index: Σ (b − a)·ln(b / a) over the buckets' shares. "
    "Below 0.1 little change, from 0.25 a large one.",
    "KS": "Kolmogorov–Smirnov statistic: the largest gap between the two cumulative "
    "distributions (0 to 1). Numbers, dates, times and durations only.",
    "Wasserstein": "Wasserstein distance: the area between the two cumulative distributions, "
    "in the column's units (how far the values moved on average); also divided by "
    "A's standard deviation.",
}
_LISTED_PAIRS = 10
# What each setting means, as ``loupe compare --config`` names it (see core.compare.config).
_SETTINGS = {
    "bins": "bins over the union of both ranges, the same on both sides (numbers, dates)",
    "max_categories": "categories kept as buckets of their own; the rest count as other",
    "listed_categories": "appeared and vanished categories listed per column",
    "quantile_grid": "quantile levels a digest is read at when value counts are not exact",
    "psi_warning": "PSI from which a column's drift is a warning",
    "psi_critical": "PSI from which it is critical",
    "js_warning": "JS distance from which drift is a warning",
    "js_critical": "JS distance from which it is critical",
    "ks_warning": "KS statistic from which drift is a warning",
    "ks_critical": "KS statistic from which it is critical",
    "missing_warning": "change of a column's missing share for a warning",
    "missing_critical": "change of a column's missing share for critical",
    "row_change": "relative change of the row count that is noted (info)",
    "category_share": "share of values in appeared or vanished categories that is noted (info)",
    "rename_js": "JS distance at most for a removed and an added column to look renamed",
    "rename_missing": "difference of missing shares at most for a possible rename",
    "rename_distinct": "ratio of distinct counts at least for a possible rename",
}


def side_labels(comparison: Comparison) -> tuple[str, str]:
    """Short names of the sides: their file names, or A and B when those are the same."""
    names = [Path(str(side["name"])).name if side["name"] else "" for side in _sides(comparison)]
    if names[0] and names[1] and names[0] != names[1]:
        return names[0], names[1]
    return "A", "B"


def _sides(comparison: Comparison) -> tuple[Side, Side]:
    return comparison["a"], comparison["b"]


def render_compare_report(
    comparison: Comparison,
    *,
    theme: str = "light",
    generated: dt.datetime | None = None,
) -> str:
    """The report of ``comparison`` as one self-contained HTML document.

    Args:
        comparison: a comparison document (see :mod:`core.compare.document`).
        theme: ``light`` or ``dark``.
        generated: when the report was made (now when left out), shown in its header.
    """
    figures = FigureStore(theme)
    names = side_labels(comparison)
    columns = comparison["columns"]
    anchors = {c["name"]: f"col-{i}" for i, c in enumerate(columns)}
    nav = "".join(
        f'<li data-name="{_e(c["name"].lower())}"><a href="#{anchors[c["name"]]}">'
        f"{_e(c['name'])}</a> {_badge(c['severity'])}</li>"
        for c in columns
    )
    panels = "".join(
        _column(column, anchors[column["name"]], comparison, names, figures) for column in columns
    )
    main = asset("compare.html").format(
        overview=_overview(comparison, names),
        drift=_drift_table(comparison, names, anchors),
        columns=panels or "<p>No column is found on both sides.</p>",
        correlations=_correlations(comparison, names, figures),
        how=_how(comparison, names),
    )
    return render_page(
        title=f"Loupe comparison: {names[0]} → {names[1]}",
        heading=f"{names[0]} → {names[1]}",
        summary=_summary(comparison, names, generated),
        sections=section_links(_SECTIONS),
        nav=nav,
        main=main,
        figures=figures,
        css=("compare.css",),
        js=("compare.js",),
    )


def write_compare_report(comparison: Comparison, path: str | Path, **options: Any) -> Path:
    """Write the report to ``path`` (complete or not at all).

    Raises:
        OutputError: the file cannot be written.
    """
    return write_text(path, render_compare_report(comparison, **options))


# --- small pieces ------------------------------------------------------------------------


def _badge(severity: str | None) -> str:
    """A severity badge (nothing below the thresholds)."""
    if not severity:
        return ""
    return f'<span class="badge {_e(severity)}">{_e(severity)}</span>'


def _signed(text: str, value: float | int | None) -> str:
    """``text`` with a plus sign when ``value`` is above 0."""
    return f"+{text}" if isinstance(value, int | float) and value > 0 else text


def _count_change(change: Change) -> tuple[str, str, str]:
    """A count on both sides and its change."""
    return (
        _number(change["a"]),
        _number(change["b"]),
        _signed(_number(change["difference"]), change["difference"]),
    )


def _share_change(change: Change) -> tuple[str, str, str]:
    """A share on both sides and its change in percentage points."""
    moved = change["difference"]
    points = "—" if moved is None else _signed(f"{moved * 100:,.2f} pp", moved)
    return _percent(change["a"]), _percent(change["b"]), points


def _figure_change(change: Change, column: ColumnComparison) -> tuple[str, str, str]:
    """A figure in the column's own values on both sides, and its change.

    Dates and times show as a grid shows them, their change as a duration;
    whole numbers within ±9999 (years) without separators.
    """
    kinds = [str(column["kind"][side]) for side in ("a", "b")]
    moved = change["difference"]
    if any(kind in _TEMPORAL for kind in kinds):
        # Each side in its own kind's terms: a number that became a date stays a number.
        sides = [
            _e(format_when(v))
            if isinstance(v, str)
            else _e(format_duration(v))
            if kind in _TEMPORAL
            else _number(v)
            for v, kind in zip((change["a"], change["b"]), kinds, strict=True)
        ]
        same = kinds[0] == kinds[1]
        shift = "—" if moved is None or not same else _signed(_e(format_duration(moved)), moved)
        return sides[0], sides[1], shift
    separators = not values_plain(column)
    return (
        _number(change["a"], separators=separators),
        _number(change["b"], separators=separators),
        _signed(_number(moved, separators=separators), moved),
    )


def _side_table(rows: Sequence[tuple[str, tuple[str, str, str]]], names: Sequence[str]) -> str:
    """A table of figures on both sides and their change (cells already escaped)."""
    head = (
        f"<tr><th></th><th>{_e(names[0])}</th><th>{_e(names[1])}</th>"
        f'<th title="{_e(names[1])} − {_e(names[0])}">change</th></tr>'
    )
    body = "".join(
        f"<tr><th>{label}</th><td>{a}</td><td>{b}</td><td>{d}</td></tr>"
        for label, (a, b, d) in rows
    )
    return f'<table class="sides">{head}{body}</table>'


def _with_share(count: Change, share: Change) -> tuple[str, str, str]:
    """A count with its share on both sides."""
    counts, shares = _count_change(count), _share_change(share)
    return (
        f"{counts[0]} <span class=dim>({shares[0]})</span>",
        f"{counts[1]} <span class=dim>({shares[1]})</span>",
        f"{counts[2]} <span class=dim>({shares[2]})</span>",
    )


# --- header and overview -----------------------------------------------------------------


def _summary(comparison: Comparison, names: Sequence[str], generated: dt.datetime | None) -> str:
    """The header line: both sides, when the report was made, and by which Loupe."""
    when = (generated or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    sides = " · ".join(
        f'<strong>{letter}</strong> <span title="{_e(side["name"] or "merged profile")}">'
        f"{_e(label)}</span> ({_e(side['format'])}, {side['rows']:,} rows × "
        f"{side['columns']:,} columns)"
        for letter, label, side in zip("AB", names, _sides(comparison), strict=True)
    )
    return (
        f"{sides} · generated {_e(when.strftime('%Y-%m-%d %H:%M UTC'))} · "
        f"Loupe {_e(loupe_version())}"
    )


def _overview(comparison: Comparison, names: Sequence[str]) -> str:
    """The dataset side by side, the schema changes and the alerts."""
    dataset = comparison["dataset"]
    rows: list[tuple[str, tuple[str, str, str]]] = [
        ("rows", _count_change(dataset["rows"])),
        ("columns", _count_change(dataset["columns"])),
        ("missing cells", _with_share(dataset["missing_cells"], dataset["missing_cells_fraction"])),
    ]
    duplicates = dataset.get("duplicate_rows")
    if duplicates is not None:
        shares = dataset.get("duplicate_rows_fraction")
        rows.append(
            (
                "duplicate rows",
                _with_share(duplicates, shares) if shares else _count_change(duplicates),
            )
        )
    return (
        f'<div class="panel"><div><h3>Dataset</h3>{_side_table(rows, names)}</div>'
        f"<div><h3>Schema</h3>{_schema(comparison)}</div></div>"
        f'<h3 id="alerts">Alerts</h3>{_alerts(comparison["alerts"])}'
    )


def _schema(comparison: Comparison) -> str:
    """Columns added, removed, retyped and possibly renamed."""
    schema = comparison["schema"]
    items = [f"{len(schema['common']):,} columns on both sides"]
    for label, names in (
        ("added (only in B)", schema["added"]),
        ("removed (only in A)", schema["removed"]),
    ):
        if names:
            items.append(f"{label}: " + ", ".join(f"<code>{_e(n)}</code>" for n in names))
    for retype in schema["retyped"]:
        dtype, kind = retype["dtype"], retype["kind"]
        what = f"{_e(dtype['a'])} → {_e(dtype['b'])}" if dtype["a"] != dtype["b"] else ""
        if kind["a"] != kind["b"]:
            what += f"{' · ' if what else ''}{_e(kind['a'])} → {_e(kind['b'])}"
        items.append(f"retyped: <code>{_e(retype['column'])}</code> {what}")
    for rename in schema["renamed"]:
        items.append(
            f"possibly renamed: <code>{_e(rename['a'])}</code> → <code>{_e(rename['b'])}</code> "
            f'<span class="dim">(a suggestion, not a certainty: {_e(rename["message"])})</span>'
        )
    if not (schema["added"] or schema["removed"] or schema["retyped"] or schema["renamed"]):
        items.append("no column added, removed, retyped or renamed")
    return '<ul class="schema">' + "".join(f"<li>{i}</li>" for i in items) + "</ul>"


def _alerts(alerts: Sequence[Mapping[str, Any]], column: str | None = None) -> str:
    """Alerts, most severe first, with a count per severity (those about ``column`` when given)."""
    items = sorted(
        (a for a in alerts if column is None or column in a["columns"]),
        key=lambda a: _SEVERITY_RANK.get(a["severity"], 3),
    )
    if not items:
        return "" if column else "<p>No alerts.</p>"
    if column:
        return alert_list(items, 10)
    counts = " ".join(
        f"{_badge(severity)} {sum(a['severity'] == severity for a in items):,}"
        for severity in _SEVERITY_RANK
        if any(a["severity"] == severity for a in items)
    )
    return f'<p class="counts">{counts}</p>{alert_list(items, 100)}'


# --- columns by drift --------------------------------------------------------------------


def _stat(value: float | None) -> str:
    """A drift statistic to three decimals, for the table of columns."""
    return _e(format_number(value, digits=3))


def _explained(label: str, key: str | None = None) -> str:
    """A heading with its explanation on hover."""
    return f'<abbr title="{_e(_EXPLAIN[key or label])}">{_e(label)}</abbr>'


def _drift_table(comparison: Comparison, names: Sequence[str], anchors: Mapping[str, str]) -> str:
    """The columns sorted by drift, most drifted first, each linking to its section."""
    if not comparison["drift"]:
        return "<p>No column is found on both sides.</p>"
    columns = {c["name"]: c for c in comparison["columns"]}
    head = (
        "<tr><th>column</th><th>kind</th><th>drift</th>"
        f"<th>{_explained('JS')}</th><th>{_explained('PSI')}</th><th>{_explained('KS')}</th>"
        f"<th>{_explained('Wasserstein')}</th>"
        f"<th>missing {_e(names[0])} → {_e(names[1])}</th>"
        f"<th>mean or median {_e(names[0])} → {_e(names[1])}</th></tr>"
    )
    lines = []
    for row in comparison["drift"]:
        column = columns[row["column"]]
        drift = column["drift"]
        approx = "" if row["exact"] in (True, None) else " ≈"
        missing = column["missing_fraction"]
        centre = centre_text(column, digits=4)
        moved = _e(f"{centre[0]} → {centre[1]}") if centre else ""
        wasserstein = ""
        if drift is not None and drift["wasserstein"] is not None:
            wasserstein = _wasserstein(drift) + approx
        lines.append(
            f'<tr data-name="{_e(row["column"].lower())}">'
            f'<td><a href="#{anchors[row["column"]]}">{_e(row["column"])}</a></td>'
            f"<td>{_e(row['kind'])}</td><td>{_badge(row['severity'])}</td>"
            f"<td>{_stat(row['js_distance'])}{approx}</td>"
            f"<td>{_stat(row['psi'])}{approx}</td>"
            f"<td>{_stat(row['ks'])}{approx if row['ks'] is not None else ''}</td>"
            f"<td>{wasserstein}</td>"
            f"<td>{_percent(missing['a'])} → {_percent(missing['b'])}</td>"
            f"<td>{moved}</td></tr>"
        )
    return (
        '<p class="dim">Most drifted first. ≈ marks figures estimated from a side\'s digest or '
        "its most frequent values rather than exact value counts. Hover a statistic's name "
        "for what it measures.</p>"
        f'<div class="scroll"><table class="rows drift">{head}{"".join(lines)}</table></div>'
    )


def _wasserstein(drift: Mapping[str, Any]) -> str:
    """The Wasserstein distance in the column's units (durations for times), and in A's SDs."""
    value = drift["wasserstein"]
    text = _e(format_duration(value)) if drift.get("unit") == "seconds" else _number(value)
    if drift.get("unit") and drift["unit"] != "seconds":
        text += f" {_e(drift['unit'])}"
    if drift.get("wasserstein_std") is not None:
        text += f' <span class="dim">({_number(drift["wasserstein_std"])} SD)</span>'
    return text


# --- one section per column --------------------------------------------------------------


def _column(
    column: ColumnComparison,
    anchor: str,
    comparison: Comparison,
    names: Sequence[str],
    figures: FigureStore,
) -> str:
    """A column's section: its figures on both sides, drift, chart, categories, dates."""
    name = column["name"]
    kind, dtype = column["kind"], column["dtype"]
    typed = f"{_e(kind['a'])} <span class=dim>({_e(dtype['a'])})</span>"
    if kind["a"] != kind["b"] or dtype["a"] != dtype["b"]:
        typed += f" → {_e(kind['b'])} <span class=dim>({_e(dtype['b'])})</span>"
    distinct = _count_change(column["distinct"])
    if not column["distinct_exact"]:
        distinct = (f"≈ {distinct[0]}", f"≈ {distinct[1]}", f"≈ {distinct[2]}")
    rows: list[tuple[str, tuple[str, str, str]]] = [
        ("values", _count_change(column["count"])),
        ("missing", _with_share(column["missing"], column["missing_fraction"])),
        ("distinct", distinct),
    ]
    stats = column["stats"]
    rows += [
        (_e(label), _figure_change(stats[key], column)) for key, label in _STATS if key in stats
    ]
    plot = figures.add(overlay_figure(column, figures.theme, names=names), f"fig-{anchor}")
    extras = _categories(column, names) + _date_range(column, names)
    return (
        f'<section class="column" id="{anchor}" data-name="{_e(name.lower())}">'
        f"<h3>{_e(name)} {_badge(column['severity'])}</h3>"
        f'<p class="dim">{typed}</p>{_alerts(comparison["alerts"], name)}'
        f'<div class="panel"><div>{_side_table(rows, names)}{_drift_stats(column)}</div>'
        f'<div class="plots">{plot}{extras}</div></div></section>'
    )


def _drift_stats(column: ColumnComparison) -> str:
    """The column's drift statistics, named and explained on hover."""
    drift = column["drift"]
    if drift is None:
        return f'<p class="dim">No drift measured: {_e(no_drift_reason(column))}.</p>'
    n = drift["buckets"]
    how = (
        f"over {n:,} {'category' if n == 1 else 'categories'} (the rest as other)"
        if drift["method"] == "categories"
        else f"over the same {n:,} {'bin' if n == 1 else 'bins'} on both sides"
    )
    rows = [
        (_explained("JS distance", "JS"), _number(drift["js_distance"])),
        (_explained("PSI"), _number(drift["psi"])),
    ]
    if drift["ks"] is not None:
        rows.append((_explained("KS statistic", "KS"), _number(drift["ks"])))
    if drift["wasserstein"] is not None:
        rows.append((_explained("Wasserstein", "Wasserstein"), _wasserstein(drift)))
    exact = (
        "exact (from value counts on both sides)"
        if drift["exact"]
        else "estimated (from a side's digest or its most frequent values)"
    )
    return f'<h4>Drift</h4>{stats_table(rows)}<p class="dim">Measured {_e(how)}; {_e(exact)}.</p>'


def _categories(column: ColumnComparison, names: Sequence[str]) -> str:
    """Categories found on one side only, the most common first, with their counts."""
    found = column["categories"]
    if found is None:
        return ""

    def listed(values: Sequence[Mapping[str, Any]], count: int, share: float, side: str) -> str:
        if not count:
            return "<p class=dim>none</p>"
        items = "".join(
            f"<tr><td>{_e(v['value'])}</td><td>{_number(v['count'])}</td></tr>" for v in values
        )
        more = count - len(values)
        tail = f'<p class="dim">… and {more:,} more</p>' if more > 0 else ""
        return (
            f"<p>{count:,} {'category' if count == 1 else 'categories'}, "
            f"{_percent(share)} of {_e(side)}'s values</p>"
            f'<table class="rows"><tr><th>value</th><th>count in {_e(side)}</th></tr>'
            f"{items}</table>{tail}"
        )

    note = (
        ""
        if found["exact"]
        else (
            '<p class="dim">Estimated: a side\'s values are known by its most frequent '
            "ones only.</p>"
        )
    )
    return (
        '<div class="categories">'
        f"<div><h4>Appeared (only in {_e(names[1])})</h4>"
        f"{listed(found['appeared'], found['appeared_count'], found['appeared_share'], names[1])}"
        f"</div><div><h4>Vanished (only in {_e(names[0])})</h4>"
        f"{listed(found['vanished'], found['vanished_count'], found['vanished_share'], names[0])}"
        f"</div></div>{note}"
    )


def _date_range(column: ColumnComparison, names: Sequence[str]) -> str:
    """First and last instants on both sides, how far they moved, and whether they overlap."""
    found = column["date_range"]
    if found is None:
        return ""
    rows = [
        ("first", _figure_change(found["min"], column)),
        ("last", _figure_change(found["max"], column)),
    ]
    overlap = (
        "The two ranges overlap."
        if found["overlap"]
        else "The two ranges do not overlap: no instant of one lies within the other."
    )
    return f"<h4>Date range</h4>{_side_table(rows, names)}<p>{_e(overlap)}</p>"


# --- correlations ------------------------------------------------------------------------


def _correlations(comparison: Comparison, names: Sequence[str], figures: FigureStore) -> str:
    """Per method: the change and both sides' matrices as tabs, and the pairs that moved most."""
    parts = []
    found = comparison.get("correlations", {})
    for method in CorrelationMethod:
        change = found.get(method.value)
        if not change or len(change["columns"]) < 2:
            continue
        tabs = []
        panels = []
        for i, (part, label) in enumerate(
            (("difference", f"change ({names[1]} − {names[0]})"), ("a", names[0]), ("b", names[1]))
        ):
            key = f"fig-corr-{method.value}-{part}"
            chosen = "true" if i == 0 else "false"
            tabs.append(
                f'<button type="button" role="tab" data-tab="{part}" aria-selected="{chosen}">'
                f"{_e(label)}</button>"
            )
            fig = correlation_change_heatmap(comparison, method, part, figures.theme, names=names)
            panels.append(
                f'<div class="tab{"" if i == 0 else " off"}" data-tab="{part}">'
                f"{figures.add(fig, key)}</div>"
            )
        parts.append(
            f"<h3>{_e(method.label)}</h3>"
            f'<div class="panel"><div class="tabs plots"><div role="tablist">{"".join(tabs)}</div>'
            f"{''.join(panels)}</div>{_pairs(change, names)}</div>"
        )
    return "".join(parts) or "<p>Not computed on both sides (too few columns in common).</p>"


def _pairs(change: CorrelationChange, names: Sequence[str]) -> str:
    """The pairs of columns whose correlation moved most."""
    largest = change["largest"][:_LISTED_PAIRS]
    if not largest:
        return '<p class="dim">No pair moved.</p>'
    rows = "".join(
        f"<tr><td>{_e(' × '.join(p['columns']))}</td><td>{_stat(p['a'])}</td>"
        f"<td>{_stat(p['b'])}</td>"
        f"<td>{_signed(_stat(p['difference']), p['difference'])}</td></tr>"
        for p in largest
    )
    return (
        '<div><h4>Moved most</h4><table class="rows pairs">'
        f"<tr><th>pair</th><th>{_e(names[0])}</th><th>{_e(names[1])}</th><th>change</th></tr>"
        f"{rows}</table></div>"
    )


# --- how it was compared -----------------------------------------------------------------


def _how(comparison: Comparison, names: Sequence[str]) -> str:
    """Both sides' sources, the settings and thresholds, and which figures are exact."""
    sides = "".join(
        f"<div><h3>{letter}: {_e(label)}</h3>"
        + stats_table(
            [
                ("source", _e(side["name"] or "merged profile")),
                ("format", _e(side["format"])),
                ("profiled by", f"{_e(side['engine'])} engine"),
                ("size", f"{side['rows']:,} rows × {side['columns']:,} columns"),
            ]
        )
        + "</div>"
        for letter, label, side in zip("AB", names, _sides(comparison), strict=True)
    )
    settings = comparison["settings"]
    listed = [(k, v) for k, v in settings.items() if not isinstance(v, Mapping)]
    listed += list((settings.get("thresholds") or {}).items())
    rows = "".join(
        f"<tr><td><code>{_e(k)}</code></td><td>{_number(v)}</td>"
        f"<td>{_e(_SETTINGS.get(k, ''))}</td></tr>"
        for k, v in listed
    )
    columns = comparison["columns"]
    estimated = [c["name"] for c in columns if c["drift"] is not None and not c["drift"]["exact"]]
    guessed = [c["name"] for c in columns if not c["distinct_exact"]]
    exactness = [
        (
            "always exact",
            "rows, columns, missing values, min, max, mean and standard deviation",
        ),
        (
            "drift, bins and quantiles",
            "exact for every column"
            if not estimated
            else f"estimated from a digest for {', '.join(estimated)}; exact for the others",
        ),
        (
            "distinct values",
            "exact for every column"
            if not guessed
            else f"estimated for {', '.join(guessed)}; exact for the others",
        ),
    ]
    return (
        f'<div class="panel">{sides}</div><h3>Settings and thresholds</h3>'
        '<p class="dim">Names as a settings file for <code>loupe compare --config</code> '
        "writes them. Drift is a warning or critical when any of JS, PSI or KS reaches "
        "its threshold.</p>"
        f'<div class="scroll"><table class="rows settings"><tr><th>setting</th><th>value</th>'
        f"<th>meaning</th></tr>{rows}</table></div><h3>Exact or estimated</h3>"
        + stats_table([(_e(k), _e(v)) for k, v in exactness], cls="stats wide")
        + f'<p class="dim">Comparison format {_e(comparison["comparison_version"])}.</p>'
    )
