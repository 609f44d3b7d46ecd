"""Settings → Cloud: which backend profiles files in the cloud, and its state.

A thin view of the app's :class:`~desktop.models.cloud.CloudConnection`: the
buttons act at once (start, stop, connect); the choice and the endpoint's URL
are kept with the other preferences when the dialog is accepted. "Sign in…"
opens the deployment's sign-in page in the browser and waits for it in the
background (the button cancels meanwhile). No token is shown, typed or kept
here: the sign-in is kept by the connection, in the OS keyring.
"""

from __future__ import annotations

import time

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop.models.cloud import AWS, LOCAL, CloudConnection
from desktop.qt_cloud_pane import subscribe

__all__ = ["QtCloudPage"]


class QtCloudPage(QWidget):
    """The Cloud page of Settings for ``connection``, starting from ``mode`` and ``endpoint``."""

    def __init__(
        self,
        connection: CloudConnection,
        mode: str,
        endpoint: str,
        parent: QWidget | None = None,
    ) -> None:
        # Long: the page's two choices and their controls, top to bottom as read.
        super().__init__(parent)
        self.connection = connection
        self.local_choice = QRadioButton("Local backend — runs on this computer")
        self.aws_choice = QRadioButton("AWS deployment — your organisation's Loupe backend")
        choices = QButtonGroup(self)
        for button in (self.local_choice, self.aws_choice):
            choices.addButton(button)
        (self.aws_choice if mode == AWS else self.local_choice).setChecked(True)

        self.start_button = QPushButton("Start local backend")
        self.start_button.clicked.connect(connection.start_local)
        self.stop_button = QPushButton("Stop")
        self.stop_button.clicked.connect(connection.disconnect)
        self.running = QComboBox()
        # Wide enough for "http://127.0.0.1:NNNNN (started by Loupe since HH:MM)".
        self.running.setMinimumContentsLength(52)
        self.running.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.clicked.connect(self._update_running)
        self.join_button = QPushButton("Connect")
        self.join_button.clicked.connect(self._on_join)
        local = QGroupBox()
        form = QFormLayout(local)
        form.addRow(_row(self.start_button, self.stop_button, stretch=True))
        form.addRow("Or one already running:", _row(self.running, self.refresh_button))
        form.addRow("", _row(self.join_button, stretch=True))

        self.endpoint = QLineEdit(endpoint)
        self.endpoint.setPlaceholderText("https://…/ (the deployment's API URL)")
        self.connect_button = QPushButton("Connect")
        self.connect_button.clicked.connect(
            lambda: connection.connect_endpoint(self.endpoint.text())
        )
        self.sign_in_button = QPushButton("Sign in…")
        self.sign_in_button.setToolTip("Opens the deployment's sign-in page in your browser")
        self.sign_in_button.clicked.connect(self._on_sign_in)
        self.sign_out_button = QPushButton("Sign out")
        self.sign_out_button.clicked.connect(connection.sign_out)
        self.sign_in_note = _note("")
        aws = QGroupBox()
        form = QFormLayout(aws)
        form.addRow("Endpoint", self.endpoint)
        form.addRow(
            "",
            _row(self.connect_button, self.sign_in_button, self.sign_out_button, stretch=True),
        )
        form.addRow(self.sign_in_note)

        self.status = QLabel()
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.local_choice)
        layout.addWidget(local)
        layout.addWidget(self.aws_choice)
        layout.addWidget(aws)
        layout.addWidget(self.status)
        layout.addWidget(
            _note(
                "A file leaves this computer only when you choose Profile in the cloud, "
                "after a preview of exactly what is sent. A sign-in is kept in the system "
                "keyring; Loupe never saves an access token."
            )
        )
        layout.addStretch(1)
        self._groups = {LOCAL: local, AWS: aws}
        for button in (self.local_choice, self.aws_choice):
            button.toggled.connect(self._update)
        subscribe(self, connection.changed, self._update)
        self._update_running()
        self._update()

    def mode(self) -> str:
        """The backend chosen: ``local`` or ``aws``."""
        return AWS if self.aws_choice.isChecked() else LOCAL

    def _on_sign_in(self) -> None:
        """Sign in to the endpoint typed, or stop waiting for the browser."""
        if self.connection.state == "signing in":
            self.connection.cancel_sign_in()
        else:
            self.connection.sign_in(self.endpoint.text())

    def _on_join(self) -> None:
        """Connect to the running backend chosen in the list."""
        chosen = self.running.currentIndex()
        backends = self.connection.running_backends()
        url = self.running.itemData(chosen)
        for backend in backends:
            if backend.url == url:
                self.connection.connect_local(backend)
                return
        self._update_running()

    def _update_running(self) -> None:
        """List the backends running on this computer."""
        self.running.clear()
        for backend in self.connection.running_backends():
            started = time.strftime("%H:%M", time.localtime(backend.started))
            mine = "started by Loupe" if backend.pid == self.connection.child_pid else "running"
            self.running.addItem(f"{backend.url} ({mine} since {started})", backend.url)
        if self.running.count() == 0:
            self.running.addItem("none found")
        self._update()

    def _update(self) -> None:
        """Enable what the choice and the connection allow."""
        connection, mode = self.connection, self.mode()
        for name, group in self._groups.items():
            group.setEnabled(name == mode)
        busy = connection.busy
        signing_in = connection.state == "signing in"
        self.start_button.setEnabled(not busy and not connection.owns_backend)
        self.stop_button.setEnabled(connection.state != "off" and connection.kind == LOCAL)
        self.stop_button.setText("Stop" if connection.owns_backend else "Disconnect")
        self.join_button.setEnabled(not busy and self.running.itemData(0) is not None)
        self.connect_button.setEnabled(not busy)
        self.sign_in_button.setText("Cancel sign-in" if signing_in else "Sign in…")
        self.sign_in_button.setEnabled(signing_in or not busy)
        self.sign_out_button.setEnabled(connection.signed_in and not busy)
        self.sign_in_note.setText(
            connection.notice
            or (
                "Complete the sign-in in your browser; Loupe waits for it here."
                if signing_in
                else "Sign in… opens the deployment's sign-in page in your browser. Connect "
                "uses a sign-in kept earlier, or one of `loupe cloud login`."
            )
        )
        self.status.setText(connection.status_text)


def _row(*widgets: QWidget, stretch: bool = False) -> QWidget:
    """Widgets side by side (pushed left when ``stretch``)."""
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    if stretch:
        layout.addStretch(1)
    return row


def _note(text: str) -> QLabel:
    """A wrapped, quieter explanation."""
    label = QLabel(text)
    label.setWordWrap(True)
    return label
