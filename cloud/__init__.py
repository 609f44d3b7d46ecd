"""Loupe's serverless backend and the HTTP client the desktop uses. Never imports Qt."""
