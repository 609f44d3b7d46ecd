"""A dataset's insights and questions, without Qt: what was asked, what came back, what runs.

:class:`Insights` holds what any subject's insights share (the history, the
request running, Cancel); a comparison's are in
:mod:`desktop.models.comparison_insights`.
:class:`DatasetInsights` belongs to one :class:`~desktop.models.session.DatasetSession`.
:meth:`~DatasetInsights.preview` makes the :class:`PrivacyChoice` the user
reviews (starting from the choice remembered for the file, else with personal
columns withheld and no rows); :meth:`~DatasetInsights.send` posts exactly its
request in the background and keeps the exchange in :attr:`history`, the
question with its answer (cards, and the charts Loupe draws for it) or its
one-line error. One request runs at a time; Cancel drops its answer.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from cloud.insights import InsightsRequest, NemotronClient, generate_insights
from core.compare.document import Comparison
from core.errors import LoupeError
from core.profiling.document import Insight, Profile
from desktop.models.ai import AIAccess, insights_call
from desktop.models.events import Event
from desktop.models.insight_cards import Card, cards, suggested_figures
from desktop.models.privacy_choice import (
    DictMemory,
    PrivacyChoice,
    PrivacyMemory,
    privacy_from_memory,
)
from desktop.models.sections import figure_specs
from desktop.models.session import DatasetSession
from desktop.models.tasks import Newest, Progress, Runner, describe_error

__all__ = ["DatasetInsights", "Exchange", "Insights"]

State = Literal["asking", "done", "failed", "cancelled"]


@dataclass
class Exchange:
    """One question (None: "Get insights") and what came of it."""

    question: str | None
    model: str
    request: InsightsRequest
    state: State = "asking"
    cards: list[Card] = field(default_factory=list)
    #: the checked insights as the profile document keeps them (see ``document()``).
    insights: list[dict[str, Any]] = field(default_factory=list)
    chart_specs: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""
    asked_at: float = field(default_factory=time.time)

    @property
    def verified(self) -> int:
        """How many of its insights cite evidence that matches the profile."""
        return sum(card.verified for card in self.cards)


class Insights:
    """What a pane of insights drives: the history, the request running, cancel.

    The subject (a dataset's profile, a comparison) is the subclass's; it
    previews a :class:`PrivacyChoice` and sends it with :meth:`_ask`.

    Args:
        access: the endpoint, model and key.
        runner: runs the requests in the background.
        memory: remembers each subject's privacy choice.
    """

    def __init__(
        self, access: AIAccess, runner: Runner, memory: PrivacyMemory | None = None
    ) -> None:
        self.access = access
        self.memory: PrivacyMemory = memory or DictMemory()
        self.history: list[Exchange] = []
        #: the user's line when a request could not start ("" when none).
        self.error = ""
        self.changed: Event[[]] = Event()
        self._requests = Newest(runner, self.changed.emit)

    #: what the insights are about, as the pane names it ("the profile", "the comparison").
    subject = "profile"

    @property
    def running(self) -> bool:
        """True while a request waits for its answer."""
        return self._requests.running

    @property
    def path(self) -> Path:
        """Where the privacy choice is remembered (see :class:`PrivacyMemory`)."""
        raise NotImplementedError

    @property
    def dark(self) -> bool:
        """Whether charts are drawn dark (light by default)."""
        return False

    @property
    def ready(self) -> bool:
        """Whether there is something to ask about (a question may be typed)."""
        raise NotImplementedError

    def select_column(self, name: str) -> None:
        """Show column ``name`` (a card's column was clicked); nothing by default."""

    #: the status line while there is nothing to ask about.
    not_ready_line = "Profile the file first: insights are about its profile."

    def _asked_about(self) -> Profile | Comparison | None:
        """The document the insights are about (None: not there yet)."""
        raise NotImplementedError

    @property
    def can_ask(self) -> bool:
        """There is something to ask about and no request runs."""
        return self.ready and not self.running

    @property
    def status(self) -> str:
        """The pane's one line: what runs, what failed, or what to do."""
        if self.error:
            return self.error
        if not self.ready:
            return self.not_ready_line
        if self.running:
            return f"Asking {self.access.settings.model}…"
        if not self.access.has_key:
            return f"No API key for {self.access.settings.base_url}: add one in Settings → AI."
        last = self.history[-1] if self.history else None
        if last is not None and last.state in ("failed", "cancelled"):
            return last.error
        return ""

    def preview(self, question: str | None = None) -> PrivacyChoice | None:
        """What would be sent for ``question``, to review; None (and a line) when it cannot go.

        The choice starts from the one remembered at :attr:`path`, else with
        personal columns withheld and no rows.
        """
        document = self._asked_about()
        self.error = ""
        if document is None or self.running:
            self.changed.emit()
            return None
        if self._key_error():
            return None
        privacy = privacy_from_memory(self.memory.load(self.path), document)
        text = (question or "").strip() or None
        return PrivacyChoice(document, self.access.settings.model, text, privacy)

    def remember(self, choice: PrivacyChoice, remember: bool) -> None:
        """Remember ``choice`` at :attr:`path` (or forget what was remembered)."""
        self.memory.save(self.path, choice.memory_text() if remember else None)

    def send(self, choice: PrivacyChoice) -> None:
        """Post exactly ``choice``'s request; the answer joins :attr:`history`."""
        raise NotImplementedError

    def _key_error(self) -> bool:
        """Say so (and True) when there is no key to ask with."""
        if self.access.has_key:
            return False
        self.error = f"No API key for {self.access.settings.base_url}: add one in Settings → AI."
        self.changed.emit()
        return True

    def _ask(
        self,
        choice: PrivacyChoice,
        call: Callable[[NemotronClient, InsightsRequest], dict[str, Any]],
        figures: Callable[[dict[str, Any]], list[dict[str, Any]]],
    ) -> None:
        """Post ``choice``'s request through ``call`` in the background; the answer joins history.

        ``figures`` draws the charts of the checked answer (as chart specs).
        """
        if self.running:
            return
        request = choice.request()
        self.error = ""
        try:
            client = self.access.client()
        except LoupeError as exc:
            self.error = describe_error(exc)
            self.changed.emit()
            return
        exchange = Exchange(choice.question, client.settings.model, request)
        self.history.append(exchange)

        def run(progress: Progress, cancelled: Callable[[], bool]) -> Any:
            try:
                result = insights_call(lambda: call(client, request))
            finally:
                client.close()
            return cards(result), result.get("insights", []), figures(result)

        def finished(answer: tuple[list[Card], list[dict[str, Any]], list[dict[str, Any]]]) -> None:
            exchange.cards, exchange.insights, exchange.chart_specs = answer
            exchange.state = "done"
            self.changed.emit()

        def errored(error: BaseException) -> None:
            exchange.state, exchange.error = "failed", describe_error(error)
            self.changed.emit()

        def cancelled() -> None:
            exchange.state, exchange.error = "cancelled", "Cancelled: the answer will be ignored."
            self.changed.emit()

        self._requests.start(
            run, "insights", finished=finished, errored=errored, cancelled=cancelled
        )

    def cancel(self) -> None:
        """Stop waiting for the running request: its answer, if it comes, is dropped."""
        if not self.running:
            return
        asking = [e for e in self.history if e.state == "asking"]
        # The HTTP call cannot be interrupted; the request is made moot instead.
        self._requests.invalidate()
        for exchange in asking:
            exchange.state, exchange.error = "cancelled", "Cancelled: the answer will be ignored."
        self.changed.emit()

    def document(self) -> list[Insight]:
        """Every insight answered so far, as the profile document's ``insights`` keeps them."""
        kept: list[Insight] = []
        for exchange in self.history:
            if exchange.state != "done":
                continue
            for insight in exchange.insights:
                kept.append(
                    {
                        "title": str(insight.get("title", "")),
                        "detail": str(insight.get("detail", "")),
                        "severity": str(insight.get("severity", "info")),
                        "columns": [str(c) for c in insight.get("columns", [])],
                        "evidence": [
                            {
                                "metric": str(e.get("metric", "")),
                                "column": e.get("column"),
                                "value": e.get("value"),
                            }
                            for e in insight.get("evidence", [])
                        ],
                        "status": "verified"
                        if insight.get("status") == "verified"
                        else "unverified",
                        "model": exchange.model,
                        "question": exchange.question,
                    }
                )
        return kept

    def clear(self) -> None:
        """Forget the history (the profile it was about is gone)."""
        self._requests.invalidate()
        self.history, self.error = [], ""
        self.changed.emit()


class DatasetInsights(Insights):
    """Insights on one dataset; see the module docstring.

    Args:
        session: the dataset (its profile is what is asked about).
        access: the endpoint, model and key.
        runner: runs the requests in the background.
        memory: remembers each file's privacy choice.
    """

    def __init__(
        self,
        session: DatasetSession,
        access: AIAccess,
        runner: Runner,
        memory: PrivacyMemory | None = None,
    ) -> None:
        super().__init__(access, runner, memory)
        self.session = session
        session.events.cleared.connect(self.clear)
        session.events.profiled.connect(self.changed.emit)

    @property
    def path(self) -> Path:
        """The file's path: its privacy choice is remembered by it."""
        return self.session.path

    @property
    def ready(self) -> bool:
        """Whether the file is profiled."""
        return self.session.profile is not None

    @property
    def dark(self) -> bool:
        """Whether the window draws dark."""
        return self.session.dark

    def select_column(self, name: str) -> None:
        """Select ``name`` in the profile views."""
        self.session.select_column(name)

    def _asked_about(self) -> Profile | None:
        """The profile."""
        return self.session.profile

    def send(self, choice: PrivacyChoice) -> None:
        """Post exactly ``choice``'s request; the answer joins :attr:`history`."""
        profile = self.session.profile
        if profile is None:
            return
        theme = "dark" if self.session.dark else "light"
        rows = self.session.base  # the rows the window holds, for scatter and line charts

        def call(client: NemotronClient, request: InsightsRequest) -> dict[str, Any]:
            return generate_insights(client, dict(profile), choice.question, request=request)

        def figures(result: dict[str, Any]) -> list[dict[str, Any]]:
            drawn = suggested_figures(profile, result.get("charts", []), theme, rows)
            return figure_specs(drawn)

        self._ask(choice, call, figures)
