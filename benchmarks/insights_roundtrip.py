"""One insights request as the desktop makes it, against a local OpenAI-compatible server.

Profiles FILE, builds the request the privacy preview shows (personal-looking
columns withheld), posts it to a small OpenAI-compatible server on 127.0.0.1 that
answers at once with one insight, and checks the answer against the profile —
the desktop's path without the window, so what it measures is Loupe's own cost
of an insights round trip (the model's thinking time is the endpoint's). Prints
the seconds each step took. Whole-process figures come from timing this script
(``farm-bench -- .venv/bin/python benchmarks/insights_roundtrip.py FILE``).

    .venv/bin/python benchmarks/insights_roundtrip.py [FILE]
"""

from __future__ import annotations

import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cloud.insights import (
    NemotronClient,
    NemotronSettings,
    build_request,
    default_privacy,
    generate_insights,
)
from core.profiling.config import ProfileConfig
from core.profiling.engine import profile_table
from core.read.table import open_table
from core.samples import SAMPLE_CSV


class _Model(BaseHTTPRequestHandler):
    """Answers every chat completion with one insight about the row count."""

    rows = 0

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        insight = {
            "title": "Rows",
            "detail": "How many rows there are.",
            "severity": "info",
            "evidence": [{"metric": "rows", "column": None, "value": self.rows}],
        }
        content = json.dumps({"insights": [insight], "charts": []})
        body = json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else SAMPLE_CSV
    start = time.perf_counter()
    with open_table(path) as table:
        profile = json.loads(json.dumps(profile_table(table, ProfileConfig()).profile))
    profiled = time.perf_counter()
    _Model.rows = profile["dataset"]["rows"]
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Model)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings = NemotronSettings(
        "key", base_url=f"http://127.0.0.1:{server.server_address[1]}/v1", model="local"
    )
    request = build_request(profile, model=settings.model, privacy=default_privacy(profile))
    built = time.perf_counter()
    client = NemotronClient(settings)
    try:
        result = generate_insights(client, profile, request=request)
        answered = time.perf_counter()
    finally:
        client.close()
        server.shutdown()  # waits for the server's poll: not the request's time
    (insight,) = result["insights"]
    assert insight["status"] == "verified", insight
    print(
        f"{path.name}: profile {profiled - start:.2f} s, request built {built - profiled:.3f} s "
        f"({len(request.body):,} bytes, {request.values:,} values), "
        f"sent and checked {answered - built:.3f} s"
    )


if __name__ == "__main__":
    main()
