"""The ``loupe`` command's exit codes."""

from __future__ import annotations

__all__ = ["EXIT_INPUT", "EXIT_INTERRUPTED", "EXIT_OK"]

EXIT_OK = 0
# Input Loupe cannot read, or options that do not fit.
EXIT_INPUT = 2
EXIT_INTERRUPTED = 130
