"""Insights on a comparison in Qt: the preview sends no row, the pane shows the checked answer."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from PySide6.QtWidgets import QLabel

from cloud.insights import default_privacy
from core.compare.document import Comparison
from desktop.models.ai import AIAccess, AISettings, ApiKeys
from desktop.models.comparison_insights import ComparisonInsights
from desktop.models.privacy_choice import PrivacyChoice
from desktop.models.tasks import InlineRunner
from desktop.qt_insights_pane import QtInsightsPane
from desktop.qt_insights_preview import QtInsightsPreview
from tests.cloud.fake_nemotron import KEY, FakeNemotron, Reply, comparison_answer
from tests.cloud.insights.conftest import corpus, flights, months
from tests.desktop.test_qt_cloud import shot

__all__ = ["corpus", "flights", "months"]


def test_the_preview_of_a_comparison_says_no_row_is_sent(
    qtbot: Any, flights: dict[str, Any]
) -> None:
    comparison = cast(Comparison, flights)
    choice = PrivacyChoice(comparison, "nvidia/test", None, default_privacy(flights))
    dialog = QtInsightsPreview(choice, "http://127.0.0.1:9/v1")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.windowTitle() == "Get insights on the comparison — what is sent"
    texts = [label.text() for label in dialog.findChildren(QLabel)]
    assert any("A (the reference) and B: no row of either file is ever sent" in t for t in texts)
    assert not dialog.sample.isVisible() and not dialog.sample_rows.isVisible()
    assert "no raw rows (never for a comparison)" in dialog.summary.text()
    assert dialog.remember.text() == "Remember these choices for these two datasets"
    assert dialog.table.rowCount() == len(flights["columns"])
    assert dialog.body.toPlainText() == choice.request().pretty()
    assert "N721MQ" in dialog.body.toPlainText()  # a tail number that appeared in July
    dialog.set_state("tailnum", "counts only")
    assert "N721MQ" not in dialog.body.toPlainText()
    assert dialog.body.toPlainText() == choice.request().pretty()
    shot(dialog, "insights-comparison-preview")


def test_the_insights_pane_shows_a_comparisons_checked_answer(
    qtbot: Any, flights: dict[str, Any]
) -> None:
    with FakeNemotron() as fake:
        access = AIAccess(AISettings(base_url=fake.url, model="nvidia/test"), ApiKeys(None))
        access.set_key(KEY)
        insights = ComparisonInsights(
            Path("jan.csv"),
            Path("jul.csv"),
            access,
            InlineRunner(),
            comparison=cast(Comparison, flights),
        )
        pane = QtInsightsPane(insights)
        qtbot.addWidget(pane)
        pane.resize(900, 700)
        pane.show()
        assert pane.get_button.isEnabled() and pane.question.isEnabled()
        fake.replies = [Reply(content=comparison_answer(flights))]
        choice = insights.preview()
        assert choice is not None
        insights.send(choice)
    marks = [label.text() for label in pane.history.findChildren(QLabel, "mark")]
    assert marks == [
        "✓ Evidence matches the comparison (its figures are checked, not its conclusion)",
        "✗ Evidence does not match the comparison: check before relying on it",
    ]
    heading = pane.history.findChild(QLabel, "unverified_heading")
    assert heading.text().startswith("Evidence does not match the comparison (1)")
    shot(pane, "insights-comparison-pane", qtbot)
