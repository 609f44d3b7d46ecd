"""The plan's items: chunks of rows whose profiles merge."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["DEFAULT_CHUNK_ROWS", "Chunk"]

DEFAULT_CHUNK_ROWS = 1_000_000


@dataclass(frozen=True)
class Chunk:
    """Rows ``offset`` to ``offset + rows`` of the upload.

    One of three kinds, each read by the chunk step without the whole file:

    * whole row groups of a Parquet upload (``source`` and ``row_groups``): read
      by ranged GETs of just those groups;
    * bytes ``start`` to ``end`` of a delimited text upload (``source``, and
      ``end > start``): whole records, parsed with the types the plan fixed
      (:mod:`cloud.workers.text_ranges`); ``rows`` is an estimate for large files;
    * rows the plan wrote as a Parquet object of their own (no ``source``,
      :meth:`cloud.shared.keys.JobKeys.chunk`).
    """

    index: int
    offset: int
    rows: int
    source: str = ""
    row_groups: tuple[int, ...] = ()
    start: int = 0
    end: int = 0

    @property
    def is_byte_range(self) -> bool:
        """Whether the chunk is a byte range of a text upload."""
        return bool(self.source) and not self.row_groups and self.end > self.start

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
            int(item.get("start", 0)),
            int(item.get("end", 0)),
        )
