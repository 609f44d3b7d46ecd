"""Purging a prefix removes every object under it and every version, in S3 and its twin."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from cloud.shared.memory import MemoryStore
from cloud.shared.storage import ObjectStore, S3Store


def s3_versions(store: S3Store, prefix: str) -> list[str]:
    found: list[str] = []
    for page in store.client.get_paginator("list_object_versions").paginate(
        Bucket=store.bucket, Prefix=prefix
    ):
        found += [v["Key"] for v in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]]
    return sorted(found)


@pytest.fixture(params=["s3", "memory"])
def versioned(
    request: pytest.FixtureRequest,
) -> tuple[ObjectStore, Callable[[str], list[str]]]:
    """A versioned store, and how to list every version under a prefix in it."""
    if request.param == "memory":
        memory = MemoryStore()
        return memory, memory.versions
    store: S3Store = request.getfixturevalue("store")
    store.client.put_bucket_versioning(
        Bucket=store.bucket, VersioningConfiguration={"Status": "Enabled"}
    )
    return store, lambda prefix: s3_versions(store, prefix)


def test_purge_removes_every_version_under_the_prefix(
    versioned: tuple[ObjectStore, Callable[[str], list[str]]],
) -> None:
    store, versions = versioned
    for n in range(3):
        store.put("jobs/a/1/result.json", b"%d" % n)  # three versions
    store.put("jobs/a/1/chunks/000000.parquet", b"rows")
    store.delete("jobs/a/1/chunks/000000.parquet")  # a noncurrent version and a delete marker
    store.put("jobs/a/10/result.json", b"another job")
    store.put("jobs/b/1/result.json", b"another user")
    assert store.keys("jobs/a/1/") == ["jobs/a/1/result.json"]
    assert len(versions("jobs/a/1/")) == 5

    assert store.purge("jobs/a/1/") == 5
    assert store.keys("jobs/a/1/") == [] and versions("jobs/a/1/") == []
    assert versions("jobs/") == ["jobs/a/10/result.json", "jobs/b/1/result.json"]
    assert store.purge("jobs/a/1/") == 0


def test_purge_goes_past_a_thousand_versions(store: S3Store) -> None:
    client = store.client
    for n in range(1_010):
        client.put_object(Bucket=store.bucket, Key=f"jobs/a/1/partials/{n:06d}.json", Body=b"{}")
    assert store.purge("jobs/a/1/") == 1_010
    assert store.keys("jobs/") == []
