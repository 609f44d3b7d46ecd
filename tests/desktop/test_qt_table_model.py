"""The virtual table model over a Polars frame, checked by pytest-qt's model tester."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from PySide6.QtCore import Qt

from desktop.qt_table_model import QtFrameModel


def test_table_model(qtmodeltester: Any) -> None:
    frame = pl.DataFrame(
        {
            "n": [1, None, 3],
            "x": [1.5, 2.25, None],
            "s": ["a", "two\nlines", None],
            "d": [dt.date(2024, 1, 1), None, dt.date(2024, 3, 1)],
        }
    )
    model = QtFrameModel(frame, {"n": 1 / 3})
    qtmodeltester.check(model)
    assert (model.rowCount(), model.columnCount()) == (3, 4)
    assert model.data(model.index(1, 0)) == "∅"
    assert model.data(model.index(1, 0), Qt.ItemDataRole.ForegroundRole) is not None
    assert model.data(model.index(1, 2)) == "two⏎lines"
    right = model.data(model.index(0, 1), Qt.ItemDataRole.TextAlignmentRole)
    assert right & int(Qt.AlignmentFlag.AlignRight)
    tip = model.headerData(0, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert "Int64" in tip and "33.3%" in tip
    big = pl.DataFrame({"i": range(2_000_000)})
    model.set_frame(big)
    assert model.rowCount() == 2_000_000
    assert model.data(model.index(1_999_999, 0)) == "1999999"
