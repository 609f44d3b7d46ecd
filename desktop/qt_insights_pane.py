"""A tab's Insights: Get insights, a question box, and the history of answers as cards.

A thin view of a :class:`~desktop.models.insights.Insights`: a dataset's
(:class:`~desktop.models.insights.DatasetInsights`) or a comparison's
(:class:`~desktop.models.comparison_insights.ComparisonInsights`). Every text
the model wrote is shown as plain text (a title ``<b>x</b>`` shows those
characters), without control characters; nothing of it is executed. Each card
says whether its evidence matches the profile — the figures it cites, not what
it concludes from them; cards whose evidence does not match come after, under
their own heading, dashed and tinted — set apart, never hidden. A click on
a card's column selects it in the profile views. The charts the model suggested
are drawn by Loupe from the profile, under the cards.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from cloud.insights import omitted_text, printable
from desktop.models.insight_cards import Card
from desktop.models.insights import Exchange, Insights
from desktop.qt_chart_view import QtChartView
from desktop.qt_cloud_pane import subscribe
from desktop.qt_insights_preview import QtInsightsPreview

__all__ = ["QUESTION_HINT", "QtInsightsPane", "QtPrivacyMemory", "card_widget"]

QUESTION_HINT = "Ask about this data, e.g. Which columns need cleaning before modelling?"
_SEVERITY_COLOURS = {"critical": "#c0392b", "warning": "#d68910", "info": "#2471a3"}


class QtPrivacyMemory:
    """Each file's insights privacy choice, in the app's settings under a key from its path."""

    def __init__(self, settings: QSettings) -> None:
        self._settings = settings

    @staticmethod
    def _key(path: Path) -> str:
        # A path's separators would nest settings groups: its digest names the entry.
        digest = hashlib.sha256(str(path.resolve()).encode("utf-8")).hexdigest()[:24]
        return f"insights_privacy/{digest}"

    def load(self, path: Path) -> str | None:
        """The remembered choice for ``path``, if any."""
        value = self._settings.value(self._key(path))
        return str(value) if value else None

    def save(self, path: Path, text: str | None) -> None:
        """Remember ``text`` for ``path`` (None forgets)."""
        if text is None:
            self._settings.remove(self._key(path))
        else:
            self._settings.setValue(self._key(path), text)
        self._settings.sync()


def _plain(text: str, *, bold: bool = False, wrap: bool = True) -> QLabel:
    """A label that shows ``text`` as plain text, never as markup."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if bold:
        font = label.font()
        font.setBold(True)
        label.setFont(font)
    return label


def card_widget(card: Card, select: Callable[[str], None], subject: str = "profile") -> QFrame:
    """One insight as a framed card; ``select(column)`` is called by its column buttons."""
    frame = QFrame()
    frame.setObjectName("verified" if card.verified else "unverified")
    colour = _SEVERITY_COLOURS.get(card.severity, "#7f8c8d")
    border = "solid" if card.verified else "dashed"
    tint = "" if card.verified else "background: rgba(214, 137, 16, 0.10);"
    style = f"border: 2px {border} {colour}; border-radius: 6px; {tint}"
    frame.setStyleSheet(f"QFrame#{frame.objectName()} {{ {style} }}")
    layout = QVBoxLayout(frame)
    top = QHBoxLayout()
    severity = _plain(card.severity.upper(), bold=True, wrap=False)
    severity.setStyleSheet(f"color: {colour};")
    mark = _plain(
        f"✓ Evidence matches the {subject} (its figures are checked, not its conclusion)"
        if card.verified
        else f"✗ Evidence does not match the {subject}: check before relying on it",
        bold=not card.verified,
    )
    mark.setObjectName("mark")
    mark.setStyleSheet("color: #1e8449;" if card.verified else "color: #b9770e;")
    top.addWidget(severity)
    top.addWidget(mark, 1)
    layout.addLayout(top)
    title = _plain(card.title, bold=True)
    title.setObjectName("title")
    layout.addWidget(title)
    detail = _plain(card.detail)
    detail.setObjectName("detail")
    layout.addWidget(detail)
    if card.columns:
        row = QHBoxLayout()
        row.addWidget(_plain("Columns:", wrap=False))
        for column in card.columns:
            button = QPushButton(printable(column))
            button.setFlat(True)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.setStyleSheet("text-decoration: underline;")
            button.setToolTip(f"Show {printable(column)} in the {subject}")
            button.clicked.connect(lambda _=False, c=column: select(c))
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
    if card.evidence:
        evidence = _plain("Evidence: " + " · ".join(card.evidence))
        evidence.setObjectName("evidence")
        layout.addWidget(evidence)
    return frame


class QtInsightsPane(QWidget):
    """The Insights page of a tab.

    Signals:
        answered(): an exchange ended (answered, failed or cancelled).
    """

    answered = Signal()

    def __init__(self, insights: Insights, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.insights = insights
        self.preview_dialog: QtInsightsPreview | None = None
        self.sent_dialog: QDialog | None = None
        self.question = QLineEdit()
        self.question.setPlaceholderText(QUESTION_HINT)
        self.question.returnPressed.connect(self.ask)
        self.ask_button = QPushButton("Ask…")
        self.ask_button.clicked.connect(self.ask)
        self.get_button = QPushButton("Get insights…")
        self.get_button.clicked.connect(lambda: self.start(None))
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(insights.cancel)
        self.line = _plain("")
        self.line.setObjectName("line")
        bar = QHBoxLayout()
        bar.addWidget(self.get_button)
        bar.addWidget(self.question, 1)
        bar.addWidget(self.ask_button)
        bar.addWidget(self.cancel_button)

        self.history = QWidget()
        self.history_layout = QVBoxLayout(self.history)
        self.history_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.history)
        self.history_scroll = scroll
        self._charts: QtChartView | None = None
        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.addWidget(scroll)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.line)
        layout.addWidget(self.split, 1)
        self._shown: list[tuple[int, str]] = []
        subscribe(self, insights.changed, self._update)
        self._update()

    @property
    def charts(self) -> QtChartView:
        """The view of the suggested charts (created on first use)."""
        if self._charts is None:
            self._charts = QtChartView()
            self.split.addWidget(self._charts)
            # The cards are what is read first; the charts illustrate them.
            self.split.setStretchFactor(0, 3)
            self.split.setStretchFactor(1, 2)
            self.split.setSizes([600, 400])
        return self._charts

    def ask(self) -> None:
        """Preview, then send, the question typed."""
        if self.question.text().strip():
            self.start(self.question.text())

    def start(self, question: str | None) -> None:
        """Show what would be sent for ``question`` (None: general insights); Send sends it."""
        choice = self.insights.preview(question)
        if choice is None:
            return
        remembered = self.insights.memory.load(self.insights.path) is not None
        dialog = QtInsightsPreview(
            choice, self.insights.access.settings.base_url, remembered, self.window()
        )
        dialog.accepted.connect(lambda: self._on_send(dialog))
        self.preview_dialog = dialog
        dialog.open()

    def _on_send(self, dialog: QtInsightsPreview) -> None:
        """Send what the preview showed, remembering the choice if asked."""
        self.insights.remember(dialog.choice, dialog.remember.isChecked())
        if dialog.choice.question:
            self.question.clear()
        self.insights.send(dialog.choice)

    def _update(self) -> None:
        """Enable what can be done; redraw the history when it changed."""
        insights = self.insights
        self.get_button.setEnabled(insights.can_ask)
        self.ask_button.setEnabled(insights.can_ask)
        self.question.setEnabled(insights.ready)
        self.cancel_button.setVisible(insights.running)
        status = insights.status
        self.line.setText(status)
        failed = bool(insights.error) or (
            bool(insights.history) and insights.history[-1].state == "failed"
        )
        self.line.setStyleSheet("color: #c0392b;" if failed else "")
        self.line.setVisible(bool(status))
        shown: list[tuple[int, str]] = [(id(e), e.state) for e in insights.history]
        if shown != self._shown:
            before = dict(self._shown)
            ended = any(before.get(key) == "asking" != state for key, state in shown)
            self._shown = shown
            self._draw_history()
            if ended:
                self.answered.emit()

    def _draw_history(self) -> None:
        """The exchanges, newest first, each with its cards."""
        layout = self.history_layout
        while layout.count() > 1:
            item = layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.setParent(None)  # out of the pane at once, deleted later
                widget.deleteLater()
        for exchange in reversed(self.insights.history):
            layout.insertWidget(layout.count() - 1, self._exchange_widget(exchange))
        done = [e for e in self.insights.history if e.state == "done"]
        if done and done[-1].chart_specs:
            self.charts.show_specs(done[-1].chart_specs, dark=self.insights.dark)
            self.charts.setVisible(True)
        elif self._charts is not None:
            self._charts.setVisible(False)

    def show_sent(self, exchange: Exchange) -> None:
        """Show, read-only, the exact request an exchange sent (what its answer is based on)."""
        request = exchange.request
        dialog = QDialog(self.window())
        dialog.setWindowTitle("What was sent")
        dialog.resize(760, 560)
        layout = QVBoxLayout(dialog)
        rows = f"{request.raw_rows} raw rows" if request.raw_rows else "no raw rows"
        layout.addWidget(
            _plain(
                f"{request.values:,} values from the file · {rows} · {len(request.body):,} bytes"
            )
        )
        left_out = omitted_text(request.omitted.document())
        if left_out:
            omitted = _plain(left_out)
            omitted.setObjectName("sent_omitted")
            layout.addWidget(omitted)
        body = QPlainTextEdit(request.pretty())
        body.setReadOnly(True)
        body.setObjectName("sent_body")
        layout.addWidget(body, 1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(dialog.reject)
        layout.addWidget(close)
        self.sent_dialog = dialog
        dialog.open()

    def _exchange_widget(self, exchange: Exchange) -> QWidget:
        """One question and its answer."""
        box = QWidget()
        box.setObjectName("exchange")
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 4, 0, 12)
        when = time.strftime("%H:%M", time.localtime(exchange.asked_at))
        asked = f"You asked: {printable(exchange.question)}" if exchange.question else "Insights"
        header = QHBoxLayout()
        header.addWidget(_plain(f"{asked}   ({exchange.model}, {when})", bold=True), 1)
        sent = QPushButton("What was sent")
        sent.setObjectName("what_was_sent")
        sent.setToolTip("The exact request this answer is based on")
        sent.clicked.connect(lambda: self.show_sent(exchange))
        header.addWidget(sent)
        layout.addLayout(header)
        left_out = omitted_text(exchange.request.omitted.document())
        if left_out:
            omitted = _plain(left_out)
            omitted.setObjectName("omitted")
            omitted.setStyleSheet("color: #7f8c8d;")
            layout.addWidget(omitted)
        if exchange.state == "asking":
            layout.addWidget(_plain("Waiting for the answer…"))
        elif exchange.state in ("failed", "cancelled"):
            error = _plain(exchange.error)
            error.setObjectName("error")
            error.setStyleSheet("color: #c0392b;" if exchange.state == "failed" else "")
            layout.addWidget(error)
        elif not exchange.cards:
            layout.addWidget(_plain("The model found nothing to report."))
        verified = [c for c in exchange.cards if c.verified]
        unverified = [c for c in exchange.cards if not c.verified]
        select, subject = self.insights.select_column, self.insights.subject
        for card in verified:
            layout.addWidget(card_widget(card, select, subject))
        if unverified:
            heading = _plain(
                f"Evidence does not match the {subject} ({len(unverified)}): the figures these "
                f"cite are not the {subject}'s. Shown for completeness; check before relying on "
                "them.",
                bold=True,
            )
            heading.setObjectName("unverified_heading")
            heading.setStyleSheet("color: #b9770e; margin-top: 8px;")
            layout.addWidget(heading)
            for card in unverified:
                layout.addWidget(card_widget(card, select, subject))
        return box
