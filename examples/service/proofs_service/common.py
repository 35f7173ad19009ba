"""What both API versions share: the error answer and the error handler."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from proofs_service.errors import ApiError


class Problem(BaseModel):
    code: str
    message: str


def error_responses(*statuses: int) -> dict[int | str, dict[str, object]]:
    return {status: {"model": Problem} for status in statuses}


def versioned_app(version: str, description: str) -> FastAPI:
    """One API version as its own app, with its own OpenAPI document at /openapi.json."""
    app = FastAPI(
        title="Proofs API", version=version, description=description, docs_url=None, redoc_url=None,
        root_path_in_servers=False,  # the mount prefix is not part of the version's contract
    )

    @app.exception_handler(ApiError)
    async def api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse({"code": exc.code.value, "message": exc.message}, status_code=exc.status)

    return app
