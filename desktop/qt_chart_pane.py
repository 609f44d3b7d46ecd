"""The charts of a profile: a bar of sections above an embedded browser.

A thin view of a :class:`~desktop.models.session.DatasetSession`: the session
builds the figures of the section shown; this pane draws them and hands clicks
back. The browser costs a few hundred milliseconds to start, so it is created
when the first charts are shown, not when a file opens.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QEvent, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.models.sections import SECTIONS, column_notice
from desktop.models.session import DatasetSession
from desktop.qt_chart_view import QtChartView, take_spare
from desktop.qt_stats_table import QtStatsTable

__all__ = ["QtChartPane", "QtSectionedCharts", "section_style"]


def section_style(palette: QPalette) -> str:
    """The section buttons' style sheet in ``palette``'s colours: the one shown stands out.

    Fusion draws a checked tool button barely darker than the others (in the
    dark theme, hardly at all); the one shown takes the selection's colours.
    Every state has the same border and padding, so checking one never moves
    the others.
    """
    group, role = QPalette.ColorGroup, QPalette.ColorRole

    def colour(r: QPalette.ColorRole, g: QPalette.ColorGroup = group.Active) -> str:
        return palette.color(g, r).name()

    button = palette.color(role.Button)
    return (
        f"QToolButton {{ background: {colour(role.Button)}; color: {colour(role.ButtonText)};"
        f" border: 1px solid {colour(role.Mid)}; border-radius: 3px; padding: 2px 7px; }}"
        f" QToolButton:hover {{ background: {button.lighter(112).name()}; }}"
        f" QToolButton:checked {{ background: {colour(role.Highlight)};"
        f" color: {colour(role.HighlightedText)}; border-color: {colour(role.Highlight)}; }}"
        f" QToolButton:disabled {{ color: {colour(role.ButtonText, group.Disabled)}; }}"
    )


class QtSectionedCharts(QWidget):
    """A bar of section buttons above an embedded browser, and pages beside the charts.

    The profile's chart pane and a comparison's detail share it. A subclass says
    what a section button shows (:meth:`_show_section`) and which buttons are
    available (:meth:`_update_buttons`); pages (Statistics, Insights) are any
    widgets offered beside the charts with :meth:`add_page`.

    Signals:
        charted(): a page of charts has loaded.
    """

    charted = Signal()

    def __init__(self, sections: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sections = QButtonGroup(self)
        #: pages beside the charts (Statistics, Insights), by their button's text.
        self.pages: dict[str, QWidget] = {}
        self._page: str | None = None
        #: the bar of section buttons (styled so the one shown stands out).
        self.section_bar = QWidget()
        self._section_bar = QHBoxLayout(self.section_bar)
        self._section_bar.setContentsMargins(0, 0, 0, 0)
        for name in sections:
            button = QToolButton()
            button.setText(name)
            button.setCheckable(True)
            button.setEnabled(False)
            self.sections.addButton(button)
            self._section_bar.addWidget(button)
        self._section_bar.addStretch(1)
        self.sections.buttonClicked.connect(self._on_section_clicked)
        self._charts: QtChartView | None = None
        self._chart_page = QWidget()
        self._layout = QVBoxLayout(self._chart_page)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.stack = QStackedWidget()
        self.stack.addWidget(self._chart_page)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.section_bar)
        outer.addWidget(self.stack, 1)
        self._update_style()

    @property
    def charts(self) -> QtChartView:
        """The chart view (created on first use)."""
        if self._charts is None:
            # Making an embedded browser costs the GUI thread 50-250 ms: take the
            # one the window made while the app was idle, if there is one.
            self._charts = take_spare() or QtChartView()
            self._charts.setVisible(True)
            self._charts.loadFinished.connect(lambda ok: self.charted.emit())
            self._chart_view_made(self._charts)
            self._layout.addWidget(self._charts, 1)
        return self._charts

    def add_page(self, name: str, page: QWidget) -> None:
        """Offer ``page`` beside the sections, behind a button named ``name``."""
        button = QToolButton()
        button.setText(name)
        button.setCheckable(True)
        button.setEnabled(False)
        self.sections.addButton(button)
        # After the other buttons, before anything a subclass put after them.
        self._section_bar.insertWidget(len(self.sections.buttons()) - 1, button)
        self.pages[name] = page
        self.stack.addWidget(page)
        self._update_buttons()

    def show_page(self, name: str) -> None:
        """Show the page ``name`` (the charts stay as they are behind it)."""
        self._page = name
        self.stack.setCurrentWidget(self.pages[name])
        self._update_buttons()

    def show_charts(self) -> None:
        """Back to the charts from any page."""
        self._page = None
        self.stack.setCurrentWidget(self._chart_page)

    def changeEvent(self, event: QEvent) -> None:
        # A style sheet fixes its colours: the theme changed, so take its new ones.
        if event.type() == QEvent.Type.ApplicationPaletteChange:
            self._update_style()
        super().changeEvent(event)

    def _update_style(self) -> None:
        """Style the section buttons in the application's colours."""
        self.section_bar.setStyleSheet(section_style(QApplication.palette()))

    def _on_section_clicked(self, button: QAbstractButton) -> None:
        """Show the section (or page) whose button was clicked."""
        if button.text() in self.pages:
            self.show_page(button.text())
            return
        self.show_charts()
        self._show_section(button.text())
        self._update_buttons()

    def _chart_view_made(self, view: QtChartView) -> None:
        """Connect what a subclass needs of the chart view, once it is made."""

    def _show_section(self, name: str) -> None:
        """Build the charts of the section ``name``."""
        raise NotImplementedError

    def _update_buttons(self, *_: Any) -> None:
        """Enable the buttons available, and check the one shown."""
        raise NotImplementedError


class QtChartPane(QtSectionedCharts):
    """The section buttons and the charts, for one session."""

    def __init__(self, session: DatasetSession, parent: QWidget | None = None) -> None:
        super().__init__(SECTIONS, parent)
        self.session = session
        #: what the Column section says when the column has nothing to chart.
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.hide()
        self._layout.insertWidget(0, self.notice)
        #: every column's figures in a sortable table, a page beside the charts.
        self.stats_table = QtStatsTable(session)
        self.add_page("Statistics", self.stats_table)
        session.events.profiled.connect(self._update_buttons)
        session.events.section.connect(self._on_section)
        session.events.charts.connect(self._on_charts)
        session.events.cleared.connect(self._on_cleared)

    def _chart_view_made(self, view: QtChartView) -> None:
        view.pointClicked.connect(self.session.charts.click)

    def _show_section(self, name: str) -> None:
        self.session.show_section(name)

    def _on_charts(self) -> None:
        """Draw the charts the session built."""
        charts = self.session.charts
        self.charts.show_specs(charts.specs, dark=self.session.dark, header=charts.html)

    def _on_cleared(self) -> None:
        """Forget the old read's charts."""
        self.notice.clear()
        self.notice.hide()
        if self._charts is not None:
            self._charts.show_figures([], dark=self.session.dark)

    def _on_section(self) -> None:
        """A section is shown (a column chosen anywhere, say): back to the charts."""
        self.show_charts()
        self._update_notice()
        self._update_buttons()

    def _update_notice(self) -> None:
        """Say so when the column shown is missing in every row."""
        profile, text = self.session.profile, ""
        if profile is not None and self.session.section == "Column":
            columns = profile["columns"]
            chosen = [c for c in columns if c["name"] == self.session.column] or columns[:1]
            text = column_notice(profile, chosen[0] if chosen else None)
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def _update_buttons(self, *_: Any) -> None:
        """Enable the sections a profile has, and check the one shown."""
        profile = self.session.profile
        shown = self._page or self.session.section
        for button in self.sections.buttons():
            name = button.text()
            button.setEnabled(
                profile is not None and (name != "Column" or bool(profile["columns"]))
            )
            button.setChecked(name == shown)
