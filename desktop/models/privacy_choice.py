"""What of a profile or a comparison goes to the model, as the user chooses it, without Qt.

:class:`PrivacyChoice` starts from a :class:`~cloud.insights.Privacy` (columns
that look personal withheld, no raw rows) and lets each column be sent, sent as
counts only, or left out, and — for a profile — a sample of 1 to 20 rows be
added (a comparison never sends a row). Its :meth:`~PrivacyChoice.request` is
the request exactly as Send posts it.
:class:`PrivacyMemory` remembers a choice per file (the app keeps it in its
settings, keyed by the file's path; nothing secret is in it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from cloud.insights import (
    InsightsRequest,
    Privacy,
    Subject,
    build_comparison_request,
    build_request,
    omitted_text,
    personal_columns,
)
from cloud.insights.comparison_figures import comparison_columns
from cloud.insights.privacy import MAX_SAMPLE_ROWS
from core.compare.document import Comparison
from core.profiling.document import Profile

__all__ = [
    "COLUMN_STATES",
    "ColumnState",
    "DictMemory",
    "PrivacyChoice",
    "PrivacyMemory",
    "column_names",
    "privacy_from_memory",
    "privacy_to_memory",
]

ColumnState = Literal["send", "counts only", "leave out"]
COLUMN_STATES: tuple[ColumnState, ...] = ("send", "counts only", "leave out")


class PrivacyMemory(Protocol):
    """Where a file's choice is remembered (plain JSON text per path)."""

    def load(self, path: Path) -> str | None:
        """The remembered choice for ``path``, if any."""
        ...

    def save(self, path: Path, text: str | None) -> None:
        """Remember ``text`` for ``path`` (None forgets)."""
        ...


class DictMemory:
    """Remembers choices in a dict: the in-memory twin of the app's settings."""

    def __init__(self) -> None:
        self.saved: dict[str, str] = {}

    def load(self, path: Path) -> str | None:
        """The remembered choice for ``path``, if any."""
        return self.saved.get(str(path))

    def save(self, path: Path, text: str | None) -> None:
        """Remember ``text`` for ``path`` (None forgets)."""
        if text is None:
            self.saved.pop(str(path), None)
        else:
            self.saved[str(path)] = text


def privacy_to_memory(privacy: Privacy, personal: dict[str, str]) -> str:
    """A choice as the JSON remembered: also which personal columns the user chose to send."""
    shown = sorted(set(personal) - privacy.hidden - privacy.excluded)
    return json.dumps(
        {
            "excluded": sorted(privacy.excluded),
            "hidden": sorted(privacy.hidden),
            "shown": shown,
            "sample_rows": privacy.sample_rows,
        }
    )


def column_names(document: Profile | Comparison) -> list[str]:
    """The columns of a profile, or of either side of a comparison."""
    if "schema" in document:
        return comparison_columns(document)
    return [str(c["name"]) for c in document["columns"]]


def privacy_from_memory(text: str | None, document: Profile | Comparison) -> Privacy:
    """The remembered choice for the columns of a profile or a comparison.

    Personal columns the user did not choose to send stay hidden; a comparison's
    choice never has sample rows.
    """
    personal = personal_columns(dict(document))
    names = set(column_names(document))
    try:
        saved: dict[str, Any] = json.loads(text) if text else {}
        excluded = {str(n) for n in saved.get("excluded", [])} & names
        hidden = {str(n) for n in saved.get("hidden", [])} & names
        shown = {str(n) for n in saved.get("shown", [])}
        rows = int(saved.get("sample_rows", 0))
    except (ValueError, TypeError, AttributeError):
        excluded, hidden, shown, rows = set(), set(), set(), 0
    hidden |= set(personal) - shown - excluded
    if "schema" in document:
        rows = 0
    return Privacy(
        excluded=frozenset(excluded),
        hidden=frozenset(hidden - excluded),
        sample_rows=max(0, min(rows, MAX_SAMPLE_ROWS)),
    )


@dataclass(frozen=True)
class ColumnChoice:
    """One column in the preview: what it seems to hold (if personal) and what goes."""

    name: str
    personal: str | None
    state: ColumnState


class PrivacyChoice:
    """The preview's choices for one request; see the module docstring.

    Args:
        document: the profile asked about, or the comparison (see :attr:`subject`).
        model: the model the request names.
        question: the user's question (None for general insights).
        privacy: where the choice starts (a comparison's sample rows are dropped).
    """

    def __init__(
        self,
        document: Profile | Comparison,
        model: str,
        question: str | None,
        privacy: Privacy,
    ) -> None:
        self.document = document
        #: what the request asks about: a profile, or a comparison (never any row).
        self.subject: Subject = "comparison" if "schema" in document else "profile"
        self.model = model
        self.question = question
        self.personal = personal_columns(dict(document))
        if self.subject == "comparison":
            privacy = Privacy(privacy.excluded, privacy.hidden, 0)
        self.privacy = privacy
        self._request: InsightsRequest | None = None

    @property
    def columns(self) -> list[ColumnChoice]:
        """Every column of the profile (or of either side of the comparison) with its state."""
        return [
            ColumnChoice(name, self.personal.get(name), self.state(name))
            for name in column_names(self.document)
        ]

    @property
    def sends_rows(self) -> bool:
        """Whether a sample of rows may be chosen (never for a comparison)."""
        return self.subject == "profile"

    def state(self, column: str) -> ColumnState:
        """What of ``column`` goes."""
        if column in self.privacy.excluded:
            return "leave out"
        return "counts only" if column in self.privacy.hidden else "send"

    def set_state(self, column: str, state: ColumnState) -> None:
        """Send ``column``, send its counts only, or leave it out."""
        excluded = self.privacy.excluded - {column}
        hidden = self.privacy.hidden - {column}
        if state == "leave out":
            excluded |= {column}
        elif state == "counts only":
            hidden |= {column}
        self._change(Privacy(excluded, hidden, self.privacy.sample_rows))

    def set_sample_rows(self, rows: int) -> None:
        """Send ``rows`` raw rows (0 for none, at most 20; always 0 for a comparison)."""
        rows = max(0, min(int(rows), MAX_SAMPLE_ROWS)) if self.sends_rows else 0
        self._change(Privacy(self.privacy.excluded, self.privacy.hidden, rows))

    def request(self) -> InsightsRequest:
        """The request exactly as Send posts it."""
        if self._request is None:
            build = build_request if self.subject == "profile" else build_comparison_request
            self._request = build(
                dict(self.document), model=self.model, question=self.question, privacy=self.privacy
            )
        return self._request

    def summary(self) -> str:
        """What the request carries, in a line, and what was left out of it to fit."""
        request = self.request()
        rows = request.raw_rows
        raw = "no raw rows" if rows == 0 else f"{rows} raw row{'s' if rows != 1 else ''}"
        if not self.sends_rows:
            raw = "no raw rows (never for a comparison)"
        left_out = len(self.privacy.excluded)
        withheld = len(self.privacy.hidden)
        source = "file" if self.sends_rows else "files"
        line = (
            f"{request.values:,} values from the {source} · {raw} · {withheld} column(s) as counts "
            f"only · {left_out} left out · {len(request.body):,} bytes (about "
            f"{request.tokens:,} tokens of {request.budget:,}) to {self.model}"
        )
        fitted = omitted_text(request.omitted.document())
        return f"{line}\n{fitted}" if fitted else line

    def memory_text(self) -> str:
        """The choice as remembered for the file."""
        return privacy_to_memory(self.privacy, self.personal)

    def _change(self, privacy: Privacy) -> None:
        """Use ``privacy``; the request is built again when next asked for."""
        if privacy != self.privacy:
            self.privacy = privacy
            self._request = None
