"""The additive window: revisions a later release declared expand-only, so an older release may run on them.

The seed's safe abort redeploys "the previous app version compatible with the
current DB head". After an expand-only migration the database is ahead of the
previous release's ``EXPECTED_ALEMBIC_HEAD``, and that release's startup guard
rightly refuses a database it does not know. ``migrations rollback-check``
proves the revisions in between expand-only (read statically) and writes them
to a window file the later release ships; the older release's guard accepts
the database only when told to read that file (never by default), and only
if the database's heads lead down through the window's revisions to exactly
the heads it expects.

This module uses the standard library only and nothing else of ours, so the
runtime guard can use the same reader and the same acceptance rule.

The file (JSON, ``schemas/upgrade-window.schema.json``)::

    {
      "schema_version": 1,
      "kind": "additive-window",
      "created_at": "2026-05-01T12:00:00+00:00",
      "declared_by": {"ref": "v1.5.0", "commit": "<40 hex>"},
      "base_heads": ["r2"],
      "heads": ["r4"],
      "revisions": [
        {"revision": "r3", "down_revisions": ["r2"], "operations": ["op.add_column ledger"]},
        {"revision": "r4", "down_revisions": ["r3"], "operations": ["op.create_table receipts"]}
      ]
    }
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

WINDOW_KIND = "additive-window"
WINDOW_VERSION = 1
WINDOW_ENV = "ALEMBIC_ADDITIVE_WINDOW"
"""The variable naming the window file an older release's guard reads; unset, no window is accepted."""
MAX_WINDOW_BYTES = 1 << 20


class WindowError(ValueError):
    """The window file cannot be read or is not an additive window."""


def window_document(
    declared_by: Mapping[str, str],
    base_heads: Iterable[str],
    heads: Iterable[str],
    revisions: Iterable[Mapping[str, Any]],
    created_at: str,
) -> dict[str, Any]:
    """The window file's content.

    Args:
        declared_by: ``{"ref", "commit"}`` of the release whose static reading declared the revisions additive.
        base_heads: The heads the older release expects.
        heads: The heads the window ends at.
        revisions: ``{"revision", "down_revisions", "operations"}`` per revision, oldest first.
        created_at: When (ISO 8601).
    """
    return {
        "schema_version": WINDOW_VERSION,
        "kind": WINDOW_KIND,
        "created_at": created_at,
        "declared_by": dict(declared_by),
        "base_heads": sorted(base_heads),
        "heads": sorted(heads),
        "revisions": [
            {
                "revision": str(item["revision"]),
                "down_revisions": sorted(item["down_revisions"]),
                "operations": list(item.get("operations", ())),
            }
            for item in revisions
        ],
    }


def load_window(path: str | Path) -> dict[str, Any]:
    """Read and check a window file.

    Raises:
        WindowError: It cannot be read, is not JSON, or is not an additive window (says where).
    """
    path = Path(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_WINDOW_BYTES + 1)
    except OSError as error:
        raise WindowError(f"cannot read the additive window {path}: {error.strerror or error}") from None
    if len(data) > MAX_WINDOW_BYTES:
        raise WindowError(f"the additive window {path} is larger than {MAX_WINDOW_BYTES} bytes")
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise WindowError(f"the additive window {path} is not JSON: {error}") from None
    problem = window_problem(document)
    if problem is not None:
        raise WindowError(f"the additive window {path} is not valid: {problem}")
    return dict(document)


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) and item for item in value)


def window_problem(document: Any) -> str | None:
    """Why ``document`` is not an additive window, ``None`` when it is one."""
    if not isinstance(document, dict):
        return "the top level is not an object"
    if document.get("kind") != WINDOW_KIND or document.get("schema_version") != WINDOW_VERSION:
        return f"kind must be {WINDOW_KIND!r} and schema_version {WINDOW_VERSION}"
    for key in ("base_heads", "heads"):
        if not _strings(document.get(key)) or not document[key]:
            return f"{key} must be a non-empty list of revision ids"
    revisions = document.get("revisions")
    if not isinstance(revisions, list) or not revisions:
        return "revisions must be a non-empty list"
    seen = set()
    for index, item in enumerate(revisions):
        if not isinstance(item, dict) or not isinstance(item.get("revision"), str) or not item["revision"]:
            return f"revisions[{index}] has no revision id"
        if not _strings(item.get("down_revisions")) or not item["down_revisions"]:
            return f"revisions[{index}] ({item['revision']}) has no down_revisions"
        if item["revision"] in seen:
            return f"revision {item['revision']} is listed twice"
        seen.add(item["revision"])
    return None


def accepts(document: Mapping[str, Any], expected: Iterable[str], database: Iterable[str]) -> str | None:
    """Whether a database at ``database`` heads fits a release expecting ``expected`` through this window.

    The database is accepted when it is exactly at ``expected``, or when
    walking down from each database head through the window's revisions (and
    only through them) ends at revisions the release expects, reaching every
    one of them; the window must also have been declared on top of exactly
    ``expected``.

    Returns:
        ``None`` when accepted, else why not (one line).
    """
    want, have = frozenset(expected), frozenset(database)
    if have == want:
        return None
    if frozenset(document["base_heads"]) != want:
        return (
            f"the window was declared on top of {','.join(document['base_heads'])}, "
            f"this release expects {','.join(sorted(want)) or '<none>'}"
        )
    parents = {item["revision"]: tuple(item["down_revisions"]) for item in document["revisions"]}
    reached: set[str] = set()
    stack, walked = list(have), set()
    while stack:
        revision = stack.pop()
        if revision in walked:
            continue
        walked.add(revision)
        if revision in want:
            reached.add(revision)
        elif revision in parents:
            stack.extend(parents[revision])
        else:
            return f"the database reaches {revision}, which is neither an expected head nor in the window"
    missing = sorted(want - reached)
    if missing:
        return f"the database is not on top of {','.join(missing)}"
    return None
