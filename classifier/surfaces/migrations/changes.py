"""Building the surface's ``Change`` facts: one helper so every rule is shaped alike."""

from __future__ import annotations

from classifier.model import Change, Location, Side

SURFACE = "migrations"


def change(kind: str, path: str, subject: str, line: int | None = None, side: Side = Side.HEAD, **fields: object) -> Change:
    """A migrations ``Change``; ``kind`` is the catalogue name of the rule it falls under."""
    return Change(surface=SURFACE, kind=kind, subject=subject, location=Location(path, line, side), fields=fields)


def shorten(text: str, limit: int = 60) -> str:
    """``text`` on one line, cut to ``limit`` characters for a message."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
