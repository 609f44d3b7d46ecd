"""S3 for ``loupe serve``: moto's S3 behind a gate that checks every request.

moto takes any credentials and any signature, and every process on the machine
can reach a loopback port. So moto's S3 app is never put on a socket of its own:
the only listener is :class:`StorageGate`, which passes a request on only when

* it is signed with Signature Version 4, in its ``Authorization`` header or as a
  presigned URL, with this server's access key and secret key (random, made at
  start, kept in memory), for S3 in this region; a presigned URL must not have
  expired, a signed header must be within 15 minutes of the clock; every
  ``x-amz-*`` header sent must be signed (S3's rule: a presigned PUT cannot be
  turned into a copy of another object);
* its body is whole (``Content-Length``) and matches its signed SHA-256
  (``x-amz-content-sha256``) and the checksums it declares
  (``x-amz-checksum-sha256``, ``-sha1``, ``-crc32``, ``Content-MD5``), which
  S3 verifies and moto does not;
* it comes from no browser page: a request with an ``Origin``, and any
  preflight, is refused, and no answer carries CORS headers.

Refusals are S3's XML errors (``SignatureDoesNotMatch``, ``AccessDenied``,
``BadDigest`` ...), so boto3 and the client report them as they would AWS's.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import re
import secrets
import threading
import zlib
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape

from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from moto.moto_server.werkzeug_app import create_backend_app
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

__all__ = ["LocalStorage", "StorageGate"]

_SKEW = timedelta(minutes=15)
_LONGEST_URL = 7 * 24 * 3600  # S3's limit on X-Amz-Expires
_DATE = "%Y%m%dT%H%M%SZ"
_AUTHORIZATION = re.compile(
    r"AWS4-HMAC-SHA256 Credential=(?P<credential>[^,\s]+),\s*"
    r"SignedHeaders=(?P<signed>[^,\s]+),\s*Signature=(?P<signature>[0-9a-f]{64})"
)
_CHECKSUMS: dict[str, Callable[[bytes], bytes]] = {
    "x-amz-checksum-sha256": lambda data: hashlib.sha256(data).digest(),
    "x-amz-checksum-sha1": lambda data: hashlib.sha1(data, usedforsecurity=False).digest(),
    "x-amz-checksum-crc32": lambda data: zlib.crc32(data).to_bytes(4, "big"),
    "content-md5": lambda data: hashlib.md5(data, usedforsecurity=False).digest(),
}
_UNCHECKABLE = ("x-amz-checksum-crc32c", "x-amz-checksum-crc64nvme")

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class _Refused(Exception):
    """A request the gate does not pass on: S3's status, code and message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


class StorageGate:
    """A WSGI app that passes to ``app`` only requests signed with ``credentials``.

    Args:
        app: moto's S3 app (any WSGI app).
        credentials: the only access key and secret key accepted.
        region: the only region accepted in a signature's scope.
        clock: the time now, in UTC (for the tests).
    """

    def __init__(
        self,
        app: WsgiApp,
        credentials: Credentials,
        region: str,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._app = app
        self._credentials = credentials
        self._region = region
        self._clock = clock

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        try:
            body = self._check(environ)
        except _Refused as refused:
            return _refuse(start_response, refused)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            # moto answers any Origin with CORS headers that let it in.
            kept = [(k, v) for k, v in headers if not k.lower().startswith("access-control-")]
            return start_response(status, kept, exc_info)

        return self._app(environ, start)

    def _check(self, environ: dict[str, Any]) -> bytes:
        """The request's body once its signature, age and checksums are right."""
        method = str(environ["REQUEST_METHOD"])
        if "HTTP_ORIGIN" in environ or method == "OPTIONS":
            raise _Refused(403, "AccessDenied", "this storage does not serve web pages")
        path, _, query = str(environ.get("RAW_URI", "")).partition("?")
        if not path.startswith("/"):
            raise _Refused(400, "InvalidURI", "the request's path must start with /")
        headers = _headers(environ)
        authorization = headers.get("authorization")
        if authorization is not None:
            match = _AUTHORIZATION.fullmatch(authorization.strip())
            if match is None:
                raise _Refused(400, "AuthorizationHeaderMalformed", "not a SigV4 authorization")
            signed = match["signed"].split(";")
            date = headers.get("x-amz-date", "")
            self._check_time(date, None)
            if "x-amz-content-sha256" not in signed:
                raise _Refused(400, "InvalidRequest", "x-amz-content-sha256 must be signed")
            self._check_signature(
                method, path, query, headers, signed, date,
                match["credential"], match["signature"], presigned=False,
            )  # fmt: skip
        else:
            params = dict(parse_qsl(query, keep_blank_values=True))
            if "X-Amz-Signature" not in params:
                raise _Refused(403, "AccessDenied", "the request is not signed")
            if params.get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256":
                raise _Refused(400, "AuthorizationQueryParametersError", "not a SigV4 URL")
            date = params.get("X-Amz-Date", "")
            self._check_time(date, params.get("X-Amz-Expires", ""))
            unsigned = "&".join(p for p in query.split("&") if not p.startswith("X-Amz-Signature="))
            self._check_signature(
                method, path, unsigned, headers, params.get("X-Amz-SignedHeaders", "").split(";"),
                date, params.get("X-Amz-Credential", ""), params["X-Amz-Signature"],
                presigned=True,
            )  # fmt: skip
        body = _body(environ)
        declared = headers.get("x-amz-content-sha256", "UNSIGNED-PAYLOAD")
        if declared != "UNSIGNED-PAYLOAD" and not hmac.compare_digest(
            declared, hashlib.sha256(body).hexdigest()
        ):
            raise _Refused(
                400, "XAmzContentSHA256Mismatch", "the body does not match its signed SHA-256"
            )
        for name, digest in _CHECKSUMS.items():
            claimed = headers.get(name)
            if claimed is not None and not hmac.compare_digest(
                claimed.strip(), base64.b64encode(digest(body)).decode()
            ):
                raise _Refused(400, "BadDigest", f"the body does not match its {name}")
        if any(name in headers for name in _UNCHECKABLE):
            raise _Refused(400, "InvalidRequest", "use SHA-256, SHA-1 or CRC32 checksums here")
        return body

    def _check_time(self, date: str, expires: str | None) -> None:
        """Refuse a signature from too far from now, or a presigned URL that has expired."""
        try:
            signed_at = datetime.strptime(date, _DATE).replace(tzinfo=UTC)
        except ValueError:
            raise _Refused(403, "AccessDenied", "the signature has no valid date") from None
        now = self._clock()
        if signed_at - now > _SKEW:
            raise _Refused(403, "RequestTimeTooSkewed", "the signature is dated in the future")
        if expires is None:
            if now - signed_at > _SKEW:
                raise _Refused(403, "RequestTimeTooSkewed", "the signature is too old")
            return
        if not expires.isdigit() or not 0 < int(expires) <= _LONGEST_URL:
            raise _Refused(400, "AuthorizationQueryParametersError", "X-Amz-Expires is invalid")
        if now > signed_at + timedelta(seconds=int(expires)):
            raise _Refused(403, "AccessDenied", "Request has expired")

    def _check_signature(
        self,
        method: str,
        path: str,
        query: str,
        headers: dict[str, str],
        signed: list[str],
        date: str,
        credential: str,
        signature: str,
        *,
        presigned: bool,
    ) -> None:
        """Refuse a request not signed by this server's key, for S3 here, over what it sends."""
        access_key, _, scope = credential.partition("/")
        if not hmac.compare_digest(access_key, self._credentials.access_key):
            raise _Refused(403, "InvalidAccessKeyId", "the access key is not this server's")
        if scope != f"{date[:8]}/{self._region}/s3/aws4_request":
            raise _Refused(403, "SignatureDoesNotMatch", "the signature's scope is not S3 here")
        if "host" not in signed or any(name not in headers for name in signed):
            raise _Refused(403, "SignatureDoesNotMatch", "a signed header is missing")
        if any(h.startswith("x-amz-") and h not in signed for h in headers):
            raise _Refused(403, "AccessDenied", "there are headers in the request not signed")
        signer_class = S3SigV4QueryAuth if presigned else S3SigV4Auth
        signer = signer_class(self._credentials, "s3", self._region)
        url = f"http://{headers['host']}{path}" + (f"?{query}" if query else "")
        request = AWSRequest(method=method, url=url, headers={n: headers[n] for n in signed})
        request.context["timestamp"] = date
        canonical = signer.canonical_request(request)
        expected = signer.signature(signer.string_to_sign(request, canonical), request)
        if not hmac.compare_digest(expected, signature):
            raise _Refused(403, "SignatureDoesNotMatch", "the signature does not match")


def _headers(environ: dict[str, Any]) -> dict[str, str]:
    """The request's headers by lower-case name (WSGI drops names with underscores)."""
    found = {
        key[5:].lower().replace("_", "-"): str(value)
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            found[key.lower().replace("_", "-")] = str(environ[key])
    return found


def _body(environ: dict[str, Any]) -> bytes:
    """The whole body, as long as its ``Content-Length`` says."""
    if "chunked" in str(environ.get("HTTP_TRANSFER_ENCODING", "")).lower():
        raise _Refused(411, "MissingContentLength", "send a Content-Length, not chunks")
    text = str(environ.get("CONTENT_LENGTH") or "0")
    if not text.isdigit():
        raise _Refused(400, "InvalidArgument", "Content-Length is not a number")
    length = int(text)
    data = bytes(environ["wsgi.input"].read(length)) if length else b""
    if len(data) != length:
        raise _Refused(400, "IncompleteBody", "the body is shorter than its Content-Length")
    return data


def _refuse(start_response: StartResponse, refused: _Refused) -> list[bytes]:
    """S3's XML error for ``refused`` (werkzeug closes the connection after each answer)."""
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{refused.code}</Code><Message>{escape(refused.message)}</Message></Error>"
    ).encode()
    start_response(
        f"{refused.status} {HTTPStatus(refused.status).phrase}",
        [("Content-Type", "application/xml"), ("Content-Length", str(len(body)))],
    )
    return [body]


class _QuietHandler(WSGIRequestHandler):
    """werkzeug's handler without its access log, which would show presigned URLs."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return


class LocalStorage:
    """moto's S3 on a loopback port, behind a :class:`StorageGate`; :meth:`start`, :meth:`stop`.

    Attributes:
        credentials: the random keys this storage accepts; never printed or written.
        url: the gate's address (after start).
    """

    def __init__(self, region: str) -> None:
        self.region = region
        self.credentials = Credentials(
            f"LOUPE{secrets.token_hex(8).upper()}", secrets.token_urlsafe(32)
        )
        self.url = ""
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> str:
        """Listen on a free loopback port; returns the URL."""
        gate = StorageGate(create_backend_app("s3"), self.credentials, self.region)
        self._server = make_server(
            "127.0.0.1", 0, gate, threaded=True, request_handler=_QuietHandler
        )
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="loupe-storage", daemon=True
        )
        self._thread.start()
        host, port = self._server.server_address[:2]
        self.url = f"http://{host!s}:{port}"
        return self.url

    def stop(self) -> None:
        """Stop listening (moto keeps its objects in this process until it ends)."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
