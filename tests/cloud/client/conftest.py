"""The client's tests sign in against the deployment of ``tests.cloud.client.deployment``."""

from __future__ import annotations

from tests.cloud.client.deployment import clock, deployment

__all__ = ["clock", "deployment"]
