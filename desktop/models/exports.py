"""What the desktop writes: the rows shown, and the profile as a report or JSON.

Each function returns the background task that writes, for a session to run;
none of them knows about threads or Qt.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from core.present.report import write_report
from core.profiling.document import Profile
from core.profiling.profile import write_profile
from core.read.convert import write_frame
from desktop.models.rows import ShownRows
from desktop.models.tasks import Progress

__all__ = ["ExportTask", "profile_export", "rows_export"]

ExportTask = Callable[[Progress, Callable[[], bool]], str]


def rows_export(rows: ShownRows, path: Path, source: Path) -> ExportTask:
    """Writes ``rows`` to ``path`` (.csv, .parquet, .xlsx, …; never over ``source``)."""

    def run(progress: Progress, cancelled: Callable[[], bool]) -> str:
        return str(write_frame(rows.frame(), path, source=source))

    return run


def profile_export(
    profile: Profile, path: Path, *, report: bool, seconds: float | None, theme: str
) -> ExportTask:
    """Writes ``profile`` to ``path``: the HTML report (``report``) or the JSON document."""

    def run(progress: Progress, cancelled: Callable[[], bool]) -> str:
        if report:
            write_report(profile, path, seconds=seconds, theme=theme)
        else:
            write_profile(profile, path)
        return str(path)

    return run
