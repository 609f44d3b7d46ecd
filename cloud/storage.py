"""Objects in S3 behind a small interface, with an in-memory twin.

:class:`ObjectStore` is what the API and the workers need: whole-object reads
and writes (conditional, for job records), listings by prefix, and presigned
URLs so that uploads and results never pass through the API. :class:`S3Store`
implements it with boto3 (against AWS, or moto's server in the tests and in
``loupe serve``); :class:`MemoryStore` keeps objects in a dict for unit tests
of code that needs no URLs.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from typing import Any, Protocol

from cloud.errors import ConflictError, NotFoundError, StoreError

__all__ = ["MemoryStore", "ObjectStore", "S3Store", "Stored"]


@dataclass(frozen=True)
class Stored:
    """An object's content and its version tag."""

    data: bytes
    etag: str


class ObjectStore(Protocol):
    """Where uploads, partial profiles, results and job records live."""

    def get(self, key: str) -> Stored:
        """The object at ``key``. Raises NotFoundError."""
        ...

    def put(
        self, key: str, data: bytes, *, if_match: str | None = None, if_absent: bool = False
    ) -> str:
        """Write ``data``; with ``if_match``/``if_absent`` only if the object is unchanged/absent.

        Returns the new etag. Raises ConflictError when the condition fails.
        """
        ...

    def size(self, key: str) -> int:
        """The object's size in bytes. Raises NotFoundError."""
        ...

    def keys(self, prefix: str) -> list[str]:
        """Every key under ``prefix``, sorted."""
        ...

    def presign_put(self, key: str, *, expires: int) -> str:
        """A URL that lets its holder PUT ``key`` for ``expires`` seconds."""
        ...

    def presign_get(self, key: str, *, expires: int) -> str:
        """A URL that lets its holder GET ``key`` for ``expires`` seconds."""
        ...


class S3Store:
    """An :class:`ObjectStore` on one S3 bucket.

    Args:
        client: a boto3 S3 client.
        bucket: the bucket name.
    """

    def __init__(self, client: Any, bucket: str) -> None:
        self._s3 = client
        self.bucket = bucket

    def get(self, key: str) -> Stored:
        try:
            answer = self._s3.get_object(Bucket=self.bucket, Key=key)
            return Stored(answer["Body"].read(), answer["ETag"])
        except self._s3.exceptions.NoSuchKey:
            raise NotFoundError(f"no object {key}") from None
        except Exception as exc:
            raise _store_error(exc) from None

    def put(
        self, key: str, data: bytes, *, if_match: str | None = None, if_absent: bool = False
    ) -> str:
        conditions: dict[str, str] = {}
        if if_match is not None:
            conditions["IfMatch"] = if_match
        if if_absent:
            conditions["IfNoneMatch"] = "*"
        try:
            answer = self._s3.put_object(Bucket=self.bucket, Key=key, Body=data, **conditions)
        except Exception as exc:
            if _code(exc) in ("PreconditionFailed", "ConditionalRequestConflict", "412"):
                raise ConflictError(f"{key} changed meanwhile") from None
            raise _store_error(exc) from None
        return str(answer["ETag"])

    def size(self, key: str) -> int:
        try:
            return int(self._s3.head_object(Bucket=self.bucket, Key=key)["ContentLength"])
        except Exception as exc:
            if _code(exc) in ("404", "NoSuchKey", "NotFound"):
                raise NotFoundError(f"no object {key}") from None
            raise _store_error(exc) from None

    def keys(self, prefix: str) -> list[str]:
        found: list[str] = []
        try:
            pages = self._s3.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=prefix
            )
            for page in pages:
                found += [item["Key"] for item in page.get("Contents", [])]
        except Exception as exc:
            raise _store_error(exc) from None
        return sorted(found)

    def presign_put(self, key: str, *, expires: int) -> str:
        return str(
            self._s3.generate_presigned_url(
                "put_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=expires
            )
        )

    def presign_get(self, key: str, *, expires: int) -> str:
        return str(
            self._s3.generate_presigned_url(
                "get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=expires
            )
        )


class MemoryStore:
    """An :class:`ObjectStore` in a dict (no URLs: those need a real endpoint)."""

    def __init__(self) -> None:
        self._objects: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> Stored:
        with self._lock:
            if key not in self._objects:
                raise NotFoundError(f"no object {key}")
            data = self._objects[key]
        return Stored(data, _etag(data))

    def put(
        self, key: str, data: bytes, *, if_match: str | None = None, if_absent: bool = False
    ) -> str:
        with self._lock:
            current = self._objects.get(key)
            if if_absent and current is not None:
                raise ConflictError(f"{key} exists")
            if if_match is not None and (current is None or _etag(current) != if_match):
                raise ConflictError(f"{key} changed meanwhile")
            self._objects[key] = bytes(data)
        return _etag(data)

    def size(self, key: str) -> int:
        return len(self.get(key).data)

    def keys(self, prefix: str) -> list[str]:
        with self._lock:
            return sorted(k for k in self._objects if k.startswith(prefix))

    def presign_put(self, key: str, *, expires: int) -> str:
        raise StoreError("the in-memory store cannot make URLs")

    def presign_get(self, key: str, *, expires: int) -> str:
        raise StoreError("the in-memory store cannot make URLs")


def _etag(data: bytes) -> str:
    """An S3-style etag: the quoted MD5 of the content."""
    return f'"{hashlib.md5(data, usedforsecurity=False).hexdigest()}"'


def _code(exc: Exception) -> str:
    """The error code of a botocore ClientError ("" for anything else)."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", ""))
    return ""


def _store_error(exc: Exception) -> StoreError:
    """A store failure, named by its code only (messages may echo request details)."""
    return StoreError(f"object store error: {_code(exc) or type(exc).__name__}")
