"""What of a profile or a comparison may reach the model: columns left out, values hidden.

A :class:`Privacy` says which columns are left out of the request altogether,
which keep their statistics but not their values (top values, text extremes,
sample cells), and how many raw rows go with it (none unless the user asks; 20
at most). :func:`personal_columns` flags columns that look like personal data —
e-mail addresses, phone numbers, card numbers, national ids, IBANs, names —
from their names and from the values the profile (or the comparison) holds, and
:func:`default_privacy` hides their values until the user decides otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["MAX_SAMPLE_ROWS", "Privacy", "default_privacy", "personal_columns"]

MAX_SAMPLE_ROWS = 20

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_PHONE = re.compile(r"^\+?[\d\s().\-/]{7,20}$")
_SSN = re.compile(r"^\d{3}-\d{2}-\d{4}$")
_IBAN = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9 ]{11,34}$")
_CARD = re.compile(r"^\d[\d -]{11,22}\d$")
_DATE = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}([ T].*)?$")
# A "name" is a person's when one of these says so ("product name" is not).
_WHO = (
    "first|last|full|given|family|maiden|middle|customer|client|user|person|patient"
    "|employee|contact|owner|author|member|student|sender|recipient"
)
# Words of a column name (split at _ - . and spaces) that say what it holds.
_NAMES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\b(e ?mail|mail address)\b"), "e-mail addresses"),
    (re.compile(r"\b(phone|telephone|mobile|cell|fax|tel)\b"), "phone numbers"),
    (re.compile(r"\b(ssn|social security|national id|passport|tax id|personal id)\b"), "ids"),
    (re.compile(r"\b(iban|credit card|card number|card no|account number)\b"), "account numbers"),
    (re.compile(r"^name$|\b(surname|(" + _WHO + r") ?name)\b"), "names"),
    (re.compile(r"\b(birth|dob|birthday|street|address|zip|postcode|postal code)\b"), "addresses"),
]


@dataclass(frozen=True)
class Privacy:
    """What of a profile the request carries.

    Attributes:
        excluded: columns left out altogether (statistics, alerts, correlations, samples).
        hidden: columns whose statistics go but whose values do not.
        sample_rows: raw rows from the profile's head (0 to 20).
    """

    excluded: frozenset[str] = field(default_factory=frozenset)
    hidden: frozenset[str] = field(default_factory=frozenset)
    sample_rows: int = 0

    def __post_init__(self) -> None:
        if not 0 <= self.sample_rows <= MAX_SAMPLE_ROWS:
            raise ValueError(f"a sample is 0 to {MAX_SAMPLE_ROWS} rows, not {self.sample_rows}")

    def shows_values_of(self, column: str) -> bool:
        """Whether values of ``column`` may go."""
        return column not in self.excluded and column not in self.hidden


def _luhn(digits: str) -> bool:
    """Whether a digit string passes the Luhn check card numbers carry."""
    total = 0
    for i, char in enumerate(reversed(digits)):
        n = int(char) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _value_kind(value: str) -> str | None:
    """What kind of personal data a value looks like, if any."""
    text = value.strip()
    if _DATE.match(text):
        return None
    if _EMAIL.match(text):
        return "e-mail addresses"
    if _SSN.match(text):
        return "ids"
    if _IBAN.match(text):
        return "account numbers"
    digits = re.sub(r"\D", "", text)
    if _CARD.match(text) and 13 <= len(digits) <= 19 and _luhn(digits):
        return "account numbers"
    if _PHONE.match(text) and 7 <= len(digits) <= 15 and not text.isdigit():
        return "phone numbers"
    return None


def _values(column: Mapping[str, Any]) -> Iterable[str]:
    """The text values a column's entry holds (of a profile, or of a comparison: both sides)."""
    for top in column.get("top_values") or []:
        if isinstance(top.get("value"), str):
            yield top["value"]
    categories = column.get("categories")
    if isinstance(categories, Mapping):
        for key in ("appeared", "vanished"):
            for found in categories.get(key) or []:
                if isinstance(found.get("value"), str):
                    yield found["value"]
    kind = column.get("kind")
    kinds = set(kind.values()) if isinstance(kind, Mapping) else {kind}
    if not kinds & {"categorical", "text"}:
        return
    stats = column.get("stats")
    if not isinstance(stats, Mapping):
        stats = {}
    for key in ("min", "max"):
        if isinstance(column.get(key), str):
            yield column[key]
        sided = stats.get(key)
        if isinstance(sided, Mapping):
            yield from (sided[s] for s in ("a", "b") if isinstance(sided.get(s), str))


def _entries(document: Mapping[str, Any]) -> Iterable[tuple[str, Mapping[str, Any]]]:
    """Each column of a profile or a comparison and its entry (empty for one side's only)."""
    for column in document.get("columns", []):
        yield str(column.get("name", "")), column
    schema = document.get("schema")
    if isinstance(schema, Mapping):  # a comparison: the columns of one side only
        for name in [*schema.get("added", []), *schema.get("removed", [])]:
            yield str(name), {}


def personal_columns(document: Mapping[str, Any]) -> dict[str, str]:
    """Columns that look like personal data, with what they seem to hold.

    ``document`` is a profile or a comparison. A column is flagged by its name,
    or when most of the text values it holds (top values, text extremes, the
    categories a comparison found on one side only) look like e-mail addresses,
    phone, card or id numbers.
    """
    found: dict[str, str] = {}
    for name, column in _entries(document):
        lowered = re.sub(r"[_\-.\s]+", " ", name.lower())
        for pattern, what in _NAMES:
            if pattern.search(lowered):
                found[name] = what
                break
        else:
            kinds = [_value_kind(v) for v in _values(column)]
            flagged = [k for k in kinds if k]
            if flagged and len(flagged) * 2 >= len(kinds):
                found[name] = max(set(flagged), key=flagged.count)
    return found


def default_privacy(document: Mapping[str, Any]) -> Privacy:
    """No rows, and the values of columns that look personal hidden (a profile or a comparison)."""
    return Privacy(hidden=frozenset(personal_columns(document)))
