"""How wide a header section must be for its title, its icon and its sort arrow to stay apart.

The style decides where it draws a section's label and sort arrow (Fusion puts
the arrow at the right, inside the space the label may use); this asks the
style for both rects instead of guessing, so a sorted or filtered column can be
widened until its title no longer runs under the arrow.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QHeaderView, QStyle, QStyleOptionHeader

__all__ = ["header_room"]

# A width far larger than any section, to read the style's margins at.
_PROBE = 1000


def header_room(header: QHeaderView, text: str, *, icon: bool, sorted: bool) -> int:
    """The narrowest width at which ``text`` (after a small icon) clears the sort arrow.

    The title is measured in bold, as the header draws the current column's.

    Args:
        header: a horizontal header, whose style and font draw the section.
        text: the section's title.
        icon: the section shows a small icon before its title (the filter's funnel).
        sorted: the section shows the sort arrow.

    Returns:
        The width in pixels.
    """
    style = header.style()
    option = QStyleOptionHeader()
    option.initFrom(header)
    option.state |= QStyle.StateFlag.State_Horizontal
    option.orientation = Qt.Orientation.Horizontal
    option.text = text
    option.sortIndicator = (
        QStyleOptionHeader.SortIndicator.SortDown
        if sorted
        else QStyleOptionHeader.SortIndicator.None_
    )
    height = max(header.height(), header.sizeHint().height())
    option.rect = QRect(0, 0, _PROBE, height)
    bold = QFont(header.font())
    bold.setBold(True)
    content = QFontMetrics(bold).horizontalAdvance(text)
    if icon:
        # The style draws the icon at the small icon size, then the title 2 pixels on.
        content += style.pixelMetric(QStyle.PixelMetric.PM_SmallIconSize, option, header) + 2
    label = style.subElementRect(QStyle.SubElement.SE_HeaderLabel, option, header)
    # The label keeps the same margins at any width.
    width = _PROBE - label.width() + content
    alignment = Qt.AlignmentFlag(
        style.styleHint(QStyle.StyleHint.SH_Header_ArrowAlignment, option, header)
    )
    beside = bool(alignment & (Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignRight))
    if sorted and beside:
        arrow = style.subElementRect(QStyle.SubElement.SE_HeaderArrow, option, header)
        gap = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, option, header)
        # The title is centred in the label: its right end, label.left + (label.width +
        # content) / 2, must stop a margin short of the arrow, which keeps its distance
        # from the section's right edge.
        to_arrow = _PROBE - arrow.left() + gap
        to_label = _PROBE - label.width()
        width = max(width, 2 * label.left() - to_label + content + 2 * to_arrow)
    return width
