"""A Cognito-like OAuth server on 127.0.0.1: authorize, token, revoke and the JWKS.

It checks what Cognito checks: the client id, the redirect URI (registered, and
the same at the token endpoint), S256 PKCE (the verifier against the
challenge), single-use codes, and known refresh tokens. It signs RS256 access and
ID tokens shaped like Cognito's with a test key, its times taken from ``clock``.
Refresh tokens are long (about 1,800 characters), as Cognito's are.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "loupe-desktop-test"
SCOPE = "loupe/api"


@dataclass
class _Grant:
    challenge: str
    redirect_uri: str
    scope: str


@dataclass
class FakeCognito:
    """The server; ``grants`` lists the grant types the token endpoint honoured."""

    ports: tuple[int, ...]
    clock: Callable[[], float]
    access_lifetime: int = 3600
    sub: str = "alice"
    codes: dict[str, _Grant] = field(default_factory=dict)
    refresh_tokens: dict[str, str] = field(default_factory=dict)
    grants: list[str] = field(default_factory=list)
    issued: list[str] = field(default_factory=list)
    revoked: list[str] = field(default_factory=list)
    handed_out: list[str] = field(default_factory=list)  # every code, used or not

    def __post_init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        self.jwks = {"keys": [{**public, "kid": "k1", "alg": "RS256", "use": "sig"}]}
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake._get(self)

            def do_POST(self) -> None:
                fake._post(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def redirect_uris(self) -> list[str]:
        return [f"http://localhost:{p}/callback" for p in self.ports]

    # ------------------------------------------------------------ tokens

    def token(
        self,
        *,
        token_use: str = "access",
        client_id: str = CLIENT_ID,
        scope: str = f"openid {SCOPE}",
        lifetime: int | None = None,
        key: Any = None,
    ) -> str:
        """A token shaped like Cognito's (access: client_id and scope; id: aud)."""
        now = int(self.clock())
        claims: dict[str, Any] = {
            "sub": self.sub,
            "iss": self.url,
            "token_use": token_use,
            "iat": now,
            "exp": now + (self.access_lifetime if lifetime is None else lifetime),
            "jti": secrets.token_hex(8),
        }
        if token_use == "access":
            claims.update(client_id=client_id, scope=scope, username=self.sub)
        else:
            claims.update(aud=client_id, email=f"{self.sub}@example.com")
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers={"kid": "k1"})

    def _tokens(self, scope: str, refresh: str | None) -> dict[str, Any]:
        access = self.token(scope=scope)
        self.issued.append(access)
        body = {
            "access_token": access,
            "id_token": self.token(token_use="id"),
            "token_type": "Bearer",
            "expires_in": self.access_lifetime,
        }
        if refresh:
            body["refresh_token"] = refresh
        return body

    # ------------------------------------------------------------ endpoints

    def _get(self, request: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(request.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if parts.path == "/.well-known/jwks.json":
            self._json(request, 200, self.jwks)
        elif parts.path == "/oauth2/authorize":
            self._authorize(request, query)
        else:
            self._json(request, 404, {"error": "not_found"})

    def _authorize(self, request: BaseHTTPRequestHandler, query: dict[str, str]) -> None:
        if (
            query.get("client_id") != CLIENT_ID
            or query.get("redirect_uri") not in self.redirect_uris
            or query.get("response_type") != "code"
            or query.get("code_challenge_method") != "S256"
            or not query.get("code_challenge")
        ):
            self._json(request, 400, {"error": "invalid_request"})
            return
        code = secrets.token_urlsafe(24)
        self.handed_out.append(code)
        self.codes[code] = _Grant(query["code_challenge"], query["redirect_uri"], query["scope"])
        answer = {"code": code, "state": query.get("state", "")}
        request.send_response(302)
        request.send_header("Location", f"{query['redirect_uri']}?{urlencode(answer)}")
        request.send_header("Content-Length", "0")
        request.end_headers()

    def _post(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length", 0))
        form = {k: v[0] for k, v in parse_qs(request.rfile.read(length).decode()).items()}
        path = urlsplit(request.path).path
        if path == "/oauth2/revoke":
            self.revoked.append(form.get("token", ""))
            self.refresh_tokens.pop(form.get("token", ""), None)
            self._json(request, 200, {})
            return
        if path != "/oauth2/token" or form.get("client_id") != CLIENT_ID:
            self._json(request, 400, {"error": "invalid_client"})
            return
        grant = form.get("grant_type", "")
        if grant == "authorization_code":
            body = self._code_grant(form)
        elif grant == "refresh_token" and form.get("refresh_token") in self.refresh_tokens:
            body = self._tokens(self.refresh_tokens[form["refresh_token"]], None)
        else:
            body = None
        if body is None:
            self._json(request, 400, {"error": "invalid_grant"})
            return
        self.grants.append(grant)
        self._json(request, 200, body)

    def _code_grant(self, form: dict[str, str]) -> dict[str, Any] | None:
        held = self.codes.pop(form.get("code", ""), None)  # single use
        if held is None or form.get("redirect_uri") != held.redirect_uri:
            return None
        digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
        if base64.urlsafe_b64encode(digest).decode().rstrip("=") != held.challenge:
            return None
        refresh = secrets.token_urlsafe(1350)
        self.refresh_tokens[refresh] = held.scope
        return self._tokens(held.scope, refresh)

    @staticmethod
    def _json(request: BaseHTTPRequestHandler, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)
