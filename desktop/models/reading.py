"""The reading options a user picks in the window, turned into :class:`ReadOptions`.

The choices are the command line's reading flags (``--delimiter``, ``--encoding``,
``--header``/``--no-header``, ``--skip-rows``, ``--lenient``, ``--no-infer``,
``--type``), checked by the same core functions, so a file reads the same in
the window as with ``loupe preview`` given those flags.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from core.errors import OptionError
from core.read.infer import parse_override
from core.read.options import ReadOptions, check_encoding, check_skip_rows, parse_delimiter

__all__ = ["DETECTED", "HEADER_CHOICES", "TYPE_CHOICES", "ReadingChoices"]

#: What a choice left to detection says.
DETECTED = "detected"
#: The header choices, and the ``has_header`` each stands for.
HEADER_CHOICES: dict[str, bool | None] = {
    DETECTED: None,
    "names the columns": True,
    "is data": False,
}
#: The types a column can be read as, and the ``--type`` name of each ("" for as detected).
TYPE_CHOICES: dict[str, str] = {
    "as detected": "",
    "text": "str",
    "integer": "int",
    "decimal": "float",
    "true/false": "bool",
    "date": "date",
    "date and time": "datetime",
}


@dataclass(frozen=True)
class ReadingChoices:
    """What the reading options dialog holds, as text and numbers.

    Attributes:
        delimiter: ``detected``, a character, or a name (``tab``, ``semicolon``).
        encoding: ``detected`` or a codec name.
        header: a key of :data:`HEADER_CHOICES`.
        skip_rows: lines (sheet rows) above the header to skip.
        lenient: read ragged rows and quotes never closed instead of failing.
        infer: infer the types of text columns.
        types: per column, a key of :data:`TYPE_CHOICES` and a format ("" for none).
    """

    delimiter: str = DETECTED
    encoding: str = DETECTED
    header: str = DETECTED
    skip_rows: int = 0
    lenient: bool = False
    infer: bool = True
    types: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    @classmethod
    def of(cls, options: ReadOptions) -> ReadingChoices:
        """The choices that give ``options``."""
        names = {v: k for k, v in TYPE_CHOICES.items()}
        types: dict[str, tuple[str, str]] = {}
        for column, spec in options.types.items():
            kind, _, fmt = spec.partition(":")
            types[column] = (names.get(kind, kind), fmt)
        header = next(k for k, v in HEADER_CHOICES.items() if v is options.has_header)
        return cls(
            delimiter=_delimiter_text(options.delimiter),
            encoding=options.encoding or DETECTED,
            header=header,
            skip_rows=options.skip_rows,
            lenient=options.lenient,
            infer=options.infer,
            types=types,
        )

    def options(self, current: ReadOptions) -> ReadOptions:
        """``current`` with these choices (the sheet and missing values stay).

        Raises:
            OptionError: a delimiter, encoding, row count or type that cannot be.
        """
        delimiter = self.delimiter.strip()
        encoding = self.encoding.strip()
        types: dict[str, str] = {}
        for column, (choice, fmt) in self.types.items():
            kind = TYPE_CHOICES.get(choice)
            if kind is None:
                raise OptionError(f"column {column!r}: unknown type {choice!r}")
            if not kind:
                continue
            spec = f"{kind}:{fmt.strip()}" if fmt.strip() else kind
            parse_override(f"{column}={spec}")
            types[column] = spec
        if self.header not in HEADER_CHOICES:
            raise OptionError(f"unknown header choice {self.header!r}")
        return replace(
            current,
            delimiter=None if delimiter in ("", DETECTED) else parse_delimiter(delimiter),
            encoding=None if encoding in ("", DETECTED) else check_encoding(encoding),
            has_header=HEADER_CHOICES[self.header],
            skip_rows=check_skip_rows(self.skip_rows),
            lenient=self.lenient,
            infer=self.infer,
            types=types,
        )


def _delimiter_text(delimiter: str | None) -> str:
    """How the dialog shows a delimiter."""
    if delimiter is None:
        return DETECTED
    return {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}.get(delimiter, delimiter)
