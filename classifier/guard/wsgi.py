"""The probes as a plain WSGI application, no framework needed.

Standalone (``ProbesWSGI(readiness=r)``), mounted with a dispatcher, or
wrapped around an application (``flask_app.wsgi_app = ProbesWSGI(flask_app.wsgi_app, readiness=r)``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from classifier.guard.probes import NOT_FOUND, Readiness, reason, respond, route

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class ProbesWSGI:
    """Serve ``/health`` and ``/ready``; pass anything else to ``app``.

    Args:
        app: The application to wrap, or ``None`` to answer 404 elsewhere.
        readiness: The process's probes.
        health_path: Path of the liveness probe.
        ready_path: Path of the readiness probe.
    """

    def __init__(
        self,
        app: WSGIApp | None = None,
        *,
        readiness: Readiness,
        health_path: str = "/health",
        ready_path: str = "/ready",
    ) -> None:
        self.app = app
        self.readiness = readiness
        self.paths = (health_path, ready_path)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """The WSGI entry point."""
        probe = route(environ.get("PATH_INFO", ""), environ.get("SCRIPT_NAME", ""), *self.paths)
        if probe is None and self.app is not None:
            return self.app(environ, start_response)
        response = NOT_FOUND if probe is None else respond(
            self.readiness, probe, environ.get("REQUEST_METHOD", "GET"), environ.get("QUERY_STRING", "")
        )
        start_response(f"{response.status} {reason(response.status)}", list(response.headers))
        return [response.body]
