"""The Profile button's menu: all rows, or the rows the grid shows."""

from __future__ import annotations

from typing import Any

import polars as pl

from core.samples import SAMPLE_CSV
from desktop.qt_main_window import QtMainWindow
from tests.desktop.test_qt_dataset_view import LONG, opened


def test_the_rows_shown_can_be_profiled_from_the_profile_button(
    qtbot: Any, window: QtMainWindow
) -> None:
    view = opened(qtbot, window, SAMPLE_CSV)
    bar = view.file_bar
    assert view.profile_button.menu() is not None
    assert bar.profile_all.isEnabled() and not bar.profile_shown.isEnabled()
    with qtbot.waitSignal(view.queried, timeout=LONG):
        view.set_filter("channel", "= web")
    base = view.session.base
    assert base is not None
    expected = base.filter(pl.col("channel") == "web")
    assert bar.profile_shown.isEnabled()
    assert bar.profile_shown.text() == (
        f"Profile the rows shown ({expected.height:,} of {base.height:,})"
    )
    with qtbot.waitSignal(view.profiled, timeout=LONG):
        bar.profile_shown.trigger()
    assert view.profile is not None and view.profile["dataset"]["rows"] == expected.height
    assert (
        "Profile of" in view.overview.text() and "(filter: channel = web)" in view.overview.text()
    )
    assert f"{expected.height:,} rows shown of {base.height:,}" in view.status.text()

    # A click on the button itself profiles every row.
    with qtbot.waitSignal(view.profiled, timeout=LONG):
        view.profile_button.click()
    assert view.profile is not None and view.profile["dataset"]["rows"] == base.height
    assert f"Profile of all {base.height:,} rows" in view.overview.text()
