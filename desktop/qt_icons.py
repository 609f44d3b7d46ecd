"""Small icons drawn at run time, so the app ships no image files."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap, QPolygonF

from core.present.palette import kind_colour

__all__ = ["KIND_GLYPHS", "filter_icon", "kind_icon"]

# A glyph per column kind of the profile, in the kind's colour (the charts' too).
_GLYPHS = {
    "numeric": "#",
    "categorical": "≡",
    "text": "T",
    "datetime": "◷",
    "boolean": "✓",
    "time": "◔",
    "duration": "Δ",
    "binary": "01",
    "list": "[ ]",
    "empty": "∅",
    "unsupported": "!",
}
KIND_GLYPHS = {kind: (glyph, kind_colour(kind)) for kind, glyph in _GLYPHS.items()}


@cache
def kind_icon(kind: str) -> QIcon:
    """A coloured badge with the kind's glyph (a grey "?" for an unknown kind)."""
    glyph, colour = KIND_GLYPHS.get(kind, ("?", "#999999"))
    pixmap = QPixmap(32, 32)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(colour))
    painter.drawRoundedRect(QRectF(1, 1, 30, 30), 7, 7)
    font = QFont()
    font.setBold(True)
    font.setPixelSize(20)
    painter.setFont(font)
    painter.setPen(QColor("white"))
    painter.drawText(QRectF(0, 0, 32, 32), Qt.AlignmentFlag.AlignCenter, glyph)
    painter.end()
    return QIcon(pixmap)


@cache
def filter_icon() -> QIcon:
    """A funnel, marking a filtered column's header."""
    pixmap = QPixmap(32, 32)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#0072B2"))
    funnel = [(2, 4), (30, 4), (19, 17), (19, 29), (13, 25), (13, 17)]
    painter.drawPolygon(QPolygonF([QPointF(x, y) for x, y in funnel]))
    painter.end()
    return QIcon(pixmap)
