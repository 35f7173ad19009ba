"""Read one instance's ``/ready`` answer over HTTP, whatever it turns out to be.

The status code is the contract (200 ready, 503 not ready); the JSON body of
``classifier.guard``'s probe adds the release (``code_sha``, expected and
seen heads) and a status per check. A refused connection, a timeout or a
body that is not that JSON is a reading too, never an exception: one bad
instance must not hide the others.
"""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any

MAX_BODY_BYTES = 1 << 20

READY, NOT_READY, UNREACHABLE, BAD_RESPONSE = "ready", "not-ready", "unreachable", "bad-response"


@dataclass(frozen=True, slots=True)
class ProbeReading:
    """What one readiness URL answered.

    Attributes:
        url: The URL asked.
        state: ``ready``, ``not-ready``, ``unreachable`` or ``bad-response``.
        http_status: The HTTP status, when there was one.
        code_sha: ``release.code_sha`` of the body.
        expected_heads: ``release.expected_alembic_head`` as a sorted tuple.
        database_heads: ``release.database_heads`` (``None`` when not reported).
        failed_checks: Names of the body's checks whose status is not ``pass``.
        detail: Why it is not ready or not readable, one line.
    """

    url: str
    state: str
    http_status: int | None = None
    code_sha: str | None = None
    expected_heads: tuple[str, ...] | None = None
    database_heads: tuple[str, ...] | None = None
    failed_checks: tuple[str, ...] = field(default_factory=tuple)
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The JSON form used in records and the fleet report."""
        return {
            "url": self.url,
            "state": self.state,
            "http_status": self.http_status,
            "code_sha": self.code_sha,
            "expected_heads": None if self.expected_heads is None else list(self.expected_heads),
            "database_heads": None if self.database_heads is None else list(self.database_heads),
            "failed_checks": list(self.failed_checks),
            "detail": self.detail,
        }


def http_get(url: str, timeout: float) -> tuple[int, bytes] | str:
    """``(status, body)`` of a GET, any status included, or why there was no answer."""
    request = urllib.request.Request(url, headers={"accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read(MAX_BODY_BYTES)
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read(MAX_BODY_BYTES)
    except (TimeoutError, urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(reason, (socket.timeout, TimeoutError)):
            return "timed out"
        text = f"{type(reason).__name__}: {reason}"
        return text.splitlines()[0] if text else "no detail"


def read_ready(url: str, timeout: float) -> ProbeReading:
    """GET ``url`` and read it as a readiness probe, within ``timeout`` seconds."""
    answer = http_get(url, timeout)
    if isinstance(answer, str):
        return ProbeReading(url, UNREACHABLE, detail=answer)
    return _reading(url, *answer)


def _heads(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, str):
        return tuple(sorted(item.strip() for item in value.split(",") if item.strip()))
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(sorted(value))
    return None


def _reading(url: str, status: int, body: bytes) -> ProbeReading:
    try:
        data = json.loads(body)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        # Not the probe's JSON: an error status still says "not ready"; a 200 says nothing usable.
        state = BAD_RESPONSE if status == 200 else NOT_READY
        return ProbeReading(url, state, status, detail=f"HTTP {status} with a body that is not a JSON object")
    release: dict[str, Any] = data["release"] if isinstance(data.get("release"), dict) else {}
    checks: dict[str, Any] = data["checks"] if isinstance(data.get("checks"), dict) else {}
    failed = tuple(
        sorted(
            name for name, check in checks.items() if not (isinstance(check, dict) and check.get("status") == "pass")
        )
    )
    # The status code is the contract; a body saying "fail" is believed too.
    state = READY if status == 200 and data.get("status") != "fail" else NOT_READY
    outputs = [f"{name}: {checks[name].get('output', 'failed')}" for name in failed if isinstance(checks[name], dict)]
    detail = "" if state == READY else "; ".join(outputs) or f"HTTP {status}"
    code_sha = release.get("code_sha")
    return ProbeReading(
        url,
        state,
        status,
        code_sha if isinstance(code_sha, str) else None,
        _heads(release.get("expected_alembic_head")),
        _heads(release.get("database_heads")),
        failed,
        detail,
    )
