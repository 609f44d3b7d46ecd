"""The client side: what runs on the user's machine, without FastAPI, boto3 or the backend.

* :mod:`~cloud.client.cloud_client` — :class:`CloudClient`, the HTTP client of
  the API (uploads straight to storage through presigned URLs, jobs, results);
* :mod:`~cloud.client.conversion` — :func:`parquet_copy`, what is uploaded;
* :mod:`~cloud.client.credentials` — tokens from the environment or the OS keyring;
* :mod:`~cloud.client.progress` and :mod:`~cloud.client.commands` — the
  ``loupe cloud`` commands' progress and work.

``loupe cloud`` uses it; the desktop is meant to. It may import core (it reads
and converts files), but never the API, the workers or what they share
(import-linter holds it).
"""

from __future__ import annotations

from cloud.client.cloud_client import MULTIPART_THRESHOLD, CloudClient, Progress, UploadInterrupted
from cloud.client.conversion import parquet_copy

__all__ = ["MULTIPART_THRESHOLD", "CloudClient", "Progress", "UploadInterrupted", "parquet_copy"]
