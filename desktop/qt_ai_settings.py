"""Settings → AI: the endpoint insights go to, its API key, and the model.

A thin view of the app's :class:`~desktop.models.ai.AIAccess`. The endpoint and
the model are preferences (kept when the dialog is accepted); the key acts at
once: Save key puts it in the OS keyring (or, without one, keeps it for this
session, said in one line) and clears the box; it is never shown again, nor
written to the settings. "List models" reads the endpoint's ``GET /models``.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cloud.insights import DEFAULT_BASE_URL, DEFAULT_MODEL
from core.errors import LoupeError
from desktop.models.ai import AIAccess, AISettings, insights_call
from desktop.models.tasks import Newest, Progress, describe_error
from desktop.qt_cloud_pane import subscribe
from desktop.qt_workers import QtRunner

__all__ = ["QtAIPage"]


class QtAIPage(QWidget):
    """The AI page of Settings for ``access``, starting from ``settings``."""

    def __init__(
        self, access: AIAccess, settings: AISettings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.access = access
        self.endpoint = QLineEdit(settings.base_url)
        self.endpoint.setPlaceholderText(DEFAULT_BASE_URL)
        self.endpoint.setToolTip(
            "NVIDIA's hosted API, a self-hosted NIM, or any OpenAI-compatible server (…/v1)"
        )
        self.endpoint.textChanged.connect(self._update)
        self.key = QLineEdit()
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.key.textChanged.connect(self._update)
        self.save_key_button = QPushButton("Save key")
        self.save_key_button.clicked.connect(self._on_save_key)
        self.forget_key_button = QPushButton("Forget key")
        self.forget_key_button.clicked.connect(self._on_forget_key)
        self.model = QComboBox()
        self.model.setEditable(True)
        self.model.setMinimumContentsLength(40)
        self.model.addItem(settings.model)
        if settings.model != DEFAULT_MODEL:
            self.model.addItem(DEFAULT_MODEL)
        self.model.setCurrentText(settings.model)
        self.list_button = QPushButton("List models")
        self.list_button.clicked.connect(self.list_models)
        self.key_state = _wrapped("")
        self.status = _wrapped("")
        self._listing = Newest(QtRunner(self), self._update)

        form = QFormLayout()
        form.addRow("Endpoint", self.endpoint)
        form.addRow("", _wrapped(f"Default: NVIDIA's hosted API, {DEFAULT_BASE_URL}"))
        form.addRow("API key", _row(self.key, self.save_key_button, self.forget_key_button))
        form.addRow("", self.key_state)
        form.addRow("Model", _row(self.model, self.list_button))
        form.addRow("", self.status)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(
            _wrapped(
                "Insights send the profile's statistics — never the file — only when you "
                "choose Get insights or ask a question, after a preview of exactly what is sent. "
                "The key is kept in the OS keyring, never in Loupe's settings or files."
            )
        )
        layout.addStretch(1)
        subscribe(self, access.changed, self._update)
        self._update()

    def settings(self) -> AISettings:
        """The endpoint and the model as the page shows them."""
        url = self.endpoint.text().strip() or DEFAULT_BASE_URL
        return AISettings(base_url=url, model=self.model.currentText().strip() or DEFAULT_MODEL)

    def list_models(self) -> None:
        """List the endpoint's models in the background (with the key typed, else the one kept)."""
        settings = self.settings()
        try:
            client = self.access.client(settings, self.key.text().strip() or None)
        except LoupeError as exc:  # no key: said in the page's line
            self.status.setText(describe_error(exc))
            return

        def run(progress: Progress, cancelled: Callable[[], bool]) -> list[str]:
            try:
                listed: list[str] = insights_call(client.list_models)
                return listed
            finally:
                client.close()

        self.status.setText(f"Listing the models of {settings.base_url}…")
        self._listing.start(run, "models", finished=self._on_listed, errored=self._on_failed)

    def _on_listed(self, models: list[str]) -> None:
        """Offer the models listed, keeping the one chosen."""
        chosen = self.model.currentText()
        self.model.clear()
        self.model.addItems(models)
        self.model.setCurrentText(chosen)
        if chosen in models:
            self.status.setText(f"{len(models)} models available; {chosen} is one of them.")
        else:
            self.status.setText(
                f"{len(models)} models available; {chosen} is not one of them: choose another."
            )

    def _on_failed(self, error: BaseException) -> None:
        """Say why the models could not be listed."""
        self.status.setText(describe_error(error))

    def _on_save_key(self) -> None:
        """Keep the key typed for the endpoint shown, and clear the box."""
        key = self.key.text().strip()
        if key:
            self.access.set_key(key, self.settings().base_url)
            self.key.clear()

    def _on_forget_key(self) -> None:
        """Forget the key of the endpoint shown."""
        self.access.forget_key(self.settings().base_url)

    def _update(self) -> None:
        """Say whether a key is kept, and enable what can be done."""
        url = self.settings().base_url
        kept = self.access.keys.get(url) is not None
        where = "this session only" if self.access.keys.note else "the OS keyring"
        line = f"A key for {url} is kept in {where}." if kept else f"No key for {url} yet."
        if self.access.keys.note:
            line += " " + self.access.keys.note
        self.key_state.setText(line)
        self.key.setPlaceholderText("a key is kept (type to replace it)" if kept else "nvapi-…")
        self.save_key_button.setEnabled(bool(self.key.text().strip()))
        self.forget_key_button.setEnabled(kept)
        self.list_button.setEnabled(not self._listing.running)


def _row(*widgets: QWidget) -> QWidget:
    """Widgets side by side, the first one stretching."""
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    for index, widget in enumerate(widgets):
        layout.addWidget(widget, 1 if index == 0 else 0)
    return row


def _wrapped(text: str) -> QLabel:
    """A wrapped plain-text line."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    return label
