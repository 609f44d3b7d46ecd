"""The job state machine's Lambda entry points: plan, chunk, merge, insights, failed.

Each handler parses its event, calls the plain step function the local runner
also uses (:mod:`cloud.workers.planning`, :mod:`cloud.workers.steps`), and
formats the answer. Clients are made once per container, on first use, and
reused by warm invocations. Configuration comes from the environment the
template sets:

    LOUPE_BUCKET              the bucket for uploads, jobs and results
    LOUPE_CHUNK_ROWS          rows per chunk (default 1,000,000)
    LOUPE_MAX_ROWS, LOUPE_MAX_CHUNKS, LOUPE_MAX_CONVERT_BYTES
                              what one job may take on (:mod:`cloud.workers.limits`)
    NVIDIA_SECRET_ID          the Secrets Manager secret holding the NVIDIA key
    NVIDIA_API_BASE_URL, NEMOTRON_MODEL

The state machine (``cloud/template.yaml``) runs: plan → a Distributed Map of
chunk over the plan's items → merge → insights (insights jobs only); any
failure goes to ``failed``, which records one line in the job.

Logging, metrics (CloudWatch embedded metric format), X-Ray tracing (when the
stack turns it on) and the Lambda context come from Powertools.
"""

from __future__ import annotations

import json
import os
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from cloud.insights import NemotronClient
from cloud.shared.identity import subject
from cloud.shared.jobs import JobRecord, JobRef
from cloud.shared.runtime import bucket, logger, metrics, tracer
from cloud.shared.uploads import load_upload
from cloud.workers.chunks import DEFAULT_CHUNK_ROWS, Chunk
from cloud.workers.limits import JobLimits
from cloud.workers.planning import plan_job
from cloud.workers.secrets import client_from_secret
from cloud.workers.steps import merge_chunks, profile_chunk, write_insights

__all__ = ["chunk", "failed", "insights", "merge", "plan"]


def _job(event: dict[str, Any]) -> JobRef:
    """The job a step event is about (its user, written by the API, is checked again)."""
    return JobRef(bucket(), subject(event.get("sub")), str(event.get("job_id", "")))


def _step(event: dict[str, Any]) -> tuple[JobRef, JobRecord]:
    """The job a step event is about, and its record."""
    job = _job(event)
    return job, job.load()


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def plan(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Type the upload once, split it into chunks, and write the plan the Map reads."""
    job, record = _step(event)
    upload = load_upload(job.store, job.identity, record.upload_id)
    rows = int(os.environ.get("LOUPE_CHUNK_ROWS", DEFAULT_CHUNK_ROWS))
    chunks = plan_job(job, upload, chunk_rows=rows, limits=JobLimits.from_env())
    key = job.keys.plan
    job.store.put(key, json.dumps([c.to_json() for c in chunks]).encode())
    logger.info("planned", extra={"job_id": job.job_id, "chunks": len(chunks)})
    metrics.add_metric(name="ChunksPlanned", unit=MetricUnit.Count, value=len(chunks))
    return {
        "sub": job.identity.sub,
        "job_id": job.job_id,
        "kind": record.kind,
        "chunks": len(chunks),
        "plan": {"Bucket": bucket().bucket, "Key": key},
    }


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def chunk(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Profile one chunk of the plan (one item of the Distributed Map)."""
    job, record = _step(event)
    part = Chunk.from_json(event["chunk"])
    key = profile_chunk(job, part, record.options)
    metrics.add_metric(name="ChunksProfiled", unit=MetricUnit.Count, value=1)
    metrics.add_metric(name="RowsProfiled", unit=MetricUnit.Count, value=part.rows)
    return {"index": part.index, "key": key}


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def merge(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Merge the chunks' profiles; a profile job is then done."""
    job, record = _step(event)
    upload = load_upload(job.store, job.identity, record.upload_id)
    merge_chunks(job, upload, int(event["chunks"]))
    metrics.add_metric(name="ProfilesMerged", unit=MetricUnit.Count, value=1)
    if record.kind == "profile":
        metrics.add_metric(name="JobsSucceeded", unit=MetricUnit.Count, value=1)
    return {"sub": job.identity.sub, "job_id": job.job_id, "kind": record.kind}


def nemotron_client() -> NemotronClient:
    """A model client with the key from Secrets Manager (cached across warm invocations)."""
    return client_from_secret(
        os.environ["NVIDIA_SECRET_ID"],
        base_url=os.environ.get("NVIDIA_API_BASE_URL"),
        model=os.environ.get("NEMOTRON_MODEL"),
    )


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def insights(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Ask Nemotron about the merged profile; the insights job is then done."""
    job = _job(event)
    write_insights(job, nemotron_client)
    metrics.add_metric(name="JobsSucceeded", unit=MetricUnit.Count, value=1)
    return {"sub": job.identity.sub, "job_id": job.job_id}


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def failed(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Record a step's failure in the job (the state machine's Catch lands here)."""
    job = _job(event)
    error = event.get("error") or {}
    cause = error.get("Cause") or ""
    try:
        message = json.loads(cause).get("errorMessage") or error.get("Error")
    except (ValueError, AttributeError):
        message = cause or error.get("Error")
    job.fail(str(message or "a step of the job failed"))
    metrics.add_metric(name="JobsFailed", unit=MetricUnit.Count, value=1)
    logger.warning("job failed", extra={"job_id": job.job_id, "error_type": error.get("Error")})
    return {"sub": job.identity.sub, "job_id": job.job_id, "status": "failed"}
