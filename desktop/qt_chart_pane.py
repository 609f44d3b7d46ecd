"""The charts of a profile: a bar of sections above an embedded browser.

A thin view of a :class:`~desktop.models.session.DatasetSession`: the session
builds the figures of the section shown; this pane draws them and hands clicks
back. The browser costs a few hundred milliseconds to start, so it is created
when the first charts are shown, not when a file opens.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QHBoxLayout,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.models.sections import SECTIONS
from desktop.models.session import DatasetSession
from desktop.qt_chart_view import QtChartView

__all__ = ["QtChartPane"]


class QtChartPane(QWidget):
    """The section buttons and the charts, for one session.

    Signals:
        charted(): a page of charts has loaded.
    """

    charted = Signal()

    def __init__(self, session: DatasetSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.sections = QButtonGroup(self)
        section_bar = QHBoxLayout()
        for name in SECTIONS:
            button = QToolButton()
            button.setText(name)
            button.setCheckable(True)
            button.setEnabled(False)
            self.sections.addButton(button)
            section_bar.addWidget(button)
        section_bar.addStretch(1)
        self.sections.buttonClicked.connect(self._on_section_clicked)
        self._charts: QtChartView | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addLayout(section_bar)
        session.events.profiled.connect(self._update_buttons)
        session.events.section.connect(self._update_buttons)
        session.events.charts.connect(self._on_charts)
        session.events.cleared.connect(self._on_cleared)

    @property
    def charts(self) -> QtChartView:
        """The chart view (created on first use)."""
        if self._charts is None:
            self._charts = QtChartView()
            self._charts.pointClicked.connect(self.session.charts.click)
            self._charts.loadFinished.connect(lambda ok: self.charted.emit())
            self._layout.addWidget(self._charts, 1)
        return self._charts

    def _on_section_clicked(self, button: QAbstractButton) -> None:
        """Show the section whose button was clicked."""
        self.session.show_section(button.text())

    def _on_charts(self) -> None:
        """Draw the charts the session built."""
        self.charts.show_specs(self.session.charts.specs, dark=self.session.dark)

    def _on_cleared(self) -> None:
        """Forget the old read's charts."""
        if self._charts is not None:
            self._charts.show_figures([], dark=self.session.dark)

    def _update_buttons(self, *_: Any) -> None:
        """Enable the sections a profile has, and check the one shown."""
        profile = self.session.profile
        for button in self.sections.buttons():
            name = button.text()
            button.setEnabled(
                profile is not None and (name != "Column" or bool(profile["columns"]))
            )
            button.setChecked(name == self.session.section)
