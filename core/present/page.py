"""The page every HTML report shares: header, section list, column search, lazy charts.

A report (the profile's, the comparison's) fills ``assets/page.html`` with its
own title, header line, sections and column index; the page brings the
stylesheet and script they share (``report.css``, ``report.js``), the figures
as JSON and plotly.js embedded once, compressed (see :mod:`core.present.figures`).
Nothing is fetched from the network: no CDN, no fonts, no images.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from core.present.figures import FigureStore, plotly_gzip_b64
from core.present.markup import escape

__all__ = ["asset", "render_page", "section_links"]

_ASSETS = Path(__file__).with_name("assets")


@lru_cache(maxsize=16)
def asset(name: str) -> str:
    """The text of ``assets/<name>`` (read once per process)."""
    return (_ASSETS / name).read_text(encoding="utf-8")


def section_links(sections: Sequence[Sequence[tuple[str, str]]]) -> str:
    """The list of sections in the side bar: ``(anchor, label)`` pairs, a line per group."""
    return "\n".join(
        "".join(
            f'<li><a href="#{escape(anchor)}">{escape(label)}</a></li>' for anchor, label in line
        )
        for line in sections
    )


def render_page(
    *,
    title: str,
    heading: str,
    summary: str,
    sections: str,
    nav: str,
    main: str,
    figures: FigureStore,
    css: Sequence[str] = (),
    js: Sequence[str] = (),
) -> str:
    """One self-contained HTML document.

    Args:
        title: the window's title (plain text).
        heading: the page's heading (plain text).
        summary: the line under the heading (already escaped HTML).
        sections: the side bar's section links (see :func:`section_links`).
        nav: the column index: ``<li data-name="…">`` items the search box filters.
        main: the sections, already escaped HTML.
        figures: the figures the placeholders in ``main`` show.
        css: names of stylesheets in ``assets`` added after ``report.css``.
        js: names of scripts in ``assets`` run after ``report.js``.
    """
    return asset("page.html").format(
        title=escape(title),
        name=escape(heading),
        theme=escape(figures.theme),
        summary=summary,
        sections=sections,
        nav=nav,
        main=main,
        payload=figures.payload(),
        plotly=plotly_gzip_b64(),
        css="".join(asset(name) for name in ("report.css", *css)),
        js="".join(asset(name) for name in ("report.js", *js)),
    )
