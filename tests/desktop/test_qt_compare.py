"""Compare with… in the window: January's flights against July's, as a tab, a file and a profile."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QFrame

from desktop.models.ai import AISettings
from desktop.models.compare_job import FileSide, SavedSide, TabSide
from desktop.qt_compare_chooser import QtCompareChooser
from desktop.qt_compare_view import QtCompareView
from desktop.qt_main_window import QtMainWindow
from tests.cloud.fake_nemotron import KEY, FakeNemotron, Reply, comparison_answer
from tests.desktop.test_qt_dataset_view import LONG, opened


def _compared(qtbot: Any, compare: QtCompareView) -> None:
    with qtbot.waitSignal(compare.compared, timeout=LONG):
        pass


def _page(qtbot: Any, compare: QtCompareView, script: str) -> Any:
    """What ``script`` gives in the detail's newest page, once drawn and giving something."""
    results: list[Any] = []
    render = compare.detail.charts.renders
    guarded = (
        f"document.body && document.body.dataset.render === '{render}'"
        f" && document.body.dataset.drawn ? ({script}) : null"
    )

    def ready() -> bool:
        compare.detail.charts.page().runJavaScript(guarded, 0, results.append)
        return bool(results) and results[-1] not in (None, "")

    qtbot.waitUntil(ready, timeout=LONG)
    return results[-1]


def test_compare_with_another_tab(
    qtbot: Any, window: QtMainWindow, months: dict[str, Path], qtmodeltester: Any
) -> None:
    window.resize(1280, 820)
    window.show()
    jul = opened(qtbot, window, months["jul"])
    jan = opened(qtbot, window, months["jan"])
    # The comparison runs in workers: the window handles events before it is made.
    order: list[str] = []
    QTimer.singleShot(0, lambda: order.append("event loop"))
    compare = window.compare_with(TabSide(jul.session), jan)
    compare.compared.connect(lambda: order.append("compared"))
    assert compare.busy and compare.cancel_button.isVisibleTo(compare)
    _compared(qtbot, compare)
    assert order[0] == "event loop" and "compared" in order
    assert not compare.busy and not compare.cancel_button.isVisibleTo(compare)
    assert window.tabs.tabText(window.tabs.currentIndex()) == "flights-01.csv ↔ flights-07.csv"
    assert window.windowTitle().startswith("flights-01.csv ↔ flights-07.csv")
    # Both tabs profiled themselves for it.
    assert jan.profile is not None and jul.profile is not None

    model = compare.drift
    qtmodeltester.check(model)
    assert [model.index(r, 0).data() for r in range(2)] == ["month", "time_hour"]
    assert [model.index(r, 1).data() for r in range(2)] == ["critical", "critical"]
    assert "2 critical" in compare.summary.text()

    # A click on dep_delay's row shows its figures and its overlay chart.
    row = model.table.row_of("dep_delay")
    assert row is not None
    rect = compare.table.visualRect(model.index(row, 0))
    with qtbot.waitSignal(compare.job.charts, timeout=LONG):
        qtbot.mouseClick(compare.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert compare.job.column == "dep_delay"
    script = (
        "(() => { const f = document.getElementById('f0');"
        " return f && f.layout ? JSON.stringify({chart: f.layout.meta.chart,"
        " title: f.layout.title.text, traces: f.data.map(t => [t.type, t.name])}) : null; })()"
    )
    found = json.loads(_page(qtbot, compare, script))
    assert found["chart"] == "overlay" and found["title"].startswith("dep_delay")
    assert found["traces"] == [["bar", "flights-01.csv"], ["scatter", "flights-07.csv"]]
    figures = _page(qtbot, compare, "document.querySelector('.compare-stats')?.innerText ?? null")
    assert "dep_delay" in figures and "95th percentile" in figures

    # Narrowed by name; the correlations are a section away.
    compare.search.setText("delay")
    assert sorted(model.index(r, 0).data() for r in range(model.rowCount())) == [
        "arr_delay",
        "dep_delay",
    ]
    with qtbot.waitSignal(compare.job.charts, timeout=LONG):
        compare.show_section("Correlations")
    assert compare.detail.method.isVisibleTo(compare)
    parts = _page(
        qtbot,
        compare,
        "(() => { const f = document.getElementById('f2');"
        " return f && f.layout ? [0, 1, 2].map(i => document.getElementById('f' + i)"
        ".layout.meta.part).join(',') : null; })()",
    )
    assert parts == "difference,a,b"


def test_compare_with_a_file_and_export(
    qtbot: Any, window: QtMainWindow, months: dict[str, Path], tmp_path: Path
) -> None:
    jan = opened(qtbot, window, months["jan"])
    compare = window.compare_with(FileSide(months["jul"]))
    _compared(qtbot, compare)
    assert compare.drift.index(0, 0).data() == "month"
    with qtbot.waitSignal(compare.exported, timeout=LONG):
        compare.export_json(tmp_path / "cmp.json")
    written = json.loads((tmp_path / "cmp.json").read_text("utf-8"))
    assert [r["column"] for r in written["drift"][:2]] == ["month", "time_hour"]
    assert compare.message_bar.text.startswith("Wrote")
    # Cancelled while July is profiled: the tab closes, the tab compared stays.
    count = window.tabs.count()
    again = window.compare_with(FileSide(months["jul"]), jan)
    with qtbot.waitSignal(again.failed, timeout=LONG) as failed:
        again.cancel_button.click()
    assert failed.args == [""]
    assert window.tabs.count() == count and window.current_view() is jan


def test_compare_with_a_saved_profile_and_errors(
    qtbot: Any, window: QtMainWindow, months: dict[str, Path]
) -> None:
    jan = opened(qtbot, window, months["jan"])
    compare = window.compare_with(SavedSide(months["jul_profile"]))
    _compared(qtbot, compare)
    assert compare.drift.index(1, 0).data() == "time_hour"
    assert compare.title == "flights-01.csv ↔ flights-07.profile.json"

    for side, expected in (
        (SavedSide(months["stateless"]), "no mergeable state"),
        (SavedSide(months["jul"]), "not a saved profile"),
        (FileSide(months["jul"].with_name("gone.csv")), "gone.csv"),
    ):
        count = window.tabs.count()
        failing = window.compare_with(side, jan)
        with qtbot.waitSignal(failing.failed, timeout=LONG) as failed:
            pass
        line = failed.args[0]
        assert expected in line and "\n" not in line
        # The tab closes; the line shows in the compared tab's message bar.
        assert window.tabs.count() == count
        assert window.current_view() is jan
        assert jan.message_bar.isVisibleTo(jan) and expected in jan.message_bar.text


def test_the_chooser_lists_tabs_and_picks_a_file(
    qtbot: Any, window: QtMainWindow, months: dict[str, Path], monkeypatch: Any
) -> None:
    jul = opened(qtbot, window, months["jul"])
    opened(qtbot, window, months["jan"])
    chooser = QtCompareChooser("flights-01.csv", [jul.session], "All files (*)")
    qtbot.addWidget(chooser)
    assert chooser.tab_list.item(0).text() == "flights-07.csv"
    # The other tab is chosen already: Enter compares.
    assert chooser.tab_list.currentRow() == 0 and chooser.compare_button.isEnabled()
    chooser.show()
    qtbot.keyClick(chooser.tab_list, Qt.Key.Key_Return)
    assert chooser.choice == TabSide(jul.session) and chooser.result()
    picked = QtCompareChooser("flights-01.csv", [], "All files (*)")
    qtbot.addWidget(picked)
    assert not picked.compare_button.isEnabled()
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", lambda *a, **k: (str(months["jul_profile"]), "")
    )
    picked.profile_button.click()
    assert picked.choice == SavedSide(months["jul_profile"]) and picked.result()


def test_insights_on_the_comparison_from_its_tab(
    qtbot: Any, window: QtMainWindow, months: dict[str, Path]
) -> None:
    """Ctrl+I on a compare tab: the preview says no row is sent, the answer is checked."""
    window.resize(1280, 820)
    window.show()
    opened(qtbot, window, months["jan"])
    with FakeNemotron() as fake:
        window.ai.configure(AISettings(base_url=fake.url, model="nvidia/test"))
        window.ai.set_key(KEY)
        compare = window.compare_with(SavedSide(months["jul_profile"]))
        pane = compare.insights_pane
        assert pane is not None and "Insights" in compare.detail.pages
        _compared(qtbot, compare)
        (action,) = [a for a in window.findChildren(QAction) if a.text() == "&Insights"]
        assert action.isEnabled() and action.shortcut().toString() == "Ctrl+I"
        action.trigger()
        assert compare.detail.stack.currentWidget() is pane
        assert fake.received == []  # nothing leaves before Send
        pane.get_button.click()
        dialog = pane.preview_dialog
        assert dialog is not None and dialog.isVisible()
        assert dialog.windowTitle() == "Get insights on the comparison — what is sent"
        assert not dialog.sample.isVisibleTo(dialog)  # never a row of either file
        assert "dep_delay" in dialog.body.toPlainText()
        comparison = compare.job.comparison
        assert comparison is not None
        fake.replies = [Reply(content=comparison_answer(dict(comparison)))]
        with qtbot.waitSignal(pane.answered, timeout=LONG):
            dialog.send_button.click()
        (received,) = fake.received
        assert received.raw == dialog.choice.request().body
    cards = [
        f.objectName()
        for f in pane.history.findChildren(QFrame)
        if f.objectName() in ("verified", "unverified")
    ]
    assert cards == ["verified", "unverified"]
