"""The live app's OpenAPI documents, and their canonical form on disk.

Used by ``classify snapshot`` and the pytest plugin, both run by the user on
their own current code: importing the app here is the point. The comparison
side of classify never comes here.
"""

from __future__ import annotations

import asyncio
import difflib
import importlib
import json
import sys
from pathlib import Path
from typing import Any, Callable

from classifier.errors import SourceError, UsageError

ASGIApp = Callable[..., Any]
DIFF_LINES = 80


def load_app(target: str, root: Path) -> ASGIApp:
    """Import ``module:attribute`` with ``root`` first on the import path.

    Raises:
        UsageError: malformed target, module not importable, attribute missing.
    """
    module_name, colon, attribute = target.partition(":")
    if not colon or not module_name or not attribute:
        raise UsageError(f"--app {target!r} is not module:attribute", hint="e.g. --app service.main:app")
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise UsageError(f"--app {target}: cannot import {module_name} ({exc})",
                         hint="run from the project folder or install the project") from None
    except (Exception, SystemExit) as exc:  # noqa: BLE001 - the app's own code failed: bad input, not our bug
        raise UsageError(f"--app {target}: importing {module_name} failed ({type(exc).__name__}: {exc})",
                         hint="the app must import without its server: set the environment it reads at import "
                         "and install its dependencies") from None
    app: Any = module
    for part in attribute.split("."):
        if not hasattr(app, part):
            raise UsageError(f"--app {target}: {module_name} has no attribute {attribute}",
                             hint="name the ASGI application object, e.g. module:app")
        app = getattr(app, part)
    return app  # type: ignore[no-any-return]


def served_document(app: ASGIApp, url: str) -> dict[str, Any]:
    """GET ``url`` from the ASGI ``app`` in process and parse the JSON it answers.

    Raises:
        SourceError: the app answers another status or something that is not a JSON object.
    """
    try:
        status, body = asyncio.run(_get(app, url))
    except Exception as exc:  # noqa: BLE001 - the app's own code failed while answering
        raise SourceError(f"the app failed at {url} ({type(exc).__name__}: {exc})",
                          hint="the app must serve its OpenAPI document without a database or network") from None
    if status != 200:
        raise SourceError(f"the app answered {status} at {url}",
                          hint="set [tool.classifier.api] openapi_url to where the app serves the version's document")
    try:
        document = json.loads(body)
    except ValueError:
        document = None
    if not isinstance(document, dict):
        raise SourceError(f"the app's answer at {url} is not a JSON object", hint="serve the OpenAPI document there")
    return document


async def _get(app: ASGIApp, url: str) -> tuple[int, bytes]:
    path, _, query = url.partition("?")
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
        "path": path, "raw_path": path.encode(), "query_string": query.encode(), "root_path": "",
        "headers": [(b"host", b"snapshot.invalid")], "server": ("snapshot.invalid", 80), "client": ("127.0.0.1", 0),
    }
    answer: dict[str, Any] = {"status": 0, "body": b""}
    requested = False

    async def receive() -> dict[str, Any]:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
        elif message["type"] == "http.response.body":
            answer["body"] += message.get("body", b"")

    await app(scope, receive, send)
    return int(answer["status"]), bytes(answer["body"])


def canonical(document: Any) -> str:
    """Sorted keys, two-space indentation, a final newline: the same document always gives the same bytes."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def read_document(path: Path) -> Any:
    """A JSON or YAML document from disk (YAML with the safe loader).

    Raises:
        SourceError: the file cannot be read or parsed.
    """
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"{path}: cannot be read ({exc})", hint="check the path") from None
    if path.suffix == ".json":
        try:
            return json.loads(text)
        except ValueError as exc:
            raise SourceError(f"{path}: not valid JSON ({exc})", hint="fix the document") from None
    import yaml  # only a YAML file pays for the import

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SourceError(f"{path}: not valid YAML ({type(exc).__name__})", hint="fix the document") from None


def readable_diff(committed: Any, served: Any, committed_name: str, served_name: str) -> str:
    """A unified diff of the two documents in canonical form, cut after a screenful."""
    lines = list(difflib.unified_diff(
        canonical(committed).splitlines(), canonical(served).splitlines(), committed_name, served_name, lineterm="",
    ))
    if len(lines) > DIFF_LINES:
        lines = [*lines[:DIFF_LINES], f"... {len(lines) - DIFF_LINES} more diff lines"]
    return "\n".join(lines)
