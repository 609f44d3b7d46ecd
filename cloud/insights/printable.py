"""Text from the model (or the file) made safe to print in a terminal or show in a window.

:func:`printable` drops what could rewrite a terminal or reorder what is read:
ANSI escape sequences (colours, cursor moves, window titles, hyperlinks), the
other C0 and C1 control characters except newline and tab, and the Unicode
bidirectional embeddings, overrides, isolates and marks. Everything else is
kept as it is; markup is the printer's business (rich's ``escape``, Qt's plain
text).
"""

from __future__ import annotations

import re

__all__ = ["printable"]

# ECMA-48: CSI (ESC [ or 0x9B, parameters, intermediates, a final byte); OSC, DCS, SOS, PM
# and APC strings up to BEL or ST; then any other two-character escape. Whole sequences
# go, so no "[31m" is left behind.
_ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f]).*?(?:\x07|\x1b\\|\x9c|$)"
    r"|\x1b[ -/]*[0-~]?",
    flags=re.DOTALL,
)
# C0 but tab and newline, DEL, C1; bidi embeddings and overrides (U+202A-E), isolates
# (U+2066-9) and marks (LRM, RLM, ALM): they reorder what a reader sees.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def printable(text: str) -> str:
    """``text`` without escape sequences, controls (but newline and tab) or bidi controls."""
    return _CONTROLS.sub("", _ESCAPES.sub("", text))
