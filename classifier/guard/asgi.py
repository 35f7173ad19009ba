"""The probes as a plain ASGI application, no framework needed.

Standalone (``ProbesASGI(readiness=r)``), mounted under a prefix, or wrapped
around an application as middleware (``ProbesASGI(app, readiness=r)``, which
is also the signature Starlette's ``add_middleware`` calls).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from classifier.guard.endpoints import NOT_FOUND, HttpResponse, ProbeEndpoints, respond_async

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class ProbesASGI(ProbeEndpoints[ASGIApp]):
    """Serve ``/health`` and ``/ready`` over ASGI; pass anything else to ``app``.

    Takes the arguments of ``ProbeEndpoints``: ``app`` (optional, positional),
    then ``readiness=``, ``health_path=``, ``ready_path=``.
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The ASGI entry point."""
        probe = None
        if scope["type"] == "http":
            probe = self.probe_for(scope.get("path", ""), scope.get("root_path", ""))
        if probe is not None:
            # /health is answered right here; /ready awaits its database read without taking
            # a worker thread, so neither waits behind a thread pool that a silent database filled.
            response = await respond_async(
                self.readiness,
                probe,
                scope.get("method", "GET"),
                scope.get("query_string", b"").decode("latin-1"),
            )
            await _send(send, response)
        elif self.app is not None:
            await self.app(scope, receive, send)
        elif scope["type"] == "lifespan":
            await _lifespan(receive, send)
        elif scope["type"] == "http":
            await _send(send, NOT_FOUND)


async def _send(send: Send, response: HttpResponse) -> None:
    headers = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in response.headers]
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})


async def _lifespan(receive: Receive, send: Send) -> None:
    """Acknowledge startup and shutdown when served on its own."""
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
