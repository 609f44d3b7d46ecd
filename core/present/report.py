"""The standalone HTML report of a profile: one file that works offline.

plotly.js comes from the installed plotly package, embedded once, gzip-compressed
and base64-encoded (about 1.9 MB instead of 4.8), and inflated in the browser
with the standard ``DecompressionStream``. Figures are stored as compact JSON
(data and layout; the template once) and drawn only when their panel scrolls
into view, so reports of wide tables open quickly. Nothing is fetched from the
network: no CDN, no fonts, no images.
"""

from __future__ import annotations

import base64
import gzip
import html
import json
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs

from core.output import write_text
from core.present import charts
from core.present.numbers import format_duration, format_number
from core.read.jsonvalue import json_value

__all__ = ["render_report", "write_report"]

Profile = Mapping[str, Any]


@lru_cache(maxsize=1)
def _plotly_gzip_b64() -> str:
    """The installed plotly.js, gzip-compressed, base64 (computed once per process)."""
    return base64.b64encode(gzip.compress(get_plotlyjs().encode("utf-8"), mtime=0)).decode("ascii")


_ASSETS = Path(__file__).with_name("assets")


@lru_cache(maxsize=1)
def _assets() -> tuple[str, str, str]:
    """The page template, its stylesheet and its script."""
    return tuple(  # type: ignore[return-value]
        (_ASSETS / name).read_text(encoding="utf-8")
        for name in ("report.html", "report.css", "report.js")
    )


def _e(value: Any) -> str:
    """Text for HTML."""
    return html.escape(str(value), quote=True)


def _number(value: Any) -> str:
    """A readable number (or the value as text), for HTML."""
    return _e(format_number(value, digits=4, large=1e7))


def _percent(value: float | None) -> str:
    """A share as a percentage."""
    return "—" if value is None else f"{value:.1%}"


def _table(rows: list[tuple[str, str]], cls: str = "stats") -> str:
    """A two-column table of already-escaped cells."""
    body = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return f'<table class="{cls}">{body}</table>'


_SHARED_LAYOUT = ("colorway", "margin", "hoverlabel", "showlegend")


def _compact(value: Any) -> Any:
    """Figure JSON with floats cut to 6 significant digits (ample for drawing)."""
    if isinstance(value, float):
        return float(f"{value:.6g}")
    if isinstance(value, list):
        return [_compact(v) for v in value]
    if isinstance(value, dict):
        return {k: _compact(v) for k, v in value.items()}
    return value


class _Figures:
    """Collects figures as compact JSON, keyed by the id of the div that shows them."""

    def __init__(self, theme: str) -> None:
        self.theme = theme
        self.items: dict[str, Any] = {}
        self.template: Any = None
        self.base: dict[str, Any] = {}

    def add(self, fig: go.Figure, key: str) -> str:
        """Store ``fig``; return the placeholder div."""
        plain = json.loads(pio.to_json(fig, validate=False))
        layout = plain.get("layout", {})
        template = layout.pop("template", None)
        if self.template is None:
            self.template = template
            self.base = {k: layout[k] for k in _SHARED_LAYOUT if k in layout}
        # What every figure shares is stored once (see report.js).
        for name in _SHARED_LAYOUT:
            if layout.get(name) == self.base.get(name):
                layout.pop(name, None)
        self.items[key] = {"data": _compact(plain.get("data", [])), "layout": _compact(layout)}
        height = layout.get("height", 320)
        return f'<div class="plot" id="{_e(key)}" style="min-height:{int(height)}px"></div>'


def _column_stats(column: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The key figures of a column, by kind."""
    rows = [
        ("type", f"{_e(column['kind'])} <span class=dim>({_e(column['dtype'])})</span>"),
        ("values", _number(column["count"])),
        ("missing", f"{_number(column['missing'])} ({_percent(column['missing_fraction'])})"),
        (
            "distinct",
            f"{_number(column['distinct'])}{'' if column['distinct_exact'] else ' (estimate)'} "
            f"({_percent(column['distinct_fraction'])})",
        ),
    ]
    kind = column["kind"]
    if kind == "numeric":
        q = column.get("quantiles") or {}
        rows += [
            ("mean", _number(column.get("mean"))),
            ("std", _number(column.get("std"))),
            ("min", _number(column.get("min"))),
            ("5% · 25% · 50%", " · ".join(_number(q.get(k)) for k in ("0.05", "0.25", "0.5"))),
            ("75% · 95%", " · ".join(_number(q.get(k)) for k in ("0.75", "0.95"))),
            ("max", _number(column.get("max"))),
            ("sum", _number(column.get("sum"))),
            (
                "skewness · kurtosis",
                f"{_number(column.get('skewness'))} · {_number(column.get('kurtosis'))}",
            ),
            (
                "zeros · negatives",
                f"{_number(column.get('zeros'))} · {_number(column.get('negatives'))}",
            ),
            ("infinite", _number(column.get("infinite"))),
        ]
        if not column.get("quantiles_exact", True):
            rows.append(("quantiles", "estimated (t-digest)"))
        exact = column.get("exact")
        if exact:
            rows.append(
                ("exactly", _e(f"min {exact['min']} · max {exact['max']} · sum {exact['sum']}"))
            )
    elif kind in ("datetime", "time"):
        rows += [
            ("first", _e(column.get("min"))),
            ("last", _e(column.get("max"))),
            ("span", _e(format_duration(column.get("range_seconds")))),
        ]
        if column.get("time_zone"):
            rows.append(("time zone", _e(column["time_zone"])))
    elif kind == "duration":
        q = column.get("quantiles") or {}
        rows += [
            ("mean", _e(format_duration(column.get("mean")))),
            ("std", _e(format_duration(column.get("std")))),
            ("min", _e(format_duration(column.get("min")))),
            (
                "25% · 50% · 75%",
                _e(" · ".join(format_duration(q.get(k)) for k in ("0.25", "0.5", "0.75"))),
            ),
            ("max", _e(format_duration(column.get("max")))),
            ("total", _e(format_duration(column.get("sum")))),
        ]
    elif kind == "boolean":
        rows += [("true", _number(column.get("trues"))), ("false", _number(column.get("falses")))]
    elif kind in ("empty", "unsupported"):
        rows.append(("note", _e(column.get("reason") or "the column holds no value at all")))
    else:
        length = column.get("length") or {}
        unit = {"binary": " (bytes)", "list": " (elements)"}.get(kind, "")
        rows += [
            (
                f"length{unit} min · mean · max",
                " · ".join(_number(length.get(k)) for k in ("min", "mean", "max")),
            ),
            (
                {"binary": "empty values", "list": "empty lists"}.get(kind, "empty strings"),
                _number(column.get("empty")),
            ),
        ]
        for element in column.get("elements", []):
            rows.append(
                (
                    f"elements {_e(element['name'])}",
                    f"{_e(element['kind'])} · {_number(element['count'])} values · "
                    f"{_number(element['missing'])} missing · {_number(element['distinct'])} distinct",
                )
            )
    return rows


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
    limit = 10 if column else 100
    lis = "".join(
        f'<li><span class="badge {_e(a["severity"])}">{_e(a["severity"])}</span> {_e(a["message"])}'
        f" <span class=dim>({_e(a['kind'])}: {_number(a['value'])} vs {_number(a['threshold'])})</span></li>"
        for a in items[:limit]
    )
    if len(items) > limit:
        lis += f'<li class="dim">… and {len(items) - limit:,} more</li>'
    return f'<ul class="alerts">{lis}</ul>'


def _rows_table(block: Mapping[str, Any]) -> str:
    """Sample rows as a table."""
    if not block["rows"]:
        return "<p>No rows.</p>"
    head = "".join(f"<th>{_e(c)}</th>" for c in block["columns"])
    body = "".join(
        "<tr>"
        + "".join(f"<td>{'<span class=dim>∅</span>' if v is None else _e(v)}</td>" for v in row)
        + "</tr>"
        for row in block["rows"]
    )
    return f'<div class="scroll"><table class="rows"><tr>{head}</tr>{body}</table></div>'


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
    figures = _Figures(theme)
    dataset = profile["dataset"]
    source = profile.get("source", {})
    name = source.get("name") or source.get("path") or "merged profile"
    columns = profile["columns"]

    overview = _table(
        [
            ("rows", _number(dataset["rows"])),
            ("columns", _number(dataset["columns"])),
            (
                "missing cells",
                f"{_number(dataset['missing_cells'])} ({_percent(dataset['missing_cells_fraction'])})",
            ),
            (
                "duplicate rows",
                "unknown"
                if dataset["duplicate_rows"] is None
                else f"{_number(dataset['duplicate_rows'])} ({_percent(dataset['duplicate_rows_fraction'])})",
            ),
            ("memory", f"{dataset['memory_bytes'] / 2**20:,.1f} MB"),
            ("kinds", _e(", ".join(f"{n} {k}" for k, n in dataset["kinds"].items()))),
        ]
    )
    overview += figures.add(charts.overview(profile, theme), "fig-overview")

    nav = []
    panels = []
    for i, column in enumerate(columns):
        anchor = f"col-{i}"
        nav.append(
            f'<li data-name="{_e(column["name"].lower())}"><a href="#{anchor}">{_e(column["name"])}</a>'
            f' <span class="kind">{_e(column["kind"])}</span></li>'
        )
        plots = "".join(
            figures.add(fig, f"fig-{i}-{j}")
            for j, fig in enumerate(charts.column_figures(column, theme))
        )
        panels.append(
            f'<section class="column" id="{anchor}" data-name="{_e(column["name"].lower())}">'
            f"<h3>{_e(column['name'])}</h3>{_alerts(profile, column['name'])}"
            f'<div class="panel">{_table(_column_stats(column))}<div class="plots">{plots}</div></div></section>'
        )

    correlations = profile["correlations"]
    corr_html = []
    for method in ("pearson", "spearman", "cramers_v"):
        if len(correlations[method]["columns"]) > 1:
            corr_html.append(
                figures.add(
                    charts.correlation_heatmap(profile, method, theme), f"fig-corr-{method}"
                )
            )
    sample_note = (
        f"computed on all {correlations['sample_rows']:,} rows"
        if correlations["exact"]
        else f"computed on a uniform sample of {correlations['sample_rows']:,} rows"
    )
    missing = profile["missing"]
    missing_html = figures.add(charts.missing_bar(profile, theme), "fig-missing")
    if len(missing["nullity_correlation"]["columns"]) > 1:
        missing_html += figures.add(charts.nullity_heatmap(profile, theme), "fig-nullity")
    patterns = "".join(
        f"<tr><td>{_e(', '.join(p['columns']) or '(nothing missing)')}</td><td>{_number(p['count'])}</td></tr>"
        for p in missing["patterns"][:10]
    )
    missing_html += f'<h3>Most common patterns</h3><table class="rows"><tr><th>missing columns</th><th>rows</th></tr>{patterns}</table>'

    read = source.get("read") or {}
    dialect = read.get("dialect") or {}
    how = [
        ("file", _e(source.get("path"))),
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
    warnings = "".join(f"<li>{_e(w)}</li>" for w in read.get("warnings", []))
    samples = (
        f"<h3>First rows</h3>{_rows_table(profile['samples']['head'])}"
        f"<h3>Last rows</h3>{_rows_table(profile['samples']['tail'])}"
        if include_samples
        else "<p>Left out of this report.</p>"
    )
    duplicates = dataset["duplicate_rows"]
    duplicates_html = (
        "<p>Unknown for this merged profile.</p>"
        if duplicates is None
        else f"<p>{_number(duplicates)} rows ({_percent(dataset['duplicate_rows_fraction'])}) repeat an earlier row exactly.</p>"
    )
    payload = (
        json.dumps(
            {"figures": figures.items, "template": figures.template, "base": figures.base},
            separators=(",", ":"),
            default=json_value,
        )
        # Inside <script>, markup characters must not appear as such.
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )
    page, css, js = _assets()
    return page.format(
        title=_e(f"Loupe report: {name}"),
        name=_e(name),
        theme=_e(theme),
        summary=_e(f"{dataset['rows']:,} rows × {dataset['columns']:,} columns"),
        nav="".join(nav),
        overview=overview,
        alerts=_alerts(profile),
        columns="".join(panels),
        correlations="".join(corr_html) or "<p>Not enough numeric or categorical columns.</p>",
        correlation_note=_e(sample_note),
        missing=missing_html,
        duplicates=duplicates_html,
        samples=samples,
        how=_table(how),
        warnings=f"<ul>{warnings}</ul>" if warnings else "",
        payload=payload,
        plotly=_plotly_gzip_b64(),
        css=css,
        js=js,
    )


def write_report(profile: Profile, path: str | Path, **options: Any) -> Path:
    """Write the report to ``path`` (complete or not at all).

    Raises:
        OutputError: the file cannot be written.
    """
    return write_text(path, render_report(profile, **options))
