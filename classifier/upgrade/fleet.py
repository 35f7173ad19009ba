"""``classify fleet check``: is every instance ready, on one release, at one head?

Each instance's ``/ready`` is read concurrently with its own timeout, so a
hung instance costs one timeout, not one per instance, and an unreachable or
garbled one is reported in its row while the others are still compared. The
seed's partial-failure signs map to ids: mixed ``code_sha`` (E020),
inconsistent heads (E021), not ready (E022), unreachable (E023).
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from classifier.errors import UsageError
from classifier.guard.findings import GuardFinding
from classifier.upgrade.catalogue import exit_status, finding
from classifier.upgrade.probe import (
    BAD_RESPONSE,
    NOT_READY,
    UNREACHABLE,
    ProbeReading,
    read_ready,
)
from classifier.upgrade.records import SCHEMA_VERSION, findings_block, now

MAX_WORKERS = 32


def read_url_file(path: Path) -> list[str]:
    """URLs from a file, one a line; blank lines and ``#`` comments are ignored.

    Raises:
        UsageError: The file cannot be read.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(
            f"--file {path}: cannot read it: {getattr(error, 'strerror', None) or error}", hint="one URL a line"
        ) from None
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def _spread(readings: Sequence[ProbeReading], attribute: str) -> dict[str, list[str]]:
    """Value -> URLs, over the instances that reported ``attribute``."""
    groups: dict[str, list[str]] = {}
    for reading in readings:
        value = getattr(reading, attribute)
        if value is not None:
            groups.setdefault(value if isinstance(value, str) else ",".join(value) or "<none>", []).append(reading.url)
    return groups


def _disagreement(check_id: str, what: str, groups: dict[str, list[str]]) -> list[GuardFinding]:
    if len(groups) < 2:
        return []
    parts = "; ".join(f"{value} on {len(urls)} ({', '.join(urls)})" for value, urls in sorted(groups.items()))
    return [finding(check_id, what, ", ".join(sorted(groups)), f"Instances disagree on {what}: {parts}.")]


def judge(readings: Sequence[ProbeReading], expected_code_sha: str | None = None) -> list[GuardFinding]:
    """Every partial-failure finding for a set of readings."""
    findings: list[GuardFinding] = []
    for reading in readings:
        if reading.state == NOT_READY:
            findings.append(
                finding("upgrade.E022", reading.url, f"HTTP {reading.http_status}", f"Not ready: {reading.detail}.")
            )
        elif reading.state in (UNREACHABLE, BAD_RESPONSE):
            findings.append(
                finding("upgrade.E023", reading.url, reading.state, f"No readiness answer: {reading.detail}.")
            )
        if expected_code_sha and reading.code_sha is not None and reading.code_sha != expected_code_sha:
            findings.append(
                finding(
                    "upgrade.E024",
                    reading.url,
                    reading.code_sha,
                    f"Runs {reading.code_sha}, expected {expected_code_sha}.",
                )
            )
    findings.extend(_disagreement("upgrade.E020", "code_sha", _spread(readings, "code_sha")))
    findings.extend(_disagreement("upgrade.E021", "expected_alembic_head", _spread(readings, "expected_heads")))
    findings.extend(_disagreement("upgrade.E021", "database_heads", _spread(readings, "database_heads")))
    return findings


def check_fleet(urls: Sequence[str], timeout: float, expected_code_sha: str | None = None) -> dict[str, Any]:
    """Read every instance and return the fleet report (``schemas/upgrade-fleet.schema.json``).

    Raises:
        UsageError: No URL was given.
    """
    if not urls:
        raise UsageError("fleet check: no instance URL given", hint="pass URLs or --file FILE")
    with ThreadPoolExecutor(max_workers=min(MAX_WORKERS, len(urls))) as pool:
        readings = list(pool.map(lambda url: read_ready(url, timeout), urls))
    findings = judge(readings, expected_code_sha)
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "fleet",
        "created_at": now(),
        "instances": [reading.to_dict() for reading in readings],
        **findings_block(findings, exit_status(findings)),
    }
