"""The client side: what runs on the user's machine, without FastAPI, boto3 or the backend.

* :mod:`~cloud.client.cloud_client` — :class:`CloudClient`, the HTTP client of
  the API (uploads straight to storage through presigned URLs, jobs, results);
* :mod:`~cloud.client.conversion` — :func:`parquet_copy`, what is uploaded;
* :mod:`~cloud.client.signin` — :class:`SignIn`, the browser sign-in (code +
  PKCE, loopback redirect; pieces in :mod:`~cloud.client.oauth`) and the access
  tokens it refreshes, for the desktop and the CLI;
* :mod:`~cloud.client.credential_store` — :class:`CredentialStore`, the OS
  keyring, or memory when there is none;
* :mod:`~cloud.client.credentials` — what ``loupe cloud`` uses: the
  environment, a local server's connection file, or the sign-in kept;
* :mod:`~cloud.client.progress` and :mod:`~cloud.client.commands` — the
  ``loupe cloud`` commands' progress and work.

``loupe cloud`` and the desktop use it. It may import core (it reads
and converts files), but never the API, the workers or what they share
(import-linter holds it).
"""

from __future__ import annotations

from cloud.client.cloud_client import (
    MULTIPART_THRESHOLD,
    PARTS_IN_FLIGHT,
    Backoff,
    CloudClient,
    Progress,
    RenewableToken,
    TokenProvider,
    UploadInterrupted,
    UploadLeftOpen,
    WaitInterrupted,
)
from cloud.client.conversion import parquet_copy
from cloud.client.credential_store import CredentialStore
from cloud.client.oauth import SignInConfig
from cloud.client.signin import SignIn

__all__ = [
    "MULTIPART_THRESHOLD",
    "PARTS_IN_FLIGHT",
    "Backoff",
    "CloudClient",
    "CredentialStore",
    "Progress",
    "RenewableToken",
    "SignIn",
    "SignInConfig",
    "TokenProvider",
    "UploadInterrupted",
    "UploadLeftOpen",
    "WaitInterrupted",
    "parquet_copy",
]
