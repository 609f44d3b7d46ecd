"""The insights preview about a comparison: it says so, shows no row sample, and is what is sent."""

from __future__ import annotations

from typing import Any, cast

from PySide6.QtWidgets import QLabel

from cloud.insights import default_privacy
from core.compare.document import Comparison
from desktop.models.privacy_choice import PrivacyChoice
from desktop.qt_insights_preview import QtInsightsPreview
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
