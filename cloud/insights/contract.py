"""What the model must answer: insights with evidence, and charts worth drawing (pydantic).

The model fills :class:`InsightsAnswer` (its schema goes out as the response
format, without ``status``, which only :func:`cloud.insights.verify.verify`
sets). Nothing the model returns is executed, and its prose (titles, details,
metric names) is kept without control characters or escape sequences (see
:func:`~cloud.insights.printable.printable`); column names are kept as written,
to be checked against the profile.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from cloud.insights.printable import printable

__all__ = ["Chart", "Evidence", "Insight", "InsightsAnswer", "answer_schema", "parse_answer"]

# The model's prose, without what could rewrite a terminal or reorder what is read.
Prose = Annotated[str, AfterValidator(printable)]


class Evidence(BaseModel):
    """A number or value from the profile that supports an insight."""

    model_config = ConfigDict(extra="ignore")

    metric: Prose = Field(max_length=100)
    column: str | None = Field(default=None, max_length=1000)
    value: float | int | str | bool | None = None


class Insight(BaseModel):
    """One finding about the data."""

    model_config = ConfigDict(extra="ignore")

    title: Prose = Field(max_length=300)
    detail: Prose = Field(max_length=4000)
    columns: list[str] = Field(default_factory=list, max_length=50)
    # Spelled out, not core's Severity: the schema sent to the model keeps the enum inline
    # (some guided-decoding backends ignore a $ref beside a default). A test holds the two equal.
    severity: Literal["info", "warning", "critical"] = "info"
    evidence: list[Evidence] = Field(default_factory=list, max_length=20)
    # "verified": every figure of its evidence is the profile's (not: its conclusion is right).
    status: Literal["verified", "unverified"] = "unverified"


class Chart(BaseModel):
    """A chart the model suggests; drawn by Loupe from the profile, never from code."""

    model_config = ConfigDict(extra="ignore")

    type: Literal["histogram", "bar", "scatter", "box", "line", "heatmap"]
    x: str = Field(max_length=1000)
    y: str | None = Field(default=None, max_length=1000)
    title: Prose = Field(default="", max_length=300)


class InsightsAnswer(BaseModel):
    """What the model must answer: insights, and charts worth drawing."""

    model_config = ConfigDict(extra="ignore")

    insights: list[Insight] = Field(default_factory=list, max_length=30)
    charts: list[Chart] = Field(default_factory=list, max_length=20)


def answer_schema() -> dict[str, Any]:
    """The JSON schema sent as the response format (the model does not set ``status``)."""
    schema = InsightsAnswer.model_json_schema()
    schema["$defs"]["Insight"]["properties"].pop("status", None)
    return schema


def parse_answer(content: str) -> InsightsAnswer:
    """The contract in the model's text (a ```json fence is tolerated). Raises ValueError."""
    text = content.strip()
    fenced = re.fullmatch(r"```(?:json)?\s*(.*?)\s*```", text, flags=re.DOTALL)
    if fenced:
        text = fenced.group(1)
    try:
        return InsightsAnswer.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "the answer"
        raise ValueError(f"{where}: {first['msg']}") from None
