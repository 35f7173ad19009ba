"""Lifecycle extensions: ``deprecated`` with ``x-sunset``, and ``x-stability-level``.

``x-sunset`` is the date from which a deprecated operation, parameter or
property may be removed: an ISO date (``2026-12-31``) or an RFC 3339 date-time.
Whether that date has passed is judged against the run's reference date
(``OpenAPIConfig.today``, the wall clock only when none is given), so the same
comparison gives the same verdict on any day.

``x-stability-level`` (``draft`` < ``alpha`` < ``beta`` < ``stable``; absent
means ``stable``) says what an operation promises: ``draft`` and ``alpha``
operations promise nothing, so their changes break no client, and lowering an
operation's level withdraws a promise.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from classifier.surfaces.openapi.refs import At
from classifier.surfaces.openapi.walk import Context, Walk

STABILITY_LEVELS = ("draft", "alpha", "beta", "stable")
UNSTABLE_LEVELS = frozenset({"draft", "alpha"})
DEFAULT_LEVEL = "stable"
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2}))?$")


def sunset(at: At) -> str:
    """The ``x-sunset`` of an operation, parameter or property as written, or ``""`` when none is given."""
    value = at.get("x-sunset")
    return "" if value is None else str(value)


def sunset_date(text: str) -> datetime.date | None:
    """The day of an ``x-sunset`` value; None when it is not an ISO date or RFC 3339 date-time."""
    if not _RFC3339.match(text.strip()):
        return None
    try:
        return datetime.date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def reference_date(walk: Walk) -> datetime.date:
    """The day sunsets are judged against: the configured one, or today's."""
    return walk.config.today or datetime.date.today()


def sunset_pending(walk: Walk, at: At) -> bool:
    """Whether a deprecated element's sunset has not come yet (a sunset that cannot be read has not)."""
    text = sunset(at)
    if not text:
        return False
    day = sunset_date(text)
    return day is None or day > reference_date(walk)


def removal_fields(walk: Walk, at: At) -> dict[str, Any]:
    """What the rules need to judge a removed element: deprecated, its sunset, and whether it is still ahead."""
    return {"deprecated": at.get("deprecated") is True, "sunset": sunset(at), "before_sunset": sunset_pending(walk, at)}


def sunset_note(at: At) -> str:
    """`` (deprecated, x-sunset <date>)`` for a removed element that announced its sunset, else ``""``."""
    date = sunset(at)
    return f" (deprecated, x-sunset {date})" if date and at.get("deprecated") is True else ""


def sunset_changes(walk: Walk, old: At, new: At, ctx: Context, label: str) -> None:
    """Record an ``x-sunset`` moved earlier, deleted while still deprecated, or changed to something not a date."""
    before, after = sunset(old), sunset(new)
    if before == after:
        return
    owner = f"{label} " if label else ""
    if after and sunset_date(after) is None:
        walk.added("sunset-invalid", new, ctx, f"{owner}x-sunset {after!r} is not a date (YYYY-MM-DD or RFC 3339)",
                   key="x-sunset")
        return
    if before and not after:
        if new.get("deprecated") is True:
            walk.added("sunset-removed", new, ctx, f"{owner}x-sunset {before} removed while still deprecated",
                       key="x-sunset")
        return
    was, now = sunset_date(before), sunset_date(after)
    if was is not None and now is not None and now < was:
        walk.added("sunset-brought-forward", new, ctx, f"{owner}x-sunset moved earlier, from {before} to {after}")


def stability(at: At) -> str | None:
    """An operation's stability level; None when the value is not one of the four levels."""
    value = at.get("x-stability-level", DEFAULT_LEVEL)
    return value if value in STABILITY_LEVELS else None


def promises_nothing(at: At) -> bool:
    """Whether an operation is ``draft`` or ``alpha`` (a level that cannot be read promises everything)."""
    return stability(at) in UNSTABLE_LEVELS


def stability_changes(walk: Walk, old: At | None, new: At, ctx: Context, label: str = "") -> None:
    """Record a stability level lowered, raised, or set to a value that is not a level (of an operation or property)."""
    raw_before = old.get("x-stability-level") if old is not None else None
    raw_after = new.get("x-stability-level")
    if raw_before == raw_after:
        return
    owner = f"{label} " if label else ""
    if raw_after is not None and stability(new) is None:
        walk.added("stability-level-invalid", new, ctx, f"{owner}x-stability-level {raw_after!r} is not one of "
                   f"{', '.join(STABILITY_LEVELS)}", key="x-stability-level")
        return
    if old is None:
        return
    before, after = stability(old) or DEFAULT_LEVEL, stability(new) or DEFAULT_LEVEL
    if before == after:
        return
    kind = "stability-decreased" if STABILITY_LEVELS.index(after) < STABILITY_LEVELS.index(before) \
        else "stability-increased"
    walk.added(kind, new, ctx, f"{owner}x-stability-level changed from {before} to {after}", key="x-stability-level")
