"""Helpers shared by the guard tests: a valid release environment, Alembic projects, HTTP servers."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import textwrap
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

VALID_ENV: dict[str, str] = {
    "VERSION_HASH": "3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39",
    "RELEASE_SUPPORTED_API_VERSIONS": "v1,v2",
    "RELEASE_FEATURE_FLAGS": "new-checkout,fast-search",
    "SIGNING_MODE": "required",
    "SIGNING_REQUIRED": "true",
    "ENV": "prod",
    "LOG_LEVEL": "INFO",
}
"""A production environment every guard accepts (no database)."""


def release_env(*drop: str, **overrides: str) -> dict[str, str]:
    """``VALID_ENV`` without the ``drop`` keys and with ``overrides``."""
    env = {key: value for key, value in VALID_ENV.items() if key not in drop}
    env.update(overrides)
    return env


def connect_postgres(url: str, required: bool) -> sa.engine.Engine:
    """An engine on ``url`` once it answers; else skip the test, or fail it when ``required``."""
    engine = sa.create_engine(url, connect_args={"connect_timeout": 3}, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except Exception as error:  # any failure to reach the server decides skip/fail below
        reason = f"PostgreSQL at {engine.url.render_as_string()} is unreachable: {type(error).__name__}"
        if required:
            pytest.fail(f"{reason} (CLASSIFY_REQUIRE_POSTGRES=1 makes this a failure)")
        pytest.skip(f"{reason}; set CLASSIFY_POSTGRES_URL or start the server")
    return engine


_ENV_PY = """
from alembic import context

config = context.config
context.configure(
    connection=config.attributes["connection"],
    version_table=config.attributes.get("version_table", "alembic_version"),
    version_table_schema=config.attributes.get("version_table_schema"),
)
with context.begin_transaction():
    context.run_migrations()
"""


@dataclass
class AlembicProject:
    """A real Alembic script directory written into a temporary folder."""

    root: Path
    revisions: dict[str, Any] = field(default_factory=dict)

    def add(self, revision: str, down: str | tuple[str, ...] | None, body: str = "pass") -> AlembicProject:
        """Write one revision file whose ``upgrade()`` runs ``body``."""
        (self.root / "versions").mkdir(parents=True, exist_ok=True)
        (self.root / "env.py").write_text(_ENV_PY)
        source = f"""
            import sqlalchemy as sa
            from alembic import op

            revision = {revision!r}
            down_revision = {down!r}
            branch_labels = None
            depends_on = None


            def upgrade():
                {body}


            def downgrade():
                pass
        """
        (self.root / "versions" / f"{revision}.py").write_text(textwrap.dedent(source))
        self.revisions[revision] = down
        return self

    def upgrade(self, engine: sa.engine.Engine, target: str = "heads", **opts: str | None) -> None:
        """``alembic upgrade target`` on ``engine`` through the command API."""
        config = Config()
        config.set_main_option("script_location", str(self.root))
        with engine.begin() as connection:
            config.attributes.update(connection=connection, **opts)
            command.upgrade(config, target)


class AsgiTestServer:
    """A tiny HTTP/1.1 server for one ASGI app on 127.0.0.1, run on its own thread.

    Enough of HTTP for probes: one request per connection, no request body.
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        self.loop = asyncio.new_event_loop()
        self.port = 0
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> AsgiTestServer:
        self._thread.start()
        self._ready.wait(5)
        return self

    def __exit__(self, *exc: object) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self.loop.run_forever()
        server.close()
        self.loop.run_until_complete(server.wait_closed())
        self.loop.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        method, target, _ = head[0].split(" ", 2)
        path, _, query = target.partition("?")
        headers = [tuple(line.lower().split(": ", 1)) for line in head[1:] if line]
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "root_path": "",
            "query_string": query.encode(),
            "headers": [(k.encode(), v.encode()) for k, v in headers],
            "client": writer.get_extra_info("peername"),
            "server": ("127.0.0.1", self.port),
        }
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        await self.app(scope, receive, send)
        start = sent[0]
        body = b"".join(message.get("body", b"") for message in sent[1:])
        lines = [f"HTTP/1.1 {start['status']} X"]
        lines += [f"{k.decode()}: {v.decode()}" for k, v in start["headers"] if k.lower() != b"content-length"]
        lines += [f"content-length: {len(body)}", "connection: close", "", ""]
        writer.write("\r\n".join(lines).encode("latin-1") + (b"" if method == "HEAD" else body))
        await writer.drain()
        writer.close()


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class WsgiTestServer:
    """A wsgiref server for one WSGI app on 127.0.0.1, run on its own thread.

    ``threaded=True`` serves each request on its own thread, as production WSGI servers do.
    """

    def __init__(self, app: Any, threaded: bool = False) -> None:
        server_class = _ThreadingWSGIServer if threaded else WSGIServer
        self.server = make_server("127.0.0.1", 0, app, server_class=server_class, handler_class=_QuietHandler)
        self.port = self.server.server_port
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)

    def __enter__(self) -> WsgiTestServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)


@dataclass
class Reply:
    """One HTTP answer."""

    status: int
    content_type: str
    body: str

    def json(self) -> Any:
        """The body, parsed as JSON."""
        return json.loads(self.body)


def http(port: int, path: str, method: str = "GET") -> Reply:
    """Request ``path`` from 127.0.0.1 over real HTTP; 4xx/5xx are answers, not errors."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return Reply(response.status, response.headers.get("content-type", ""), response.read().decode())
    except urllib.error.HTTPError as error:
        return Reply(error.code, error.headers.get("content-type", ""), error.read().decode())


class TcpProxy:
    """A TCP relay to a database server that a test can cut, as if the server went away."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
                upstream = socket.create_connection(self.target)
            except OSError:
                return
            self.sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass

    def cut(self) -> None:
        """Refuse new connections and drop the open ones."""
        for sock in [self.listener, *self.sockets]:
            with contextlib.suppress(OSError):  # already closed by the other side
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()


class SilentServer:
    """A TCP server on 127.0.0.1 that accepts every connection and never sends a byte.

    What a hung database, a stuck proxy or a black-holed load balancer looks like to a client.

    Attributes:
        port: Where it listens.
        accepted: How many connections it accepted so far.
    """

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.accepted = 0
        self._sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def __enter__(self) -> SilentServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def url(self, credentials: str = "app:pw") -> str:
        """A PostgreSQL URL pointing at this server."""
        return f"postgresql+psycopg://{credentials}@127.0.0.1:{self.port}/app"

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self._sockets.append(client)
            self.accepted += 1

    def close(self) -> None:
        """Stop listening and drop every connection (clients stuck on it then fail)."""
        for sock in [self.listener, *self._sockets]:
            with contextlib.suppress(OSError):  # already closed by the client
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()


def wait_until(condition: Any, seconds: float = 10.0) -> None:
    """Poll ``condition()`` until it is true; fail the test after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"condition not met within {seconds} s")
        time.sleep(0.02)
