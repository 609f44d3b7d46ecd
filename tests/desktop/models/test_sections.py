"""What a click on a profile's charts does, without Qt."""

from __future__ import annotations

from core.present import charts
from desktop.models.sections import figure_click


def test_a_value_named_like_the_other_bar_still_filters() -> None:
    top = [{"value": f"v{i}", "count": 20 - i} for i in range(10)] + [
        {"value": "(other)", "count": 3},
        {"value": "rare", "count": 1},
    ]
    named = {"name": "tag", "kind": "categorical", "count": 200, "top_values": top}
    asked: list[tuple[str, str]] = []
    figure = charts.top_values_bar(named, limit=11)  # "(other)" the value, then the rest
    handler = figure_click(named, figure, lambda column, text: asked.append((column, text)))
    assert handler is not None
    shown = len(figure.data[0].y)  # 11 values and the rest bar, bottom-up
    handler({"index": shown - 1 - 10, "y": "(other)"})  # the value "(other)"
    handler({"index": 0, "y": "(other)"})  # the rest: no filter
    assert asked == [("tag", "= (other)")]
