"""Help → About Loupe: the name, version, licence, and the third-party components."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.identity import APP_NAME, DESCRIPTION, LICENSE, VERSION, icon_png
from desktop.notices import QT_NOTICE, notices_text

__all__ = ["LICENSE_URL", "QtAboutDialog"]

LICENSE_URL = "https://www.apache.org/licenses/LICENSE-2.0"


class QtAboutDialog(QDialog):
    """What Loupe is, its version and licence, and what it is built from.

    Attributes:
        notices: the read-only list of third-party components and their licences.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"About {APP_NAME}")
        icon = QLabel()
        icon.setPixmap(QPixmap(str(icon_png(64))))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.title = QLabel(f"<h2>{APP_NAME} {VERSION}</h2>")
        about = QLabel(
            f"{DESCRIPTION}\n\n"
            f"{APP_NAME} is licensed under the Apache License 2.0 ({LICENSE}):\n{LICENSE_URL}"
        )
        about.setWordWrap(True)
        about.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        heading = QHBoxLayout()
        heading.addWidget(icon)
        text = QVBoxLayout()
        text.addWidget(self.title)
        text.addWidget(about)
        heading.addLayout(text, 1)
        qt_notice = QLabel(QT_NOTICE)
        qt_notice.setWordWrap(True)
        qt_notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notices = QPlainTextEdit(notices_text())
        self.notices.setReadOnly(True)
        self.notices.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.notices.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(heading)
        layout.addWidget(QLabel("<b>Third-party components</b>"))
        layout.addWidget(qt_notice)
        layout.addWidget(self.notices, 1)
        layout.addWidget(buttons)
        self.resize(640, 560)
