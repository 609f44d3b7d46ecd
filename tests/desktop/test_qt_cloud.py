"""The cloud from the window, against the real backend: a child the app starts, or in-process.

Screenshots of what the user sees are saved to ``$LOUPE_SCREENSHOTS`` when set.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QWidget

from cloud.client import CloudClient, CredentialStore
from cloud.client.connection import Connection, find_connections
from cloud.local import LocalBackend
from core.profiling.config import ProfileConfig
from core.profiling.engine import profile_table
from core.read.table import open_table
from core.samples import SAMPLE_CSV
from desktop.models.cloud import AWS, CloudConnection
from desktop.qt_cloud_settings import QtCloudPage
from desktop.qt_dataset_view import QtDatasetView
from desktop.qt_main_window import QtMainWindow
from desktop.qt_settings import QtSettingsDialog
from desktop.qt_workers import QtRunner
from tests.cloud.client.deployment import Deployment, clock, deployment, follow
from tests.cloud.client.file_keyring import FileKeyring
from tests.cloud.conftest import moto_url, store
from tests.desktop.cloud_backend import Dropping, Watching, upload_exists

# The Cognito-like deployment of the client's tests, and the S3 it stores in.
__all__ = ["clock", "deployment", "moto_url", "store"]

LONG = 60_000


def shot(widget: QWidget, name: str, qtbot: Any = None) -> None:
    """Save what ``widget`` shows, when the environment asks for screenshots.

    With ``qtbot``, the embedded browser is given a moment to paint its charts first
    (they are drawn after the chart's signal; only the picture waits, no assertion).
    """
    folder = os.environ.get("LOUPE_SCREENSHOTS")
    if folder:
        if qtbot is not None:
            qtbot.wait(1500)
        assert widget.grab().save(str(Path(folder) / f"{name}.png"))


def opened(qtbot: Any, window: QtMainWindow, path: Path) -> QtDatasetView:
    view = window.open_path(path)
    with qtbot.waitSignal(view.loaded, timeout=LONG):
        pass
    return view


def test_the_window_starts_a_local_backend_profiles_there_and_stops_it(
    qtbot: Any, window: QtMainWindow, runtime: Path, tmp_path: Path
) -> None:
    window.show()
    assert window.cloud_status.text() == "Cloud: not connected"
    dialog = QtSettingsDialog(window.preferences, window, cloud=window.cloud)
    qtbot.addWidget(dialog)
    dialog.pages.setCurrentWidget(dialog.cloud_page)
    dialog.show()
    dialog.cloud_page.start_button.click()
    assert window.cloud_status.text() == "Cloud: starting the local backend…"
    qtbot.waitUntil(lambda: window.cloud.state in ("connected", "failed"), timeout=LONG)
    assert window.cloud.connected, window.cloud.error
    url = window.cloud.url
    assert window.cloud_status.text() == f"Cloud: local backend at {url}"
    assert dialog.cloud_page.status.text() == f"Cloud: local backend at {url}"
    dialog.cloud_page._update_running()
    assert dialog.cloud_page.running.currentText().startswith(f"{url} (started by Loupe since ")
    shot(dialog, "d12_settings_cloud")
    dialog.accept()
    window.set_preferences(dialog.preferences())
    (backend,) = find_connections()
    assert backend.token not in (tmp_path / "settings.ini").read_text()

    view = opened(qtbot, window, SAMPLE_CSV)
    assert view.cloud_bar is not None and view.cloud_bar.button.isEnabled()
    view.profile_in_cloud()
    preview = view.cloud_bar.preview_dialog
    assert preview is not None
    qtbot.waitUntil(preview.send_button.isEnabled, timeout=LONG)
    assert preview.values["File"].text() == "retail_orders.csv"
    assert preview.values["Sent as"].text().startswith("retail_orders.parquet: Parquet, ")
    assert preview.values["To"].text() == f"{url} (local backend)"
    shot(preview, "d12_preview")
    with qtbot.waitSignal(view.profiled, timeout=LONG):
        preview.send_button.click()
    assert "profiled in the cloud (local backend) in " in view.status.text()

    with open_table(SAMPLE_CSV) as table:
        local = json.loads(json.dumps(profile_table(table, ProfileConfig()).profile))
    cloud = view.profile
    assert cloud is not None and cloud["dataset"]["rows"] == local["dataset"]["rows"] == 2000
    assert [c["name"] for c in cloud["columns"]] == [c["name"] for c in local["columns"]]
    assert [c["missing"] for c in cloud["columns"]] == [c["missing"] for c in local["columns"]]
    with qtbot.waitSignal(view.charted, timeout=LONG):
        view.show_section("Missing values")
    shot(window, "d12_cloud_tab", qtbot)
    out = tmp_path / "cloud-profile.json"
    with qtbot.waitSignal(view.exported, timeout=LONG):
        view.export_profile(out, report=False)
    assert json.loads(out.read_text())["dataset"]["rows"] == 2000

    pid = window.cloud.child_pid
    assert pid is not None
    window.close()
    assert find_connections() == [] and not _alive(pid)


def test_cancel_mid_upload_leaves_nothing_on_the_server(
    qtbot: Any,
    window: QtMainWindow,
    served: Connection,
    backend: LocalBackend,
    random_parquet: Path,
) -> None:
    window.show()
    window.cloud.connect_local(served)
    qtbot.waitUntil(lambda: window.cloud.connected, timeout=LONG)
    view = opened(qtbot, window, random_parquet)
    assert view.cloud_job is not None and view.cloud_bar is not None
    job, bar = view.cloud_job, view.cloud_bar
    watching = Watching(hold_put=2)  # hold the second of two parts
    job.client = lambda url, token, api_key=None: CloudClient(
        url,
        token,
        transport=watching,
        storage_transport=watching,
        multipart_threshold=1,
        parts_in_flight=1,  # one part at a time: the PUT held is a known part
    )
    view.profile_in_cloud()
    preview = bar.preview_dialog
    assert preview is not None
    qtbot.waitUntil(preview.send_button.isEnabled, timeout=LONG)
    assert preview.values["Sent as"].text().startswith("noise.parquet: as it is (Parquet, 20.")
    preview.send_button.click()
    qtbot.waitUntil(lambda: watching.holding.is_set() and job.fraction > 0, timeout=LONG)
    assert bar.cancel_button.isVisible() and bar.line.text().startswith("Uploading 16.8 MB of 20.")
    shot(window, "d12_upload")
    bar.cancel_button.click()
    watching.release.set()
    qtbot.waitUntil(lambda: job.state == "cancelled", timeout=LONG)
    assert bar.line.text() == "Cloud profile cancelled; the upload was removed from the server"
    (upload_id,) = watching.upload_ids
    assert ("DELETE", f"/v1/uploads/{upload_id}") in watching.requests
    assert not upload_exists(served.url, backend.token, upload_id)
    assert view.profile is None and view.rows_label.text() == "20,000 rows"


def test_an_unreachable_endpoint_is_one_line(qtbot: Any, window: QtMainWindow) -> None:
    view = opened(qtbot, window, SAMPLE_CSV)
    window.cloud.connect_endpoint("http://127.0.0.1:9")
    qtbot.waitUntil(lambda: window.cloud.state == "failed", timeout=LONG)
    assert window.cloud_status.text() == "Cloud: cannot reach http://127.0.0.1:9 (ConnectError)"
    assert view.cloud_bar is not None and not view.cloud_bar.button.isEnabled()
    assert view.profile_button.isEnabled()  # the local tab keeps working


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_sign_in_on_the_cloud_page_waits_for_the_browser_in_the_background(
    qtbot: Any, deployment: Deployment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOUPE_TEST_KEYRING", str(tmp_path / "keyring.json"))
    opened: list[str] = []  # the browser: it follows a page only when the test says
    owner = QWidget()
    qtbot.addWidget(owner)
    cloud = CloudConnection(
        QtRunner(owner), open_url=opened.append, store=lambda: CredentialStore(FileKeyring())
    )
    page = QtCloudPage(cloud, AWS, deployment.url)
    qtbot.addWidget(page)
    page.show()
    assert page.sign_in_button.isEnabled() and not page.sign_out_button.isEnabled()

    # The window answers while the sign-in waits; Cancel stops the wait.
    page.sign_in_button.click()
    qtbot.waitUntil(lambda: len(opened) == 1, timeout=LONG)
    assert page.status.text() == f"Cloud: signing in to {deployment.url} in the browser…"
    assert page.sign_in_button.text() == "Cancel sign-in" and not page.connect_button.isEnabled()
    page.sign_in_button.click()
    qtbot.waitUntil(lambda: cloud.state == "off", timeout=LONG)
    assert page.sign_in_note.text() == "sign-in cancelled"
    assert page.status.text() == "Cloud: not connected" and page.sign_in_button.text() == "Sign in…"

    page.sign_in_button.click()
    qtbot.waitUntil(lambda: len(opened) == 2, timeout=LONG)
    follow(opened[-1])
    qtbot.waitUntil(lambda: cloud.state != "signing in", timeout=LONG)
    assert page.status.text() == f"Cloud: signed in to {deployment.url}", cloud.error
    assert page.sign_out_button.isEnabled() and page.sign_in_button.text() == "Sign in…"
    shot(page, "signin_page")

    page.sign_out_button.click()
    qtbot.waitUntil(lambda: cloud.state == "off", timeout=LONG)
    assert page.sign_in_note.text() == f"signed out of {deployment.url}"
    assert deployment.cognito.revoked and not page.sign_out_button.isEnabled()


def test_a_dropped_upload_offers_resume_in_the_tab_and_finishes(
    qtbot: Any,
    window: QtMainWindow,
    served: Connection,
    backend: LocalBackend,
    random_parquet: Path,
) -> None:
    window.show()
    window.cloud.connect_local(served)
    qtbot.waitUntil(lambda: window.cloud.connected, timeout=LONG)
    view = opened(qtbot, window, random_parquet)
    assert view.cloud_job is not None and view.cloud_bar is not None
    job, bar = view.cloud_job, view.cloud_bar
    dropping = Dropping()  # the connection drops on the second of two parts
    job.client = lambda url, token, api_key=None: CloudClient(
        url,
        token,
        transport=dropping,
        storage_transport=dropping,
        multipart_threshold=1,
        parts_in_flight=1,  # one part at a time: the PUT dropped is a known part
    )
    view.profile_in_cloud()
    preview = bar.preview_dialog
    assert preview is not None
    qtbot.waitUntil(preview.send_button.isEnabled, timeout=LONG)
    preview.send_button.click()
    qtbot.waitUntil(lambda: bar.resume_button.isVisible(), timeout=LONG)
    assert bar.start_over_button.isVisible() and not bar.cancel_button.isVisible()
    assert bar.line.text().startswith("The upload of noise.parquet stopped at 16.8 of 20.")
    shot(window, "d12_resume")
    dropping.drop_put, before = 0, dropping.puts
    bar.resume_button.click()
    qtbot.waitUntil(lambda: job.state == "done", timeout=LONG)
    assert dropping.puts - before == 1 and len(dropping.upload_ids) == 1
    assert not bar.resume_button.isVisible() and view.profile is not None
    assert view.profile["dataset"]["rows"] == 20_000
