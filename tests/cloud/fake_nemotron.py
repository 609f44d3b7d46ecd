"""A small OpenAI-compatible chat-completions server on 127.0.0.1 that plays Nemotron.

Each test scripts its answers in order (status, headers, body, delay); the
server records every request it received, headers and JSON body. It lists
``models`` at ``GET /v1/models`` (recorded too, with an empty body). ``KEY`` is
the NVIDIA key the tests hand out, and :func:`good_answer` a scripted answer
with a true and a false insight.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

KEY = "nvapi-" + "s3cr3t" * 8
#: What the fake endpoint serves, as ``GET /v1/models`` lists it.
MODELS = (
    "meta/llama-3.1-8b-instruct",
    "nvidia/nemotron-3-super-120b-a12b",
    "nvidia/nemotron-3.5-lightning-30b-a3b",
)


@dataclass
class Reply:
    """One scripted answer."""

    status: int = 200
    content: str | None = None  # the assistant message, wrapped as a chat completion
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Received:
    """One request the server received."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    raw: bytes = b""  # the body's bytes as they arrived


class FakeNemotron:
    """The server; use as a context manager. ``url`` is its ``/v1`` base URL."""

    def __init__(self) -> None:
        self.replies: list[Reply] = []
        self.received: list[Received] = []
        self.models: list[str] = list(MODELS)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake.received.append(Received(self.path, dict(self.headers), {}, b""))
                if self.path.rstrip("/") != "/v1/models":
                    self.send_error(404)
                    return
                listed = [{"id": m, "object": "model", "owned_by": "nvidia"} for m in fake.models]
                payload = json.dumps({"object": "list", "data": listed}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                raw = self.rfile.read(length)
                body = json.loads(raw or b"{}")
                fake.received.append(Received(self.path, dict(self.headers), body, raw))
                reply = fake.replies.pop(0) if fake.replies else Reply(500)
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.status == 200 and reply.content is not None:
                    payload = json.dumps(
                        {
                            "id": "chatcmpl-test",
                            "object": "chat.completion",
                            "model": body.get("model"),
                            "choices": [
                                {
                                    "index": 0,
                                    "finish_reason": "stop",
                                    "message": {"role": "assistant", "content": reply.content},
                                }
                            ],
                        }
                    ).encode()
                else:
                    payload = json.dumps({"error": {"message": "scripted failure"}}).encode()
                try:
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:
                    pass  # the client gave up waiting (a timeout test)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> FakeNemotron:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def good_answer(profile: dict[str, Any]) -> str:
    """An answer with one true insight, one false one, and a good and a bad chart."""
    comment = next(c for c in profile["columns"] if c["name"] == "comment")
    return json.dumps(
        {
            "insights": [
                {
                    "title": "Comments are mostly missing",
                    "detail": "Most orders have no comment.",
                    "columns": ["comment"],
                    "severity": "warning",
                    "evidence": [
                        {
                            "metric": "missing_fraction",
                            "column": "comment",
                            "value": f"{comment['missing_fraction'] * 100:.1f}%",
                        },
                        {"metric": "rows", "column": None, "value": profile["dataset"]["rows"]},
                    ],
                },
                {
                    "title": "Amounts are huge",
                    "detail": "The average order is enormous.",
                    "columns": ["amount"],
                    "severity": "critical",
                    "evidence": [{"metric": "mean", "column": "amount", "value": 987654.0}],
                },
            ],
            "charts": [
                {"type": "histogram", "x": "amount", "title": "Amounts"},
                {"type": "scatter", "x": "amount", "y": "no_such_column", "title": "Invented"},
            ],
        }
    )


def comparison_answer(comparison: dict[str, Any]) -> str:
    """An answer about a comparison: a true insight (figures of it) and a false one, two charts."""
    columns = {c["name"]: c for c in comparison["columns"]}
    delay = columns["dep_delay"]
    return json.dumps(
        {
            "insights": [
                {
                    "title": "Departures are later in B",
                    "detail": "The mean departure delay grew and its distribution drifted.",
                    "columns": ["dep_delay"],
                    "severity": "warning",
                    "evidence": [
                        {
                            "metric": "mean.a",
                            "column": "dep_delay",
                            "value": round(delay["stats"]["mean"]["a"], 2),
                        },
                        {
                            "metric": "mean.b",
                            "column": "dep_delay",
                            "value": f"{delay['stats']['mean']['b']:.3g}",
                        },
                        {
                            "metric": "js_distance",
                            "column": "dep_delay",
                            "value": delay["drift"]["js_distance"],
                        },
                        {
                            "metric": "rows.difference",
                            "column": None,
                            "value": comparison["dataset"]["rows"]["difference"],
                        },
                    ],
                },
                {
                    "title": "Far fewer rows",
                    "detail": "B lost most of its rows.",
                    "columns": [],
                    "severity": "critical",
                    "evidence": [{"metric": "rows.b", "column": None, "value": 12}],
                },
            ],
            "charts": [
                {"type": "histogram", "x": "dep_delay", "title": "Delays"},
                {"type": "bar", "x": "no_such_column", "title": "Invented"},
            ],
        }
    )
