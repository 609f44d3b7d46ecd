"""The tab's layout: the grid takes the height until there is a profile; pane sizes are kept."""

from __future__ import annotations

from typing import Any

from core.samples import SAMPLE_CSV
from desktop.qt_dataset_view import QtDatasetView
from desktop.qt_main_window import QtMainWindow

LONG = 60_000


def opened(qtbot: Any, window: QtMainWindow) -> QtDatasetView:
    with qtbot.waitSignal(window.open_path(SAMPLE_CSV).loaded, timeout=LONG):
        pass
    view = window.current_view()
    assert view is not None
    return view


def visible_rows(view: QtDatasetView) -> int:
    """How many grid rows can be seen whole or in part."""
    grid = view.grid
    last = grid.rowAt(grid.viewport().height() - 1)
    return (grid.model().rowCount() if last < 0 else last + 1) - grid.rowAt(0)


def drag_handle(view: QtDatasetView, position: int) -> None:
    """Move the handle between the grid and the profile's panes, as a drag does."""
    view.main_splitter.moveSplitter(position, 1)  # what QSplitterHandle calls while dragged


def test_the_grid_takes_the_height_until_there_is_a_profile(
    qtbot: Any, window: QtMainWindow
) -> None:
    window.resize(1280, 820)
    window.show()
    view = opened(qtbot, window)
    before = visible_rows(view)
    assert before >= 25  # ~14 when the empty panes took half the window
    assert not view.chart_pane.isVisible() and not view.profile_pane.isVisible()

    with qtbot.waitSignal(view.profiled, timeout=LONG):
        view.start_profile()
    assert view.chart_pane.isVisible() and view.profile_pane.isVisible()
    assert view.chart_pane.height() > 200 and 8 <= visible_rows(view) < before


def test_moved_panes_keep_their_sizes_in_a_new_view(qtbot: Any, window: QtMainWindow) -> None:
    window.resize(1280, 820)
    window.show()
    view = opened(qtbot, window)
    with qtbot.waitSignal(view.profiled, timeout=LONG):
        view.start_profile()
    grid_height = view.main_splitter.sizes()[0]
    drag_handle(view, grid_height + 120)
    moved = view.main_splitter.sizes()
    assert moved[0] == grid_height + 120

    other = opened(qtbot, window)
    assert other is not view and not other.chart_pane.isVisible()
    with qtbot.waitSignal(other.profiled, timeout=LONG):
        other.start_profile()
    assert other.main_splitter.sizes() == moved

    # Kept in the settings: a window started later finds them too.
    window.settings.sync()
    assert [int(v) for v in window.settings.value("layout/rows_and_profile")] == moved
