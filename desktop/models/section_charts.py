"""The charts of the section shown: built in the background, the newest request wins.

:class:`SectionCharts` asks a runner for a section's figures (see
:mod:`desktop.models.sections`), keeps the newest answer as the specs plotly.js
draws, and sends a click on a chart to the handler built with it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.profiling.document import ColumnProfile, Profile
from desktop.models.events import Event
from desktop.models.sections import (
    ClickHandler,
    SetFilter,
    column_html,
    figure_specs,
    section_figures,
)
from desktop.models.tasks import Newest, Progress, Runner, describe_error

__all__ = ["SectionCharts"]

Built = tuple[list[dict[str, Any]], list[ClickHandler | None], str]


class SectionCharts:
    """The charts drawn for a profile, and what clicks on them do.

    Args:
        runner: builds the figures in the background.
        ready: emitted when the charts asked for last are built.
        message: emitted with a line to tell the user when building fails.
    """

    def __init__(self, runner: Runner, ready: Event[[]], message: Event[[str]]) -> None:
        self.specs: list[dict[str, Any]] = []
        #: the column's figures and top values shown beside its charts (HTML; "" elsewhere).
        self.html = ""
        self._handlers: list[ClickHandler | None] = []
        self._requests = Newest(runner)
        self._ready = ready
        self._message = message

    @property
    def pending(self) -> bool:
        """True while the charts asked for last are still being built."""
        return self._requests.running

    def build(
        self,
        profile: Profile,
        section: str,
        column: ColumnProfile | None,
        theme: str,
        select: ClickHandler,
        set_filter: SetFilter,
    ) -> None:
        """Build a section's charts (arguments as :func:`~desktop.models.sections.section_figures`).

        Plotly costs a few hundred milliseconds of Python for a first figure:
        the figures are built by the runner, and only the newest request counts.
        """

        def run(progress: Progress, cancelled: Callable[[], bool]) -> Built:
            figures, handlers = section_figures(profile, section, column, theme, select, set_filter)
            html = column_html(column) if section == "Column" else ""
            return figure_specs(figures), handlers, html

        self._requests.start(run, "charts", finished=self._on_built, errored=self._on_error)

    def clear(self) -> None:
        """Forget the charts, and drop those still being built (their profile is gone)."""
        self._requests.invalidate()
        self.specs, self._handlers, self.html = [], [], ""

    def click(self, figure: int, point: dict[str, Any]) -> None:
        """A click on ``point`` of the ``figure``-th chart."""
        if 0 <= figure < len(self._handlers):
            handler = self._handlers[figure]
            if handler is not None:
                handler(point)

    def _on_built(self, built: Built) -> None:
        """Keep the charts and what their clicks do."""
        self.specs, self._handlers, self.html = built
        self._ready.emit()

    def _on_error(self, error: BaseException) -> None:
        """Tell the user in passing."""
        self._message.emit(describe_error(error))
