"""Messages that never widen the window: a one-line label that elides, and a dismissable bar.

:class:`QtElidedLabel` shows a status line cut with "…" to the width it is
given (the whole text in its tooltip), so a long message can never make the
window wider. :class:`QtMessageBar` shows a message that needs the user's
attention (a failed export, say) above a tab's rows, wrapped on a few lines,
with buttons for what can be done next and × to dismiss it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QHelpEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QToolTip,
    QWidget,
)

__all__ = ["ERROR", "INFO", "QtElidedLabel", "QtMessageBar"]

ERROR, INFO = "error", "info"
#: The longest message the bar shows in full; the rest is in its tooltip.
SHOWN_CHARACTERS = 600
# Tinted backgrounds that read on the light and the dark palette alike.
_STYLES = {
    ERROR: "background: rgba(214, 39, 40, 0.16); border: 1px solid rgba(214, 39, 40, 0.55);",
    INFO: "background: rgba(0, 114, 178, 0.14); border: 1px solid rgba(0, 114, 178, 0.5);",
}


class QtElidedLabel(QLabel):
    """A one-line label that cuts its text with "…" to fit, and never asks for more width."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(1)

    def shown_text(self) -> str:
        """The text as drawn: elided to the label's width, on one line."""
        line = " ".join(self.text().split())
        return self.fontMetrics().elidedText(line, Qt.TextElideMode.ElideRight, self.width())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        flags = int(self.alignment()) | Qt.TextFlag.TextSingleLine
        painter.drawText(self.contentsRect(), flags, self.shown_text())

    def event(self, event: QEvent) -> bool:
        # A cut text without a tooltip of its own shows itself whole on hover.
        if (
            isinstance(event, QHelpEvent)
            and event.type() == QEvent.Type.ToolTip
            and not self.toolTip()
            and self.shown_text() != " ".join(self.text().split())
        ):
            QToolTip.showText(event.globalPos(), self.text(), self)
            return True
        return super().event(event)


class QtMessageBar(QFrame):
    """A message for the user to read and dismiss, with buttons for what to do next.

    Hidden until :meth:`show_message`; × (or :meth:`dismiss`) hides it again.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageBar")
        self.level = INFO
        self._text = ""
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Long words (a path) must wrap or be cut, never widen the window.
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.label.setMinimumWidth(1)
        self.close_button = QToolButton()
        self.close_button.setText("×")
        self.close_button.setToolTip("Dismiss")
        self.close_button.setAutoRaise(True)
        self.close_button.clicked.connect(self.dismiss)
        self._buttons: list[QToolButton] = []
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(8, 4, 4, 4)
        self._layout.addWidget(self.label, 1)
        self._layout.addWidget(self.close_button)
        self.setVisible(False)

    @property
    def text(self) -> str:
        """The message shown (in full, as given)."""
        return self._text

    @property
    def buttons(self) -> list[QToolButton]:
        """The buttons of the message shown."""
        return list(self._buttons)

    def show_message(
        self,
        text: str,
        level: str = ERROR,
        actions: Sequence[tuple[str, Callable[[], object]]] = (),
    ) -> None:
        """Show ``text`` (replacing any message), with a button per (label, handler)."""
        self.level, self._text = level, text
        shown = text if len(text) <= SHOWN_CHARACTERS else text[: SHOWN_CHARACTERS - 1] + "…"
        # Zero-width spaces after separators let a long path wrap.
        wrappable = shown.replace("/", "/\u200b").replace("\\", "\\\u200b")
        self.label.setText(wrappable)
        self.label.setToolTip(text if shown != text else "")
        self.setStyleSheet(f"#messageBar {{ {_STYLES.get(level, _STYLES[INFO])} }}")
        for button in self._buttons:
            self._layout.removeWidget(button)
            button.deleteLater()
        self._buttons = []
        for position, (label, handler) in enumerate(actions, start=1):
            button = QToolButton()
            button.setText(label)
            button.clicked.connect(handler)
            self._layout.insertWidget(position, button)
            self._buttons.append(button)
        self.setVisible(True)

    def dismiss(self) -> None:
        """Hide the message."""
        self.setVisible(False)
