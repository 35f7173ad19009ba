"""The probes as a plain WSGI application, no framework needed.

Standalone (``ProbesWSGI(readiness=r)``), mounted with a dispatcher, or
wrapped around an application (``flask_app.wsgi_app = ProbesWSGI(flask_app.wsgi_app, readiness=r)``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from classifier.guard.endpoints import NOT_FOUND, ProbeEndpoints, reason, respond

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class ProbesWSGI(ProbeEndpoints[WSGIApp]):
    """Serve ``/health`` and ``/ready`` over WSGI; pass anything else to ``app``.

    Takes the arguments of ``ProbeEndpoints``: ``app`` (optional, positional),
    then ``readiness=``, ``health_path=``, ``ready_path=``.
    """

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """The WSGI entry point."""
        probe = self.probe_for(environ.get("PATH_INFO", ""), environ.get("SCRIPT_NAME", ""))
        if probe is None and self.app is not None:
            return self.app(environ, start_response)
        response = (
            NOT_FOUND
            if probe is None
            else respond(self.readiness, probe, environ.get("REQUEST_METHOD", "GET"), environ.get("QUERY_STRING", ""))
        )
        start_response(f"{response.status} {reason(response.status)}", list(response.headers))
        return [response.body]
