"""AWS Lambda entry points: the API through Mangum, and the steps of the job state machine.

Each handler parses its event, calls the plain function in :mod:`cloud.jobs`
or :mod:`cloud.insights` that the local runner also uses, and formats the
answer. Clients are made once per container, on first use, and reused by warm
invocations. Configuration comes from the environment the template sets:

    LOUPE_BUCKET              the bucket for uploads, jobs and results
    LOUPE_STATE_MACHINE_ARN   the job state machine (API function only)
    LOUPE_USER_POOL_ID, LOUPE_USER_POOL_CLIENT_ID, LOUPE_TOKEN_ISSUER (optional)
    LOUPE_CHUNK_ROWS          rows per chunk (default 1,000,000)
    NVIDIA_SECRET_ID          the Secrets Manager secret holding the NVIDIA key
    NVIDIA_API_BASE_URL, NEMOTRON_MODEL

The state machine (``cloud/template.yaml``) runs: plan → a Distributed Map of
chunk over the plan's items → merge → insights (insights jobs only); any
failure goes to ``failed``, which records one line in the job.

Logging, metrics (CloudWatch embedded metric format), X-Ray tracing (when the
stack turns it on) and the Lambda context come from Powertools. Traces never
hold handlers' answers: the API's carry presigned URLs.
"""

from __future__ import annotations

import json
import os
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit

from cloud.auth import CognitoVerifier, Identity, subject
from cloud.jobs import (
    DEFAULT_CHUNK_ROWS,
    Chunk,
    JobRecord,
    fail_job,
    job_prefix,
    load_job,
    load_upload,
    profile_chunk,
)
from cloud.jobs import insights as insights_step
from cloud.jobs import merge as merge_step
from cloud.jobs import plan as plan_step
from cloud.storage import S3Store, s3_client

__all__ = ["api", "chunk", "failed", "insights", "merge", "plan"]

logger = Logger(service="loupe")
metrics = Metrics(namespace="Loupe", service="loupe")
# Off outside Lambda, and in Lambda unless the stack turns tracing on
# (POWERTOOLS_TRACE_DISABLED follows the template's Tracing parameter).
tracer = Tracer(service="loupe")


@cache
def _store() -> S3Store:
    """The bucket, through a client made once per container."""
    return S3Store(s3_client(), os.environ["LOUPE_BUCKET"])


@cache
def _api() -> Any:
    """The FastAPI app behind Mangum, made once per container."""
    import boto3
    from mangum import Mangum

    from cloud.api import create_app

    verifier = CognitoVerifier(
        os.environ.get("AWS_REGION", "us-east-1"),
        os.environ["LOUPE_USER_POOL_ID"],
        os.environ["LOUPE_USER_POOL_CLIENT_ID"],
        issuer=os.environ.get("LOUPE_TOKEN_ISSUER") or None,
    )
    machine = os.environ["LOUPE_STATE_MACHINE_ARN"]
    steps = boto3.client("stepfunctions")

    def runner(identity: Identity, job_id: str) -> None:
        steps.start_execution(
            stateMachineArn=machine,
            name=job_id,
            input=json.dumps({"sub": identity.sub, "job_id": job_id}),
        )
        metrics.add_metric(name="JobsStarted", unit=MetricUnit.Count, value=1)

    return Mangum(create_app(_store(), verifier, runner), lifespan="off")


def _job(event: dict[str, Any]) -> tuple[Identity, str]:
    """The identity and job id a step event carries (written by the API, checked again)."""
    return subject(event.get("sub")), str(event.get("job_id", ""))


def _step(event: dict[str, Any]) -> tuple[S3Store, Identity, JobRecord]:
    """The bucket, the caller and the job record a step event is about."""
    identity, job_id = _job(event)
    store = _store()
    return store, identity, load_job(store, identity, job_id)[0]


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def api(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """API Gateway → the FastAPI app."""
    metrics.add_metric(name="ApiRequests", unit=MetricUnit.Count, value=1)
    return dict(_api()(event, context))


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def plan(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Type the upload once, split it into chunks, and write the plan the Map reads."""
    store, identity, job = _step(event)
    job_id = job.id
    upload = load_upload(store, identity, job.upload_id)
    rows = int(os.environ.get("LOUPE_CHUNK_ROWS", DEFAULT_CHUNK_ROWS))
    chunks = plan_step(store, identity, job_id, upload, chunk_rows=rows)
    key = job_prefix(identity, job_id) + "plan.json"
    store.put(key, json.dumps([c.to_json() for c in chunks]).encode())
    logger.info("planned", extra={"job_id": job_id, "chunks": len(chunks)})
    metrics.add_metric(name="ChunksPlanned", unit=MetricUnit.Count, value=len(chunks))
    return {
        "sub": identity.sub,
        "job_id": job_id,
        "kind": job.kind,
        "chunks": len(chunks),
        "plan": {"Bucket": store.bucket, "Key": key},
    }


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def chunk(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Profile one chunk of the plan (one item of the Distributed Map)."""
    store, identity, job = _step(event)
    job_id = job.id
    part = Chunk.from_json(event["chunk"])
    key = profile_chunk(store, identity, job_id, part, job.options)
    metrics.add_metric(name="ChunksProfiled", unit=MetricUnit.Count, value=1)
    metrics.add_metric(name="RowsProfiled", unit=MetricUnit.Count, value=part.rows)
    return {"index": part.index, "key": key}


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def merge(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Merge the chunks' profiles; a profile job is then done."""
    store, identity, job = _step(event)
    job_id = job.id
    upload = load_upload(store, identity, job.upload_id)
    merge_step(store, identity, job_id, upload, int(event["chunks"]))
    metrics.add_metric(name="ProfilesMerged", unit=MetricUnit.Count, value=1)
    if job.kind == "profile":
        metrics.add_metric(name="JobsSucceeded", unit=MetricUnit.Count, value=1)
    return {"sub": identity.sub, "job_id": job_id, "kind": job.kind}


def nemotron_client() -> Any:
    """A model client with the key from Secrets Manager (cached across warm invocations)."""
    from cloud.insights import client_from_secret

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
    identity, job_id = _job(event)
    insights_step(_store(), identity, job_id, nemotron_client)
    metrics.add_metric(name="JobsSucceeded", unit=MetricUnit.Count, value=1)
    return {"sub": identity.sub, "job_id": job_id}


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def failed(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Record a step's failure in the job (the state machine's Catch lands here)."""
    identity, job_id = _job(event)
    error = event.get("error") or {}
    cause = error.get("Cause") or ""
    try:
        message = json.loads(cause).get("errorMessage") or error.get("Error")
    except (ValueError, AttributeError):
        message = cause or error.get("Error")
    fail_job(_store(), identity, job_id, str(message or "a step of the job failed"))
    metrics.add_metric(name="JobsFailed", unit=MetricUnit.Count, value=1)
    logger.warning("job failed", extra={"job_id": job_id, "error_type": error.get("Error")})
    return {"sub": identity.sub, "job_id": job_id, "status": "failed"}
