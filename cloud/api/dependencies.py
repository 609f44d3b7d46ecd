"""What every route is given: the backend the app was made with, and the authenticated caller.

Nothing in the routes knows which host runs them: storage, token checking and
the job runner are given to :func:`cloud.api.app.create_app`, which keeps them
as the app's :class:`Backend`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, cast

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from cloud.api.auth import TokenVerifier
from cloud.errors import AuthError
from cloud.shared.identity import Identity
from cloud.shared.jobs import JobRef
from cloud.shared.storage import ObjectStore

if TYPE_CHECKING:
    from cloud.api.keys import KeyIssuer

__all__ = ["Backend", "Caller", "Runner", "Service", "backend", "caller"]

# Starts a job's steps; must return at once (the work is queued elsewhere).
Runner = Callable[[JobRef], None]

_bearer = HTTPBearer(auto_error=False)


@dataclass(frozen=True)
class Backend:
    """The app's storage, token checks, job runner, smallest multipart part size, and
    the issuer of personal API keys (None where there is no usage plan)."""

    store: ObjectStore
    verifier: TokenVerifier
    runner: Runner
    part_size: int
    keys: KeyIssuer | None = None


def backend(request: Request) -> Backend:
    """The backend of the app serving ``request``."""
    return cast(Backend, request.app.state.backend)


Service = Annotated[Backend, Depends(backend)]


def caller(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    service: Service,
) -> Identity:
    """Who sent the request, from its bearer token. Raises AuthError."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise AuthError("a bearer token is required")
    return service.verifier.verify(credentials.credentials)


Caller = Annotated[Identity, Depends(caller)]
