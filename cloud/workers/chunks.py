"""The plan's items: chunks of rows whose profiles merge."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["DEFAULT_CHUNK_ROWS", "Chunk"]

DEFAULT_CHUNK_ROWS = 1_000_000


@dataclass(frozen=True)
class Chunk:
    """Rows ``offset`` to ``offset + rows`` of the upload.

    Either whole row groups of a Parquet upload (``source`` and ``row_groups``:
    the chunk step reads just those byte ranges), or, for other files, rows
    the plan wrote as a Parquet object of their own
    (:meth:`cloud.shared.keys.JobKeys.chunk`).
    """

    index: int
    offset: int
    rows: int
    source: str = ""
    row_groups: tuple[int, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The chunk as a plan item."""
        return {**asdict(self), "row_groups": list(self.row_groups)}

    @classmethod
    def from_json(cls, item: dict[str, Any]) -> Chunk:
        """A chunk from a plan item."""
        return cls(
            int(item["index"]),
            int(item["offset"]),
            int(item["rows"]),
            str(item.get("source", "")),
            tuple(int(g) for g in item.get("row_groups", ())),
        )
