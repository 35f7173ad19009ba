"""Checks decided by an operator's command: its exit status is the answer.

The command is split like a POSIX command line and run without a shell, with
a bounded time; its output is not kept (it may hold credentials).
"""

from __future__ import annotations

import shlex
import subprocess
from typing import Any

from classifier.guard.findings import GuardFinding
from classifier.upgrade.catalogue import finding


def run_check_command(
    command: str, check_id: str, key: str, what: str, timeout: float
) -> tuple[dict[str, Any], list[GuardFinding]]:
    """Run ``command``; a failure to start or a non-zero exit is a ``check_id`` finding.

    Args:
        command: The command line.
        check_id: The id of the check the command decides.
        key: The option that named the command, for the finding.
        what: What the command checks, for the message (``The backup check``).
        timeout: Seconds before the command counts as failed.

    Returns:
        ``{"command", "exit_status"}`` for the record, and the findings.
    """
    argv = shlex.split(command)
    record: dict[str, Any] = {"command": command}
    try:
        proc = subprocess.run(argv, capture_output=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        message = f"{what} could not run: {type(error).__name__}."
        return record, [finding(check_id, key, argv[0] if argv else "", message)]
    record["exit_status"] = proc.returncode
    if proc.returncode:
        return record, [finding(check_id, key, argv[0], f"{what} exited {proc.returncode}.")]
    return record, []
