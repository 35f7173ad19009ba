"""The ASGI application: each API version mounted under its own prefix."""

from __future__ import annotations

from fastapi import FastAPI

from proofs_service import v1, v2

app = FastAPI(title="Proofs service", openapi_url=None, docs_url=None, redoc_url=None)
app.mount("/v1", v1.app)
app.mount("/v2", v2.app)
