"""Render loupe.svg to the PNG icons beside it: ``python desktop/assets/render_icons.py``.

Run again after changing the SVG and commit the PNGs: the app and the
installers use the PNGs, so Qt's SVG module need not ship.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

HERE = Path(__file__).resolve().parent
SIZES = (16, 32, 48, 64, 128, 256, 512)


def render(svg: Path, size: int) -> QImage:
    """``svg`` drawn on a transparent square of ``size`` pixels."""
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"error: {svg} is not an SVG Qt can draw")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image


def main() -> int:
    """Write ``loupe-<size>.png`` for every size."""
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    svg = HERE / "loupe.svg"
    for size in SIZES:
        target = HERE / f"loupe-{size}.png"
        if not render(svg, size).save(str(target)):
            raise SystemExit(f"error: cannot write {target}")
        print(f"wrote {target.name}")  # noqa: T201 - a script run by hand
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
