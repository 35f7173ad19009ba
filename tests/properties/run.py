"""Comparing two folders in-process, the way the property and fuzz tests need it.

Hypothesis calls a test many times inside one pytest test, so pytest's
function-scoped ``tmp_path`` and ``capsys`` cannot be used: each call gets its
own temporary folders and captures output itself.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from classifier.cli import main

Files = dict[str, "str | bytes"]


@dataclass(frozen=True, slots=True)
class Outcome:
    code: int
    stdout: str
    stderr: str

    @property
    def report(self) -> dict:
        return json.loads(self.stdout)

    def findings(self, *fields: str) -> list[tuple]:
        return sorted(tuple(finding[field] for field in fields) for finding in self.report["findings"])


def _write(root: Path, files: Files) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for relative, content in files.items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, "utf-8")


def compare(base: Files, head: Files, *args: str) -> Outcome:
    """``classify --base-dir base --head-dir head --format json`` on two new folders."""
    with tempfile.TemporaryDirectory() as tmp:
        _write(Path(tmp, "base"), base)
        _write(Path(tmp, "head"), head)
        out, err = io.StringIO(), io.StringIO()
        # Relative folder names: the report names them, and it must not vary with the temporary folder.
        previous = os.getcwd()
        os.chdir(tmp)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(["--base-dir", "base", "--head-dir", "head", "--color", "never", "--format", "json", *args])
        finally:
            os.chdir(previous)
    return Outcome(code, out.getvalue(), err.getvalue())
