"""Progress of uploads and jobs on a terminal, or in a log."""

from __future__ import annotations

import time
from typing import TextIO

__all__ = ["TerminalProgress", "size_text"]


def size_text(count: int) -> str:
    """A byte count for people: kB below a megabyte, MB above."""
    return f"{count / 1e3:.1f} kB" if count < 1e6 else f"{count / 1e6:.1f} MB"


class TerminalProgress:
    """Progress lines on ``stream``: redrawn in place on a terminal, every 10% otherwise.

    Called as a :data:`cloud.client.cloud_client.Progress` callback.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._tty = stream.isatty()
        self._last: tuple[str, int] = ("", -1)
        self._shown = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        percent = int(100 * done / total) if total else 100
        step = percent if self._tty else percent // 10 * 10
        if (stage, step) == self._last:
            return
        now = time.monotonic()
        if self._tty and percent < 100 and now - self._shown < 0.1:
            return
        self._last, self._shown = (stage, step), now
        if stage == "upload":
            text = f"uploading: {percent:3d}% ({size_text(done)} of {size_text(total)})"
        else:
            text = f"job: {percent:3d}%"
        self._stream.write(("\r\x1b[2K" + text) if self._tty else text + "\n")
        if self._tty and percent >= 100:
            self._stream.write("\n")
        self._stream.flush()
