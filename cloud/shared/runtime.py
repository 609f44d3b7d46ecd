"""What every Lambda function of Loupe's starts with: Powertools' logger, metrics and tracer,
and the bucket, made once per container and reused by warm invocations.

Imported by the Lambda entry points only (:mod:`cloud.api.handler`,
:mod:`cloud.workers.handlers`), never by what ``loupe serve`` runs.
"""

from __future__ import annotations

import os
from functools import cache

from aws_lambda_powertools import Logger, Metrics, Tracer

from cloud.shared.storage import S3Store, s3_client

__all__ = ["bucket", "logger", "metrics", "tracer"]

logger = Logger(service="loupe")
metrics = Metrics(namespace="Loupe", service="loupe")
# Off outside Lambda, and in Lambda unless the stack turns tracing on
# (POWERTOOLS_TRACE_DISABLED follows the template's Tracing parameter).
tracer = Tracer(service="loupe")


@cache
def bucket() -> S3Store:
    """The bucket named by ``LOUPE_BUCKET``, through a client made once per container."""
    return S3Store(s3_client(), os.environ["LOUPE_BUCKET"])
