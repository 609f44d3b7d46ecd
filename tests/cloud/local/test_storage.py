"""``loupe serve``'s storage as another process on this machine sees it: closed without the keys.

The intruders here are boto3 clients with made-up keys and raw HTTP requests, over
real loopback sockets; the owner is the backend's own store and the presigned URLs
its API hands out.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from typing import Any

import boto3
import botocore.auth
import httpx
import pytest
from botocore.exceptions import ClientError
from moto.secretsmanager.models import secretsmanager_backends

from cloud.errors import StoreError
from cloud.local import LocalBackend
from cloud.shared.storage import S3Store
from tests.cloud.fake_nemotron import KEY

MADE_UP = {"aws_access_key_id": "AKIAIOSFODNN7EXAMPLE", "aws_secret_access_key": "made-up"}


def intruder(service: str, url: str) -> Any:
    return boto3.client(service, endpoint_url=url, region_name="us-east-1", **MADE_UP)


def sha256_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def code(error: httpx.Response) -> str:
    return error.text.split("<Code>")[1].split("</Code>")[0]


def test_made_up_keys_cannot_list_read_or_overwrite(store: S3Store, storage_url: str) -> None:
    store.put("uploads/someone/orders.csv", b"id,amount\n1,2\n")
    s3 = intruder("s3", storage_url)
    attempts = [
        lambda: s3.list_buckets(),
        lambda: s3.list_objects_v2(Bucket=store.bucket),
        lambda: s3.get_object(Bucket=store.bucket, Key="uploads/someone/orders.csv"),
        lambda: s3.put_object(Bucket=store.bucket, Key="uploads/someone/orders.csv", Body=b"x"),
        lambda: s3.delete_object(Bucket=store.bucket, Key="uploads/someone/orders.csv"),
    ]
    for attempt in attempts:
        with pytest.raises(ClientError) as refused:
            attempt()
        assert refused.value.response["Error"]["Code"] == "InvalidAccessKeyId"
    assert store.get("uploads/someone/orders.csv").data == b"id,amount\n1,2\n"
    # Unsigned, as a browser or curl would ask.
    assert httpx.get(f"{storage_url}/{store.bucket}").status_code == 403
    assert httpx.get(f"{storage_url}/{store.bucket}/uploads/someone/orders.csv").status_code == 403
    # moto's own control routes are not there either.
    assert httpx.get(f"{storage_url}/moto-api/data.json").status_code == 403
    assert httpx.post(f"{storage_url}/moto-api/reset").status_code == 403
    assert store.get("uploads/someone/orders.csv").data == b"id,amount\n1,2\n"


def test_the_nvidia_key_is_in_no_store(backend: LocalBackend, storage_url: str) -> None:
    assert backend.insights_enabled
    with pytest.raises(ClientError):
        intruder("secretsmanager", storage_url).list_secrets()
    # Not in moto's Secrets Manager of this process at all, whoever asks.
    stored = [
        secret.secret_string
        for accounts in secretsmanager_backends.values()
        for regional in accounts.values()
        for secret in regional.secrets.values()
    ]
    assert KEY not in stored


def test_a_part_whose_bytes_do_not_match_its_signed_sha256_is_refused(store: S3Store) -> None:
    key = "uploads/someone/big.csv"
    upload = store.start_multipart(key)
    part = b"a,b\n" + b"1,2\n" * (2 * 1024**2)
    url = store.presign_part(key, upload, 1, sha256_b64(part), expires=60)
    forged = part[:-4] + b"9,9\n"
    refused = httpx.put(url, content=forged, headers={"x-amz-checksum-sha256": sha256_b64(part)})
    assert refused.status_code == 400 and code(refused) == "BadDigest"
    # The header cannot be left out or changed to fit the bytes: it is signed.
    assert httpx.put(url, content=forged).status_code == 403
    changed = httpx.put(url, content=forged, headers={"x-amz-checksum-sha256": sha256_b64(forged)})
    assert changed.status_code == 403 and code(changed) == "SignatureDoesNotMatch"
    assert store.parts(key, upload) == []
    # The right bytes go in.
    sent = httpx.put(url, content=part, headers={"x-amz-checksum-sha256": sha256_b64(part)})
    assert sent.status_code == 200, sent.text
    assert [p.size for p in store.parts(key, upload)] == [len(part)]
    store.abort_multipart(key, upload)


def test_a_tampered_presigned_url_is_refused(store: S3Store) -> None:
    store.put("uploads/someone/a.csv", b"mine")
    store.put("uploads/other/b.csv", b"theirs")
    url = store.presign_get("uploads/someone/a.csv", expires=60)
    assert httpx.get(url).content == b"mine"
    signature = url.rsplit("=", 1)[1]
    flipped = url[: -len(signature)] + ("0" if signature[0] != "0" else "1") + signature[1:]
    other_key = url.replace("/uploads/someone/a.csv?", "/uploads/other/b.csv?")
    longer = url.replace("X-Amz-Expires=60", "X-Amz-Expires=604800")
    for tampered in (flipped, other_key, longer):
        answer = httpx.get(tampered)
        assert answer.status_code == 403 and code(answer) == "SignatureDoesNotMatch"
    # A GET URL does not allow a PUT.
    assert httpx.put(url, content=b"overwritten").status_code == 403
    assert store.get("uploads/someone/a.csv").data == b"mine"


def test_an_expired_presigned_url_is_refused(
    store: S3Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.put("uploads/someone/a.csv", b"mine")
    two_hours_ago = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(hours=2)
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: two_hours_ago)
    url = store.presign_get("uploads/someone/a.csv", expires=3600)
    answer = httpx.get(url)
    assert answer.status_code == 403 and "Request has expired" in answer.text


def test_a_presigned_put_cannot_copy_another_object(store: S3Store) -> None:
    store.put("uploads/other/secret.csv", b"theirs")
    url = store.presign_put("uploads/someone/mine.csv", expires=60)
    copy = {"x-amz-copy-source": f"{store.bucket}/uploads/other/secret.csv"}
    answer = httpx.put(url, content=b"", headers=copy)
    assert answer.status_code == 403 and code(answer) == "AccessDenied"
    assert store.keys("uploads/someone/mine") == []


def test_a_signed_request_whose_body_changed_is_refused(store: S3Store) -> None:
    # The store's own request, signed with the server's keys, then given other bytes.
    def swap(request: Any, **_: Any) -> None:
        request.body = b"other bytes!"  # as long as the signed ones

    store.client.meta.events.register("before-send.s3.PutObject", swap)
    try:
        with pytest.raises(StoreError, match="XAmzContentSHA256Mismatch"):
            store.put("uploads/someone/c.csv", b"signed bytes")
    finally:
        store.client.meta.events.unregister("before-send.s3.PutObject", swap)
    assert store.keys("uploads/someone/c.csv") == []
    store.put("uploads/someone/c.csv", b"signed bytes")
    assert store.get("uploads/someone/c.csv").data == b"signed bytes"


def test_no_cors_for_any_origin(store: S3Store, storage_url: str) -> None:
    store.put("uploads/someone/a.csv", b"mine")
    url = store.presign_get("uploads/someone/a.csv", expires=60)
    origin = {"Origin": "http://evil.example"}
    preflight = httpx.request(
        "OPTIONS",
        url,
        headers={**origin, "Access-Control-Request-Method": "PUT"},
    )
    assert preflight.status_code == 403
    from_a_page = httpx.get(url, headers=origin)
    assert from_a_page.status_code == 403
    for answer in (preflight, from_a_page, httpx.get(url)):
        assert not [h for h in answer.headers if h.lower().startswith("access-control-")]
