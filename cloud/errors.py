"""Errors of the cloud backend and its client: the one tree all three sides share.

    CloudError
    ├── RequestError     the request cannot be carried out as asked (HTTP 400)
    ├── AuthError        the token is missing, invalid or expired (HTTP 401)
    ├── SignInError      signing in to a deployment failed (on the user's machine)
    │   └── SignInCancelled   the user (or the app) stopped waiting for the browser
    ├── ForbiddenError   the object belongs to somebody else, or the key is unsafe (HTTP 403)
    ├── NotFoundError    no such upload or job for this user (HTTP 404)
    ├── ConflictError    a concurrent write changed the object first (HTTP 409)
    ├── QuotaError       the deployment's usage plan refused: throttled, or quota used (HTTP 429)
    ├── StoreError       the object store failed (HTTP 502)
    └── InsightsError    the model could not be reached, or never answered validly (HTTP 502)

Messages never contain tokens, keys or other secrets.
"""

from __future__ import annotations

import sys

__all__ = [
    "AuthError",
    "CloudError",
    "ConflictError",
    "ForbiddenError",
    "InsightsError",
    "NotFoundError",
    "QuotaError",
    "RequestError",
    "SignInCancelled",
    "SignInError",
    "StoreError",
    "missing_extra",
]


class CloudError(Exception):
    """Base of the cloud errors; ``status`` is the HTTP status the API answers with."""

    status = 500


class RequestError(CloudError):
    """The request is well formed but cannot be carried out as asked."""

    status = 400


class AuthError(CloudError):
    """The request carries no valid token."""

    status = 401


class SignInError(CloudError):
    """Signing in failed: the browser's answer, the token endpoint or the stored sign-in."""

    status = 401


class SignInCancelled(SignInError):
    """Nobody finished signing in before the app or the user stopped waiting."""


class ForbiddenError(CloudError):
    """The request reaches for something that is not the caller's."""

    status = 403


class NotFoundError(CloudError):
    """No such object for this user."""

    status = 404


class ConflictError(CloudError):
    """Another writer changed the object first."""

    status = 409


class QuotaError(CloudError):
    """The deployment's usage plan refused the request: too many at once, or the quota is used."""

    status = 429


class StoreError(CloudError):
    """The object store failed."""

    status = 502


class InsightsError(CloudError):
    """The model could not be reached, or never gave a valid answer."""

    status = 502


def missing_extra(exc: ImportError) -> CloudError:
    """The error for ``loupe serve`` run where the cloud extra's packages are not installed."""
    if getattr(sys, "frozen", False):
        # The installed app (PyInstaller) ships the client alone, by design.
        return CloudError(
            "loupe serve: the cloud backend is not part of the installed app; run it from "
            "a Python install with pip install 'loupe[cloud]'"
        )
    package = (exc.name or "a package").split(".")[0]
    return CloudError(
        f"loupe serve needs the cloud extra ({package} is missing): pip install 'loupe[cloud]'"
    )
