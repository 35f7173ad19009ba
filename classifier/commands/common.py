"""What every sub-command shares: exit statuses, the epilog, and writing an output."""

from __future__ import annotations

import sys
from pathlib import Path

from classifier.errors import UsageError

EXIT_PASSED = 0
EXIT_FAILED = 1
EXIT_ERROR = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130

EPILOG = """\
exit codes:
  0    passed: no violation and no finding at or above fail_on
  1    failed: a violation, or a blocking finding at or above fail_on
  2    usage, configuration, git or input error (nothing was reported as passing)
  3    internal error (please report it)
  130  interrupted (Ctrl-C)

examples:
  classify --base main
  classify --staged
  classify --base origin/main --format github --format sarif:classify.sarif
"""


def write_text(path: Path | None, text: str, what: str) -> None:
    """``text`` to stdout (``path`` None) or to ``path``, creating its folder.

    Raises:
        UsageError: ``path`` cannot be written; ``what`` names it in the message.
    """
    if path is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        if path.parent != Path(""):
            path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write the {what} to {path}: {exc.strerror}", hint="choose a writable path") from None
