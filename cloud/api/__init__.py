"""The HTTP API, shipped as the API function's Lambda zip: FastAPI app, routes, models, tokens.

* :mod:`~cloud.api.app` — :func:`create_app`, the one ASGI app that uvicorn
  runs locally and Lambda runs through Mangum;
* :mod:`~cloud.api.uploads` and :mod:`~cloud.api.jobs` — the routes;
* :mod:`~cloud.api.models` — what they accept and answer;
* :mod:`~cloud.api.dependencies` — the backend and caller each route is given;
* :mod:`~cloud.api.auth` — the token verifiers (Cognito in AWS, local HS256);
* :mod:`~cloud.api.handler` — the Lambda entry point (imported by Lambda
  only, not here: it reads its configuration from the environment).

The zip holds no core and no Polars: this package never imports them, nor the
workers, nor the client (import-linter holds it). It starts jobs through a
runner it is given, and shares only :mod:`cloud.shared` with the workers.
"""

from __future__ import annotations

from cloud.api.app import create_app
from cloud.api.auth import API_SCOPE, CognitoVerifier, LocalTokens, SignInSettings, TokenVerifier
from cloud.api.dependencies import Runner
from cloud.api.models import DEFAULT_PART_SIZE, MAX_SINGLE_UPLOAD, MAX_UPLOAD, MIN_PART_SIZE

__all__ = [
    "API_SCOPE",
    "DEFAULT_PART_SIZE",
    "MAX_SINGLE_UPLOAD",
    "MAX_UPLOAD",
    "MIN_PART_SIZE",
    "CognitoVerifier",
    "LocalTokens",
    "Runner",
    "SignInSettings",
    "TokenVerifier",
    "create_app",
]
