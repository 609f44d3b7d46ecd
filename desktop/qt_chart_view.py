"""Plotly figures in an embedded browser, with plotly.js loaded from the installed package.

The page is small HTML whose base URL is plotly's own ``package_data`` folder,
so ``<script src="plotly.min.js">`` resolves to the local file: no CDN, no
network, and no multi-megabyte ``setHtml``.
"""

from __future__ import annotations

import json
from pathlib import Path

import plotly
import plotly.graph_objects as go
import plotly.io as pio
from PySide6.QtCore import QUrl
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QWidget

__all__ = ["PLOTLY_DIR", "QtChartView"]

PLOTLY_DIR = Path(plotly.__file__).parent / "package_data"


class QtChartView(QWebEngineView):
    """Shows a list of Plotly figures, one under the other."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.figure_count = 0

    def show_figures(self, figures: list[go.Figure], *, dark: bool = False) -> None:
        """Replace what is shown with ``figures``."""
        self.figure_count = len(figures)
        specs = [json.loads(pio.to_json(fig, validate=False)) for fig in figures]
        background = "#111" if dark else "#fff"
        divs = "".join(f'<div id="f{i}"></div>' for i in range(len(specs)))
        script = json.dumps(specs).replace("<", "\\u003c")
        html = (
            f'<!DOCTYPE html><html><head><meta charset="utf-8"></head>'
            f'<body style="margin:0;background:{background}">{divs}'
            f'<script src="plotly.min.js"></script><script>const specs={script};'
            "specs.forEach((s,i)=>Plotly.newPlot('f'+i,s.data,s.layout,{responsive:true,displaylogo:false}));"
            "document.body.dataset.drawn=String(specs.length);</script></body></html>"
        )
        self.setHtml(html, QUrl.fromLocalFile(str(PLOTLY_DIR) + "/"))
