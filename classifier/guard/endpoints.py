"""The probes over HTTP, for the ASGI and WSGI adapters: parse, route, render.

Framework-free: a request becomes a ``ProbeRequest``, a ``ProbeResult``
becomes an ``HttpResponse``. ``/health`` is answered without waiting on
anything; ``/ready`` blocks the calling thread (``respond``, WSGI) or awaits
without one (``respond_async``, ASGI), at most the database timeouts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from urllib.parse import parse_qs

from classifier.guard.probes import ProbeResult, Readiness


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
