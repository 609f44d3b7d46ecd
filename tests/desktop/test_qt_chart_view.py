"""Charts in the embedded browser: a page too big for setHtml loads from a file."""

from __future__ import annotations

import json
from typing import Any

LONG = 60_000


def test_big_chart_page_loads_from_a_file(qtbot: Any) -> None:
    import plotly.graph_objects as go

    from desktop.qt_chart_view import SET_HTML_LIMIT, QtChartView

    view = QtChartView()
    qtbot.addWidget(view)
    points = 120_000
    figure = go.Figure(go.Scattergl(x=list(range(points)), y=[i % 97 for i in range(points)]))
    assert len(json.dumps(QtChartView.specs([figure]))) > SET_HTML_LIMIT
    with qtbot.waitSignal(view.loadFinished, timeout=LONG) as loaded:
        view.show_figures([figure])
    assert loaded.args == [True]
    assert view.url().isLocalFile() and view.url().toLocalFile().endswith("charts-1.html")
    results: list[str] = []

    def drawn() -> bool:
        view.page().runJavaScript(
            "typeof Plotly + ' ' + document.querySelectorAll('.main-svg').length", 0, results.append
        )
        return bool(results) and results[-1].startswith("object") and results[-1] != "object 0"

    qtbot.waitUntil(drawn, timeout=LONG)
    # A small page afterwards goes back to setHtml.
    with qtbot.waitSignal(view.loadFinished, timeout=LONG):
        view.show_figures([go.Figure(go.Bar(x=[1], y=[1]))])
    assert not view.url().toLocalFile().endswith(".html")
