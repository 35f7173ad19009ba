"""Huge branches written straight into git's object store with ``git fast-import``.

Writing 40,000 files to disk and committing them would cost the test suite
more than the comparison it measures; ``fast-import`` builds the same two
commits from one stream in about a second.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.conftest import GIT_ENV

MODULE = 'import logging\n\nlog = logging.getLogger(__name__)\n\n\ndef value_{n}():\n    """Value {n}."""\n    return {n}\n'
# One edit of each kind the generic surface tells apart: code, docstring, log call.
EDITS = (
    ("return {n}", "return {n} + 1"),
    ('"""Value {n}."""', '"""Value number {n}."""'),
    ("    return {n}", '    log.info("value")\n    return {n}'),
)


def module_path(n: int) -> str:
    return f"pkg{n % 100:02d}/module_{n}.py"


def edited_module(n: int) -> str:
    old, new = EDITS[n % len(EDITS)]
    return MODULE.format(n=n).replace(old.format(n=n), new.format(n=n), 1)


def _commit(stream: list[bytes], message: str, files: dict[str, bytes]) -> None:
    # Without a ``from`` line, a commit's parent is the branch's previous commit of the stream.
    stream.append(b"commit refs/heads/main\ncommitter Test <test@example.invalid> 1700000000 +0000\n")
    stream.append(b"data %d\n%s\n" % (len(message), message.encode()))
    for path, data in files.items():
        stream.append(b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(data), data))


def write_python_branch(repo: Path, files: int) -> None:
    """Two commits on ``main``: ``files`` Python modules, then every one of them edited."""
    stream: list[bytes] = []
    _commit(stream, "modules", {module_path(n): MODULE.format(n=n).encode() for n in range(files)})
    _commit(stream, "edit every module", {module_path(n): edited_module(n).encode() for n in range(files)})
    subprocess.run(["git", "fast-import", "--quiet"], cwd=repo, input=b"".join(stream), check=True,
                   capture_output=True, env={**os.environ, **GIT_ENV})
