"""``/health`` and ``/ready`` over real HTTP, for the ASGI and the WSGI app."""

from __future__ import annotations

import asyncio
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

import pytest
import sqlalchemy as sa

from classifier.guard import GuardConfig, ProbesASGI, ProbesWSGI, Readiness, evaluate_startup

from .guard_support import (
    AsgiTestServer,
    Reply,
    SilentServer,
    TcpProxy,
    WsgiTestServer,
    http,
    release_env,
    wait_until,
)


async def _inner_asgi(scope: dict[str, Any], receive: Any, send: Any) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"the app"})


def _inner_wsgi(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("200 OK", [("content-type", "text/plain")])
    return [b"the app"]


SERVERS: dict[str, Callable[[Readiness, bool], AbstractContextManager[Any]]] = {
    "asgi": lambda r, wrap: AsgiTestServer(ProbesASGI(_inner_asgi if wrap else None, readiness=r)),
    "wsgi": lambda r, wrap: WsgiTestServer(ProbesWSGI(_inner_wsgi if wrap else None, readiness=r)),
}


@pytest.fixture(params=sorted(SERVERS))
def serve(request: pytest.FixtureRequest) -> Callable[..., AbstractContextManager[Any]]:
    """Start the probes of a ``Readiness`` on 127.0.0.1, as ASGI or as WSGI."""
    return lambda readiness, wrap=False: SERVERS[request.param](readiness, wrap)


@pytest.fixture
def migrated(db, alembic_project) -> Iterator[tuple[Any, Any]]:
    """A database at the release's head r3, and the release's Alembic project."""
    release = alembic_project()
    release.upgrade(db.engine, "r3")
    yield db, release


def _readiness(db: Any, release: Any, **env: str) -> Readiness:
    config = GuardConfig(script_location=str(release.root))
    return Readiness(config, release_env(EXPECTED_ALEMBIC_HEAD="r3", **env), db.engine)


def test_probes_pass_when_everything_is_in_place(serve, migrated) -> None:
    db, release = migrated
    with serve(_readiness(db, release)) as server:
        health, ready = http(server.port, "/health"), http(server.port, "/ready")
        verbose = http(server.port, "/ready?verbose")
    assert (health.status, health.json()) == (200, {"status": "pass", "checks": {"ping": {"status": "pass"}}})
    assert ready.status == 200 and ready.content_type == "application/json"
    body = ready.json()
    assert body["status"] == "pass"
    assert body["checks"] == {name: {"status": "pass"} for name in ("startup", "database", "alembic_heads")}
    assert body["release"]["code_sha"] == release_env()["VERSION_HASH"]
    assert (body["release"]["expected_alembic_head"], body["release"]["database_heads"]) == ("r3", ["r3"])
    assert verbose.status == 200 and verbose.content_type.startswith("text/plain")
    assert verbose.body == "[+]startup ok\n[+]database ok\n[+]alembic_heads ok\nready check passed\n"


def test_ready_turns_503_when_the_database_goes_away(serve, migrated) -> None:
    db, release = migrated
    proxy = None
    if db.kind == "postgres":
        # Reach PostgreSQL through a relay the test can cut; the shared server stays up.
        proxy = TcpProxy(db.engine.url.host or "127.0.0.1", db.engine.url.port or 5432)
        db.engine.dispose()
        db.engine = sa.create_engine(
            db.engine.url.set(host="127.0.0.1", port=proxy.port),
            connect_args={"options": f"-csearch_path={db.schema}", "connect_timeout": 3},
        )
    with serve(_readiness(db, release)) as server:
        assert http(server.port, "/ready").status == 200
        if proxy is not None:
            proxy.cut()
        else:
            shutil.rmtree(db.engine.url.database.rsplit("/", 1)[0])
        ready, verbose = http(server.port, "/ready"), http(server.port, "/ready?verbose")
        health = http(server.port, "/health")
    assert ready.status == 503
    assert ready.json()["checks"]["database"]["status"] == "fail"
    assert "[-]database failed: OperationalError" in verbose.body
    assert verbose.body.endswith("ready check failed\n")
    assert health.status == 200  # liveness never depends on the database


def test_ready_is_503_when_the_database_is_behind(serve, db, alembic_project) -> None:
    release = alembic_project()
    release.upgrade(db.engine, "r2")
    with serve(_readiness(db, release)) as server:
        ready, verbose = http(server.port, "/ready"), http(server.port, "/ready?verbose")
    assert ready.status == 503
    # Startup was refused for the same reason, so both checks fail:
    assert ready.json()["checks"]["startup"] == {"status": "fail", "output": "release.E012 EXPECTED_ALEMBIC_HEAD"}
    assert "[-]alembic_heads failed: release.E012 The database is behind" in verbose.body
    assert ready.json()["release"]["database_heads"] == ["r2"]


def test_ready_is_503_when_startup_guards_failed(serve, migrated) -> None:
    db, release = migrated
    with serve(_readiness(db, release, LOG_LEVEL="DEBUG")) as server:
        verbose = http(server.port, "/ready?verbose")
    assert verbose.body.splitlines()[0] == "[-]startup failed: release.E006 LOG_LEVEL"


@pytest.mark.parametrize(
    "query", ["exclude=startup", "exclude=startup,database,alembic_heads", "exclude=startup&exclude=database"]
)
def test_ready_exclude_never_turns_a_refused_startup_into_pass(serve, migrated, query: str) -> None:
    db, release = migrated
    with serve(_readiness(db, release, LOG_LEVEL="DEBUG")) as server:
        excluded, verbose = http(server.port, f"/ready?{query}"), http(server.port, f"/ready?{query}&verbose")
    assert excluded.status == 503
    body = excluded.json()
    assert body["status"] == "fail"
    assert body["checks"]["startup"] == {"status": "fail", "output": "release.E006 LOG_LEVEL"}
    assert verbose.status == 503
    assert verbose.body.startswith("[-]startup failed: release.E006 LOG_LEVEL\n")
    assert verbose.body.endswith("ready check failed\n")


def test_ready_exclude_skips_database_checks_of_a_passed_startup(serve, migrated) -> None:
    db, release = migrated
    with serve(_readiness(db, release)) as server:
        excluded = http(server.port, "/ready?exclude=startup,alembic_heads")
    assert excluded.status == 200
    assert excluded.json()["checks"] == {"startup": {"status": "pass"}, "database": {"status": "pass"}}


def test_probes_route_and_refuse_other_methods(serve, migrated) -> None:
    db, release = migrated
    readiness = _readiness(db, release)
    with serve(readiness) as alone, serve(readiness, True) as wrapped:
        assert http(alone.port, "/elsewhere").status == 404
        assert http(alone.port, "/ready", method="POST").status == 405
        head = http(alone.port, "/ready", method="HEAD")
        assert (head.status, head.body) == (200, "")
        assert (http(wrapped.port, "/elsewhere").status, http(wrapped.port, "/elsewhere").body) == (200, "the app")
        assert http(wrapped.port, "/ready").status == 200


def test_probes_without_database_check_startup_only(serve) -> None:
    readiness = Readiness(GuardConfig(), release_env())
    with serve(readiness) as server:
        ready = http(server.port, "/ready")
    assert (ready.status, list(ready.json()["checks"])) == (200, ["startup"])


def test_flask_wiring_from_the_docs(migrated) -> None:
    db, release = migrated
    app = _flask_app(_readiness(db, release))
    with WsgiTestServer(app) as server:
        assert http(server.port, "/orders").body == "orders"
        assert http(server.port, "/ready").json()["status"] == "pass"
        assert http(server.port, "/health").status == 200


def test_wsgi_probes_mounted_with_werkzeug_dispatcher(migrated) -> None:
    dispatcher = pytest.importorskip("werkzeug.middleware.dispatcher")
    db, release = migrated
    probes = ProbesWSGI(readiness=_readiness(db, release))
    app = dispatcher.DispatcherMiddleware(_inner_wsgi, {"/ops": probes, "/ready": probes})
    with WsgiTestServer(app) as server:
        assert http(server.port, "/ops/ready").json()["status"] == "pass"
        assert http(server.port, "/ready").status == 200
        assert http(server.port, "/ops/nothing").status == 404
        assert http(server.port, "/other").body == "the app"


def _call_asgi(app: ProbesASGI, scope: dict[str, Any], inbox: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Call ``app`` in-process; return what it sent."""
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return inbox.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent


@pytest.mark.parametrize(
    ("path", "root_path", "status"),
    [("/ops/ready", "/ops", 200), ("/ready", "/ops", 200), ("/ops/health", "/ops", 200), ("/ops/x", "/ops", 404)],
)
def test_asgi_probes_mounted_under_a_prefix(path: str, root_path: str, status: int, migrated) -> None:
    """Starlette's ``Mount`` sets ``root_path`` and keeps (new) or strips (old) the prefix in ``path``."""
    db, release = migrated
    app = ProbesASGI(readiness=_readiness(db, release))
    scope = {"type": "http", "method": "GET", "path": path, "root_path": root_path, "query_string": b""}
    sent = _call_asgi(app, scope, [{"type": "http.request", "body": b""}])
    assert sent[0]["status"] == status


def test_asgi_probes_alone_answer_lifespan() -> None:
    app = ProbesASGI(readiness=Readiness(GuardConfig(), release_env()))
    sent = _call_asgi(app, {"type": "lifespan"}, [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])
    assert [m["type"] for m in sent] == ["lifespan.startup.complete", "lifespan.shutdown.complete"]


class _WerkzeugServer:
    """Werkzeug's own threaded server (what ``flask run`` uses) on 127.0.0.1."""

    def __init__(self, app: Any) -> None:
        serving = pytest.importorskip("werkzeug.serving")
        self.server = serving.make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self.server.server_port
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> _WerkzeugServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self._thread.join(5)


def _flask_app(readiness: Readiness) -> Any:
    flask = pytest.importorskip("flask")
    app = flask.Flask("shop")
    app.add_url_rule("/orders", "orders", lambda: "orders")
    app.wsgi_app = ProbesWSGI(app.wsgi_app, readiness=readiness)  # type: ignore[method-assign]
    return app


WSGI_SERVERS: dict[str, Callable[[Readiness], AbstractContextManager[Any]]] = {
    "wsgiref-threaded": lambda r: WsgiTestServer(ProbesWSGI(_inner_wsgi, readiness=r), threaded=True),
    "flask-on-werkzeug": lambda r: _WerkzeugServer(_flask_app(r)),
}


@pytest.mark.parametrize("server", sorted(WSGI_SERVERS))
def test_wsgi_health_answers_while_ready_waits_on_a_silent_database(server: str) -> None:
    with SilentServer() as silent:
        config, env = GuardConfig(connect_timeout=3), release_env()
        readiness = Readiness(config, env, sa.create_engine(silent.url()), startup=evaluate_startup(config, env, None))
        with WSGI_SERVERS[server](readiness) as served:
            answers: list[Reply] = []
            askers = [threading.Thread(target=lambda: answers.append(http(served.port, "/ready"))) for _ in range(10)]
            for asker in askers:
                asker.start()
            wait_until(lambda: silent.accepted == 1)
            health = http(served.port, "/health")
            still_waiting = len(askers) - len(answers)
            for asker in askers:
                asker.join(15)
    assert (health.status, health.json()) == (200, {"status": "pass", "checks": {"ping": {"status": "pass"}}})
    assert still_waiting == 10
    assert [(a.status, a.json()["checks"]["database"]) for a in answers] == [
        (503, {"status": "fail", "output": "no connection within 3 s (connect timeout)"})
    ] * 10
    assert silent.accepted == 1
