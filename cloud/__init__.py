"""Loupe's serverless backend and its HTTP client, split by what ships where.

    cloud/
    ├── errors.py   the error tree every side shares
    ├── client/     the client: runs in the CLI (and is meant to run in the desktop);
    │               httpx and the OS keyring, never FastAPI or boto3
    ├── api/        the HTTP API: shipped as a Lambda zip without core or Polars
    ├── workers/    the job steps: shipped as a container image with core
    ├── shared/     what the API and the workers share: identities, object keys,
    │               upload and job records, the object store
    ├── local/      ``loupe serve``: the API, the workers and S3 (moto, behind a
    │               signature check) on this machine
    └── cli.py      ``loupe serve`` and ``loupe cloud …``

import-linter (``pyproject.toml``) holds the boundaries. Never imports Qt.
"""
