"""Insights in the window against a fake OpenAI-compatible endpoint, with the sample file.

Screenshots are saved to ``$LOUPE_SCREENSHOTS`` when set (prefixed ``i12_``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QPlainTextEdit, QPushButton, QSplitter, QWidget

from cloud.insights import MAX_REQUEST_TOKENS, default_privacy, omitted_text
from core.profiling.document import Profile
from core.samples import SAMPLE_CSV
from desktop.models.ai import NO_KEYRING, AIAccess, AISettings, ApiKeys
from desktop.models.insight_cards import Card, cards
from desktop.models.insights import DatasetInsights, Exchange
from desktop.models.privacy_choice import PrivacyChoice
from desktop.models.session import DatasetSession
from desktop.models.tasks import InlineRunner
from desktop.qt_dataset_view import QtDatasetView
from desktop.qt_insights_pane import QtInsightsPane, card_widget
from desktop.qt_insights_preview import QtInsightsPreview
from desktop.qt_main_window import QtMainWindow
from desktop.qt_settings import QtSettingsDialog
from tests.cloud.fake_nemotron import KEY, MODELS, FakeNemotron, Reply, good_answer
from tests.cloud.insights.wide import wide_profile
from tests.desktop.test_qt_cloud import shot

LONG = 60_000
MODEL = "nvidia/test-nemotron"


@pytest.fixture
def fake() -> Iterator[FakeNemotron]:
    with FakeNemotron() as server:
        yield server


def _profiled(
    qtbot: Any, window: QtMainWindow, fake: FakeNemotron, key: bool = True
) -> tuple[QtDatasetView, QtInsightsPane]:
    """The sample, profiled, with insights going to the fake endpoint."""
    window.ai.configure(AISettings(base_url=fake.url, model=MODEL))
    if key:
        window.ai.set_key(KEY)
    view = window.open_path(SAMPLE_CSV)
    with qtbot.waitSignal(view.loaded, timeout=LONG):
        pass
    with qtbot.waitSignal(view.profiled, timeout=LONG):
        view.start_profile()
    view.show_insights()
    assert view.insights_pane is not None
    return view, view.insights_pane


def _send(qtbot: Any, pane: QtInsightsPane) -> None:
    """Send what the open preview shows and wait for the answer."""
    dialog = pane.preview_dialog
    assert dialog is not None and dialog.isVisible()
    with qtbot.waitSignal(pane.answered, timeout=LONG):
        dialog.send_button.click()


def _cards(pane: QtInsightsPane) -> list[QFrame]:
    return [
        f for f in pane.history.findChildren(QFrame) if f.objectName() in ("verified", "unverified")
    ]


def test_get_insights_shows_verified_and_unverified_cards_from_exactly_the_previewed_body(
    qtbot: Any, window: QtMainWindow, fake: FakeNemotron
) -> None:
    window.resize(1400, 900)
    window.show()
    view, pane = _profiled(qtbot, window, fake)
    profile = dict(view.profile)
    assert view.chart_pane.stack.currentWidget() is pane
    assert fake.received == []  # nothing leaves before Send
    pane.get_button.click()
    dialog = pane.preview_dialog
    assert dialog is not None
    # Personal-looking columns are marked and withheld by default; the body follows choices.
    zip_row = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())].index(
        "customer_zip"
    )
    assert dialog.table.item(zip_row, 1).text() == "⚠ addresses"
    assert dialog.states["customer_zip"].currentText() == "counts only"
    assert not dialog.sample.isChecked() and "no raw rows" in dialog.summary.text()
    assert "comment" in dialog.body.toPlainText()
    dialog.set_state("comment", "leave out")
    assert "comment" not in dialog.body.toPlainText()
    dialog.sample.setChecked(True)
    dialog.sample_rows.setValue(2)
    assert "2 raw rows" in dialog.summary.text()
    dialog.sample.setChecked(False)
    shot(dialog, "i12_privacy_preview")
    shown = dialog.body.toPlainText()
    fake.replies = [Reply(content=good_answer(profile))]
    _send(qtbot, pane)

    (received,) = fake.received
    assert received.raw == dialog.choice.request().body
    assert json.loads(shown) == received.body
    sent = received.raw.decode()
    assert "comment" not in sent and "fast delivery" not in sent
    zips = [
        str(v["value"])
        for v in next(c for c in profile["columns"] if c["name"] == "customer_zip")["top_values"]
    ]
    assert zips and not any(z in sent for z in zips)

    verified, unverified = _cards(pane)
    assert verified.objectName() == "verified" and unverified.objectName() == "unverified"
    assert verified.findChild(QLabel, "title").text() == "Comments are mostly missing"
    assert unverified.findChild(QLabel, "title").text() == "Amounts are huge"
    assert unverified.findChild(QLabel, "mark").text().startswith("✗ Evidence does not match")
    assert "dashed" in unverified.styleSheet() and "solid" in verified.styleSheet()
    heading = pane.history.findChild(QLabel, "unverified_heading")
    assert heading is not None
    assert heading.text().startswith("Evidence does not match the profile (1)")
    # Set apart: the verified card, then the heading, then the unverified card.
    answer = verified.parentWidget().layout()
    order = [answer.indexOf(w) for w in (verified, heading, unverified)]
    assert order == sorted(order) and -1 not in order
    assert pane.charts.isVisible()
    # What an answer was based on stays to be seen: the very bytes that were sent.
    pane.history.findChild(QPushButton, "what_was_sent").click()
    assert pane.sent_dialog is not None
    kept = pane.sent_dialog.findChild(QPlainTextEdit, "sent_body").toPlainText()
    assert json.loads(kept) == received.body
    pane.sent_dialog.reject()
    rows_and_profile = view.grid_pane.parentWidget()
    assert isinstance(rows_and_profile, QSplitter)
    rows_and_profile.setSizes([200, 700])  # room for the cards in the picture
    shot(window, "i12_insights_pane", qtbot)

    # A card's column selects it in the profile views.
    (column_button,) = [b for b in verified.findChildren(QPushButton) if b.text() == "comment"]
    column_button.click()
    assert view.session.column == "comment" and view.session.section == "Column"
    assert view.chart_pane.stack.currentWidget() is not pane


def test_a_question_joins_the_history_with_its_answer(
    qtbot: Any, window: QtMainWindow, fake: FakeNemotron
) -> None:
    view, pane = _profiled(qtbot, window, fake)
    fake.replies = [Reply(content=good_answer(dict(view.profile)))] * 2
    pane.get_button.click()
    _send(qtbot, pane)
    pane.question.setText("Which columns need cleaning before modelling?")
    qtbot.keyClick(pane.question, Qt.Key.Key_Return)
    _send(qtbot, pane)
    assert "Which columns need cleaning before modelling?" in fake.received[-1].raw.decode()
    headers = [
        w.findChildren(QLabel)[0].text() for w in pane.history.findChildren(QWidget, "exchange")
    ]
    assert headers[0].startswith("You asked: Which columns need cleaning before modelling?")
    assert headers[1].startswith("Insights")
    assert [e.question for e in view.insights.history] == [
        None,
        "Which columns need cleaning before modelling?",
    ]
    assert len(_cards(pane)) == 4 and pane.question.text() == ""


def test_model_text_is_shown_literally_never_as_markup(qtbot: Any) -> None:
    card = Card(
        "info", "<b>x</b>", "<img src=x onerror=alert(1)>", ("a",), ("rows: <i>1</i>",), False
    )
    frame = card_widget(card, lambda column: None)
    qtbot.addWidget(frame)
    for name in ("title", "detail", "evidence"):
        label = frame.findChild(QLabel, name)
        assert label.textFormat() == Qt.TextFormat.PlainText
    assert frame.findChild(QLabel, "title").text() == "<b>x</b>"
    assert frame.findChild(QLabel, "evidence").text() == "Evidence: rows: <i>1</i>"


def test_a_retired_model_is_one_line_naming_the_available_ones_and_the_tab_keeps_working(
    qtbot: Any, window: QtMainWindow, fake: FakeNemotron
) -> None:
    view, pane = _profiled(qtbot, window, fake)
    fake.replies = [Reply(410)]
    pane.get_button.click()
    _send(qtbot, pane)
    line = pane.line.text()
    assert line.startswith(f"the model {MODEL} is not available at this endpoint (HTTP 410")
    assert "available: nvidia/nemotron-3-super-120b-a12b, nvidia/nemotron-3.5-lightning" in line
    assert "\n" not in line and KEY not in line
    view.set_filter("city", "= Austin")
    qtbot.waitUntil(lambda: not view.session.rows_text.endswith("…"), timeout=LONG)
    assert view.session.shown.frame().height < view.session.base.height
    assert pane.get_button.isEnabled()


def test_without_a_key_the_pane_says_so_in_one_line(
    qtbot: Any, window: QtMainWindow, fake: FakeNemotron
) -> None:
    _, pane = _profiled(qtbot, window, fake, key=False)
    assert pane.line.text() == f"No API key for {fake.url}: add one in Settings → AI."
    pane.get_button.click()
    assert pane.preview_dialog is None and fake.received == []
    assert pane.line.text() == f"No API key for {fake.url}: add one in Settings → AI."


def test_settings_ai_keeps_the_key_in_the_keyring_and_lists_the_endpoint_models(
    qtbot: Any, window: QtMainWindow, fake: FakeNemotron, tmp_path: Path
) -> None:
    dialog = QtSettingsDialog(window.preferences, window, cloud=window.cloud, ai=window.ai)
    qtbot.addWidget(dialog)
    page = dialog.ai_page
    dialog.pages.setCurrentWidget(page)
    dialog.resize(760, 520)
    dialog.show()
    assert page.model.currentText() == "nvidia/nemotron-3.5-lightning-30b-a3b"
    assert page.endpoint.text() == "https://integrate.api.nvidia.com/v1"
    page.endpoint.setText(fake.url)
    page.key.setText(KEY)
    page.save_key_button.click()
    assert page.key.text() == "" and page.key_state.text() == (
        f"A key for {fake.url} is kept in the OS keyring."
    )
    assert KEY in (tmp_path / "keyring.json").read_text()
    page.list_models()
    qtbot.waitUntil(lambda: page.model.count() == len(MODELS), timeout=LONG)
    assert page.status.text().endswith("nvidia/nemotron-3.5-lightning-30b-a3b is one of them.")
    shot(dialog, "i12_settings_ai")
    dialog.accept()
    window.set_preferences(dialog.preferences())
    assert window.ai.settings == AISettings(fake.url, "nvidia/nemotron-3.5-lightning-30b-a3b")
    assert KEY not in (tmp_path / "settings.ini").read_text()
    assert fake.url in (tmp_path / "settings.ini").read_text()


def test_without_a_keyring_the_key_is_kept_for_the_session_and_said_so(
    qtbot: Any, window: QtMainWindow, fake: FakeNemotron, tmp_path: Path
) -> None:
    access = AIAccess(AISettings(fake.url), ApiKeys(None))
    dialog = QtSettingsDialog(window.preferences, window, ai=access)
    qtbot.addWidget(dialog)
    page = dialog.ai_page
    page.endpoint.setText(fake.url)
    page.key.setText(KEY)
    page.save_key_button.click()
    assert page.key_state.text() == (
        f"A key for {fake.url} is kept in this session only. {NO_KEYRING}"
    )
    assert access.has_key
    dialog.accept()
    window.set_preferences(dialog.preferences())
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert KEY not in path.read_text(errors="replace"), path


def test_cancel_frees_the_pane_and_a_remembered_choice_returns_for_the_file(
    qtbot: Any, window: QtMainWindow, fake: FakeNemotron, tmp_path: Path
) -> None:
    view, pane = _profiled(qtbot, window, fake)
    pane.get_button.click()
    dialog = pane.preview_dialog
    assert dialog is not None
    dialog.set_state("city", "leave out")
    dialog.remember.setChecked(True)
    fake.replies = [Reply(content=good_answer(dict(view.profile or {})), delay=1.0)]
    dialog.send_button.click()
    assert not pane.cancel_button.isHidden() and not pane.get_button.isEnabled()
    with qtbot.waitSignal(pane.answered, timeout=LONG):
        pane.cancel_button.click()
    assert pane.line.text() == "Cancelled: the answer will be ignored."
    assert pane.get_button.isEnabled() and pane.cancel_button.isHidden()
    assert "insights_privacy" in (tmp_path / "settings.ini").read_text()
    pane.get_button.click()
    again = pane.preview_dialog
    assert again is not None and again is not dialog
    assert again.remember.isChecked() and again.states["city"].currentText() == "leave out"
    assert again.states["customer_zip"].currentText() == "counts only"


def test_cards_say_the_evidence_matches_not_that_the_claim_is_true(qtbot: Any) -> None:
    matching, other = cards(
        {
            "insights": [
                {"title": "a", "detail": "d", "columns": ["x\x1b[31m"], "status": "verified"},
                {"title": "b", "detail": "d", "status": "unverified"},
            ]
        }
    )
    frame = card_widget(matching, lambda column: None)
    qtbot.addWidget(frame)
    mark = frame.findChild(QLabel, "mark").text()
    assert mark.startswith("✓ Evidence matches the profile") and "not its conclusion" in mark
    assert "Verified" not in mark
    (button,) = [b for b in frame.findChildren(QPushButton) if b.text().startswith("x")]
    assert button.text() == "x"  # shown without the escape; selecting keeps the real name
    unmatched = card_widget(other, lambda column: None)
    qtbot.addWidget(unmatched)
    assert (
        unmatched.findChild(QLabel, "mark")
        .text()
        .startswith("✗ Evidence does not match the profile")
    )


def test_a_wide_files_preview_and_answer_show_what_was_left_out(qtbot: Any, tmp_path: Path) -> None:
    wide = wide_profile(tmp_path)
    choice = PrivacyChoice(cast(Profile, wide), MODEL, None, default_privacy(wide))
    dialog = QtInsightsPreview(choice, "http://127.0.0.1:9/v1")
    qtbot.addWidget(dialog)
    request = choice.request()
    # The preview is the capped request, byte for byte what Send posts.
    assert dialog.body.toPlainText() == request.pretty()
    assert request.tokens <= MAX_REQUEST_TOKENS and dialog.table.rowCount() == 3_001
    left_out = omitted_text(request.omitted.document())
    assert left_out.startswith("To fit the model's limits:") and left_out in dialog.summary.text()

    small = tmp_path / "small.csv"
    small.write_text("city,amount\nParis,3\nLyon,4\n")
    session = DatasetSession(small, InlineRunner())
    session.start_loading()
    session.start_profile()
    access = AIAccess(AISettings(model=MODEL), ApiKeys(None))
    insights = DatasetInsights(session, access, InlineRunner())
    pane = QtInsightsPane(insights)
    qtbot.addWidget(pane)
    insights.history.append(Exchange(None, MODEL, request, state="done"))
    insights.changed.emit()
    assert pane.history.findChild(QLabel, "omitted").text() == left_out
    pane.history.findChild(QPushButton, "what_was_sent").click()
    assert pane.sent_dialog is not None
    assert pane.sent_dialog.findChild(QLabel, "sent_omitted").text() == left_out
    pane.sent_dialog.reject()
