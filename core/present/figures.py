"""The report's figures: collected as compact JSON and drawn in the browser by plotly.js.

plotly.js comes from the installed plotly package, embedded once, gzip-compressed
and base64-encoded (about 1.9 MB instead of 4.8). Figures are stored as compact
JSON, with the layout they all share stored once (see ``assets/report.js``).
"""

from __future__ import annotations

import base64
import gzip
import html
import json
from functools import lru_cache
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs

from core.read.jsonvalue import json_value

__all__ = ["FigureStore", "plotly_gzip_b64"]

_SHARED_LAYOUT = ("colorway", "margin", "hoverlabel", "showlegend")


@lru_cache(maxsize=1)
def plotly_gzip_b64() -> str:
    """The installed plotly.js, gzip-compressed, base64 (computed once per process)."""
    return base64.b64encode(gzip.compress(get_plotlyjs().encode("utf-8"), mtime=0)).decode("ascii")


def _compact(value: Any) -> Any:
    """Figure JSON with floats cut to 6 significant digits (ample for drawing)."""
    if isinstance(value, float):
        return float(f"{value:.6g}")
    if isinstance(value, list):
        return [_compact(v) for v in value]
    if isinstance(value, dict):
        return {k: _compact(v) for k, v in value.items()}
    return value


class FigureStore:
    """Collects figures as compact JSON, keyed by the id of the div that shows them."""

    def __init__(self, theme: str) -> None:
        self.theme = theme
        self.items: dict[str, Any] = {}
        self.template: Any = None
        self.base: dict[str, Any] = {}

    def add(self, fig: go.Figure, key: str) -> str:
        """Store ``fig``; return the placeholder div."""
        plain = json.loads(pio.to_json(fig, validate=False))
        layout = plain.get("layout", {})
        template = layout.pop("template", None)
        if self.template is None:
            self.template = template
            self.base = {k: layout[k] for k in _SHARED_LAYOUT if k in layout}
        # What every figure shares is stored once (see report.js).
        for name in _SHARED_LAYOUT:
            if layout.get(name) == self.base.get(name):
                layout.pop(name, None)
        self.items[key] = {"data": _compact(plain.get("data", [])), "layout": _compact(layout)}
        height = layout.get("height", 320)
        key_text = html.escape(key, quote=True)
        return f'<div class="plot" id="{key_text}" style="min-height:{int(height)}px"></div>'

    def payload(self) -> str:
        """The figures as JSON that is safe inside a ``<script>`` element."""
        text = json.dumps(
            {"figures": self.items, "template": self.template, "base": self.base},
            separators=(",", ":"),
            default=json_value,
        )
        # Inside <script>, markup characters must not appear as such.
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
