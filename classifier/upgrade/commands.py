"""Checks decided by an operator's command: its exit status is the answer.

The command is split like a POSIX command line and run without a shell, with
a bounded time; its output is not kept (it may hold credentials) unless the
operator names a log file for it.
"""

from __future__ import annotations

import contextlib
import shlex
import subprocess
import time
from pathlib import Path
from typing import Any

from classifier.guard.findings import GuardFinding
from classifier.upgrade.catalogue import finding


def run_check_command(
    command: str, check_id: str, key: str, what: str, timeout: float, log: Path | None = None
) -> tuple[dict[str, Any], list[GuardFinding]]:
    """Run ``command``; a failure to start or a non-zero exit is a ``check_id`` finding.

    Args:
        command: The command line.
        check_id: The id of the check the command decides.
        key: The option that named the command, for the finding.
        what: What the command checks, for the message (``The backup check``).
        timeout: Seconds before the command counts as failed.
        log: A file for the command's output and errors (the operator asked to
            keep them); ``None`` discards them.

    Returns:
        ``{"command", "exit_status", "seconds"}`` for the record, and the findings.
    """
    record: dict[str, Any] = {"command": command}
    try:
        argv = shlex.split(command)
    except ValueError as error:
        return record, [finding(check_id, key, command, f"{what} could not run: its command line does not parse ({error}).")]
    if not argv:
        return record, [finding(check_id, key, "", f"{what} could not run: the command is empty.")]
    started = time.monotonic()
    try:
        with contextlib.ExitStack() as stack:
            sink: Any = stack.enter_context(log.open("wb")) if log is not None else subprocess.DEVNULL
            proc = subprocess.run(argv, stdout=sink, stderr=subprocess.STDOUT, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        message = f"{what} did not finish within {timeout:g}s."
        return record, [finding(check_id, key, argv[0], message)]
    except OSError as error:
        message = f"{what} could not run: {type(error).__name__}: {error.strerror or error}."
        return record, [finding(check_id, key, argv[0], message)]
    record["exit_status"] = proc.returncode
    record["seconds"] = round(time.monotonic() - started, 3)
    if proc.returncode:
        return record, [finding(check_id, key, argv[0], f"{what} exited {proc.returncode}.")]
    return record, []
