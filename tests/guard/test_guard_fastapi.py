"""The README's FastAPI wiring, and /health under load, served by a real uvicorn on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from classifier.guard import GuardConfig, ProbesASGI, Readiness, evaluate_startup

from .guard_support import Reply, SilentServer, http, release_env, wait_until
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


def test_health_answers_under_uvicorn_while_ready_waits_on_a_silent_database(served) -> None:
    """Forty /ready requests wait on a database that never answers; /health must not wait behind them."""
    with SilentServer() as silent:
        config, env = GuardConfig(connect_timeout=4), release_env()
        # The startup outcome without the database, so building the probes does not wait 4 s itself.
        readiness = Readiness(config, env, sa.create_engine(silent.url()), startup=evaluate_startup(config, env, None))
        app = fastapi.FastAPI()
        app.add_middleware(ProbesASGI, readiness=readiness)
        port = served(app)
        answers: dict[int, Reply] = {}
        askers = [threading.Thread(target=lambda i=i: answers.update({i: http(port, "/ready")})) for i in range(40)]
        for asker in askers:
            asker.start()
        wait_until(lambda: silent.accepted == 1)
        time.sleep(0.2)  # let every request reach the server
        health = http(port, "/health")
        still_waiting = len(askers) - len(answers)
        for asker in askers:
            asker.join(15)
    assert (health.status, health.json()) == (200, {"status": "pass", "checks": {"ping": {"status": "pass"}}})
    assert still_waiting == 40
    assert {answer.status for answer in answers.values()} == {503}
    assert {json.dumps(answer.json()["checks"], sort_keys=True) for answer in answers.values()} == {
        json.dumps(
            {
                "startup": {"status": "pass"},
                "database": {"status": "fail", "output": "no connection within 4 s (connect timeout)"},
            },
            sort_keys=True,
        )
    }
    assert silent.accepted == 1  # forty requests, one read
