"""``migrations.lock``: one structural hash per revision, like Atlas's ``atlas.sum``.

Format (text, one revision a line, base first)::

    # classify migrations lock: regenerate with `classify migrations lock`
    sum <digest of every line below>
    <revision> <structure digest> <file name>

The ``sum`` line changes whenever any revision is added, so two branches that
each add a migration conflict in git instead of merging into two heads. The
structure digest ignores layout, comments, docstrings and import order, so a
formatter run keeps the lock valid.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from classifier.errors import SourceError

HEADER = "# classify migrations lock: regenerate with `classify migrations lock`"


@dataclass(frozen=True, slots=True)
class LockEntry:
    revision: str
    digest: str
    filename: str


@dataclass(frozen=True, slots=True)
class LockFile:
    entries: tuple[LockEntry, ...]
    recorded_sum: str

    @property
    def actual_sum(self) -> str:
        return entries_sum(self.entries)

    def by_revision(self) -> dict[str, LockEntry]:
        return {entry.revision: entry for entry in self.entries}


def entries_sum(entries: tuple[LockEntry, ...]) -> str:
    body = "".join(f"{e.revision} {e.digest} {e.filename}\n" for e in entries)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:32]


def render_lock(entries: tuple[LockEntry, ...]) -> str:
    """The lock file's text for ``entries`` (already in graph order)."""
    lines = [HEADER, f"sum {entries_sum(entries)}"]
    lines.extend(f"{e.revision} {e.digest} {e.filename}" for e in entries)
    return "\n".join(lines) + "\n"


def parse_lock(text: str, path: str) -> LockFile:
    """Read a lock file.

    Raises:
        SourceError: a line is not ``sum <digest>`` or ``<revision> <digest> <file>``.
    """
    entries: list[LockEntry] = []
    recorded = ""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split()
        if parts[0] == "sum" and len(parts) == 2:
            recorded = parts[1]
        elif len(parts) == 3:
            entries.append(LockEntry(*parts))
        else:
            raise SourceError(
                f"{path}:{number}: not a lock line: {line.strip()[:60]!r}",
                hint="regenerate it with `classify migrations lock` (a git conflict there means both branches added revisions)",
            )
    return LockFile(tuple(entries), recorded)
