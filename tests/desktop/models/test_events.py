"""The plain-Python event the panes subscribe with."""

from __future__ import annotations

import inspect
import operator
import re

from desktop.models.events import Event, SessionEvents
from desktop.models.session import DatasetSession


def test_callbacks_run_in_order_with_the_arguments() -> None:
    event: Event[[str, int]] = Event()
    heard: list[tuple[str, str, int]] = []
    event.connect(lambda name, n: heard.append(("first", name, n)))
    event.connect(lambda name, n: heard.append(("second", name, n)))
    event.emit("amount", 3)
    assert heard == [("first", "amount", 3), ("second", "amount", 3)]


def test_disconnect_even_while_emitting() -> None:
    event: Event[[]] = Event()
    heard: list[str] = []

    def once() -> None:
        heard.append("once")
        event.disconnect(once)

    event.connect(once)
    event.connect(lambda: heard.append("always"))
    event.emit()
    event.emit()
    assert heard == ["once", "always", "always"]
    event.disconnect(once)  # no longer connected: nothing happens


def test_the_events_name_state_the_session_has(session: DatasetSession) -> None:
    session.start_profile()
    named = re.findall(r"\(``([\w.]+)``", inspect.getsource(SessionEvents))
    assert "charts.specs" in named
    for name in named:
        operator.attrgetter(name)(session)  # raises AttributeError for a name that is not there
