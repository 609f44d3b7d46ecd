"""What the API refuses before a route runs, and how it describes a request it cannot read.

The API takes small JSON bodies only (files go to S3 through presigned URLs),
so :class:`BodyLimit` answers 413 to a body over :data:`MAX_BODY` before
anything parses it: from its ``Content-Length``, or, for a body sent without
one, as soon as more than that has arrived. :func:`validation_problems` turns
a validation error into the 422 answer: where and what, never the input, which
may be large or not even encodable (a lone surrogate).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["MAX_BODY", "BodyLimit", "validation_problems"]

# The largest request body the API reads. Its largest request (100 part
# checksums, or a 2,000-character question) is far smaller.
MAX_BODY = 64 * 1024
# A name in an error's location comes from the client (an unknown field): shown cut.
_MAX_SHOWN = 64


class BodyLimit:
    """ASGI middleware: 413 for request bodies over ``limit`` bytes, before the app reads them."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self._refuse(send)
            return
        # Bodies are small: read the whole of it here, counting, then hand it on.
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay([message], receive), send)
                return
            body += message.get("body", b"")
            if len(body) > self.limit:
                await self._refuse(send)
                return
            if not message.get("more_body", False):
                break
        whole: Message = {"type": "http.request", "body": bytes(body), "more_body": False}
        await self.app(scope, _replay([whole], receive), send)

    async def _refuse(self, send: Send) -> None:
        """Answer 413 with a one-line reason."""
        detail = (
            f"the request body is over {self.limit // 1024} KiB; "
            "the API takes small JSON bodies (files go to the upload URL it gives)"
        )
        body = json.dumps({"detail": detail}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _replay(messages: list[Message], receive: Receive) -> Receive:
    """A ``receive`` that gives ``messages`` first, then whatever ``receive`` gives."""

    async def replayed() -> Message:
        if messages:
            return messages.pop(0)
        return await receive()

    return replayed


def validation_problems(errors: Sequence[Any]) -> list[dict[str, Any]]:
    """Pydantic's errors as ``{loc, msg, type}``, without the input they were about.

    Text is made encodable (lone surrogates replaced) and client-chosen names
    in locations are cut short.
    """
    problems = []
    for error in errors:
        loc = [
            part if isinstance(part, int) else _shown(str(part))[:_MAX_SHOWN]
            for part in error.get("loc", ())
        ]
        problems.append(
            {"loc": loc, "msg": _shown(str(error.get("msg", ""))), "type": str(error.get("type"))}
        )
    return problems


def _shown(text: str) -> str:
    """``text`` with anything UTF-8 cannot carry (lone surrogates) replaced."""
    return text.encode("utf-8", "replace").decode("utf-8")
