"""Plotly figures in an embedded browser, with plotly.js loaded from the installed package.

The page is small HTML whose base URL is plotly's own ``package_data`` folder,
so ``<script src="plotly.min.js">`` resolves to the local file: no CDN, no
network, and no multi-megabyte ``setHtml``. A page over 1 MB (a correlation
matrix of a hundred columns, say) is written to a private temporary file and
loaded from there, since ``setHtml`` refuses content over 2 MB. Clicks on a bar or a heatmap cell
come back to Python through a ``QWebChannel`` as :attr:`QtChartView.pointClicked`.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import plotly
import plotly.graph_objects as go
from PySide6.QtCore import QObject, QUrl, Signal, Slot
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QWidget
from shiboken6 import Shiboken

from desktop.models.sections import figure_specs

__all__ = ["PLOTLY_DIR", "SET_HTML_LIMIT", "QtChartView"]

PLOTLY_DIR = Path(plotly.__file__).parent / "package_data"
# Pages above this many characters are loaded from a file (setHtml's limit is 2 MB).
SET_HTML_LIMIT = 1_000_000

# Sends each click as JSON: which figure, and the point's x, y, index and customdata.
_CLICKS = """
new QWebChannel(qt.webChannelTransport, (channel) => {
  const bridge = channel.objects.bridge;
  specs.forEach((s, i) => document.getElementById('f' + i).on('plotly_click', (event) => {
    const p = event.points[0];
    bridge.clicked(JSON.stringify({figure: i, curve: p.curveNumber, index: p.pointIndex,
                                   x: p.x, y: p.y, customdata: p.customdata ?? null}));
  }));
  document.body.dataset.channel = 'ready';
});
"""

# A column's figures beside its charts: a narrow table that moves above them when space is short.
# The vertical scrollbar's place is kept whether it shows or not, so charts drawn to the page's
# width never end up a scrollbar wider than it; labels stay on one line.
_STYLE = """
html {{ scrollbar-gutter: stable; }}
body {{ color: {text}; font: 12px system-ui, sans-serif; }}
.with-stats {{ display: flex; flex-wrap: wrap; align-items: flex-start; }}
.column-stats {{ flex: 0 0 310px; padding: 8px 10px; box-sizing: border-box; }}
.column-stats h3 {{ margin: 0 0 6px; font-size: 13px; overflow-wrap: anywhere; }}
.figures {{ flex: 1 1 420px; min-width: 0; }}
.column-stats table {{ border-collapse: collapse; width: 100%; margin-bottom: 10px; }}
.column-stats th, .column-stats td {{ padding: 2px 4px; border-bottom: 1px solid {rule};
  vertical-align: top; text-align: left; }}
.column-stats th {{ font-weight: normal; color: {dim}; white-space: nowrap; }}
.column-stats .stats td {{ text-align: right; font-variant-numeric: tabular-nums; }}
.column-stats .top td {{ font-variant-numeric: tabular-nums; overflow-wrap: anywhere; }}
.column-stats .top td + td {{ text-align: right; white-space: nowrap; }}
.compare-stats {{ flex-basis: 370px; }}
.compare-stats + .figures {{ flex-basis: 300px; }}
.compare-stats .stats td {{ white-space: nowrap; }}
.compare-stats .stats td[colspan] {{ white-space: normal; overflow-wrap: anywhere; }}
.compare-stats tr:first-child th {{ text-align: right; }}
.dim {{ color: {dim}; }}
"""


class _Bridge(QObject):
    """The object the page calls; lives on the GUI thread."""

    clicked_json = Signal(str)

    @Slot(str)
    def clicked(self, payload: str) -> None:
        self.clicked_json.emit(payload)


_spare: list[QtChartView] = []


def keep_spare(view: QtChartView) -> None:
    """Keep ``view``, made while the app was idle, for the next chart pane that needs one."""
    view.setVisible(False)
    _spare[:] = [view]


def take_spare() -> QtChartView | None:
    """The spare chart view, if one is kept (it is then no longer kept)."""
    while _spare:
        view = _spare.pop()
        if Shiboken.isValid(view):
            return view
    return None


def has_spare() -> bool:
    """Whether a spare chart view is kept."""
    return any(Shiboken.isValid(view) for view in _spare)


class QtChartView(QWebEngineView):
    """Shows a list of Plotly figures, one under the other.

    Signals:
        pointClicked(int, dict): the figure's position in the list, and the point
            clicked (``x``, ``y``, ``index``, ``curve``, ``customdata``).
    """

    pointClicked = Signal(int, dict)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.figure_count = 0
        # Numbers each page, so a caller can tell the new page from the one it replaces.
        self.renders = 0
        self._page_dir: tempfile.TemporaryDirectory[str] | None = None
        self._bridge = _Bridge(self)
        self._bridge.clicked_json.connect(self._on_clicked)
        self._channel = QWebChannel(self)
        self._channel.registerObject("bridge", self._bridge)
        self.page().setWebChannel(self._channel)

    @staticmethod
    def specs(figures: list[go.Figure]) -> list[dict[str, Any]]:
        """Figures as the plain data plotly.js draws (safe to compute in a worker)."""
        return figure_specs(figures)

    def show_figures(self, figures: list[go.Figure], *, dark: bool = False) -> None:
        """Replace what is shown with ``figures``."""
        self.show_specs(self.specs(figures), dark=dark)

    def show_specs(
        self, specs: list[dict[str, Any]], *, dark: bool = False, header: str = ""
    ) -> None:
        """Replace what is shown with figures given as :meth:`specs`.

        ``header`` is HTML shown beside the figures (above them when the page is
        narrow): a column's figures and top values, say.
        """
        self.figure_count = len(specs)
        self.renders += 1
        background = "#111" if dark else "#fff"
        # The colour scheme also gives the page's scrollbars the theme's colours.
        scheme = "dark" if dark else "light"
        divs = "".join(f'<div id="f{i}"></div>' for i in range(len(specs)))
        if header:
            divs = f'<div class="with-stats">{header}<div class="figures">{divs}</div></div>'
        style = _STYLE.format(
            text="#ddd" if dark else "#222",
            dim="#999" if dark else "#666",
            rule="#333" if dark else "#e4e4e4",
        )
        script = json.dumps(specs).replace("<", "\\u003c")
        html = (
            f'<!DOCTYPE html><html style="color-scheme:{scheme}"><head><meta charset="utf-8">'
            f'<meta name="color-scheme" content="{scheme}"><style>{style}</style></head>'
            f'<body data-render="{self.renders}" style="margin:0;background:{background}">{divs}'
            '<script src="plotly.min.js"></script>'
            '<script src="qrc:///qtwebchannel/qwebchannel.js"></script>'
            f"<script>const specs={script};"
            "specs.forEach((s,i)=>Plotly.newPlot('f'+i,s.data,s.layout,{responsive:true,displaylogo:false}));"
            f"document.body.dataset.drawn=String(specs.length);{_CLICKS}</script></body></html>"
        )
        if len(html) <= SET_HTML_LIMIT:
            self.setHtml(html, QUrl.fromLocalFile(str(PLOTLY_DIR) + "/"))
            return
        # A big page goes through a file; plotly.js is then named by its full URL.
        if self._page_dir is None:
            self._page_dir = tempfile.TemporaryDirectory(prefix="loupe-charts-")
        page = Path(self._page_dir.name) / f"charts-{self.renders}.html"
        script = QUrl.fromLocalFile(str(PLOTLY_DIR / "plotly.min.js")).toString()
        page.write_text(html.replace('src="plotly.min.js"', f'src="{script}"', 1), "utf-8")
        for old in page.parent.glob("charts-*.html"):
            if old != page:
                old.unlink(missing_ok=True)
        self.load(QUrl.fromLocalFile(str(page)))

    def _on_clicked(self, payload: str) -> None:
        point: dict[str, Any] = json.loads(payload)
        self.pointClicked.emit(int(point.pop("figure")), point)
