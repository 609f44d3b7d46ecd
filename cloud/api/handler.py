"""The API's Lambda entry point: API Gateway events → the FastAPI app through Mangum.

The app, its S3 client and the Step Functions client are made once per
container, on first use, and reused by warm invocations. Starting a job starts
an execution of the job state machine (its steps are :mod:`cloud.workers`).
Configuration comes from the environment the template sets:

    LOUPE_BUCKET              the bucket for uploads, jobs and results
    LOUPE_STATE_MACHINE_ARN   the job state machine
    LOUPE_USER_POOL_ID, LOUPE_USER_POOL_CLIENT_ID, LOUPE_TOKEN_ISSUER (optional)
    LOUPE_API_SCOPE           the scope access tokens must carry (default loupe/api)
    LOUPE_SIGNIN_DOMAIN, LOUPE_SIGNIN_PORTS   what GET /v1/auth/config tells clients
    LOUPE_USAGE_PLAN_ID       the usage plan personal API keys join (POST /v1/keys)

Logging, metrics (CloudWatch embedded metric format), X-Ray tracing (when the
stack turns it on) and the Lambda context come from Powertools. Traces never
hold the answers: they carry presigned URLs.
"""

from __future__ import annotations

import json
import os
from functools import cache
from typing import Any

import boto3
from aws_lambda_powertools.metrics import MetricUnit
from mangum import Mangum

from cloud.api.app import create_app
from cloud.api.auth import API_SCOPE, CognitoVerifier, SignInSettings
from cloud.api.keys import ApiGatewayKeys
from cloud.shared.jobs import JobRef
from cloud.shared.runtime import bucket, logger, metrics, tracer

__all__ = ["api"]


@cache
def _api() -> Any:
    """The FastAPI app behind Mangum, made once per container."""
    verifier = CognitoVerifier(
        os.environ.get("AWS_REGION", "us-east-1"),
        os.environ["LOUPE_USER_POOL_ID"],
        os.environ["LOUPE_USER_POOL_CLIENT_ID"],
        scope=os.environ.get("LOUPE_API_SCOPE") or API_SCOPE,
        issuer=os.environ.get("LOUPE_TOKEN_ISSUER") or None,
    )
    machine = os.environ["LOUPE_STATE_MACHINE_ARN"]
    steps = boto3.client("stepfunctions")

    def runner(job: JobRef) -> None:
        steps.start_execution(
            stateMachineArn=machine,
            name=job.job_id,
            input=json.dumps({"sub": job.identity.sub, "job_id": job.job_id}),
        )
        metrics.add_metric(name="JobsStarted", unit=MetricUnit.Count, value=1)

    plan = os.environ.get("LOUPE_USAGE_PLAN_ID")
    app = create_app(
        bucket(),
        verifier,
        runner,
        sign_in=SignInSettings.from_env(os.environ),
        personal_keys=ApiGatewayKeys(boto3.client("apigateway"), plan) if plan else None,
    )
    return Mangum(app, lifespan="off")


@logger.inject_lambda_context
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def api(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """API Gateway → the FastAPI app."""
    metrics.add_metric(name="ApiRequests", unit=MetricUnit.Count, value=1)
    return dict(_api()(event, context))
