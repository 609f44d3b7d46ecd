"""The job workers, shipped as one container image with core: the steps of a profiling job.

* :mod:`~cloud.workers.planning` — :func:`plan_job` splits an upload into
  :class:`~cloud.workers.chunks.Chunk` s (Parquet row groups read by ranges
  through :class:`~cloud.workers.ranged_file.RangedFile`, byte ranges of
  delimited text (:mod:`~cloud.workers.text_ranges`), or converted rows),
  within the job's :class:`~cloud.workers.limits.JobLimits`;
* :mod:`~cloud.workers.steps` — :func:`profile_chunk`, :func:`merge_chunks`
  and :func:`write_insights`;
* :mod:`~cloud.insights` — the prompt, the Nemotron client and the
  checks on its answer;
* :mod:`~cloud.workers.runner` — :func:`run_job`, every step in this process
  (what ``loupe serve`` runs);
* :mod:`~cloud.workers.handlers` — the Step Functions Lambdas around the same
  steps (imported by Lambda only, not here);
* :mod:`~cloud.workers.scratch` — the one folder per process the steps keep
  temporary files in: :func:`remove_scratch` removes it as a server stops.

The workers never import the API or the client; they share :mod:`cloud.shared`
with the API, which starts them.
"""

from __future__ import annotations

from cloud.workers.chunks import DEFAULT_CHUNK_ROWS, Chunk
from cloud.workers.limits import JobLimits
from cloud.workers.planning import plan_job
from cloud.workers.ranged_file import RangedFile
from cloud.workers.runner import ChunkMapper, run_job
from cloud.workers.scratch import remove_scratch, scratch_root
from cloud.workers.steps import (
    InsightsFactory,
    chunk_done,
    merge_chunks,
    profile_chunk,
    write_insights,
)

__all__ = [
    "DEFAULT_CHUNK_ROWS",
    "Chunk",
    "ChunkMapper",
    "InsightsFactory",
    "JobLimits",
    "RangedFile",
    "chunk_done",
    "merge_chunks",
    "plan_job",
    "profile_chunk",
    "remove_scratch",
    "run_job",
    "scratch_root",
    "write_insights",
]
