"""How much one job may take on: rows, chunks, and the size of a file typed whole.

A small compressed file can hold hundreds of millions of rows, and every chunk
is a function invocation that is paid for; the plan step checks these limits
before any chunk runs and fails the job with one line naming the limit.
Each default can be changed in the plan function's environment:

    LOUPE_MAX_ROWS            rows a job may profile (default 200,000,000)
    LOUPE_MAX_CHUNKS          chunks a job may fan out to (default 200)
    LOUPE_MAX_CONVERT_BYTES   the largest upload typed whole on the plan function's
                              disk (default 1 GiB): compressed files, Excel, ODS,
                              JSON and text that cannot be split by byte ranges
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from cloud.errors import CloudError, RequestError

__all__ = [
    "DEFAULT_MAX_CHUNKS",
    "DEFAULT_MAX_CONVERT_BYTES",
    "DEFAULT_MAX_ROWS",
    "JobLimits",
]

DEFAULT_MAX_ROWS = 200_000_000
DEFAULT_MAX_CHUNKS = 200
DEFAULT_MAX_CONVERT_BYTES = 1024**3


@dataclass(frozen=True)
class JobLimits:
    """The limits of one job; see the module's documentation."""

    max_rows: int = DEFAULT_MAX_ROWS
    max_chunks: int = DEFAULT_MAX_CHUNKS
    max_convert_bytes: int = DEFAULT_MAX_CONVERT_BYTES

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> JobLimits:
        """The limits set in ``env`` (default: the process environment), defaults elsewhere.

        Raises:
            CloudError: a limit that is not a positive whole number.
        """
        env = os.environ if env is None else env
        return cls(
            max_rows=_positive(env, "LOUPE_MAX_ROWS", DEFAULT_MAX_ROWS),
            max_chunks=_positive(env, "LOUPE_MAX_CHUNKS", DEFAULT_MAX_CHUNKS),
            max_convert_bytes=_positive(env, "LOUPE_MAX_CONVERT_BYTES", DEFAULT_MAX_CONVERT_BYTES),
        )

    def check(self, name: str, *, rows: int, chunks: int, about: bool = False) -> None:
        """Refuse a plan of ``rows`` rows in ``chunks`` chunks over the limits.

        ``about`` says the rows are an estimate (a large text file is not counted whole).

        Raises:
            RequestError: over a limit, named in one line.
        """
        shown = f"about {rows:,}" if about else f"{rows:,}"
        if rows > self.max_rows:
            raise RequestError(
                f"{name}: {shown} rows, over the {self.max_rows:,} a job may profile "
                "(LOUPE_MAX_ROWS)"
            )
        if chunks > self.max_chunks:
            raise RequestError(
                f"{name}: {shown} rows make {chunks:,} chunks, over the {self.max_chunks:,} "
                "a job may run (LOUPE_MAX_CHUNKS)"
            )

    def check_convert(self, name: str, size: int) -> None:
        """Refuse to type a file of ``size`` bytes whole when it is over the limit.

        Raises:
            RequestError: over the limit, named in one line with what to do instead.
        """
        if size > self.max_convert_bytes:
            raise RequestError(
                f"{name}: {size / 2**20:,.0f} MiB is over the {self.max_convert_bytes / 2**20:,.0f}"
                " MiB a job types whole (LOUPE_MAX_CONVERT_BYTES); send it as Parquet "
                "(loupe cloud does unless --no-convert), or as plain UTF-8 CSV"
            )


def _positive(env: Mapping[str, str], name: str, default: int) -> int:
    """The positive whole number ``env[name]``, or ``default`` when unset."""
    text = env.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        raise CloudError(f"{name} must be a positive whole number, not {text[:20]!r}")
    return int(text)
