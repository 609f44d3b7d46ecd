"""Small data files written by fixtures, and a runner whose tasks end when the test says."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from desktop.models.session import DatasetSession
from desktop.models.tasks import InlineRunner, Progress, Task, execute

ORDERS_CSV = (
    "city,amount,channel\n"
    "Paris,12.5,web\n"
    "Lyon,3,store\n"
    "Nice,,web\n"
    "Paris,7,phone\n"
    "Lille,20,web\n"
    "Lyon,1.5,web\n"
    "Paris,9,store\n"
    "Nice,4,web\n"
)


@pytest.fixture
def orders_csv(tmp_path: Path) -> Path:
    """Eight orders: a city, an amount (one missing) and a sales channel."""
    path = tmp_path / "orders.csv"
    path.write_text(ORDERS_CSV, encoding="utf-8")
    return path


@pytest.fixture
def ragged_csv(tmp_path: Path) -> Path:
    """A CSV whose third line has a field too many and fourth one too few."""
    path = tmp_path / "ragged.csv"
    path.write_bytes(b"city,amount\nParis,3\nLyon,4,extra\nNice\nLille,7\n")
    return path


@pytest.fixture
def session(orders_csv: Path) -> DatasetSession:
    """The orders, read at once by a runner that runs each task on the test's thread."""
    opened = DatasetSession(orders_csv, InlineRunner())
    opened.start_loading()
    return opened


class Job:
    """A task held by :class:`ManualRunner` until the test ends it."""

    def __init__(self, task: Task, handlers: dict[str, Any]) -> None:
        self.task = task
        self.handlers = handlers
        self.stop = threading.Event()

    def cancel(self) -> None:
        """Ask the task to stop (it sees so when it runs)."""
        self.stop.set()

    def run(self) -> None:
        """Run the task and report its outcome, as a worker would."""
        progressed: Progress = self.handlers["progressed"] or (lambda phase, fraction: None)
        execute(
            self.task,
            self.stop,
            progressed=progressed,
            finished=self.handlers["finished"],
            errored=self.handlers["errored"],
            cancelled=self.handlers["cancelled"],
        )


class ManualRunner:
    """Holds every task until :meth:`complete`: the test decides the order of outcomes."""

    def __init__(self) -> None:
        self.pending: list[Job] = []

    def run(
        self,
        task: Task,
        *,
        finished: Callable[[Any], None],
        errored: Callable[[BaseException], None],
        cancelled: Callable[[], None],
        progressed: Progress | None = None,
    ) -> Job:
        """Hold ``task``."""
        job = Job(
            task,
            {
                "finished": finished,
                "errored": errored,
                "cancelled": cancelled,
                "progressed": progressed,
            },
        )
        self.pending.append(job)
        return job

    def complete(self, index: int = 0) -> None:
        """Run the ``index``-th task held (the oldest by default) and report its outcome."""
        self.pending.pop(index).run()

    def complete_all(self) -> None:
        """Run every task held, oldest first, including those they start."""
        while self.pending:
            self.complete()


@pytest.fixture
def manual() -> ManualRunner:
    """A runner whose tasks end only when the test says."""
    return ManualRunner()
