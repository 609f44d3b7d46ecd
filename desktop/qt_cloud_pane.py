"""A tab's cloud profile: its button, the privacy preview, and the progress line.

Thin views of a :class:`~desktop.models.cloud_job.CloudProfileJob`: they redraw
from its state when it changes, and turn clicks into its methods.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import Shiboken

from desktop.models.cloud_job import CloudProfileJob, memory_limit, size_text
from desktop.models.events import Event

__all__ = ["QtCloudBar", "QtPrivacyPreview", "QtUploadMemory", "subscribe"]


class QtUploadMemory:
    """Interrupted uploads, in the app's settings under a digest of their key (no tokens)."""

    def __init__(self, settings: QSettings) -> None:
        self._settings = settings

    @staticmethod
    def _key(key: str) -> str:
        # A path's separators would nest settings groups: its digest names the entry.
        return f"kept_uploads/{hashlib.sha256(key.encode('utf-8')).hexdigest()[:24]}"

    def load(self, key: str) -> str | None:
        """The text kept under ``key``, if any."""
        value = self._settings.value(self._key(key))
        return str(value) if value else None

    def save(self, key: str, text: str | None) -> None:
        """Keep ``text`` under ``key`` (None forgets)."""
        if text is None:
            self._settings.remove(self._key(key))
        else:
            self._settings.setValue(self._key(key), text)
        self._settings.sync()


class QtPrivacyPreview(QDialog):
    """What would leave the machine, with Send and Cancel; nothing is sent before Send."""

    def __init__(self, job: CloudProfileJob, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.job = job
        self.setWindowTitle("Profile in the cloud")
        self.setMinimumWidth(520)
        intro = QLabel("<b>Nothing has left this computer yet.</b> Send uploads exactly this:")
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.values: dict[str, QLabel] = {}
        for label in ("File", "Size", "Sent as", "To"):
            value = QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.values[label] = value
            self.form.addRow(f"<b>{label}</b>", value)
        note = QLabel(
            "The backend profiles the file and sends the profile back to this window. "
            "Only this file and its name are sent: not your settings, filters or other files."
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.send_button = buttons.addButton("Send", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addSpacing(4)
        layout.addLayout(self.form)
        layout.addSpacing(8)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self._unsubscribe = subscribe(self, job.changed, self._update)
        self._update()

    def accept(self) -> None:
        """Send, and close."""
        self._unsubscribe()
        super().accept()
        self.job.send()

    def reject(self) -> None:
        """Send nothing, and close."""
        self._unsubscribe()
        super().reject()
        if self.job.state in ("converting", "ready"):
            self.job.discard()

    def _update(self) -> None:
        """Show the preview as it is now (the copy's size once known)."""
        preview = self.job.preview
        if preview is not None:
            for label, text in preview.rows():
                self.values[label].setText(text)
        self.send_button.setEnabled(self.job.state == "ready")
        if self.job.state == "failed":
            self.values["Sent as"].setText(self.job.error)


class QtCloudBar(QWidget):
    """The tab's cloud line: a suggestion for big files, progress with Cancel, or an error.

    ``button`` ("Profile in the cloud…") is placed by the tab beside Profile.
    """

    def __init__(self, job: CloudProfileJob, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.job = job
        self.preview_dialog: QtPrivacyPreview | None = None
        self.button = QPushButton("Profile in the cloud…")
        self.button.clicked.connect(self.start)
        self.line = QLabel()
        self.line.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setMaximumWidth(220)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(job.cancel)
        self.resume_button = QPushButton("Resume")
        self.resume_button.clicked.connect(job.resume)
        self.start_over_button = QPushButton("Start over")
        self.start_over_button.clicked.connect(self.start_over)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.line, 1)
        layout.addWidget(self.resume_button)
        layout.addWidget(self.start_over_button)
        layout.addWidget(self.progress)
        layout.addWidget(self.cancel_button)
        self._unsubscribe = [
            subscribe(self, job.changed, self._update),
            subscribe(self, job.connection.changed, self._update),
        ]
        self._update()

    def start(self) -> None:
        """Prepare what would be sent and show it; Send in the preview sends it."""
        if not self.job.can_start:
            return
        self.job.prepare()
        if self.job.state == "failed":
            return
        self._show_preview()

    def start_over(self) -> None:
        """Abort the interrupted upload and show the preview of a fresh one."""
        self.job.start_over()
        if self.job.state != "failed":
            self._show_preview()

    def _show_preview(self) -> None:
        """Open the privacy preview of the job."""
        self.preview_dialog = QtPrivacyPreview(self.job, self.window())
        self.preview_dialog.open()

    def _update(self) -> None:
        """Show what the job and the connection allow now."""
        job = self.job
        self.button.setEnabled(job.can_start)
        self.button.setToolTip(
            f"Profile on the {job.connection.where} at {job.connection.url}"
            if job.connection.connected
            else "Connect to a cloud backend first (Settings → Cloud)"
        )
        busy = job.state in ("uploading", "running")
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        if busy:
            self.progress.setValue(int(job.fraction * 1000))
        text, colour = job.progress_text if busy else "", ""
        resume = "" if busy else job.resume_text
        self.resume_button.setVisible(bool(resume))
        self.start_over_button.setVisible(bool(resume))
        if resume:
            text = resume + ":"
        elif job.state == "cancelled":
            text = job.error
        elif job.state == "failed":
            text, colour = f"Cloud profile: {job.error}", "#c0392b"
        elif not busy and job.suggested and job.state != "done":
            text = (
                f"This file is larger than the {size_text(memory_limit())} the local engine "
                "holds in memory; profiling it in the cloud may be quicker."
                + ("" if job.connection.connected else " Connect in Settings → Cloud.")
            )
        self.line.setText(text)
        self.line.setStyleSheet(f"color: {colour};" if colour else "")
        self.setVisible(bool(text) or busy)


def subscribe(widget: QWidget, event: Event[[]], handler: Callable[[], None]) -> Callable[[], None]:
    """Call ``handler`` on ``event`` while ``widget`` exists; returns what unsubscribes.

    Models outlive the widgets that show them: a deleted widget is never called.
    """

    def call(*_: object) -> None:
        if Shiboken.isValid(widget):
            handler()
        else:
            stop()

    def stop() -> None:
        event.disconnect(call)

    event.connect(call)
    # A model outlives the tab's widgets: let go of them when they are deleted.
    widget.destroyed.connect(lambda *_: stop())
    return stop
