"""One ``classify`` run as the tests see it: the exit code and what it printed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Run:
    """Exit code, stdout and stderr of one run, with readers for the JSON report and the error line."""

    code: int
    out: str
    err: str

    @property
    def report(self) -> dict[str, Any]:
        return json.loads(self.out)

    @property
    def items(self) -> list[dict[str, Any]]:
        """Every finding and violation of the JSON report."""
        return [*self.report["findings"], *self.report["violations"]]

    @property
    def error_line(self) -> str:
        """The single stderr line of a refused run."""
        lines = self.err.splitlines()
        assert self.code == 2 and len(lines) == 1 and not self.out, (self.code, self.out, self.err)
        return lines[0]
