"""Insights on a comparison of two datasets, without Qt: "what changed, and does it matter?".

:class:`ComparisonInsights` is :class:`~desktop.models.insights.DatasetInsights`'
twin for a comparison document (see :mod:`core.compare.document`): its
:meth:`~ComparisonInsights.preview` is the :class:`PrivacyChoice` the same
preview dialog shows (columns of either side sent, as counts only or left out;
never a row), remembered per pair of datasets, and
:meth:`~ComparisonInsights.send` posts exactly that request and keeps the
answer, each insight checked against the comparison's figures, in
:attr:`~desktop.models.insights.Insights.history`. Charts the model suggests
are kept in the answer but not drawn: a comparison holds no rows to draw from.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cloud.insights import InsightsRequest, NemotronClient, generate_comparison_insights
from core.compare.document import Comparison
from desktop.models.ai import AIAccess
from desktop.models.insights import Insights
from desktop.models.privacy_choice import PrivacyChoice, PrivacyMemory
from desktop.models.tasks import Runner

__all__ = ["ComparisonInsights", "memory_key"]


def memory_key(a: Path, b: Path) -> Path:
    """Where the privacy choice for comparing ``a`` (the reference) with ``b`` is remembered."""
    return Path(f"{a} ⇄ {b}")


class ComparisonInsights(Insights):
    """Insights on the comparison of dataset ``a`` (the reference) with ``b``.

    Args:
        a: the reference dataset's path.
        b: the other dataset's path.
        access: the endpoint, model and key.
        runner: runs the requests in the background.
        memory: remembers each pair's privacy choice.
        comparison: the comparison, if made already (else see :meth:`set_comparison`).
    """

    def __init__(
        self,
        a: Path,
        b: Path,
        access: AIAccess,
        runner: Runner,
        memory: PrivacyMemory | None = None,
        comparison: Comparison | None = None,
    ) -> None:
        super().__init__(access, runner, memory)
        self._path = memory_key(a, b)
        self.comparison = comparison

    subject = "comparison"

    @property
    def path(self) -> Path:
        """Where the choice for this pair of datasets is remembered."""
        return self._path

    @property
    def ready(self) -> bool:
        """Whether the comparison is there."""
        return self.comparison is not None

    def set_comparison(self, comparison: Comparison | None) -> None:
        """Ask about ``comparison`` from now on; what was answered about another is forgotten."""
        if comparison is not self.comparison:
            self.comparison = comparison
            self.clear()

    not_ready_line = "Compare the two datasets first: insights are about the comparison."

    def _asked_about(self) -> Comparison | None:
        """The comparison."""
        return self.comparison

    def send(self, choice: PrivacyChoice) -> None:
        """Post exactly ``choice``'s request; the checked answer joins the history."""
        comparison = self.comparison
        if comparison is None:
            return

        def call(client: NemotronClient, request: InsightsRequest) -> dict[str, Any]:
            return generate_comparison_insights(
                client, dict(comparison), choice.question, request=request
            )

        self._ask(choice, call, lambda result: [])
