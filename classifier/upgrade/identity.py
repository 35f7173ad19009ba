"""The target release's ``code_sha``: from the environment, checked against the checkout.

The guard's release artifact decides what the environment says
(``VERSION_HASH``, else ``GIT_SHA``; both set and different is ambiguous).
Inside a git repository the value must also be the commit checked out, so
an operator cannot migrate with one release's scripts while announcing another.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from pathlib import Path

from classifier.guard.artifact import ReleaseArtifact
from classifier.guard.findings import GuardFinding
from classifier.upgrade.catalogue import finding


def repository_head(start: Path) -> str | None:
    """The commit ``HEAD`` of the repository around ``start``, or ``None`` outside one."""
    try:
        proc = subprocess.run(
            ["git", "-C", str(start), "rev-parse", "--verify", "-q", "HEAD^{commit}"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout.strip() or None if proc.returncode == 0 else None


def confirm_code_sha(environ: Mapping[str, str], checkout: Path | None) -> tuple[str | None, list[GuardFinding]]:
    """The target ``code_sha`` and what is wrong with it.

    Args:
        environ: The deploy environment.
        checkout: Where to look for a repository; ``None`` skips that check.
    """
    code_sha = ReleaseArtifact.from_env(environ).code_sha
    if code_sha is None:
        both = environ.get("VERSION_HASH", "").strip() and environ.get("GIT_SHA", "").strip()
        why = "VERSION_HASH and GIT_SHA differ" if both else "neither VERSION_HASH nor GIT_SHA is set"
        return None, [finding("upgrade.E001", "VERSION_HASH", "<missing>", f"No target code_sha: {why}.")]
    head = repository_head(checkout) if checkout is not None else None
    if head is not None and not (len(code_sha) >= 7 and head.startswith(code_sha.lower())):
        message = f"code_sha {code_sha} is not the checked-out commit {head}."
        return code_sha, [
            finding(
                "upgrade.E001",
                "VERSION_HASH",
                code_sha,
                message,
                "Check out the release commit, or export its sha as VERSION_HASH.",
            )
        ]
    return code_sha, []
