"""Helpers of the upgrade tests: Alembic projects, the CLI, real HTTP servers."""

from __future__ import annotations

import contextlib
import http.server
import json
import socket
import socketserver
import textwrap
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from classifier import cli

CODE_SHA = "3f2a9c1d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39"
OTHER_SHA = "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a291807"

_ENV_PY = """
from alembic import context
from sqlalchemy import create_engine

url = context.config.get_main_option("sqlalchemy.url")
with create_engine(url).connect() as connection:
    context.configure(connection=connection)
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
"""


def connect_postgres(url: str, required: bool) -> sa.engine.Engine:
    """An engine on ``url`` once it answers; else skip the test, or fail it when ``required``."""
    engine = sa.create_engine(url, connect_args={"connect_timeout": 3}, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - any failure to reach the server decides skip/fail below
        reason = f"PostgreSQL at {engine.url.render_as_string()} is unreachable: {type(error).__name__}"
        if required:
            pytest.fail(f"{reason} (CLASSIFY_REQUIRE_POSTGRES=1 makes this a failure)")
        pytest.skip(f"{reason}; set CLASSIFY_POSTGRES_URL or start the server")
    return engine


@dataclass
class AlembicProject:
    """A real Alembic script directory (env.py, versions/) in a temporary folder."""

    root: Path

    def add(self, revision: str, down: str | None, body: str = "pass", undo: str = "pass") -> AlembicProject:
        """Write one revision whose ``upgrade()`` runs ``body`` and ``downgrade()`` runs ``undo`` (dedented)."""
        (self.root / "versions").mkdir(parents=True, exist_ok=True)
        (self.root / "env.py").write_text(_ENV_PY)
        upgrade = textwrap.indent(textwrap.dedent(body).strip(), "    ")
        downgrade = textwrap.indent(textwrap.dedent(undo).strip(), "    ")
        source = (
            f"import sqlalchemy as sa\nfrom alembic import op\n\nrevision = {revision!r}\ndown_revision = {down!r}\n"
            f"branch_labels = None\ndepends_on = None\n\n\ndef upgrade():\n{upgrade}\n\n\ndef downgrade():\n{downgrade}\n"
        )
        (self.root / "versions" / f"{revision}.py").write_text(source)
        return self

    def upgrade(self, url: str, target: str = "heads") -> None:
        """``alembic upgrade target`` through alembic's command API."""
        command.upgrade(self._config(url), target)

    def downgrade(self, url: str, target: str) -> None:
        """``alembic downgrade target`` through alembic's command API."""
        command.downgrade(self._config(url), target)

    def _config(self, url: str) -> Config:
        config = Config()
        config.set_main_option("script_location", str(self.root))
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
        return config


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run ``classify argv`` in-process: ``(exit status, stdout, stderr)``."""
    status = cli.main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def ids(record: dict[str, Any]) -> list[str]:
    """The finding ids of a record, in order."""
    return [finding["id"] for finding in record["findings"]]


def ready_body(code_sha: str = CODE_SHA, heads: str = "r2", ok: bool = True, startup_ok: bool = True) -> dict[str, Any]:
    """A ``/ready`` body shaped like ``classifier.guard``'s."""
    checks = {"startup": {"status": "pass" if startup_ok else "fail"}, "database": {"status": "pass" if ok else "fail"}}
    release = {"code_sha": code_sha, "expected_alembic_head": heads, "database_heads": heads.split(",")}
    return {"status": "pass" if ok and startup_ok else "fail", "checks": checks, "release": release}


Answer = Callable[[], tuple[int, bytes]]


@contextlib.contextmanager
def http_server(answer: Answer) -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 answering every GET with ``answer()``; yields its /ready URL."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, body = answer()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    with serving(http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)) as url:
        yield url


@contextlib.contextmanager
def serving(server: socketserver.TCPServer) -> Iterator[str]:
    """Serve on a thread until the block ends; yields the server's /ready URL."""
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/ready"
    finally:
        server.shutdown()
        server.server_close()


def json_answer(status: int, body: dict[str, Any]) -> Answer:
    """An answer with a fixed status and JSON body."""
    return lambda: (status, json.dumps(body).encode())


@contextlib.contextmanager
def silent_server() -> Iterator[str]:
    """A socket that accepts connections (the kernel's backlog) but never answers."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/ready"
    finally:
        listener.close()


# The flag that gives each postflight check a waiver can stand for.
POSTFLIGHT_FLAGS = {
    "health": "--health-url",
    "readiness": "--ready-url",
    "startup-event": "--startup-event",
    "verification": "--verify-command",
    "gate": "--gate-command",
}


def waive_others(argv: tuple[str, ...] | list[str], stage: str = "staging") -> list[str]:
    """``--waive`` options for every required postflight check ``argv`` does not give."""
    waived = []
    for check, flag in POSTFLIGHT_FLAGS.items():
        if check == "gate" and stage == "production":
            continue
        if flag not in argv and not any(arg.startswith(f"{check}=") for arg in argv):
            waived += ["--waive", f"{check}=not what this test checks"]
    return waived
