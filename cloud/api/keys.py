"""Personal API keys: each user's own key in the deployment's usage plan.

API Gateway applies a usage plan's throttle and daily quota to each API key
separately, so one key per user makes the quota a per-user quota: one busy
user cannot spend everybody's requests. A signed-in client asks
``POST /v1/keys`` for its key once (that route needs the token, not a key),
keeps it with its sign-in, and sends it as ``x-api-key`` from then on.

:class:`ApiGatewayKeys` finds or makes the caller's key (named after its
``sub``) and adds it to the plan; ``loupe serve`` has no usage plan and
answers that no key is needed.
"""

from __future__ import annotations

from typing import Any, Protocol

from fastapi import APIRouter
from pydantic import BaseModel

from cloud.api.dependencies import Caller, Service
from cloud.api.models import errors
from cloud.errors import StoreError
from cloud.shared.identity import Identity

__all__ = ["ApiGatewayKeys", "KeyAnswer", "KeyIssuer", "router"]

router = APIRouter()


class KeyIssuer(Protocol):
    """Gives each user an API key of their own."""

    def key_for(self, identity: Identity) -> str:
        """The key of ``identity``, made on first use. Raises StoreError."""
        ...


class ApiGatewayKeys:
    """Personal keys in an API Gateway usage plan.

    Args:
        client: a boto3 ``apigateway`` client.
        usage_plan_id: the plan whose throttle and quota each key gets.
    """

    def __init__(self, client: Any, usage_plan_id: str) -> None:
        self._gateway = client
        self._plan = usage_plan_id

    def key_for(self, identity: Identity) -> str:
        name = f"loupe-{identity.sub}"
        try:
            found = self._gateway.get_api_keys(nameQuery=name, includeValues=True)["items"]
            # nameQuery matches prefixes; the oldest of the exact name wins a race of two firsts.
            mine = sorted(
                (k for k in found if k.get("name") == name), key=lambda k: k.get("createdDate", 0)
            )
            if mine:
                return str(mine[0]["value"])
            made = self._gateway.create_api_key(
                name=name, enabled=True, description="Loupe: one user's own key"
            )
            self._gateway.create_usage_plan_key(
                usagePlanId=self._plan, keyId=made["id"], keyType="API_KEY"
            )
            return str(made["value"])
        except Exception as exc:
            code = getattr(exc, "response", {}).get("Error", {}).get("Code", type(exc).__name__)
            raise StoreError(f"the API key could not be issued ({code})") from None


class KeyAnswer(BaseModel):
    """The caller's API key, or null where the deployment needs none."""

    api_key: str | None


@router.post("/v1/keys", responses=errors(401, 502))
def personal_key(caller: Caller, service: Service) -> KeyAnswer:
    """The caller's own API key (made on first use), for the usage plan's per-user quota."""
    if service.keys is None:
        return KeyAnswer(api_key=None)
    return KeyAnswer(api_key=service.keys.key_for(caller))
