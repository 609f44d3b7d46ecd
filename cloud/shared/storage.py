"""Objects in S3 behind a small interface, with an in-memory twin.

:class:`ObjectStore` is what the API and the workers need: whole-object reads
and writes (conditional, for job records), listings by prefix, and presigned
URLs so that uploads and results never pass through the API. :class:`S3Store`
implements it with boto3 (against AWS, or moto's server in the tests and in
``loupe serve``); its in-memory twin is :class:`cloud.shared.memory.MemoryStore`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import boto3
from botocore.config import Config

from cloud.errors import ConflictError, NotFoundError, StoreError

__all__ = ["ObjectStore", "Part", "S3Store", "Stored", "s3_client"]


@dataclass(frozen=True)
class Stored:
    """An object's content and its version tag."""

    data: bytes
    etag: str


@dataclass(frozen=True)
class Part:
    """One received part of a multipart upload."""

    number: int
    size: int
    etag: str
    sha256: str | None = None


def s3_client(
    endpoint_url: str | None = None, region: str | None = None, **credentials: str
) -> Any:
    """A boto3 S3 client that signs URLs with Signature Version 4.

    SigV4 is what lets a presigned part URL carry a signed checksum header.
    ``credentials`` (``aws_access_key_id``, ...) default to boto3's usual chain.
    """
    return boto3.client(
        "s3",
        endpoint_url=endpoint_url,
        region_name=region,
        config=Config(signature_version="s3v4", retries={"max_attempts": 5, "mode": "standard"}),
        **credentials,
    )


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

    def get_range(self, key: str, start: int, end: int) -> bytes:
        """Bytes ``start`` to ``end`` (exclusive) of the object. Raises NotFoundError."""
        ...

    def keys(self, prefix: str) -> list[str]:
        """Every key under ``prefix``, sorted."""
        ...

    def presign_put(self, key: str, *, expires: int, size: int | None = None) -> str:
        """A URL that lets its holder PUT ``key`` for ``expires`` seconds.

        With ``size`` the body's length is signed in: S3 refuses a PUT of any other length.
        """
        ...

    def presign_get(self, key: str, *, expires: int) -> str:
        """A URL that lets its holder GET ``key`` for ``expires`` seconds."""
        ...

    def delete(self, key: str) -> None:
        """Remove ``key`` (nothing happens if it is absent).

        In a versioned bucket the content stays behind as a noncurrent version:
        use :meth:`purge` to remove data for good.
        """
        ...

    def purge(self, prefix: str) -> int:
        """Remove every object under ``prefix`` with all its versions; how many were removed.

        In a versioned bucket, noncurrent versions and delete markers go too,
        so nothing of the data is left to restore.
        """
        ...

    def start_multipart(self, key: str) -> str:
        """Begin a multipart upload of ``key`` with SHA-256 part checksums; returns its id."""
        ...

    def presign_part(
        self, key: str, multipart_id: str, number: int, sha256: str, *, expires: int
    ) -> str:
        """A URL to PUT part ``number``; the base64 ``sha256`` of the part is signed into it.

        The holder must send it as ``x-amz-checksum-sha256``; S3 refuses the part
        if the header is missing, altered, or does not match the bytes.
        """
        ...

    def parts(self, key: str, multipart_id: str) -> list[Part]:
        """The parts received so far, by number. Raises NotFoundError if the upload ended."""
        ...

    def complete_multipart(self, key: str, multipart_id: str, parts: list[Part]) -> None:
        """Join ``parts`` into the object ``key``. Raises NotFoundError, ConflictError."""
        ...

    def abort_multipart(self, key: str, multipart_id: str) -> None:
        """Drop a multipart upload and its parts (nothing happens if it already ended)."""
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

    @property
    def client(self) -> Any:
        """The boto3 client (for set-up and inspection, not for the routes)."""
        return self._s3

    def create_bucket(self) -> None:
        """Create the bucket (local mode and tests; in AWS the template makes it)."""
        try:
            self._s3.create_bucket(Bucket=self.bucket)
        except Exception as exc:
            raise _store_error(exc) from None

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

    def get_range(self, key: str, start: int, end: int) -> bytes:
        if end <= start:
            return b""
        try:
            answer = self._s3.get_object(
                Bucket=self.bucket, Key=key, Range=f"bytes={start}-{end - 1}"
            )
            return bytes(answer["Body"].read())
        except self._s3.exceptions.NoSuchKey:
            raise NotFoundError(f"no object {key}") from None
        except Exception as exc:
            raise _store_error(exc) from None

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

    def presign_put(self, key: str, *, expires: int, size: int | None = None) -> str:
        params: dict[str, Any] = {"Bucket": self.bucket, "Key": key}
        if size is not None:
            params["ContentLength"] = size  # signed: the PUT must send exactly this many bytes
        return str(self._s3.generate_presigned_url("put_object", Params=params, ExpiresIn=expires))

    def presign_get(self, key: str, *, expires: int) -> str:
        return str(
            self._s3.generate_presigned_url(
                "get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=expires
            )
        )

    def delete(self, key: str) -> None:
        try:
            self._s3.delete_object(Bucket=self.bucket, Key=key)
        except Exception as exc:
            raise _store_error(exc) from None

    def purge(self, prefix: str) -> int:
        removed = 0
        try:
            # List from the start each time: the first page is what is left. A page
            # holds at most 1,000 entries, as many as one request deletes.
            while True:
                page = self._s3.list_object_versions(Bucket=self.bucket, Prefix=prefix)
                found = [
                    {"Key": item["Key"], "VersionId": item["VersionId"]}
                    for item in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]
                ]
                if not found:
                    return removed
                answer = self._s3.delete_objects(
                    Bucket=self.bucket, Delete={"Objects": found, "Quiet": True}
                )
                if answer.get("Errors"):
                    code = answer["Errors"][0].get("Code", "")
                    raise StoreError(f"object store error: {code or 'DeleteObjects'}")
                removed += len(found)
        except StoreError:
            raise
        except Exception as exc:
            raise _store_error(exc) from None

    def start_multipart(self, key: str) -> str:
        try:
            answer = self._s3.create_multipart_upload(
                Bucket=self.bucket, Key=key, ChecksumAlgorithm="SHA256"
            )
        except Exception as exc:
            raise _store_error(exc) from None
        return str(answer["UploadId"])

    def presign_part(
        self, key: str, multipart_id: str, number: int, sha256: str, *, expires: int
    ) -> str:
        params = {
            "Bucket": self.bucket,
            "Key": key,
            "UploadId": multipart_id,
            "PartNumber": number,
            "ChecksumSHA256": sha256,
        }
        return str(self._s3.generate_presigned_url("upload_part", Params=params, ExpiresIn=expires))

    def parts(self, key: str, multipart_id: str) -> list[Part]:
        found: dict[int, Part] = {}
        try:
            pages = self._s3.get_paginator("list_parts").paginate(
                Bucket=self.bucket, Key=key, UploadId=multipart_id
            )
            for page in pages:
                for item in page.get("Parts", []):
                    number = int(item["PartNumber"])
                    sha256 = item.get("ChecksumSHA256")
                    found[number] = Part(
                        number, int(item["Size"]), str(item["ETag"]), sha256 and str(sha256)
                    )
        except Exception as exc:
            if _code(exc) in ("NoSuchUpload", "404"):
                raise NotFoundError("the multipart upload has ended") from None
            raise _store_error(exc) from None
        return [found[n] for n in sorted(found)]

    def complete_multipart(self, key: str, multipart_id: str, parts: list[Part]) -> None:
        listed: list[dict[str, Any]] = []
        for part in parts:
            entry: dict[str, Any] = {"PartNumber": part.number, "ETag": part.etag}
            # S3 lists each part's checksum when the upload asked for them; it wants them back.
            if part.sha256:
                entry["ChecksumSHA256"] = part.sha256
            listed.append(entry)
        try:
            self._s3.complete_multipart_upload(
                Bucket=self.bucket,
                Key=key,
                UploadId=multipart_id,
                MultipartUpload={"Parts": listed},
            )
        except Exception as exc:
            if _code(exc) in ("NoSuchUpload", "404"):
                raise NotFoundError("the multipart upload has ended") from None
            if _code(exc) in ("InvalidPart", "InvalidPartOrder", "EntityTooSmall"):
                raise ConflictError(f"the parts do not make a whole file ({_code(exc)})") from None
            raise _store_error(exc) from None

    def abort_multipart(self, key: str, multipart_id: str) -> None:
        try:
            self._s3.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=multipart_id)
        except Exception as exc:
            if _code(exc) in ("NoSuchUpload", "404"):
                return
            raise _store_error(exc) from None


def _code(exc: Exception) -> str:
    """The error code of a botocore ClientError ("" for anything else)."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", ""))
    return ""


def _store_error(exc: Exception) -> StoreError:
    """A store failure, named by its code only (messages may echo request details)."""
    return StoreError(f"object store error: {_code(exc) or type(exc).__name__}")
