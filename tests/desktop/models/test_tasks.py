"""Tasks, their outcomes and errors as objects, and the newest request winning."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import polars as pl
import pytest

from core.errors import Cancelled, ParseError
from desktop.models.tasks import InlineRunner, Newest, Progress, describe_error
from tests.desktop.models.conftest import ManualRunner


def _returning(value: Any) -> Callable[[Progress, Callable[[], bool]], Any]:
    def task(progress: Progress, cancelled: Callable[[], bool]) -> Any:
        progress(f"making {value}", 0.5)
        return value

    return task


def _raising(error: BaseException) -> Callable[[Progress, Callable[[], bool]], Any]:
    def task(progress: Progress, cancelled: Callable[[], bool]) -> Any:
        raise error

    return task


def test_an_error_arrives_as_the_object_and_its_traceback_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    errors: list[BaseException] = []
    boom = ValueError("boom")
    with caplog.at_level(logging.ERROR, logger="desktop"):
        InlineRunner().run(
            _raising(boom), finished=print, errored=errors.append, cancelled=lambda: None
        )
    assert errors == [boom] and errors[0].__traceback__ is not None
    (record,) = caplog.records
    assert record.exc_info is not None and record.exc_info[1] is boom
    assert "internal error: ValueError: boom" in record.getMessage()


def test_a_users_error_is_logged_as_one_line_without_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    errors: list[BaseException] = []
    bad = ParseError("orders.csv", "3 fields where the header has 2", line=3)
    with caplog.at_level(logging.INFO, logger="desktop"):
        InlineRunner().run(
            _raising(bad), finished=print, errored=errors.append, cancelled=lambda: None
        )
    assert errors == [bad]
    (record,) = caplog.records
    assert record.levelno == logging.INFO and record.exc_info is None
    assert record.getMessage() == "orders.csv, line 3: 3 fields where the header has 2"


def test_describe_error_gives_one_line() -> None:
    bad = ParseError("orders.csv", "3 fields where the header has 2", line=3)
    assert describe_error(bad) == "orders.csv, line 3: 3 fields where the header has 2"
    assert describe_error(KeyError("x")) == "internal error: KeyError: 'x'"
    panic = pl.exceptions.PanicException("index out of bounds\nat src/lib.rs")
    assert describe_error(panic) == "internal error: a library failed (index out of bounds)"


def test_every_error_is_one_readable_line() -> None:
    polars_error = pl.exceptions.ComputeError(
        "\ncannot compare string with numeric type (i64)\n\nResolved plan until failure:\n"
        '\t---> FAILED HERE RESOLVING \'filter\' <---\nDF ["city", "amount"]'
    )
    assert describe_error(polars_error) == (
        "internal error: ComputeError: cannot compare string with numeric type (i64)"
    )
    long = describe_error(ValueError("x" * 1000))
    assert len(long) <= 200 and long.startswith("internal error: ValueError: xxx")
    assert long.endswith("…")
    assert describe_error(ValueError()) == "internal error: ValueError"
    assert describe_error(pl.exceptions.PanicException("")) == (
        "internal error: a library failed (panic)"
    )
    # Loupe's own messages are one line already, and are read whole.
    bad = ParseError("orders.csv", "a quote is never closed " + "(and more) " * 30, line=3)
    assert describe_error(bad) == str(bad) and "\n" not in str(bad)


def test_cancelled_tasks_report_cancelled() -> None:
    outcomes: list[str] = []
    handlers: dict[str, Any] = {
        "finished": lambda result: outcomes.append("finished"),
        "errored": lambda error: outcomes.append("errored"),
        "cancelled": lambda: outcomes.append("cancelled"),
    }
    InlineRunner().run(_raising(Cancelled("stopped")), **handlers)
    manual = ManualRunner()
    handle = manual.run(_returning(1), **handlers)
    handle.cancel()  # a task that ends after being asked to stop counts as cancelled
    manual.complete()
    assert outcomes == ["cancelled", "cancelled"]


def test_only_the_newest_request_counts(manual: ManualRunner) -> None:
    changes: list[bool] = []
    requests = Newest(manual, changed=lambda: changes.append(requests.running))
    results: list[Any] = []
    progress: list[str] = []

    def record(phase: str, fraction: float) -> None:
        progress.append(phase)

    # Both have a progress handler: the older one's progress is dropped for being old.
    requests.start(
        _returning("old"),
        "old",
        finished=results.append,
        errored=results.append,
        progressed=record,
    )
    requests.start(
        _returning("new"),
        "new",
        finished=results.append,
        errored=results.append,
        progressed=record,
    )
    assert requests.running and requests.phase == "new" and requests.handle is manual.pending[1]
    manual.complete(1)  # the newest answers first
    assert results == ["new"] and not requests.running and requests.handle is None
    manual.complete()  # then the older one: dropped, progress and all
    assert results == ["new"] and progress == ["making new"]
    assert changes == [True, True, False]


def test_a_newer_request_makes_an_older_error_moot(manual: ManualRunner) -> None:
    results: list[Any] = []
    requests = Newest(manual)
    requests.start(
        _raising(ValueError("old")), "old", finished=results.append, errored=results.append
    )
    requests.start(_returning("new"), "new", finished=results.append, errored=results.append)
    manual.complete_all()
    assert results == ["new"]


def test_an_inline_request_is_over_when_start_returns() -> None:
    results: list[Any] = []
    requests = Newest(InlineRunner())
    requests.start(_returning(7), "seven", finished=results.append, errored=results.append)
    assert results == [7] and not requests.running and requests.handle is None
    requests.cancel()  # nothing runs: nothing to cancel
