"""``/health`` and ``/ready``: the status code is the contract, the body is for people.

``/health`` (liveness) checks nothing external: a failing database must not
get a healthy process restarted. ``/ready`` (readiness) answers 200 only when
the startup guards passed, the database answers and its heads match; else 503.
The JSON body carries a status per check plus the release artifact, so a
fleet can be compared instance by instance; ``?verbose`` gives Kubernetes-style
``[+]name ok`` / ``[-]name failed: …`` lines and ``?exclude=name`` skips a check.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar
from urllib.parse import parse_qs

from classifier.guard.config import GuardConfig
from classifier.guard.heads import compare_heads, load_scripts, read_database
from classifier.guard.startup import StartupReport, evaluate_startup, redactor_for

if TYPE_CHECKING:
    from alembic.script import ScriptDirectory
    from sqlalchemy.engine import Engine


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
        self._scripts, self._expected = self._target(self.startup)

    def _target(self, startup: StartupReport) -> tuple[ScriptDirectory | None, frozenset[str] | None]:
        """The script directory and the heads the database must be at."""
        scripts = None
        if self.config.script_location:
            try:
                scripts = load_scripts(self.config.script_location)
            except Exception:  # already reported by the startup guards (release.E016)
                return None, startup.artifact.expected_heads or None
        if startup.artifact.expected_alembic_head is not None:
            return scripts, startup.artifact.expected_heads
        return scripts, frozenset(scripts.get_heads()) if scripts is not None else None

    def health(self) -> ProbeResult:
        """Liveness: the process answers. Nothing external is touched."""
        return ProbeResult("health", (ProbeCheck("ping", True),))

    def ready(self, exclude: frozenset[str] = frozenset()) -> ProbeResult:
        """Readiness: startup guards passed, the database answers, heads match.

        Args:
            exclude: Names of checks to skip.
        """
        errors = self.startup.errors
        checks = [ProbeCheck("startup", not errors, ", ".join(f"{f.id} {f.key}" for f in errors))]
        release = dict(self.startup.release)
        if self.engine is not None and not {"database", "alembic_heads"} <= exclude:
            database = read_database(self.engine, self.config, self._redactor)
            release["database_heads"] = sorted(database.heads) if database.reachable else None
            checks.append(ProbeCheck("database", database.reachable, database.error or ""))
            if self._expected is not None:
                findings = (
                    compare_heads(database, self._expected, self._scripts, "alembic_heads")
                    if database.reachable
                    else []
                )
                output = "; ".join(f"{f.id} {f.message}" for f in findings) or (
                    "" if database.reachable else "database unreachable"
                )
                checks.append(ProbeCheck("alembic_heads", database.reachable and not findings, output))
        return ProbeResult("ready", tuple(c for c in checks if c.name not in exclude), release)


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


def respond(readiness: Readiness, probe: str, method: str, query: str) -> HttpResponse:
    """Answer one probe request.

    Args:
        readiness: The process's probes.
        probe: ``health`` or ``ready`` (from ``route``).
        method: The HTTP method; only GET and HEAD are allowed.
        query: The raw query string (``verbose``, ``exclude=name``).
    """
    if method not in ("GET", "HEAD"):
        return _plain(405, b"", ("allow", "GET, HEAD"))
    params = parse_qs(query, keep_blank_values=True)
    exclude = frozenset(name for value in params.get("exclude", []) for name in value.split(","))
    result = readiness.health() if probe == "health" else readiness.ready(exclude)
    verbose = "verbose" in params
    body = render_verbose(result) if verbose else render_json(result)
    content_type = "text/plain; charset=utf-8" if verbose else "application/json"
    response = _plain(result.status_code, body, ("content-type", content_type))
    return HttpResponse(response.status, response.headers, b"" if method == "HEAD" else body)


def _plain(status: int, body: bytes, *headers: tuple[str, str]) -> HttpResponse:
    # Probes are never cached: a stale 200 is worse than none.
    fixed = (("content-type", "text/plain; charset=utf-8"), ("cache-control", "no-store"))
    named = {name for name, _ in headers}
    merged = (*headers, *(h for h in fixed if h[0] not in named), ("content-length", str(len(body))))
    return HttpResponse(status, merged, body)


NOT_FOUND = _plain(404, b"not found\n")
