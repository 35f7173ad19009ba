"""The README's FastAPI wiring, served by a real uvicorn on 127.0.0.1."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any, Iterator

import pytest

from classifier.guard import ProbesASGI

from .guard_support import http
from .test_guard_http import _readiness, migrated  # noqa: F401 - the fixture is used by name

fastapi = pytest.importorskip("fastapi")
uvicorn = pytest.importorskip("uvicorn")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served() -> Iterator[Any]:
    servers: list[Any] = []

    def start(app: Any) -> int:
        port = _free_port()
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", lifespan="off"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        assert server.started, "uvicorn did not start within 10 s"
        servers.append((server, thread))
        return port

    yield start
    for server, thread in servers:
        server.should_exit = True
        thread.join(timeout=10)


def test_fastapi_middleware_wiring_from_the_readme(served, migrated) -> None:  # noqa: F811
    db, release = migrated
    app = fastapi.FastAPI()
    app.get("/orders")(lambda: {"orders": []})
    app.add_middleware(ProbesASGI, readiness=_readiness(db, release))
    port = served(app)
    assert http(port, "/orders").json() == {"orders": []}
    assert http(port, "/health").status == 200
    ready = http(port, "/ready")
    assert (ready.status, ready.json()["status"]) == (200, "pass")
    assert http(port, "/ready?verbose").body.startswith("[+]")


def test_fastapi_mount_reports_not_ready_when_startup_failed(served, migrated) -> None:  # noqa: F811
    db, release = migrated
    app = fastapi.FastAPI()
    app.mount("/ops", ProbesASGI(readiness=_readiness(db, release, ENV="prod", LOG_LEVEL="DEBUG")))
    port = served(app)
    ready = http(port, "/ops/ready")
    assert ready.status == 503
    assert "release.E006" in http(port, "/ops/ready?verbose").body
