"""``/health`` and ``/ready``: the status code is the contract, the body is for people.

``/health`` (liveness) checks nothing external and waits on nothing: a failing
or silent database must not get a healthy process restarted. ``/ready``
(readiness) answers 200 only when the startup guards passed, the database
answers within the probe timeouts and its heads match; else 503. The JSON
body carries a status per check plus the release artifact, so a fleet can be
compared instance by instance; ``?verbose`` gives Kubernetes-style
``[+]name ok`` / ``[-]name failed: …`` lines and ``?exclude=name`` skips a
database check (never ``startup``: a refused process stays unready).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar
from urllib.parse import parse_qs

from classifier.guard.bounded import DatabaseRead, SharedRead
from classifier.guard.config import GuardConfig
from classifier.guard.database import DatabaseState, qualified_table
from classifier.guard.heads import compare_heads, load_scripts
from classifier.guard.startup import StartupReport, evaluate_startup, probe_timeouts, redactor_for

if TYPE_CHECKING:
    from alembic.script import ScriptDirectory
    from sqlalchemy.engine import Engine

UNEXCLUDABLE = frozenset({"startup"})
"""Checks ``?exclude=`` cannot skip: a refused startup must never read as ready."""


@dataclass(frozen=True, slots=True)
class ProbeCheck:
    """One named check of a probe.

    Attributes:
        name: ``startup``, ``database``, ``alembic_heads`` or ``ping``.
        ok: Whether it passed.
        output: Why it failed (empty when it passed).
    """

    name: str
    ok: bool
    output: str = ""


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """A probe's answer.

    Attributes:
        probe: ``health`` or ``ready``.
        checks: The checks that ran, in order.
        release: The release artifact plus the database heads seen.
    """

    probe: str
    checks: tuple[ProbeCheck, ...]
    release: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether every check passed."""
        return all(check.ok for check in self.checks)

    @property
    def status_code(self) -> int:
        """200 when every check passed, else 503."""
        return 200 if self.ok else 503


class Readiness:
    """The probes of one application process.

    Build it once at startup, after ``enforce_startup`` (or instead of it, to
    keep serving ``/ready`` = 503 with the reasons while refusing traffic).

    Args:
        config: The application's guard configuration.
        environ: The environment the process started with.
        engine: The application's database, or ``None`` if it has none.
        startup: The startup guard outcome; evaluated here (without logging)
            when omitted.
    """

    def __init__(
        self,
        config: GuardConfig,
        environ: Mapping[str, str],
        engine: Engine | None = None,
        startup: StartupReport | None = None,
    ) -> None:
        self.config = config
        self.engine = engine
        # Re-run silently: the application's own check_startup/enforce_startup logged it already.
        self.startup = startup or evaluate_startup(config, environ, engine, log=False)
        self._redactor = redactor_for(config, environ, engine)
        self.timeouts = probe_timeouts(config, environ, self._redactor)
        self._table = qualified_table(config.version_table, config.version_table_schema)
        self._scripts, self._expected = self._target(self.startup)
        self._reads = SharedRead(self._start_read)

    def _target(self, startup: StartupReport) -> tuple[ScriptDirectory | None, frozenset[str] | None]:
        """The script directory and the heads the database must be at."""
        scripts = None
        if self.config.script_location:
            try:
                scripts = load_scripts(self.config.script_location)
                # Load every revision now, not on the first request (maybe on the event loop).
                code_heads = frozenset(scripts.get_heads())
            except Exception:  # already reported by the startup guards (release.E016)
                return None, startup.artifact.expected_heads or None
            if startup.artifact.expected_alembic_head is None:
                return scripts, code_heads
        if startup.artifact.expected_alembic_head is not None:
            return scripts, startup.artifact.expected_heads
        return scripts, None

    def _start_read(self) -> DatabaseRead:
        assert self.engine is not None  # only called when there is a database
        table, schema = self.config.version_table, self.config.version_table_schema
        return DatabaseRead(self.engine, table, schema, self.timeouts, self._redactor)

    def health(self) -> ProbeResult:
        """Liveness: the process answers. Nothing external is touched, nothing is waited on."""
        return ProbeResult("health", (ProbeCheck("ping", True),))

    def _reads_database(self, exclude: frozenset[str]) -> bool:
        return self.engine is not None and not {"database", "alembic_heads"} <= exclude

    def ready(self, exclude: frozenset[str] = frozenset()) -> ProbeResult:
        """Readiness: startup guards passed, the database answers in time, heads match.

        Blocks the calling thread for at most the probe timeouts.

        Args:
            exclude: Names of checks to skip; ``startup`` cannot be skipped.
        """
        database = self._reads.current().result() if self._reads_database(exclude) else None
        return self._ready_result(database, exclude)

    async def ready_async(self, exclude: frozenset[str] = frozenset()) -> ProbeResult:
        """``ready`` for an event loop: awaits the database without holding any thread.

        Args:
            exclude: Names of checks to skip; ``startup`` cannot be skipped.
        """
        database = await self._reads.current().result_async() if self._reads_database(exclude) else None
        return self._ready_result(database, exclude)

    def _ready_result(self, database: DatabaseState | None, exclude: frozenset[str]) -> ProbeResult:
        errors = self.startup.errors
        checks = [ProbeCheck("startup", not errors, ", ".join(f"{f.id} {f.key}" for f in errors))]
        release = dict(self.startup.release)
        if database is not None:
            # null: unknown (no answer, or a version table that holds no usable heads).
            known = database.reachable and not database.malformed
            release["database_heads"] = sorted(database.heads) if known else None
            checks.append(ProbeCheck("database", database.reachable, database.error or ""))
            if self._expected is not None:
                checks.append(self._heads_check(database, self._expected))
        skipped = exclude - UNEXCLUDABLE
        return ProbeResult("ready", tuple(c for c in checks if c.name not in skipped), release)

    def _heads_check(self, database: DatabaseState, expected: frozenset[str]) -> ProbeCheck:
        if not database.reachable:
            return ProbeCheck("alembic_heads", False, "database unreachable")
        findings = compare_heads(database, expected, self._scripts, "alembic_heads", self._table)
        output = "; ".join(f"{f.id} {self._redactor.scrub(f.message)}" for f in findings)
        return ProbeCheck("alembic_heads", not findings, output)


@dataclass(frozen=True, slots=True)
class HttpResponse:
    """A framework-free HTTP response for the ASGI and WSGI adapters."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


_REASONS = {200: "OK", 404: "Not Found", 405: "Method Not Allowed", 503: "Service Unavailable"}


def reason(status: int) -> str:
    """The reason phrase for the few statuses the probes use."""
    return _REASONS[status]


def render_json(result: ProbeResult) -> bytes:
    """The JSON body: overall status, a status per check, and the release."""
    checks = {
        c.name: {"status": "pass" if c.ok else "fail", **({"output": c.output} if c.output else {})}
        for c in result.checks
    }
    body: dict[str, Any] = {"status": "pass" if result.ok else "fail", "checks": checks}
    if result.release:
        body["release"] = result.release
    return json.dumps(body, sort_keys=True).encode()


def render_verbose(result: ProbeResult) -> bytes:
    """Kubernetes ``?verbose`` text: one ``[+]``/``[-]`` line per check, then the verdict."""
    lines = [
        f"[+]{c.name} ok" if c.ok else f"[-]{c.name} failed: {c.output or 'reason withheld'}" for c in result.checks
    ]
    lines.append(f"{result.probe} check {'passed' if result.ok else 'failed'}")
    return ("\n".join(lines) + "\n").encode()


def route(path: str, mount: str, health_path: str = "/health", ready_path: str = "/ready") -> str | None:
    """Which probe ``path`` asks for, once the mount prefix is taken off.

    Handles being wrapped around an application (``path`` is ``/ready``) and
    being mounted at a prefix (``path`` may keep or drop the prefix, and may be
    empty when the mount point is the probe itself, as with Werkzeug's dispatcher).
    """
    if mount and path.startswith(mount):
        path = path[len(mount) :]
    if path in ("", "/"):
        path = "/" + mount.rstrip("/").rsplit("/", 1)[-1]
    path = path.rstrip("/") or "/"
    return {health_path: "health", ready_path: "ready"}.get(path)


App = TypeVar("App")


class ProbeEndpoints(Generic[App]):
    """What the ASGI and WSGI adapters share: the wrapped app, the probes, the paths.

    Args:
        app: The application to wrap, or ``None`` to answer 404 elsewhere.
        readiness: The process's probes.
        health_path: Path of the liveness probe.
        ready_path: Path of the readiness probe.
    """

    def __init__(
        self,
        app: App | None = None,
        *,
        readiness: Readiness,
        health_path: str = "/health",
        ready_path: str = "/ready",
    ) -> None:
        self.app = app
        self.readiness = readiness
        self.health_path, self.ready_path = health_path, ready_path

    def probe_for(self, path: str, mount: str) -> str | None:
        """``health``, ``ready`` or ``None`` for a request path under ``mount``."""
        return route(path, mount, self.health_path, self.ready_path)


@dataclass(frozen=True, slots=True)
class ProbeRequest:
    """A probe request, parsed.

    Attributes:
        probe: ``health`` or ``ready``.
        head: Whether the method was HEAD (no body in the answer).
        verbose: Whether ``?verbose`` asked for the text form.
        exclude: The checks ``?exclude=`` names.
    """

    probe: str
    head: bool
    verbose: bool
    exclude: frozenset[str]


def parse_request(probe: str, method: str, query: str) -> ProbeRequest | HttpResponse:
    """The parsed request, or the answer when there is nothing to probe (a wrong method).

    Args:
        probe: ``health`` or ``ready`` (from ``route``).
        method: The HTTP method; only GET and HEAD are allowed.
        query: The raw query string (``verbose``, ``exclude=name``).
    """
    if method not in ("GET", "HEAD"):
        return _plain(405, b"", ("allow", "GET, HEAD"))
    params = parse_qs(query, keep_blank_values=True)
    exclude = frozenset(name for value in params.get("exclude", []) for name in value.split(","))
    return ProbeRequest(probe, method == "HEAD", "verbose" in params, exclude)


def answer(request: ProbeRequest, result: ProbeResult) -> HttpResponse:
    """The HTTP answer for a probe's result."""
    body = render_verbose(result) if request.verbose else render_json(result)
    content_type = "text/plain; charset=utf-8" if request.verbose else "application/json"
    response = _plain(result.status_code, body, ("content-type", content_type))
    return HttpResponse(response.status, response.headers, b"" if request.head else body)


def respond(readiness: Readiness, probe: str, method: str, query: str) -> HttpResponse:
    """Answer one probe request in the calling thread (WSGI).

    ``/health`` returns at once; ``/ready`` waits at most the probe timeouts.

    Args:
        readiness: The process's probes.
        probe: ``health`` or ``ready`` (from ``route``).
        method: The HTTP method; only GET and HEAD are allowed.
        query: The raw query string (``verbose``, ``exclude=name``).
    """
    request = parse_request(probe, method, query)
    if isinstance(request, HttpResponse):
        return request
    result = readiness.health() if probe == "health" else readiness.ready(request.exclude)
    return answer(request, result)


async def respond_async(readiness: Readiness, probe: str, method: str, query: str) -> HttpResponse:
    """Answer one probe request on the event loop (ASGI), taking no worker thread.

    Args:
        readiness: The process's probes.
        probe: ``health`` or ``ready`` (from ``route``).
        method: The HTTP method; only GET and HEAD are allowed.
        query: The raw query string (``verbose``, ``exclude=name``).
    """
    request = parse_request(probe, method, query)
    if isinstance(request, HttpResponse):
        return request
    result = readiness.health() if probe == "health" else await readiness.ready_async(request.exclude)
    return answer(request, result)


def _plain(status: int, body: bytes, *headers: tuple[str, str]) -> HttpResponse:
    # Probes are never cached: a stale 200 is worse than none.
    fixed = (("content-type", "text/plain; charset=utf-8"), ("cache-control", "no-store"))
    named = {name for name, _ in headers}
    merged = (*headers, *(h for h in fixed if h[0] not in named), ("content-length", str(len(body))))
    return HttpResponse(status, merged, body)


NOT_FOUND = _plain(404, b"not found\n")
